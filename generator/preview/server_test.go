package preview

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func startServer(t testing.TB, opts ServerOptions) (*Server, *httptest.Server) {
	t.Helper()
	s := NewServer(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		ts.Close()
	})
	return s, ts
}

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func fetch(t testing.TB, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func testSite() map[string][]byte {
	return map[string][]byte{
		"index.html":          []byte("<html><body><h1>Home</h1></body></html>"),
		"go/intro/index.html": []byte("<html><body>Intro</body></html>"),
		"404.html":            []byte("<html><body>Not here</body></html>"),
		"style.css":           []byte("body{color:red}</body>"),
		"data.json":           []byte(`{"a":1}`),
		"feed.xml":            []byte("<rss/>"),
		"README":              []byte("plain words"),
		"logo.svg":            []byte("<svg/>"),
	}
}

// tagRE matches the injected script tag and captures its version.
var tagRE = regexp.MustCompile(`<script src="/_snapdoc/live\.js" data-version="([0-9a-f]+-[0-9]+)" defer></script>`)

func TestServeFiles(t *testing.T) {
	t.Parallel()
	s, ts := startServer(t, ServerOptions{})
	s.Update(testSite(), nil)

	tests := map[string]struct {
		path     string
		status   int
		ctype    string
		body     string // the body without the injected tag
		injected bool
		location string
	}{
		"root":            {"/", 200, "text/html; charset=utf-8", "<html><body><h1>Home</h1></body></html>", true, ""},
		"pretty dir":      {"/go/intro/", 200, "text/html; charset=utf-8", "<html><body>Intro</body></html>", true, ""},
		"index file":      {"/go/intro/index.html", 200, "text/html; charset=utf-8", "<html><body>Intro</body></html>", true, ""},
		"redirect":        {"/go/intro", 302, "", "", false, "/go/intro/"},
		"redirect query":  {"/go/intro?tab=go", 302, "", "", false, "/go/intro/?tab=go"},
		"missing":         {"/nope/", 404, "text/html; charset=utf-8", "<html><body>Not here</body></html>", true, ""},
		"missing file":    {"/go/intro/x.png", 404, "text/html; charset=utf-8", "<html><body>Not here</body></html>", true, ""},
		"dot dot":         {"/go/../go/intro/", 200, "text/html; charset=utf-8", "<html><body>Intro</body></html>", true, ""},
		"css":             {"/style.css", 200, "text/css; charset=utf-8", "body{color:red}</body>", false, ""},
		"json":            {"/data.json", 200, "application/json", `{"a":1}`, false, ""},
		"xml":             {"/feed.xml", 200, "application/xml; charset=utf-8", "<rss/>", false, ""},
		"svg":             {"/logo.svg", 200, "image/svg+xml", "<svg/>", false, ""},
		"sniffed":         {"/README", 200, "text/plain; charset=utf-8", "plain words", false, ""},
		"dir without idx": {"/go/", 404, "text/html; charset=utf-8", "<html><body>Not here</body></html>", true, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp, body := fetch(t, "GET", ts.URL+tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tc.status)
			}
			if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
				t.Errorf("Cache-Control = %q, want no-cache", got)
			}
			if tc.location != "" {
				if got := resp.Header.Get("Location"); got != tc.location {
					t.Errorf("Location = %q, want %q", got, tc.location)
				}
				return
			}
			if got := resp.Header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("Content-Type = %q, want %q", got, tc.ctype)
			}
			if got := tagRE.FindAllString(body, -1); len(got) != map[bool]int{true: 1}[tc.injected] {
				t.Errorf("script tags = %q, want injected %v", got, tc.injected)
			}
			if got := tagRE.ReplaceAllString(body, ""); got != tc.body {
				t.Errorf("body = %q, want %q", got, tc.body)
			}
		})
	}
}

func TestServeWithout404Page(t *testing.T) {
	t.Parallel()
	s, ts := startServer(t, ServerOptions{})
	s.Update(map[string][]byte{"index.html": []byte("hi")}, nil)
	wantPlain404(t, ts.URL+"/missing")
}

func TestServeBeforeUpdate(t *testing.T) {
	t.Parallel()
	_, ts := startServer(t, ServerOptions{})
	wantPlain404(t, ts.URL+"/")
}

