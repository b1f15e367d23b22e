package runner

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// BenchmarkRefresh runs 500 distinct requests, one block each, against a
// loopback server, as a refresh of a site with 500 blocks does: through
// the runner's concurrency limits, a private cache per block and the
// shared cache.
func BenchmarkRefresh(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		fmt.Fprintf(w, "{\"path\": %q}\n", r.URL.Path)
	}))
	defer srv.Close()
	const n = 500
	b.ReportAllocs()
	for b.Loop() {
		r, err := Open(Config{Hosts: map[string]string{"api.test": srv.URL}, PerHost: 16, Concurrency: 16}, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				req := &httpfile.Request{Method: "GET", URL: fmt.Sprintf("https://api.test/item/%d", i)}
				if _, err := r.Run(context.Background(), []*httpfile.Request{req}, RunOptions{}); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		r.Close()
	}
	b.ReportMetric(float64(n), "requests/op")
}
