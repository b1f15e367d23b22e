package redisstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"
	"github.com/snapdoc/snapdoc/runner/httpcache"
)

// openClient opens a client on srv. Its operations time out after a
// second unless opts say otherwise: the default tens of milliseconds could
// be exceeded on a loaded test machine, which would turn a test about
// something else degraded.
func openClient(t *testing.T, srv *redisServer, opts ...Option) *Client {
	t.Helper()
	c, err := Open(srv.url(), append([]Option{WithTimeout(time.Second)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	// A loaded machine (the race detector, packages testing in parallel)
	// can miss a short timeout on the first probe; the background probe
	// then finds the server.
	deadline := time.Now().Add(5 * time.Second)
	for !c.Healthy() {
		if time.Now().After(deadline) {
			t.Fatalf("client not healthy 5s after Open: %v", c.Ready())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return c
}

// inspect is a plain client to look at what the store wrote.
func inspect(t *testing.T, srv *redisServer) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: srv.addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func entry(body string, header ...string) *httpcache.Entry {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Add(header[i], header[i+1])
	}
	now := time.Now().Truncate(time.Millisecond)
	return &httpcache.Entry{
		URL: "http://example.test/x", StatusCode: 200, Header: h, Body: []byte(body),
		RequestTime: now.Add(-time.Millisecond), ResponseTime: now,
		VaryHeader: http.Header{"Accept": {"text/plain"}},
	}
}

func TestStoreRoundTrip(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	a := openClient(t, srv).Store(StoreConfig{})
	b := openClient(t, srv).Store(StoreConfig{}) // another replica

	const key = "http://example.test/x"
	if _, err := b.Get(key); !errors.Is(err, httpcache.ErrNotExist) {
		t.Fatalf("Get before Set: err = %v, want ErrNotExist", err)
	}
	want := entry("hello", "Cache-Control", "max-age=60", "Content-Type", "text/plain", "Set-Cookie", "a=1", "Set-Cookie", "b=2")
	if err := a.Set(key, want); err != nil {
		t.Fatal(err)
	}
	got, err := b.Get(key)
	if err != nil {
		t.Fatalf("Get on the other replica: %v", err)
	}
	if got.URL != want.URL || got.StatusCode != want.StatusCode || string(got.Body) != "hello" ||
		!got.RequestTime.Equal(want.RequestTime) || !got.ResponseTime.Equal(want.ResponseTime) ||
		fmt.Sprint(got.Header) != fmt.Sprint(want.Header) || fmt.Sprint(got.VaryHeader) != fmt.Sprint(want.VaryHeader) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}

	// Delete on one replica removes it for both, including b's local copy.
	if err := a.Delete(key); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(key); !errors.Is(err, httpcache.ErrNotExist) {
		t.Fatalf("Get after Delete: err = %v, want ErrNotExist", err)
	}
	if _, err := b.cfg.Local.Get(key); !errors.Is(err, httpcache.ErrNotExist) {
		t.Fatalf("local copy survived a Delete seen in Redis: %v", err)
	}
	if n, _ := a.Bytes(context.Background()); n != 0 {
		t.Fatalf("accounted bytes after Delete = %d, want 0", n)
	}
}

func TestStoreRejectsDamagedEntry(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	s := openClient(t, srv).Store(StoreConfig{})
	const key = "http://example.test/x"
	if err := s.Set(key, entry("hello", "Cache-Control", "max-age=60")); err != nil {
		t.Fatal(err)
	}
	rdb := inspect(t, srv)
	rk := s.entryKey(member(key))
	v, err := rdb.Get(context.Background(), rk).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	v[len(v)-1] ^= 1
	rdb.Set(context.Background(), rk, v, time.Minute)
	if _, err := s.Get(key); !errors.Is(err, httpcache.ErrNotExist) {
		t.Fatalf("damaged entry: err = %v, want ErrNotExist", err)
	}
}

func TestStoreTTL(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	s := openClient(t, srv).Store(StoreConfig{StaleWindow: 10 * time.Minute, MaxTTL: 3 * time.Hour, Targets: []string{"CDN-Cache-Control"}})
	rdb := inspect(t, srv)
	cases := map[string]struct {
		e    *httpcache.Entry
		want time.Duration
	}{
		"max-age plus stale window": {entry("a", "Cache-Control", "max-age=60"), 60*time.Second + 10*time.Minute},
		"s-maxage counts":           {entry("a", "Cache-Control", "max-age=10, s-maxage=600"), 600*time.Second + 10*time.Minute},
		"stale-if-error lengthens":  {entry("a", "Cache-Control", "max-age=60, stale-if-error=3600"), 60*time.Second + time.Hour},
		"stale already":             {entry("a", "Cache-Control", "max-age=60", "Age", "120"), 10 * time.Minute},
		"capped":                    {entry("a", "Cache-Control", "max-age=86400"), 3 * time.Hour},
		"targeted field":            {entry("a", "Cache-Control", "max-age=10", "CDN-Cache-Control", "max-age=1200"), 1200*time.Second + 10*time.Minute},
		"variant index":             {&httpcache.Entry{URL: "v", Header: http.Header{"Vary": {"Accept"}}, Body: []byte("gen")}, 3 * time.Hour},
	}
	for name, tc := range cases {
		key := "http://example.test/" + name
		if err := s.Set(key, tc.e); err != nil {
			t.Fatal(err)
		}
		got, err := rdb.PTTL(context.Background(), s.entryKey(member(key))).Result()
		if err != nil {
			t.Fatal(err)
		}
		if got > tc.want || got < tc.want-2*time.Second {
			t.Errorf("%s: TTL in Redis = %v, want %v", name, got, tc.want)
		}
	}
}

func TestStoreEntryExpires(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	s := openClient(t, srv).Store(StoreConfig{StaleWindow: time.Millisecond})
	const key = "http://example.test/x"
	if err := s.Set(key, entry("a", "Cache-Control", "max-age=0")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(key); err != nil {
		t.Fatalf("Get at once: %v", err)
	}
	time.Sleep(1100 * time.Millisecond) // the shortest TTL is a second
	if _, err := s.Get(key); !errors.Is(err, httpcache.ErrNotExist) {
		t.Fatalf("Get after the TTL: err = %v, want ErrNotExist", err)
	}
	// The next write forgets the expired entry's size.
	if err := s.Set(key+"2", entry("b", "Cache-Control", "max-age=60")); err != nil {
		t.Fatal(err)
	}
	n, _ := s.Bytes(context.Background())
	one := int64(len(httpcache.EncodeEntry(key+"2", entry("b", "Cache-Control", "max-age=60"))))
	if n != one {
		t.Fatalf("accounted bytes = %d, want %d (the live entry only)", n, one)
	}
}

func TestStoreSizeCap(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	c := openClient(t, srv)
	const cap = 20 << 10
	s := c.Store(StoreConfig{MaxBytes: cap})
	body := strings.Repeat("x", 1<<10)
	for i := range 60 {
		// Later entries live longer, so the earliest go first.
		e := entry(body, "Cache-Control", fmt.Sprintf("max-age=%d", 100+i))
		if err := s.Set(fmt.Sprintf("http://example.test/%d", i), e); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.Bytes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n > cap || n < cap/2 {
		t.Fatalf("accounted bytes = %d, want at most %d and not far below", n, cap)
	}
	rdb := inspect(t, srv)
	var real int64
	keys, _ := rdb.Keys(context.Background(), c.key("e", "*")).Result()
	for _, k := range keys {
		real += rdb.StrLen(context.Background(), k).Val()
	}
	if real != n {
		t.Fatalf("bytes in Redis = %d, accounted %d", real, n)
	}
	if _, err := s.Get("http://example.test/59"); err != nil {
		t.Fatalf("latest entry evicted: %v", err)
	}
	// Read through a fresh replica, so no local copy answers.
	other := openClient(t, srv).Store(StoreConfig{})
	if _, err := other.Get("http://example.test/0"); !errors.Is(err, httpcache.ErrNotExist) {
		t.Fatalf("earliest-expiring entry kept beyond the cap: %v", err)
	}
	if ev := testutil.ToFloat64(c.metrics.evictions); ev < 30 {
		t.Fatalf("evictions = %v, want about 40", ev)
	}
}

func TestStoreKeepsLargeEntriesLocal(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	cfg := StoreConfig{MaxEntryBytes: 4 << 10}
	a, b := openClient(t, srv).Store(cfg), openClient(t, srv).Store(cfg)
	const key = "http://example.test/x"
	if err := a.Set(key, entry("small", "Cache-Control", "max-age=60")); err != nil {
		t.Fatal(err)
	}
	large := entry(strings.Repeat("x", 8<<10), "Cache-Control", "max-age=60")
	if err := a.Set(key, large); err != nil {
		t.Fatal(err)
	}
	if e, err := a.Get(key); err != nil || len(e.Body) != 8<<10 {
		t.Fatalf("large entry not served from the local store: %v", err)
	}
	// The other replica sees neither the large entry nor the small one
	// it replaced.
	if e, err := b.Get(key); !errors.Is(err, httpcache.ErrNotExist) {
		t.Fatalf("other replica: %v, %v; want ErrNotExist", e, err)
	}
	if err := b.Delete(key); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Get(key); !errors.Is(err, httpcache.ErrNotExist) {
		t.Fatalf("local copy of a large entry survived a Delete on another replica: %v", err)
	}
}

// origin is a test origin counting the requests it answers.
type origin struct {
	*httptest.Server
	hits  atomic.Int64
	delay time.Duration
}

func newOrigin(t testing.TB, delay time.Duration, h http.HandlerFunc) *origin {
	o := &origin{delay: delay}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.hits.Add(1)
		time.Sleep(o.delay)
		h(w, r)
	}))
	t.Cleanup(o.Close)
	return o
}

// replica is one runner replica's cache: a shared httpcache over the
// Redis store, collapsing across replicas.
func replica(t *testing.T, srv *redisServer, o *origin, cfg StoreConfig) (*httpcache.Transport, *Client) {
	c := openClient(t, srv)
	s := c.Store(cfg)
	return httpcache.New(s, httpcache.WithShared(true), httpcache.WithCollapser(s),
		httpcache.WithTransport(o.Client().Transport)), c
}

func get(t *testing.T, rt http.RoundTripper, url string, header ...string) (body, outcome string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Errorf("GET %s: %v", url, err)
		return "", ""
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("GET %s: body: %v", url, err)
	}
	if resp.StatusCode != 200 {
		t.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return string(b), httpcache.Outcome(resp)
}

func TestVariantsAcrossReplicas(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	o := newOrigin(t, 0, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		w.Header().Set("Vary", "Accept-Language")
		fmt.Fprint(w, "hello in "+r.Header.Get("Accept-Language"))
	})
	a, _ := replica(t, srv, o, StoreConfig{})
	b, _ := replica(t, srv, o, StoreConfig{})
	for _, lang := range []string{"en", "fr"} {
		if body, out := get(t, a, o.URL, "Accept-Language", lang); out != httpcache.OutcomeMiss || body != "hello in "+lang {
			t.Fatalf("replica a, %s: %q, %s", lang, body, out)
		}
	}
	for _, lang := range []string{"fr", "en"} {
		if body, out := get(t, b, o.URL, "Accept-Language", lang); out != httpcache.OutcomeHit || body != "hello in "+lang {
			t.Fatalf("replica b, %s: %q, %s; want the variant a stored", lang, body, out)
		}
	}
	if _, out := get(t, b, o.URL, "Accept-Language", "de"); out != httpcache.OutcomeMiss {
		t.Fatalf("replica b, de: %s, want miss", out)
	}
	if n := o.hits.Load(); n != 3 {
		t.Fatalf("origin requests = %d, want 3 (en, fr, de)", n)
	}
}

func TestCollapseAcrossReplicas(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	o := newOrigin(t, 300*time.Millisecond, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		fmt.Fprint(w, "once")
	})
	a, ca := replica(t, srv, o, StoreConfig{})
	b, cb := replica(t, srv, o, StoreConfig{})
	var wg sync.WaitGroup
	for i := range 20 {
		rt := a
		if i%2 == 1 {
			rt = b
		}
		wg.Go(func() {
			if body, _ := get(t, rt, o.URL); body != "once" {
				t.Errorf("body %q", body)
			}
		})
	}
	wg.Wait()
	if n := o.hits.Load(); n != 1 {
		t.Fatalf("origin requests = %d for 20 concurrent identical requests on two replicas, want 1", n)
	}
	collapsed := testutil.ToFloat64(ca.metrics.collapsed) + testutil.ToFloat64(cb.metrics.collapsed)
	if collapsed < 1 {
		t.Fatalf("no replica waited for the other")
	}
}

