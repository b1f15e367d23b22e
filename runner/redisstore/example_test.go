package redisstore_test

import (
	"errors"
	"fmt"
	"log"
	"math"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/snapdoc/snapdoc/runner/httpcache"
	"github.com/snapdoc/snapdoc/runner/redisstore"
)

// Example shows how a runner service wires the package for
// --store redis://HOST:PORT/DB.
func Example() {
	c, err := redisstore.Open("redis://127.0.0.1:6379/0")
	if err != nil {
		log.Fatal(err) // a malformed URL; an unreachable Redis is not an error
	}
	defer c.Close()
	store := c.Store(redisstore.StoreConfig{MaxBytes: 256 << 20})
	budgets := c.Budgets(redisstore.BudgetConfig{}) // 30 runs/min (burst 10) per client, 600/min to the origin

	// The shared cache: over the Redis store, collapsing across replicas,
	// and taking from the origin budget only what leaves the cache.
	shared := httpcache.New(store,
		httpcache.WithShared(true),
		httpcache.WithCollapser(store),
		httpcache.WithTransport(budgets.Transport(http.DefaultTransport)))

	reg := prometheus.NewRegistry()
	reg.MustRegister(c.Collectors()...)

	http.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := c.Ready(); err != nil {
			fmt.Fprintln(w, "degraded:", err) // still 200: the replica serves
			return
		}
		fmt.Fprintln(w, "ok")
	})
	http.HandleFunc("/v1/run", func(w http.ResponseWriter, r *http.Request) {
		if d := budgets.AllowClient(r.Context(), r.RemoteAddr); !d.Allowed {
			w.Header().Set("Retry-After", fmt.Sprint(math.Ceil(d.RetryAfter.Seconds())))
			http.Error(w, "too many runs", http.StatusTooManyRequests)
			return
		}
		// Each request of the block goes through shared; a *BudgetError
		// means the origin budget is spent.
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, "https://api.example.org/items", nil)
		resp, err := shared.RoundTrip(req)
		var be *redisstore.BudgetError
		switch {
		case errors.As(err, &be):
			w.Header().Set("Retry-After", fmt.Sprint(math.Ceil(be.RetryAfter.Seconds())))
			http.Error(w, "too many runs", http.StatusTooManyRequests)
		case err != nil:
			http.Error(w, "origin unreachable", http.StatusBadGateway)
		default:
			resp.Body.Close() // ... and the exchange is recorded
		}
	})
}
