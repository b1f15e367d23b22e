package httpcache

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// origin is a test server whose handler sees the fake clock.
type origin struct {
	srv   *httptest.Server
	clock *fakeClock
	hits  atomic.Int32
	tr    *Transport
}

func newOrigin(t *testing.T, store Store, h func(o *origin, w http.ResponseWriter, r *http.Request)) *origin {
	t.Helper()
	o := &origin{clock: newFakeClock(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC))}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.hits.Add(1)
		w.Header().Set("Date", FormatHTTPDate(o.clock.Now()))
		h(o, w, r)
	}))
	t.Cleanup(o.srv.Close)
	if store == nil {
		store = NewMemoryStore(0)
	}
	o.tr = New(store, WithTransport(o.srv.Client().Transport), WithClock(o.clock.Now))
	return o
}

// get sends a request through the cache and returns the response and body.
func (o *origin) do(t *testing.T, method, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, o.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := o.tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func wantOutcome(t *testing.T, resp *http.Response, want string) {
	t.Helper()
	if got := Outcome(resp); got != want {
		t.Fatalf("Outcome = %q, want %q (Cache-Status: %q)", got, want, resp.Header.Values("Cache-Status"))
	}
}

func TestFreshResponseIsHitWithAge(t *testing.T) {
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		io.WriteString(w, "n="+strconv.Itoa(int(o.hits.Load())))
	})
	resp, body := o.do(t, "GET", "/a")
	wantOutcome(t, resp, OutcomeMiss)
	if cs := resp.Header.Get("Cache-Status"); cs != "snapdoc; fwd=uri-miss; fwd-status=200; stored" {
		t.Errorf("miss Cache-Status = %q", cs)
	}
	o.clock.Advance(7 * time.Second)
	resp, body2 := o.do(t, "GET", "/a")
	wantOutcome(t, resp, OutcomeHit)
	if body2 != body || o.hits.Load() != 1 {
		t.Errorf("hit body %q (first %q), origin hits %d", body2, body, o.hits.Load())
	}
	if cs := resp.Header.Get("Cache-Status"); cs != "snapdoc; hit; ttl=53" {
		t.Errorf("hit Cache-Status = %q, want ttl=53", cs)
	}
	if age := resp.Header.Get("Age"); age != "7" {
		t.Errorf("Age = %q, want 7", age)
	}
	o.clock.Advance(54 * time.Second)
	resp, _ = o.do(t, "GET", "/a")
	wantOutcome(t, resp, OutcomeMiss)
	if o.hits.Load() != 2 {
		t.Errorf("stale response without validators not refetched: %d hits", o.hits.Load())
	}
}

func TestETagRevalidation(t *testing.T) {
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Hit", strconv.Itoa(int(o.hits.Load())))
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		io.WriteString(w, "payload")
	})
	o.do(t, "GET", "/e")
	resp, body := o.do(t, "GET", "/e")
	wantOutcome(t, resp, OutcomeRevalidated)
	if resp.StatusCode != 200 || body != "payload" {
		t.Fatalf("revalidated response = %d %q", resp.StatusCode, body)
	}
	if got := resp.Header.Get("X-Hit"); got != "2" {
		t.Errorf("304 header not merged: X-Hit = %q, want 2", got)
	}
	// The client's own conditional request is answered 304.
	resp, _ = o.do(t, "GET", "/e", "If-None-Match", `"v1"`)
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("client conditional: status %d, want 304", resp.StatusCode)
	}
}

func TestStaleWhileRevalidate(t *testing.T) {
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=10, stale-while-revalidate=30")
		io.WriteString(w, "v"+strconv.Itoa(int(o.hits.Load())))
	})
	o.do(t, "GET", "/s")
	o.clock.Advance(20 * time.Second)
	resp, body := o.do(t, "GET", "/s")
	wantOutcome(t, resp, OutcomeStale)
	if body != "v1" {
		t.Errorf("stale body = %q, want v1", body)
	}
	o.tr.Wait()
	if o.hits.Load() != 2 {
		t.Fatalf("background revalidation did not run: %d hits", o.hits.Load())
	}
	resp, body = o.do(t, "GET", "/s")
	wantOutcome(t, resp, OutcomeHit)
	if body != "v2" {
		t.Errorf("after revalidation body = %q, want v2", body)
	}
}

func TestStaleIfError(t *testing.T) {
	fail := false
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		if fail {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Cache-Control", "max-age=10, stale-if-error=60")
		io.WriteString(w, "good")
	})
	o.do(t, "GET", "/x")
	fail = true
	o.clock.Advance(30 * time.Second)
	resp, body := o.do(t, "GET", "/x")
	wantOutcome(t, resp, OutcomeStale)
	if resp.StatusCode != 200 || body != "good" {
		t.Errorf("stale-if-error served %d %q", resp.StatusCode, body)
	}
	o.clock.Advance(60 * time.Second) // beyond the stale-if-error window
	resp, _ = o.do(t, "GET", "/x")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("outside the window: status %d, want 503", resp.StatusCode)
	}
}

