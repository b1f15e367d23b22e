package redisstore

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/snapdoc/snapdoc/runner/httpcache"
)

// runner is what a runner replica does with a run, reduced to the parts
// this package provides: the client's budget, then the request through
// the shared cache.
type runner struct {
	c       *Client
	budgets *Budgets
	cache   *httpcache.Transport
}

func newRunner(t *testing.T, srv *redisServer, o *origin, opts ...Option) *runner {
	c := openClient(t, srv, opts...)
	s := c.Store(StoreConfig{})
	b := c.Budgets(BudgetConfig{})
	return &runner{c: c, budgets: b, cache: httpcache.New(s, httpcache.WithShared(true), httpcache.WithCollapser(s),
		httpcache.WithTransport(originBudget{b, o.Client().Transport}))}
}

// run returns the status a runner service would answer.
func (r *runner) run(reader, url string) (int, error) {
	if ok, _ := r.budgets.AllowClient(context.Background(), reader); !ok {
		return http.StatusTooManyRequests, nil
	}
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	resp, err := r.cache.RoundTrip(req)
	if err != nil {
		return 0, err
	}
	discardBody(resp)
	return resp.StatusCode, nil
}

// TestThreeReplicasActAsOne is the scale-out scenario at the
// package's level: three replicas on one Redis, 300 concurrent runs of one
// cacheable request by 200 readers reach the origin once; a reader's
// budget holds across replicas; Redis killed, runs still succeed.
func TestThreeReplicasActAsOne(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	o := newOrigin(t, 50*time.Millisecond, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		fmt.Fprint(w, "shared")
	})
	replicas := []*runner{newRunner(t, srv, o), newRunner(t, srv, o), newRunner(t, srv, o)}

	var wg sync.WaitGroup
	var ok, failed atomic.Int64
	for i := range 300 {
		wg.Go(func() {
			code, err := replicas[i%3].run(fmt.Sprintf("198.51.100.%d", i%200), o.URL)
			if err != nil || code != 200 {
				failed.Add(1)
				t.Errorf("run %d: %d, %v", i, code, err)
				return
			}
			ok.Add(1)
		})
	}
	wg.Wait()
	if n := o.hits.Load(); n != 1 || ok.Load() != 300 {
		var why []string
		for i, r := range replicas {
			why = append(why, fmt.Sprintf("replica %d: ready %v, errors %v, collapse timeouts %v", i, r.c.Ready(),
				testutil.CollectAndCount(r.c.metrics.errors), testutil.ToFloat64(r.c.metrics.collapseTO)))
		}
		t.Fatalf("origin requests = %d, successful runs = %d; want 1, 300\n%s", n, ok.Load(), strings.Join(why, "\n"))
	}
	for _, r := range replicas {
		if !r.c.Healthy() {
			t.Fatalf("a replica turned degraded under load: %v", r.c.Ready())
		}
	}

	// One reader sending 400 runs: the burst, then 429 from every replica.
	allowed := 0
	refused := map[int]bool{}
	for i := range 400 {
		code, err := replicas[i%3].run("203.0.113.9", o.URL)
		if err != nil {
			t.Fatal(err)
		}
		if code == http.StatusTooManyRequests {
			refused[i%3] = true
		} else {
			allowed++
		}
	}
	if allowed > DefaultClientLimit.Burst+1 || len(refused) != 3 {
		t.Fatalf("one reader: %d runs allowed, refused by %d replicas; want about %d and 3", allowed, len(refused), DefaultClientLimit.Burst)
	}

	srv.kill()
	for i := range 30 {
		code, err := replicas[i%3].run(fmt.Sprintf("192.0.2.%d", i), o.URL)
		if err != nil || code >= 500 {
			t.Fatalf("run with Redis killed: %d, %v", code, err)
		}
	}
}

func discardBody(resp *http.Response) {
	buf := make([]byte, 4096)
	for {
		if _, err := resp.Body.Read(buf); err != nil {
			break
		}
	}
	_ = resp.Body.Close()
}