// wantPlain404 checks that url gets the built-in 404 page, live client
// included.
func wantPlain404(t *testing.T, url string) {
	t.Helper()
	resp, body := fetch(t, "GET", url)
	if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("got %d %q, want a 404 HTML page", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, "404 page not found") || !tagRE.MatchString(body) {
		t.Fatalf("body %q, want the plain 404 page with the live client", body)
	}
}

func TestServeMethods(t *testing.T) {
	t.Parallel()
	s, ts := startServer(t, ServerOptions{})
	s.Update(testSite(), nil)

	resp, body := fetch(t, "HEAD", ts.URL+"/nope")
	if resp.StatusCode != 404 || body != "" || resp.ContentLength <= 0 {
		t.Errorf("HEAD 404: status %d, body %q, length %d", resp.StatusCode, body, resp.ContentLength)
	}
	resp, body = fetch(t, "HEAD", ts.URL+"/style.css")
	if resp.StatusCode != 200 || body != "" || resp.ContentLength != int64(len("body{color:red}</body>")) {
		t.Errorf("HEAD: status %d, body %q, length %d", resp.StatusCode, body, resp.ContentLength)
	}
	resp, _ = fetch(t, "POST", ts.URL+"/")
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestServeLiveJS(t *testing.T) {
	t.Parallel()
	_, ts := startServer(t, ServerOptions{})
	resp, body := fetch(t, "GET", ts.URL+"/_snapdoc/live.js")
	if resp.StatusCode != 200 || body != string(liveJS) || len(body) == 0 {
		t.Fatalf("status %d, %d bytes, want the embedded client", resp.StatusCode, len(body))
	}
	if got := resp.Header.Get("Content-Type"); got != "text/javascript; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("Cache-Control = %q", got)
	}
}

func TestInject(t *testing.T) {
	t.Parallel()
	const tag = `<script src="/_snapdoc/live.js" data-version="v-1" defer></script>`
	tests := map[string]struct{ in, want string }{
		"body":       {"<body>x</body></html>", "<body>x" + tag + "</body></html>"},
		"upper case": {"<BODY>x</BODY>", "<BODY>x" + tag + "</BODY>"},
		"last body":  {"<body><pre>&lt;/body></pre></body>", "<body><pre>&lt;/body></pre>" + tag + "</body>"},
		"literal":    {"<p>a </body> in text</p></body>", "<p>a </body> in text</p>" + tag + "</body>"},
		"none":       {"<p>fragment", "<p>fragment" + tag},
		"empty":      {"", tag},
	}
	for name, tc := range tests {
		if got := string(inject([]byte(tc.in), "v-1")); got != tc.want {
			t.Errorf("%s: inject(%q) = %q, want %q", name, tc.in, got, tc.want)
		}
	}
}

// TestUpdateIsAtomic checks that every response comes from one site
// version: the page's text and its injected version always agree.
func TestUpdateIsAtomic(t *testing.T) {
	t.Parallel()
	s, ts := startServer(t, ServerOptions{})
	site := func(gen int) map[string][]byte {
		page := []byte(fmt.Sprintf("<body>gen %d</body>", gen))
		return map[string][]byte{"index.html": page, "a/index.html": page}
	}
	s.Update(site(1), nil)

	var wg sync.WaitGroup
	wg.Go(func() {
		for gen := 2; gen <= 200; gen++ {
			s.Update(site(gen), nil)
		}
	})
	for range 2 {
		wg.Go(func() {
			for range 100 {
				_, body := fetch(t, "GET", ts.URL+"/a/")
				m := regexp.MustCompile(`gen (\d+)<script[^>]*data-version="[0-9a-f]+-(\d+)"`).FindStringSubmatch(body)
				if m == nil || m[1] != m[2] {
					t.Errorf("page %q mixes versions", body)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestServeLeavesFilesAlone(t *testing.T) {
	t.Parallel()
	s, ts := startServer(t, ServerOptions{})
	files := testSite()
	want := string(files["index.html"])
	s.Update(files, nil)
	for range 2 {
		if _, body := fetch(t, "GET", ts.URL+"/"); strings.Count(body, "live.js") != 1 {
			t.Fatalf("body %q, want one script tag", body)
		}
	}
	if got := string(files["index.html"]); got != want {
		t.Fatalf("serving changed the file to %q", got)
	}
}
