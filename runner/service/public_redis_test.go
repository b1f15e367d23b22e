package service

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/runner"

	"github.com/snapdoc/snapdoc/runner/redisstore"
)

// startRedisServer starts a redis-server on a free loopback port for the
// test, persistence off, and returns its store URL and a function that
// kills it. Without the binary the test is skipped on a developer machine
// and fails under CI=true.
func startRedisServer(t *testing.T) (url string, kill func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is not installed, and CI=true: install the redis-server package")
		}
		t.Skip("redis-server is not installed; apt-get install redis-server to run this test")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", t.TempDir(), "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	kill = func() { once.Do(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }) }
	t.Cleanup(kill)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not start within 5 s", addr)
		}
	}
	return "redis://" + addr + "/0", kill
}

// newRedisReplica is one public runner replica whose shared cache,
// collapsing and budgets live in the Redis at url, wired as
// `snapdoc runner --public --store` wires them, with its own client.
func newRedisReplica(t *testing.T, origin *publicOrigin, url string) *httptest.Server {
	t.Helper()
	// A timeout well above what a loaded CI machine takes to answer: a
	// Redis operation that timed out falls back to the replica's own
	// work, which the test would count as a second origin request.
	c, err := redisstore.Open(url, redisstore.WithTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	for deadline := time.Now().Add(5 * time.Second); !c.Healthy(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("redis client not healthy: %v", c.Ready())
		}
	}
	store := c.Store(redisstore.StoreConfig{Targets: runner.SharedCacheTargets})
	budgets := c.Budgets(redisstore.BudgetConfig{})
	m := NewMetrics(c.Collectors()...)
	r, err := runner.Open(runner.Config{
		Hosts:       map[string]string{"api.test": origin.URL},
		SharedStore: store, SharedCache: true, SharedCollapser: store,
		Origin: OriginBudget(budgets, m.OriginRequest),
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	trusted, err := ParseProxies([]string{"127.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	svc := &Service{
		Runner: r, Catalog: publicCatalog,
		Access:  Access{Addr: "127.0.0.1:0", AllowOrigins: []string{docsOrigin}, Token: "build-token", Public: true, TrustProxies: trusted},
		Limits:  Limits{MaxRuns: 256},
		Public:  true,
		Budgets: budgets, Collapse: store, Metrics: m, Ready: c.Ready,
	}
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// TestPublicReplicasOnRedis runs three replicas, each with its own Redis
// client, on one redis-server: 300 runs of one cacheable block by 200
// readers reach the origin once, all with CORS for the docs site; a
// reader sending 400 runs is refused by every replica, because the
// budget lives in Redis; with redis-server killed, runs still get no
// 5xx and /readyz says the replica is degraded.
func TestPublicReplicasOnRedis(t *testing.T) {
	url, kill := startRedisServer(t)
	origin := newPublicOrigin(t)
	var replicas []*httptest.Server
	for range 3 {
		replicas = append(replicas, newRedisReplica(t, origin, url))
	}
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var wg sync.WaitGroup
	var bad atomic.Int64
	start := make(chan struct{})
	for i := range 300 {
		wg.Go(func() {
			<-start
			resp := readerRun(t, c, replicas[i%3].URL, "get", hashOf("get"), fmt.Sprintf("203.0.113.%d", i%200))
			if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != docsOrigin {
				bad.Add(1)
				t.Errorf("run %d on replica %d: %d, Access-Control-Allow-Origin %q", i, i%3, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
			}
		})
	}
	close(start)
	wg.Wait()
	if n := origin.hits.Load(); n != 1 {
		t.Errorf("300 runs on 3 replicas sharing Redis sent %d requests to the origin, want 1", n)
	}
	refused := map[int]int{}
	for i := range 400 {
		if resp := readerRun(t, c, replicas[i%3].URL, "get", "", "192.0.2.77"); resp.StatusCode == 429 {
			refused[i%3]++
		}
	}
	for r := range 3 {
		if refused[r] == 0 {
			t.Errorf("replica %d never refused the reader who sent 400 runs", r)
		}
	}

	kill()
	for i := range 30 {
		resp := readerRun(t, c, replicas[i%3].URL, "get", hashOf("get"), fmt.Sprintf("198.51.100.%d", i))
		if resp.StatusCode >= 500 {
			t.Errorf("run %d with Redis down: %d, want no 5xx", i, resp.StatusCode)
		}
	}
	resp, err := c.Get(replicas[0].URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"degraded"`) {
		t.Errorf("/readyz with Redis down: %d %s, want 200 saying degraded", resp.StatusCode, body)
	}
}
