package search_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/generator/search"
	"github.com/snapdoc/snapdoc/generator/sitegen"
	"github.com/snapdoc/snapdoc/templates"
)

// SampleQueries are the benchmark's queries on a synthetic site (see
// package sitegen): common words, rare words (identifiers of one or a
// few lessons), tags, quoted two-word phrases and two-word queries.
var SampleQueries = []string{
	"cache", "request", "stream", "token", "fresh", "validate",
	"lesson-57", "lesson-901", "textual_cursor", "lenient_quota", "shared_window", "binary_socket",
	"multipart", "cache-control", "bearer-token",
	`"stale cache"`, `"fetch token"`, `"secure endpoint"`,
	"retry timeout", "signed request",
}

// shownResults is how many results a query shows at first, as
// search.js does (and Pagefind's default UI).
const shownResults = 5

// builtSite writes a synthetic site of n lessons and builds it, once per
// machine (the site is kept under the temporary directory), and returns
// the built site's directory.
func builtSite(tb testing.TB, n int) string {
	tb.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("snapdoc-search-bench-%d", n))
	public := filepath.Join(dir, "public")
	if _, err := os.Stat(filepath.Join(public, "search", search.MetaFile)); err == nil {
		return public
	}
	if err := os.RemoveAll(dir); err != nil {
		tb.Fatal(err)
	}
	if err := sitegen.Write(dir, n, sitegen.Options{Seed: 1, Config: true}); err != nil {
		tb.Fatal(err)
	}
	if _, err := generator.Build(context.Background(), generator.Options{Source: dir, Theme: templates.FS}); err != nil {
		tb.Fatal(err)
	}
	return public
}

// wireSize is a file's size as a static host serves it: text files
// gzipped (as hosts compress text), the index's files as they are (they
// are gzipped already).
func wireSize(tb testing.TB, fsys fs.FS, name string) int {
	tb.Helper()
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		tb.Fatal(err)
	}
	switch filepath.Ext(name) {
	case ".js", ".json", ".css", ".html":
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
		return min(len(data), buf.Len())
	}
	return len(data)
}

// queryBytes returns, for each query, the bytes a reader's browser
// downloads for it on a fresh page (first) and after the query before it
// (further): search.js, meta.json, the shards of the query's keys and
// the fragments of the results shown; a file fetched before is cached.
func queryBytes(tb testing.TB, site string, queries []string) (first, further []int) {
	tb.Helper()
	root := os.DirFS(site)
	idx, err := fs.Sub(root, search.Dir)
	if err != nil {
		tb.Fatal(err)
	}
	js := wireSize(tb, root, "static/search.js")
	run := func(s *search.Searcher, q string) {
		hits, err := s.Search(q)
		if err != nil {
			tb.Fatal(err)
		}
		for _, h := range hits[:min(len(hits), shownResults)] {
			if _, err := s.Fragment(h.Page); err != nil {
				tb.Fatal(err)
			}
		}
	}
	size := func(names []string) int {
		n := 0
		for _, name := range names {
			n += wireSize(tb, idx, name)
		}
		return n
	}
	for i, q := range queries {
		s, err := search.NewSearcher(idx)
		if err != nil {
			tb.Fatal(err)
		}
		if i > 0 {
			run(s, queries[i-1])
		}
		before := len(s.Read)
		run(s, q)
		further = append(further, size(s.Read[before:]))
		fresh, err := search.NewSearcher(idx)
		if err != nil {
			tb.Fatal(err)
		}
		run(fresh, q)
		first = append(first, js+size(fresh.Read))
	}
	return first, further
}

// median returns the median of xs.
func median(xs []int) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return float64(s[len(s)/2])
	}
	return float64(s[len(s)/2-1]+s[len(s)/2]) / 2
}

// dirSize is the total size of the files under dir.
func dirSize(tb testing.TB, dir string) (n int64, files int) {
	tb.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		n += fi.Size()
		files++
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n, files
}

// benchSizes are the site sizes of BenchmarkSearch: 1k lessons, and 10k
// too when SNAPDOC_BENCH_10K is set.
func benchSizes() []int {
	if os.Getenv("SNAPDOC_BENCH_10K") != "" {
		return []int{1000, 10000}
	}
	return []int{1000}
}

// BenchmarkSearch reports, for a built synthetic site, the index's size
// and the median bytes a reader downloads for the sample queries, on a
// fresh page and for a further query; each op answers all the queries as
// the client does. BenchmarkSearchIndex in package generator times the
// index's build.
func BenchmarkSearch(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("lessons=%d", n), func(b *testing.B) {
			site := builtSite(b, n)
			size, files := dirSize(b, filepath.Join(site, search.Dir))
			first, further := queryBytes(b, site, SampleQueries)
			idx, err := fs.Sub(os.DirFS(site), search.Dir)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				s, err := search.NewSearcher(idx)
				if err != nil {
					b.Fatal(err)
				}
				for _, q := range SampleQueries {
					if _, err := s.Search(q); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(size), "index-B")
			b.ReportMetric(float64(files), "index-files")
			b.ReportMetric(median(first), "first-B/query")
			b.ReportMetric(median(further), "further-B/query")
			if testing.Verbose() {
				for i, q := range SampleQueries {
					b.Logf("%-20s first %6d B, further %6d B", q, first[i], further[i])
				}
			}
		})
	}
}