// TestCollapseAfterAnotherReplicaStored covers the gap between a miss and
// the lock: a replica that finished fetching in between has released the
// lock, and taking it would fetch the response a second time.
func TestCollapseAfterAnotherReplicaStored(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	a, b := openClient(t, srv).Store(StoreConfig{}), openClient(t, srv).Store(StoreConfig{})
	const key = "http://example.test/x"
	if err := a.Set(key, entry("a fetched it", "Cache-Control", "max-age=60")); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if done := b.Collapse(context.Background(), key); done != nil {
		t.Fatal("Collapse took the lock for a key stored since the miss")
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("Collapse waited %v for a key already stored", took)
	}
	if n, _ := inspect(t, srv).Exists(context.Background(), b.c.key("lock", member(key))).Result(); n != 0 {
		t.Fatal("a lock is held for a stored key")
	}
}

func TestCollapseWaitHasDeadline(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	o := newOrigin(t, 600*time.Millisecond, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		fmt.Fprint(w, "slow")
	})
	cfg := StoreConfig{CollapseWait: 150 * time.Millisecond}
	a, _ := replica(t, srv, o, cfg)
	b, cb := replica(t, srv, o, cfg)
	var wg sync.WaitGroup
	wg.Go(func() { get(t, a, o.URL) })
	time.Sleep(50 * time.Millisecond) // a holds the lock
	start := time.Now()
	if body, out := get(t, b, o.URL); body != "slow" || out != httpcache.OutcomeMiss {
		t.Errorf("b after its wait: %q, %s", body, out)
	}
	// b waited its deadline, then fetched itself rather than wait for a.
	if took := time.Since(start); took > 150*time.Millisecond+600*time.Millisecond+200*time.Millisecond {
		t.Errorf("b took %v", took)
	}
	wg.Wait()
	if n := o.hits.Load(); n != 2 {
		t.Fatalf("origin requests = %d, want 2", n)
	}
	if testutil.ToFloat64(cb.metrics.collapseTO) != 1 {
		t.Fatalf("collapse timeouts = %v, want 1", testutil.ToFloat64(cb.metrics.collapseTO))
	}
}

