package redisstore

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/snapdoc/snapdoc/runner/httpcache"
)

// roundTrips counts c's round trips to Redis during f.
func roundTrips(c *Client, f func()) int {
	before := testutil.ToFloat64(c.metrics.commands)
	f()
	return int(testutil.ToFloat64(c.metrics.commands) - before)
}

// TestRoundTripsPerRun pins what a run costs in Redis round trips: a
// cached run is the client's budget and one GET (two with Vary, for the
// index and the variant).
func TestRoundTripsPerRun(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	o := newOrigin(t, 0, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		if r.URL.Path == "/vary" {
			w.Header().Set("Vary", "Accept")
		}
		fmt.Fprint(w, "hello")
	})
	c := openClient(t, srv)
	s := c.Store(StoreConfig{})
	budgets := c.Budgets(BudgetConfig{})
	rt := httpcache.New(s, httpcache.WithShared(true), httpcache.WithCollapser(s),
		httpcache.WithTransport(originBudget{budgets, o.Client().Transport}))
	run := func(path string) func() {
		return func() {
			budgets.AllowClient(context.Background(), "192.0.2.1")
			get(t, rt, o.URL+path, "Accept", "text/plain")
		}
	}
	run("/warm-up")() // loads the scripts (EVALSHA, then EVAL once)
	for path, want := range map[string][2]int{"/plain": {6, 2}, "/vary": {8, 3}} {
		miss := roundTrips(c, run(path))
		hit := roundTrips(c, run(path))
		// A miss: budget, GET, lock, origin budget, SET script,
		// release (+ index lookup and write with Vary).
		if miss != want[0] || hit != want[1] {
			t.Errorf("%s: round trips for a miss %d, a hit %d; want %d, %d", path, miss, hit, want[0], want[1])
		}
	}
}

func BenchmarkStoreGet(b *testing.B) {
	for _, size := range []int{1 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("body=%dKiB", size>>10), func(b *testing.B) {
			srv := startRedis(b)
			c, err := Open(srv.url())
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			s := c.Store(StoreConfig{})
			const key = "http://example.test/x"
			if err := s.Set(key, entry(strings.Repeat("x", size), "Cache-Control", "max-age=600")); err != nil {
				b.Fatal(err)
			}
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := s.Get(key); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
			if !c.Healthy() {
				b.Fatal("degraded during the benchmark")
			}
		})
	}
}

func BenchmarkCachedRun(b *testing.B) {
	srv := startRedis(b)
	o := newOrigin(b, 0, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprint(w, strings.Repeat("x", 1<<10))
	})
	c, err := Open(srv.url())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	s := c.Store(StoreConfig{})
	budgets := c.Budgets(BudgetConfig{Client: Limit{Rate: 1 << 30, Period: 1, Burst: 1 << 30}})
	rt := httpcache.New(s, httpcache.WithShared(true), httpcache.WithCollapser(s), httpcache.WithTransport(o.Client().Transport))
	req, _ := http.NewRequest(http.MethodGet, o.URL, nil)
	before := testutil.ToFloat64(c.metrics.commands)
	for b.Loop() {
		budgets.AllowClient(context.Background(), "192.0.2.1")
		resp, err := rt.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	b.ReportMetric((testutil.ToFloat64(c.metrics.commands)-before)/float64(b.N), "roundtrips/op")
}

// BenchmarkThreeReplicas runs one cacheable request for 1,000 readers,
// spread over three replicas on one Redis, with the default budgets (run
// it with -benchtime 10000x for the 10,000 runs: ten per reader,
// within each reader's burst). It reports the origin requests, the latency
// of a run and the Redis round trips per run.
func BenchmarkThreeReplicas(b *testing.B) {
	srv := startRedis(b)
	o := newOrigin(b, time.Millisecond, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		fmt.Fprint(w, strings.Repeat("x", 1<<10))
	})
	var replicas []*runner
	for range 3 {
		c, err := Open(srv.url())
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		s := c.Store(StoreConfig{})
		bud := c.Budgets(BudgetConfig{})
		replicas = append(replicas, &runner{c: c, budgets: bud, cache: httpcache.New(s, httpcache.WithShared(true),
			httpcache.WithCollapser(s), httpcache.WithTransport(originBudget{bud, o.Client().Transport}))})
	}
	var (
		mu     sync.Mutex
		took   []time.Duration
		next   atomic.Int64
		failed atomic.Int64
	)
	trips := func() (n float64) {
		for _, r := range replicas {
			n += testutil.ToFloat64(r.c.metrics.commands)
		}
		return n
	}
	before := trips()
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			i := next.Add(1)
			t0 := time.Now()
			code, err := replicas[i%3].run(fmt.Sprintf("reader-%d", i%1000), o.URL)
			mine = append(mine, time.Since(t0))
			if err != nil || code != 200 {
				failed.Add(1)
			}
		}
		mu.Lock()
		took = append(took, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	elapsed := time.Since(start)
	slices.Sort(took)
	b.ReportMetric(float64(o.hits.Load()), "origin-requests")
	b.ReportMetric(float64(failed.Load()), "failed-runs")
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(len(took))/elapsed.Seconds()/3, "runs/s/replica")
	b.ReportMetric((trips()-before)/float64(len(took)), "roundtrips/run")
	for _, r := range replicas {
		if !r.c.Healthy() {
			b.Logf("a replica turned degraded: %v", r.c.Ready())
		}
	}
}
