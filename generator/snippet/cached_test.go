package snippet

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mccutchen/go-httpbin/v2/httpbin"

	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// origin is a loopback go-httpbin that logs, per request, the path, the
// If-None-Match it carried and the status it got. /etag/{tag} answers
// 200 with ETag: "{tag}", and 304 to a matching If-None-Match.
type origin struct {
	*httptest.Server
	mu   sync.Mutex
	seen []seen
}

type seen struct {
	path, ifNoneMatch string
	status            int
}

func startOrigin(t *testing.T) *origin {
	t.Helper()
	o := &origin{}
	bin := httpbin.New().Handler()
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &captureWriter{ResponseWriter: w, status: http.StatusOK}
		bin.ServeHTTP(cw, r)
		o.mu.Lock()
		o.seen = append(o.seen, seen{r.URL.Path, r.Header.Get("If-None-Match"), cw.status})
		o.mu.Unlock()
	}))
	t.Cleanup(o.Close)
	return o
}

func (o *origin) log() []seen {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.seen)
}

// cachingBlock is the block of the sample lesson "HTTP Caching in
// Practice": a revalidation with ETag, then a fresh hit.
func cachingBlock() []*httpfile.Request {
	accept := h("Accept", "application/json")
	return []*httpfile.Request{
		{Name: "tagged", Method: "GET", URL: "https://api.test/etag/lesson-v1", Headers: accept},
		{Name: "tagged-again", Method: "GET", URL: "https://api.test/etag/lesson-v1", Headers: accept},
		{Name: "fresh", Method: "GET", URL: "https://api.test/cache/60", Headers: accept},
		{Name: "fresh-again", Method: "GET", URL: "https://api.test/cache/60", Headers: accept},
	}
}

// TestCachedStepsFromRunner records the caching block through the real
// runner and its cache, and reads from the exchanges what its cache did.
func TestCachedStepsFromRunner(t *testing.T) {
	steps, _ := recordCachingBlock(t)
	if steps[0] != nil || steps[2] != nil {
		t.Errorf("the first requests came from the network, got %+v and %+v", steps[0], steps[2])
	}
	r := steps[1]
	if r == nil || r.Outcome != "revalidated" || r.From != "tagged" || !slices.Contains(r.Validators, httpfile.Header{Name: "If-None-Match", Value: `"lesson-v1"`}) {
		t.Errorf("step 2: %+v, want revalidated from \"tagged\" with If-None-Match: \"lesson-v1\"", r)
	}
	if hit := steps[3]; hit == nil || hit.Outcome != "hit" || hit.From != "fresh" || hit.MaxAge != 60 {
		t.Errorf("step 4: %+v, want a hit on \"fresh\", max-age 60", hit)
	}
}

// recordCachingBlock runs the caching block through a runner whose host
// api.test is a loopback origin, as a build records it.
func recordCachingBlock(t *testing.T) ([]*Cached, []*httpfile.Exchange) {
	t.Helper()
	recorder := startOrigin(t)
	rn, err := runner.Open(runner.Config{Hosts: map[string]string{"api.test": recorder.URL}}, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rn.Close() })
	xs, err := rn.Run(context.Background(), cachingBlock(), runner.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	for _, x := range xs {
		outcomes = append(outcomes, x.Cache)
	}
	if want := []string{"miss", "revalidated", "miss", "hit"}; !slices.Equal(outcomes, want) {
		t.Fatalf("the runner's cache answered %q, want %q", outcomes, want)
	}
	return CachedSteps(xs), xs
}