func TestMustRevalidateReturnsError(t *testing.T) {
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=1, must-revalidate, stale-if-error=600")
		io.WriteString(w, "x")
	})
	o.do(t, "GET", "/m")
	o.srv.Close()
	o.clock.Advance(5 * time.Second)
	req, _ := http.NewRequest("GET", o.srv.URL+"/m", nil)
	if resp, err := o.tr.RoundTrip(req); err == nil {
		t.Fatalf("stale must-revalidate response served after an error: %v", resp.Header.Values("Cache-Status"))
	}
}

func TestOnlyIfCached(t *testing.T) {
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
	})
	resp, _ := o.do(t, "GET", "/o", "Cache-Control", "only-if-cached")
	if resp.StatusCode != http.StatusGatewayTimeout || o.hits.Load() != 0 {
		t.Fatalf("only-if-cached miss: status %d, origin hits %d", resp.StatusCode, o.hits.Load())
	}
	o.do(t, "GET", "/o")
	resp, _ = o.do(t, "GET", "/o", "Cache-Control", "only-if-cached")
	wantOutcome(t, resp, OutcomeHit)
}

func TestUnsafeMethodInvalidates(t *testing.T) {
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Location", "/other")
			w.WriteHeader(http.StatusCreated)
			return
		}
		w.Header().Set("Cache-Control", "max-age=600")
	})
	o.do(t, "GET", "/p")
	o.do(t, "GET", "/other")
	resp, _ := o.do(t, "POST", "/p")
	if cs := resp.Header.Get("Cache-Status"); cs != "snapdoc; fwd=method; fwd-status=201" {
		t.Errorf("POST Cache-Status = %q", cs)
	}
	for _, p := range []string{"/p", "/other"} {
		resp, _ := o.do(t, "GET", p)
		wantOutcome(t, resp, OutcomeMiss)
	}
}

func TestVary(t *testing.T) {
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		w.Header().Set("Vary", "Accept-Language")
		io.WriteString(w, r.Header.Get("Accept-Language"))
	})
	o.do(t, "GET", "/v", "Accept-Language", "en, de")
	resp, body := o.do(t, "GET", "/v", "Accept-Language", "DE,en")
	wantOutcome(t, resp, OutcomeHit)
	if body != "en, de" {
		t.Errorf("body %q", body)
	}
	resp, body = o.do(t, "GET", "/v", "Accept-Language", "fr")
	wantOutcome(t, resp, OutcomeMiss)
	if body != "fr" {
		t.Errorf("vary miss body %q", body)
	}
}

func TestHeadAndRangeServedFromStoredGet(t *testing.T) {
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		io.WriteString(w, "0123456789")
	})
	o.do(t, "GET", "/r")
	resp, body := o.do(t, "HEAD", "/r")
	wantOutcome(t, resp, OutcomeHit)
	if body != "" || resp.ContentLength != 10 {
		t.Errorf("HEAD: body %q, length %d", body, resp.ContentLength)
	}
	resp, body = o.do(t, "GET", "/r", "Range", "bytes=2-4")
	if resp.StatusCode != http.StatusPartialContent || body != "234" || resp.Header.Get("Content-Range") != "bytes 2-4/10" {
		t.Errorf("range: %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Range"))
	}
	resp, _ = o.do(t, "GET", "/r", "Range", "bytes=20-")
	if resp.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("unsatisfiable range: status %d", resp.StatusCode)
	}
	if o.hits.Load() != 1 {
		t.Errorf("origin hits %d, want 1", o.hits.Load())
	}
}

func TestDiskStoreBackedTransportSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	store, err := NewDiskStore(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	o := newOrigin(t, store, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		io.WriteString(w, "persisted")
	})
	o.do(t, "GET", "/d")
	store2, err := NewDiskStore(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	o.tr = New(store2, WithTransport(o.srv.Client().Transport), WithClock(o.clock.Now))
	resp, body := o.do(t, "GET", "/d")
	wantOutcome(t, resp, OutcomeHit)
	if body != "persisted" {
		t.Errorf("body %q", body)
	}
}

