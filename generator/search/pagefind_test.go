package search_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/snapdoc/snapdoc/generator/internal/browsertest"
)

// gzipText serves dir as a static host does: text (HTML, CSS, JS, JSON)
// gzipped, everything else as it is.
func gzipText(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch filepath.Ext(r.URL.Path) {
		case ".html", ".css", ".js", ".json", "":
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				w.Header().Set("Content-Encoding", "gzip")
				zw := gzip.NewWriter(w)
				defer zw.Close()
				files.ServeHTTP(gzipWriter{w, zw}, r)
				return
			}
		}
		files.ServeHTTP(w, r)
	})
}

type gzipWriter struct {
	http.ResponseWriter
	zw *gzip.Writer
}

func (g gzipWriter) Write(b []byte) (int, error) { return g.zw.Write(b) }

func (g gzipWriter) WriteHeader(code int) {
	g.Header().Del("Content-Length")
	g.ResponseWriter.WriteHeader(code)
}

// pagefindQuery runs a query with Pagefind's JS API as its default UI
// does: search, then the data of the first five results. Pagefind
// fetches from a worker, which the page's resource timings do not see;
// the server counts the bytes.
const pagefindQuery = `(async (q) => {
	window.pf ??= await import("/pagefind/pagefind.js");
	const s = await window.pf.search(q);
	await Promise.all(s.results.slice(0, 5).map((r) => r.data()));
	return s.results.length;
})`

// counter counts the body bytes a handler sends under /pagefind/.
type counter struct {
	h http.Handler
	n atomic.Int64
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Nothing is cached, so that each fresh page downloads anew (a
	// worker's fetches ignore the page's disabled cache).
	w.Header().Set("Cache-Control", "no-store")
	if strings.HasPrefix(r.URL.Path, "/pagefind/") {
		w = countingWriter{w, &c.n}
	}
	c.h.ServeHTTP(w, r)
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c countingWriter) Write(b []byte) (int, error) {
	c.n.Add(int64(len(b)))
	return c.ResponseWriter.Write(b)
}

// TestComparePagefind measures what Pagefind's client downloads for the
// sample queries on a site it indexed, in Chromium, beside what ours
// does on the same site (the same accounting as BenchmarkSearch). It runs
// only when SNAPDOC_PAGEFIND_SITE names a built site with both indexes:
//
//	snapdoc build --source SITE && npx pagefind@1.6 --site SITE/public
//	SNAPDOC_PAGEFIND_SITE=SITE/public go test -run TestComparePagefind -v ./generator/search
func TestComparePagefind(t *testing.T) {
	site := os.Getenv("SNAPDOC_PAGEFIND_SITE")
	if site == "" {
		t.Skip("set SNAPDOC_PAGEFIND_SITE to a built site indexed by Pagefind too")
	}
	count := &counter{h: gzipText(site)}
	srv := httptest.NewServer(count)
	t.Cleanup(srv.Close)
	ctx := browsertest.New(t)
	noCache := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
		return err
	})
	if err := chromedp.Do(ctx, noCache); err != nil {
		t.Fatal(err)
	}
	// run runs queries on a fresh page and returns the bytes the last one
	// downloaded, and all of them did.
	run := func(queries ...string) (last, total int) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/404.html")); err != nil {
			t.Fatal(err)
		}
		count.n.Store(0)
		before := int64(0)
		for _, q := range queries {
			before = count.n.Load()
			js, _ := json.Marshal(q)
			n, err := chromedp.Run(ctx, chromedp.Evaluate[int](pagefindQuery+"("+string(js)+")", chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 && !strings.Contains(q, `"`) {
				t.Errorf("pagefind finds nothing for %s", q)
			}
		}
		return int(count.n.Load() - before), int(count.n.Load())
	}
	var pfFirst, pfFurther []int
	for i, q := range SampleQueries {
		_, first := run(q)
		pfFirst = append(pfFirst, first)
		further := first
		if i > 0 {
			further, _ = run(SampleQueries[i-1], q)
		}
		pfFurther = append(pfFurther, further)
	}
	ourFirst, ourFurther := queryBytes(t, site, SampleQueries)
	for i, q := range SampleQueries {
		t.Logf("%-20s pagefind first %7d further %7d | snapdoc first %6d further %6d", q, pfFirst[i], pfFurther[i], ourFirst[i], ourFurther[i])
	}
	pfSize, pfFiles := dirSize(t, filepath.Join(site, "pagefind"))
	size, files := dirSize(t, filepath.Join(site, "search"))
	t.Logf("median bytes: pagefind first %.0f, further %.0f; snapdoc first %.0f, further %.0f", median(pfFirst), median(pfFurther[1:]), median(ourFirst), median(ourFurther[1:]))
	t.Logf("index: pagefind %d bytes in %d files; snapdoc %d bytes in %d files", pfSize, pfFiles, size, files)
	if median(ourFirst)*2 > median(pfFirst) || median(ourFurther[1:])*2 > median(pfFurther[1:]) {
		t.Errorf("snapdoc's queries download more than half of Pagefind's")
	}
}