func TestBudgetsSharedAcrossReplicas(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	cfg := BudgetConfig{Client: Limit{Rate: 30, Period: time.Minute, Burst: 10}, Origin: Limit{Rate: 15, Period: time.Minute, Burst: 15}}
	replicas := []*Budgets{openClient(t, srv).Budgets(cfg), openClient(t, srv).Budgets(cfg), openClient(t, srv).Budgets(cfg)}
	ctx := context.Background()
	allowed := 0
	var retry time.Duration
	for i := range 30 {
		ok, r := replicas[i%3].AllowClient(ctx, "192.0.2.1")
		if ok {
			allowed++
		}
		retry = r
	}
	if allowed != 10 {
		t.Fatalf("client runs allowed across 3 replicas = %d, want the burst, 10", allowed)
	}
	// 30 a minute: one every 2 s.
	if retry <= 0 || retry > 2*time.Second {
		t.Fatalf("retry after %v, want (0, 2s]", retry)
	}
	if ok, _ := replicas[0].AllowClient(ctx, "192.0.2.2"); !ok {
		t.Fatal("another client refused")
	}
	allowed = 0
	for i := range 30 {
		if ok, _ := replicas[i%3].AllowOrigin(ctx); ok {
			allowed++
		}
	}
	if allowed != 15 {
		t.Fatalf("origin requests allowed across 3 replicas = %d, want 15", allowed)
	}
}