// TestCachedStepsRunAgainstOrigin runs each language's code of the
// revalidated and the hit steps, made from what the runner recorded,
// against a real origin that answers 200 with an ETag and 304 to the
// matching If-None-Match: the revalidation's code must send the
// conditional request and print the 304; the hit's code says in a
// comment that it has no cache, and sends the request.
func TestCachedStepsRunAgainstOrigin(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real interpreters")
	}
	steps, _ := recordCachingBlock(t)
	reqs := cachingBlock()
	s := loadSet(t)
	for _, lang := range s.Languages() {
		t.Run(lang.ID, func(t *testing.T) {
			t.Parallel()
			o := startOrigin(t)
			var jobs []*job
			for _, i := range []int{1, 3} {
				local, err := rebase(reqs[i], o.URL)
				if err != nil {
					t.Fatal(err)
				}
				v, err := NewView(local)
				if err != nil {
					t.Fatal(err)
				}
				v.Cached = steps[i]
				code, err := s.RenderView(lang.ID, v)
				if err != nil {
					t.Fatal(err)
				}
				jobs = append(jobs, &job{echo: &echoServer{URL: o.URL}, local: local, view: v, code: code})
			}
			if lang.ID == "http" {
				s.sendAll(context.Background(), jobs, VerifyOptions{})
			} else {
				s.runAll(context.Background(), lang.ID, jobs, VerifyOptions{})
			}
			for _, j := range jobs {
				if errors.Is(j.err, ErrNoInterpreter) && os.Getenv("CI") != "true" {
					t.Skip(j.err)
				}
				if j.err != nil {
					t.Fatal(j.err)
				}
			}
			log := o.log()
			if len(log) != 2 {
				t.Fatalf("the origin received %d requests, want 2: %+v", len(log), log)
			}
			var reval, hit seen
			for _, x := range log {
				if strings.HasPrefix(x.path, "/etag/") {
					reval = x
				} else {
					hit = x
				}
			}
			if reval.ifNoneMatch != `"lesson-v1"` || reval.status != http.StatusNotModified {
				t.Errorf("revalidation: the origin got If-None-Match %q and answered %d, want \"lesson-v1\" and 304\n%s", reval.ifNoneMatch, reval.status, jobs[0].code)
			}
			if got := string(jobs[0].out); lang.ID != "curl" && got != "Status Code: 304\n" || lang.ID == "curl" && got != "" {
				t.Errorf("revalidation printed %q, want the 304 alone\n%s", got, jobs[0].code)
			}
			if hit.path != "/cache/60" || hit.status != http.StatusOK {
				t.Errorf("hit: the origin got %+v, want /cache/60 answered 200", hit)
			}
			note := jobs[1].view.CacheNote()
			if !strings.Contains(strings.Join(note, " "), `from its cache, with its response to "fresh", which was fresh for 60 s`) {
				t.Errorf("the note of the hit is %q", note)
			}
			for _, line := range note {
				if !strings.Contains(jobs[1].code, line) {
					t.Errorf("the code of the hit does not say %q:\n%s", line, jobs[1].code)
				}
			}
		})
	}
}

// TestVerifyCachedSteps verifies, in every language, code that
// reproduces what the runner's cache did: revalidations with one or two
// validators, one whose validator was redacted, the author's own
// conditional request, a hit and a stale response. The echo server
// answers 304 to the expected If-None-Match, and verification requires
// the conditional headers, the 304, and the status printed alone.
func TestVerifyCachedSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real interpreters")
	}
	get := &httpfile.Request{Method: "GET", URL: "https://api.example.com/etag/v1", Headers: h("Accept", "application/json")}
	steps := []Step{
		{get, &Cached{Outcome: "revalidated", From: "tagged", MaxAge: -1, Validators: h("If-None-Match", `W/"v1 'it' $HOME {{$env HOME}}"`)}},
		{get, &Cached{Outcome: "revalidated", MaxAge: -1, Validators: h("If-None-Match", `"v2"`, "If-Modified-Since", "Mon, 07 Dec 2026 15:10:49 GMT")}},
		{get, &Cached{Outcome: "revalidated", From: "x", MaxAge: -1}},
		{&httpfile.Request{Method: "GET", URL: "https://api.example.com/etag/v1", Headers: h("If-None-Match", `"mine"`)}, nil},
		{get, &Cached{Outcome: "hit", From: "fresh", MaxAge: 60}},
		{get, &Cached{Outcome: "stale", From: `odd "name" \u000a`, MaxAge: 0}},
	}
	s := loadSet(t)
	for _, lang := range s.Languages() {
		t.Run(lang.ID, func(t *testing.T) {
			t.Parallel()
			for i, err := range s.VerifySteps(context.Background(), lang.ID, steps, VerifyOptions{}) {
				if errors.Is(err, ErrNoInterpreter) && os.Getenv("CI") != "true" {
					t.Skip(err)
				}
				if errors.Is(err, ErrCannotExpress) && lang.ID == "http" && i == 0 {
					continue // the validator holds "{{$env"
				}
				if err != nil {
					t.Errorf("step %d: %v", i+1, err)
				}
			}
		})
	}
}

func TestCacheNote(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		v    View
		want string
	}{
		"miss": {View{}, ""},
		"hit": {View{Cached: &Cached{Outcome: "hit", From: "fresh", MaxAge: 60}},
			`The page's runner answered this request from its cache, with its response to "fresh", which was fresh for 60 s (max-age); the server never saw it. This code has no cache: it sends the request again.`},
		"revalidated": {View{Cached: &Cached{Outcome: "revalidated", From: "tagged", Validators: h("If-None-Match", `"a"`)}},
			`The page's runner revalidated its response to "tagged": the server answered 304 Not Modified and the page shows the stored response. This code sends the same conditional request, with If-None-Match from that response; on a 304, which has no body, it prints the status alone.`},
		"redacted validator": {View{Cached: &Cached{Outcome: "revalidated"}},
			`The page's runner revalidated a response it had stored with the server, which answered 304 Not Modified; the validator it sent is redacted, so this code sends the request unconditionally.`},
		"unsafe name": {View{Cached: &Cached{Outcome: "stale", From: "a\\u000a\u2028b"}},
			`The page's runner showed its response to "a?u000a?b" from its cache, stale: the server failed, or the response allowed a stale copy. This code sends the request again.`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			lines := c.v.CacheNote()
			for _, l := range lines {
				if len(l) > 72 {
					t.Errorf("line longer than 72: %q", l)
				}
			}
			if got := strings.Join(lines, " "); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}