func TestConcurrentMissesAreCollapsed(t *testing.T) {
	cases := map[string]struct {
		cacheControl string
		wantHits     int32
	}{
		"storable":     {"max-age=600", 1},
		"not storable": {"no-store", 8},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			release := make(chan struct{})
			arrived := make(chan struct{}, 8)
			o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
				arrived <- struct{}{}
				if o.hits.Load() == 1 {
					<-release
				}
				w.Header().Set("Cache-Control", tc.cacheControl)
				io.WriteString(w, "same")
			})
			var wg sync.WaitGroup
			wg.Go(func() { o.do(t, "GET", "/c") })
			<-arrived // the leader is at the origin
			for range 7 {
				wg.Go(func() {
					if _, body := o.do(t, "GET", "/c"); body != "same" {
						t.Errorf("body %q", body)
					}
				})
			}
			// Let the followers reach the cache while the leader waits.
			time.Sleep(50 * time.Millisecond)
			close(release)
			wg.Wait()
			if got := o.hits.Load(); got != tc.wantHits {
				t.Errorf("origin saw %d requests, want %d", got, tc.wantHits)
			}
		})
	}
}

func TestOutcome(t *testing.T) {
	cases := map[string]struct{ header, want string }{
		"none":            {"", ""},
		"miss":            {"snapdoc; fwd=uri-miss; stored", OutcomeMiss},
		"vary miss":       {"snapdoc; fwd=vary-miss; fwd-status=200", OutcomeMiss},
		"hit":             {"snapdoc; hit; ttl=53", OutcomeHit},
		"revalidated":     {"snapdoc; fwd=stale; fwd-status=304; stored", OutcomeRevalidated},
		"swr":             {"snapdoc; hit; ttl=-3; detail=stale-while-revalidate", OutcomeStale},
		"negative ttl":    {"snapdoc; hit; ttl=-1", OutcomeStale},
		"last member":     {"upstream; hit; ttl=5, snapdoc; fwd=miss", OutcomeMiss},
		"only-if-cached":  {"snapdoc; detail=only-if-cached", OutcomeMiss},
		"upstream 304 ok": {"snapdoc; fwd=request; fwd-status=304", OutcomeRevalidated},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resp := &http.Response{Header: http.Header{}}
			if tc.header != "" {
				resp.Header.Set("Cache-Status", tc.header)
			}
			if got := Outcome(resp); got != tc.want {
				t.Errorf("Outcome(%q) = %q, want %q", tc.header, got, tc.want)
			}
		})
	}
}

func TestCacheStatusAppendsToUpstreamMembers(t *testing.T) {
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Status", "edge; fwd=uri-miss")
		w.Header().Set("Cache-Control", "max-age=60")
	})
	o.do(t, "GET", "/u")
	resp, _ := o.do(t, "GET", "/u")
	got := strings.Join(resp.Header.Values("Cache-Status"), ", ")
	if got != "edge; fwd=uri-miss, snapdoc; hit; ttl=60" {
		t.Errorf("Cache-Status = %q", got)
	}
}

func TestVariantsCoexistAndAreInvalidatedTogether(t *testing.T) {
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Cache-Control", "max-age=600")
		w.Header().Set("Vary", "Accept")
		io.WriteString(w, r.Header.Get("Accept")+strconv.Itoa(int(o.hits.Load())))
	})
	_, json1 := o.do(t, "GET", "/n", "Accept", "application/json")
	_, xml1 := o.do(t, "GET", "/n", "Accept", "application/xml")
	for accept, want := range map[string]string{"application/json": json1, "application/xml": xml1} {
		resp, body := o.do(t, "GET", "/n", "Accept", accept)
		wantOutcome(t, resp, OutcomeHit)
		if body != want {
			t.Errorf("Accept %s: body %q, want %q", accept, body, want)
		}
	}
	o.do(t, "PUT", "/n")
	for _, accept := range []string{"application/json", "application/xml"} {
		resp, _ := o.do(t, "GET", "/n", "Accept", accept)
		wantOutcome(t, resp, OutcomeMiss)
	}
	if o.hits.Load() != 5 {
		t.Errorf("origin hits %d, want 5", o.hits.Load())
	}
}

func TestSharedCache(t *testing.T) {
	cases := map[string]struct {
		cacheControl string
		auth         bool
		shared       bool
		wantHit      bool
	}{
		"private stored privately":   {"private, max-age=60", false, false, true},
		"private not stored shared":  {"private, max-age=60", false, true, false},
		"s-maxage wins when shared":  {"max-age=600, s-maxage=0", false, true, false},
		"s-maxage ignored privately": {"max-age=600, s-maxage=0", false, false, true},
		"authorization shared":       {"max-age=60", true, true, false},
		"authorization public":       {"public, max-age=60", true, true, true},
		"authorization private":      {"max-age=60", true, false, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Cache-Control", tc.cacheControl)
			})
			o.tr = New(NewMemoryStore(0), WithTransport(o.srv.Client().Transport), WithClock(o.clock.Now), WithShared(tc.shared))
			var hdr []string
			if tc.auth {
				hdr = []string{"Authorization", "Bearer x"}
			}
			o.do(t, "GET", "/s", hdr...)
			resp, _ := o.do(t, "GET", "/s", hdr...)
			if got := Outcome(resp) == OutcomeHit; got != tc.wantHit {
				t.Errorf("hit = %v, want %v (Cache-Status %q)", got, tc.wantHit, resp.Header.Get("Cache-Status"))
			}
		})
	}
}

