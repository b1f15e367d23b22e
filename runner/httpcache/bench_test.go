package httpcache

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// benchBody is a typical small JSON API response.
var benchBody = []byte(`{"slideshow":{"author":"Yours Truly","date":"date of publication","title":"Sample Slide Show"}}`)

func benchOrigin(b *testing.B, cacheControl string) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", cacheControl)
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(benchBody)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchGet(b *testing.B, tr http.RoundTripper, req *http.Request, want string) {
	resp, err := tr.RoundTrip(req)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	if got := Outcome(resp); got != want {
		b.Fatalf("outcome %q, want %q", got, want)
	}
}

func benchHit(b *testing.B, store Store) {
	srv := benchOrigin(b, "max-age=3600")
	tr := New(store, WithTransport(srv.Client().Transport))
	req, _ := http.NewRequest("GET", srv.URL+"/json", nil)
	benchGet(b, tr, req, OutcomeMiss)
	b.ReportAllocs()
	for b.Loop() {
		benchGet(b, tr, req, OutcomeHit)
	}
}

func BenchmarkHitMemory(b *testing.B) { benchHit(b, NewMemoryStore(0)) }

func BenchmarkHitDisk(b *testing.B) {
	store, err := NewDiskStore(b.TempDir(), 0)
	if err != nil {
		b.Fatal(err)
	}
	benchHit(b, store)
}

// BenchmarkMiss fetches a new URL each time and stores the response.
func BenchmarkMiss(b *testing.B) {
	srv := benchOrigin(b, "max-age=3600")
	tr := New(NewMemoryStore(1<<20), WithTransport(srv.Client().Transport))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		req, _ := http.NewRequest("GET", srv.URL+"/json?"+strconv.Itoa(i), nil)
		benchGet(b, tr, req, OutcomeMiss)
	}
}

// BenchmarkRevalidate304 validates a no-cache response each time.
func BenchmarkRevalidate304(b *testing.B) {
	srv := benchOrigin(b, "no-cache")
	tr := New(NewMemoryStore(0), WithTransport(srv.Client().Transport))
	req, _ := http.NewRequest("GET", srv.URL+"/json", nil)
	benchGet(b, tr, req, OutcomeMiss)
	b.ReportAllocs()
	for b.Loop() {
		benchGet(b, tr, req, OutcomeRevalidated)
	}
}
