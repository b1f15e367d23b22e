package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
	"github.com/snapdoc/snapdoc/runner/httpcache"
)

// waitHealthy waits until every client uses Redis again.
func waitHealthy(t *testing.T, clients ...*Client) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, c := range clients {
		for !c.Healthy() {
			if time.Now().After(deadline) {
				t.Fatalf("client still degraded 5s after Redis came back: %v", c.Ready())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func TestRedisKilledAndRestarted(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	o := newOrigin(t, 0, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		fmt.Fprint(w, "body of "+r.URL.Path)
	})
	fast := WithProbeInterval(50 * time.Millisecond)
	ca, cb := openClient(t, srv, fast), openClient(t, srv, fast)
	sa, sb := ca.Store(StoreConfig{}), cb.Store(StoreConfig{})
	cache := func(s *Store) *httpcache.Transport {
		return httpcache.New(s, httpcache.WithShared(true), httpcache.WithCollapser(s), httpcache.WithTransport(o.Client().Transport))
	}
	a, b := cache(sa), cache(sb)
	limits := BudgetConfig{Client: Limit{Rate: 30, Period: time.Minute, Burst: 3}}
	budgets := ca.Budgets(limits)

	get(t, a, o.URL+"/warm")
	if _, out := get(t, b, o.URL+"/warm"); out != httpcache.OutcomeHit {
		t.Fatalf("b before the outage: %s, want a hit from Redis", out)
	}

	srv.kill()

	for name, rt := range map[string]*httpcache.Transport{"a": a, "b": b} {
		start := time.Now()
		if body, out := get(t, rt, o.URL+"/warm"); out != httpcache.OutcomeHit || body != "body of /warm" {
			t.Errorf("%s during the outage: %q, %s; want a hit from the local store", name, body, out)
		}
		if body, out := get(t, rt, o.URL+"/new-"+name); out != httpcache.OutcomeMiss || body != "body of /new-"+name {
			t.Errorf("%s, new URL during the outage: %q, %s", name, body, out)
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("%s: two requests took %v during the outage", name, took)
		}
		if _, out := get(t, rt, o.URL+"/new-"+name); out != httpcache.OutcomeHit {
			t.Errorf("%s: response fetched during the outage not kept locally: %s", name, out)
		}
	}
	for _, c := range []*Client{ca, cb} {
		if err := c.Ready(); !errors.Is(err, ErrDegraded) {
			t.Fatalf("Ready during the outage = %v, want ErrDegraded", err)
		}
	}
	if testutil.ToFloat64(ca.metrics.up) != 0 {
		t.Fatal("snapdoc_redis_up is not 0 during the outage")
	}
	allowed := 0
	for range 5 {
		if ok, _ := budgets.AllowClient(context.Background(), "192.0.2.7"); ok {
			allowed++
		}
	}
	if allowed != 3 {
		t.Fatalf("runs allowed by the local budget = %d, want the burst, 3", allowed)
	}
	if testutil.ToFloat64(ca.metrics.errors.WithLabelValues("get")) < 1 {
		t.Fatal("the failed Get was not counted")
	}

	srv.restart()
	waitHealthy(t, ca, cb)
	if err := ca.Ready(); err != nil {
		t.Fatalf("Ready after Redis came back = %v", err)
	}
	// Writes reach Redis again: a third replica sees what a stores.
	get(t, a, o.URL+"/after")
	c := openClient(t, srv)
	if _, out := get(t, cache(c.Store(StoreConfig{})), o.URL+"/after"); out != httpcache.OutcomeHit {
		t.Fatalf("third replica after recovery: %s, want a hit from Redis", out)
	}
	// And the budgets are shared again.
	shared := []*Budgets{budgets, cb.Budgets(limits)}
	allowed = 0
	for i := range 6 {
		if ok, _ := shared[i%2].AllowClient(context.Background(), "192.0.2.8"); ok {
			allowed++
		}
	}
	if allowed != 3 {
		t.Fatalf("runs allowed across two replicas after recovery = %d, want 3", allowed)
	}
}

func TestRedisSlow(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	c := openClient(t, srv, WithTimeout(100*time.Millisecond), WithProbeInterval(50*time.Millisecond))
	s := c.Store(StoreConfig{})
	const key = "http://example.test/x"
	if err := s.Set(key, entry("before", "Cache-Control", "max-age=60")); err != nil {
		t.Fatal(err)
	}
	budgets := c.Budgets(BudgetConfig{})

	srv.pause()
	for i := range timeoutsToDegrade {
		// One slow answer costs only its operation; Redis hanging on
		// turns the client degraded.
		if i == 1 && !c.Healthy() {
			t.Fatal("one timeout turned the client degraded")
		}
		start := time.Now()
		e, err := s.Get(key)
		if err != nil || string(e.Body) != "before" {
			t.Fatalf("Get while Redis hangs: %v; want the local copy", err)
		}
		if took := time.Since(start); took > 500*time.Millisecond {
			t.Fatalf("Get while Redis hangs took %v, want about the 100ms timeout", took)
		}
	}
	if c.Healthy() {
		t.Fatalf("client healthy after %d timeouts in a row", timeoutsToDegrade)
	}
	if err := c.Ready(); !errors.Is(err, ErrDegraded) || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("Ready = %v, want ErrDegraded saying timeout", err)
	}
	start := time.Now()
	if err := s.Set(key, entry("during", "Cache-Control", "max-age=60")); err != nil {
		t.Fatalf("Set while Redis hangs: %v", err)
	}
	if ok, _ := budgets.AllowClient(context.Background(), "c"); !ok || s.Collapse(context.Background(), key) == nil {
		t.Fatal("budget or collapse refused while degraded")
	}
	if took := time.Since(start); took > 50*time.Millisecond {
		t.Fatalf("degraded operations took %v: Redis is still being waited for", took)
	}

	srv.resume()
	waitHealthy(t, c)
	if e, err := s.Get(key); err != nil || string(e.Body) != "before" {
		t.Fatalf("Get after recovery: %v %v; want Redis's copy", e, err)
	}
}

func TestTimeoutsInARowDegrade(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	c := openClient(t, srv)
	s := c.Store(StoreConfig{})
	for range 5 {
		c.failed("get", context.DeadlineExceeded)
		if _, err := s.Get("k"); !errors.Is(err, httpcache.ErrNotExist) { // answered: the count restarts
			t.Fatal(err)
		}
	}
	if !c.Healthy() {
		t.Fatal("timeouts separated by answers turned the client degraded")
	}
	for range timeoutsToDegrade {
		c.failed("get", context.DeadlineExceeded)
	}
	if c.Healthy() {
		t.Fatal("timeouts in a row left the client healthy")
	}
}

func TestPoolTimeoutDoesNotDegrade(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	c := openClient(t, srv)
	c.failed("get", fmt.Errorf("wrapped: %w", redis.ErrPoolTimeout))
	if !c.Healthy() {
		t.Fatal("a wait for a free connection turned the client degraded")
	}
	c.failed("get", errors.New("connection reset"))
	if c.Healthy() {
		t.Fatal("a Redis failure left the client healthy")
	}
}