func TestStaleWhileRevalidateRunsOnce(t *testing.T) {
	release := make(chan struct{})
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		if o.hits.Load() > 1 {
			<-release
		}
		w.Header().Set("Cache-Control", "max-age=1, stale-while-revalidate=60")
	})
	o.do(t, "GET", "/w")
	o.clock.Advance(5 * time.Second)
	for range 5 {
		resp, _ := o.do(t, "GET", "/w")
		wantOutcome(t, resp, OutcomeStale)
	}
	close(release)
	o.tr.Wait()
	if got := o.hits.Load(); got != 2 {
		t.Errorf("origin hits %d, want 2 (one background revalidation)", got)
	}
}

// brokenStore fails every operation, as a disk store on a full or
// read-only disk would.
type brokenStore struct{}

func (brokenStore) Get(string) (*Entry, error) { return nil, errors.New("disk on fire") }
func (brokenStore) Set(string, *Entry) error   { return errors.New("disk on fire") }
func (brokenStore) Delete(string) error        { return errors.New("disk on fire") }

// TestStoreFailuresAreLogged checks that a failing store costs hits, not
// responses; that its first failure is a warning and the rest debug
// messages; and that they name no request: a cache key is a URL, which can
// carry a secret.
func TestStoreFailuresAreLogged(t *testing.T) {
	o := newOrigin(t, brokenStore{}, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		_, _ = io.WriteString(w, "fresh")
	})
	var log bytes.Buffer
	o.tr.log = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for range 2 {
		resp, body := o.do(t, "GET", "/r?token=s3cret")
		if resp.StatusCode != 200 || body != "fresh" {
			t.Fatalf("%d %q, want 200 \"fresh\"", resp.StatusCode, body)
		}
		wantOutcome(t, resp, "miss")
	}
	_, _ = o.do(t, "POST", "/r?token=s3cret") // invalidates: a delete
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	want := []string{
		`level=WARN msg="httpcache: cannot read a stored response" err="disk on fire"`,
		`level=DEBUG msg="httpcache: cannot store a response" err="disk on fire"`,
		`level=DEBUG msg="httpcache: cannot read a stored response" err="disk on fire"`,
		`level=DEBUG msg="httpcache: cannot store a response" err="disk on fire"`,
		`level=DEBUG msg="httpcache: cannot delete a stored response" err="disk on fire"`,
	}
	if len(lines) != len(want) {
		t.Fatalf("log has %d lines, want %d:\n%s", len(lines), len(want), log.String())
	}
	for i, w := range want {
		if _, rest, _ := strings.Cut(lines[i], " "); rest != w { // after the time
			t.Errorf("log line %d: %s\nwant: %s", i+1, rest, w)
		}
	}
	if strings.Contains(log.String(), "s3cret") || strings.Contains(log.String(), "/r") {
		t.Errorf("a message names the request:\n%s", log.String())
	}
}

// TestLargeBodyPassesThroughUnstored checks that a response whose body is
// over the size bound reaches the client whole and is not stored.
func TestLargeBodyPassesThroughUnstored(t *testing.T) {
	big := strings.Repeat("x", 100)
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		_, _ = io.WriteString(w, big)
	})
	o.tr = New(NewMemoryStore(0), WithTransport(o.srv.Client().Transport), WithClock(o.clock.Now), WithMaxBodySize(99))
	for i := range 2 {
		resp, body := o.do(t, "GET", "/big")
		if body != big {
			t.Fatalf("request %d: body of %d bytes, want the whole %d", i+1, len(body), len(big))
		}
		wantOutcome(t, resp, "miss")
	}
	if o.hits.Load() != 2 {
		t.Errorf("origin asked %d times, want 2: the body was over the bound", o.hits.Load())
	}
	// At the bound, it is stored.
	o.tr = New(NewMemoryStore(0), WithTransport(o.srv.Client().Transport), WithClock(o.clock.Now), WithMaxBodySize(100))
	o.do(t, "GET", "/big")
	resp, body := o.do(t, "GET", "/big")
	if body != big {
		t.Fatalf("stored body of %d bytes, want %d", len(body), len(big))
	}
	wantOutcome(t, resp, "hit")
}