// originBudget takes a request from the origin budget for each request
// that leaves the cache, as the runner's OriginBudget does for a public
// run.
type originBudget struct {
	b    *Budgets
	next http.RoundTripper
}

func (t originBudget) RoundTrip(req *http.Request) (*http.Response, error) {
	if ok, retry := t.b.AllowOrigin(req.Context()); !ok {
		return nil, fmt.Errorf("origin budget spent, retry after %v", retry)
	}
	return t.next.RoundTrip(req)
}

func TestMetricsRegister(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	c := openClient(t, srv)
	reg := prometheus.NewPedanticRegistry()
	for _, col := range c.Collectors() {
		if err := reg.Register(col); err != nil {
			t.Fatal(err)
		}
	}
	c.Budgets(BudgetConfig{Client: Limit{Rate: 1, Period: time.Minute, Burst: 1}}).AllowClient(context.Background(), "x")
	if n, err := testutil.GatherAndCount(reg, "snapdoc_redis_up", "snapdoc_redis_roundtrips_total"); err != nil || n != 2 {
		t.Fatalf("gathered %d series, err %v", n, err)
	}
	if got := testutil.ToFloat64(c.metrics.up); got != 1 {
		t.Fatalf("snapdoc_redis_up = %v, want 1", got)
	}
}

func TestOpenRejectsBadURLWithoutPassword(t *testing.T) {
	t.Parallel()
	_, err := Open("http://:hunter2@127.0.0.1:1/0")
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("Open with a bad URL: err = %v, want an error not showing the password", err)
	}
}
