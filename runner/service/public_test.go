package service

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/httpfile"

	"github.com/snapdoc/snapdoc/runner/httpcache"
)

const docsOrigin = "https://docs.example.org"

// publicOrigin is the API the public runner's blocks call: /cache is
// fresh for a minute, /fresh is never stored; it counts what reaches it.
type publicOrigin struct {
	*httptest.Server
	hits atomic.Int64
}

func newPublicOrigin(t testing.TB) *publicOrigin {
	o := &publicOrigin{}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.hits.Add(1)
		switch r.URL.Path {
		case "/cache":
			w.Header().Set("Cache-Control", "max-age=60")
		case "/targeted":
			// Browsers must not keep it; snapdoc's public runners may.
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Snapdoc-Cache-Control", "max-age=60")
		default:
			w.Header().Set("Cache-Control", "no-store")
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"path": %q}`, r.URL.Path)
	}))
	t.Cleanup(o.Close)
	return o
}

// shared is what the replicas of one public runner share.
type shared struct {
	store    httpcache.Store
	budgets  Budgets
	collapse Collapser
}

func newShared(client, origin Budget) *shared {
	return &shared{store: httpcache.NewMemoryStore(64 << 20), budgets: NewLocalBudgets(client, origin), collapse: &LocalCollapser{}}
}

var publicBlocks = map[string]struct {
	reqs []*httpfile.Request
	try  bool
}{
	"get":      {[]*httpfile.Request{{Method: "GET", URL: "https://api.test/cache"}}, true},
	"fresh":    {[]*httpfile.Request{{Method: "GET", URL: "https://api.test/fresh"}}, true},
	"targeted": {[]*httpfile.Request{{Method: "GET", URL: "https://api.test/targeted"}}, true},
	"post":     {[]*httpfile.Request{{Method: "POST", URL: "https://api.test/post", Body: "{}"}}, false},
}

func publicCatalog(ref BlockRef) ([]*httpfile.Request, runner.RunOptions, error) {
	b, ok := publicBlocks[ref.Block]
	if ref.File != "content/a.md" || !ok {
		return nil, runner.RunOptions{}, fmt.Errorf("%s block %s: %w", ref.File, ref.Block, ErrUnknownBlock)
	}
	return b.reqs, runner.RunOptions{Try: b.try}, nil
}

// newReplica starts one replica of a public runner over sh, whose
// requests to api.test go to origin.
func newReplica(t testing.TB, origin *publicOrigin, sh *shared, proxies ...string) (*httptest.Server, *Metrics) {
	t.Helper()
	m := NewMetrics()
	r, err := runner.Open(runner.Config{
		Hosts:       map[string]string{"api.test": origin.URL},
		SharedStore: sh.store, SharedCache: true,
		Origin: OriginBudget(sh.budgets, m.OriginRequest),
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	trusted, err := ParseProxies(proxies)
	if err != nil {
		t.Fatal(err)
	}
	svc := &Service{
		Runner: r, Catalog: publicCatalog,
		Access:  Access{Addr: "127.0.0.1:0", AllowOrigins: []string{docsOrigin}, Token: "build-token", Public: true, TrustProxies: trusted},
		Limits:  Limits{MaxRuns: 256},
		Public:  true,
		Budgets: sh.budgets, Collapse: sh.collapse, Metrics: m,
	}
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	return srv, m
}

// readerRun posts a run as a reader's browser on the docs site would,
// with X-Forwarded-For when forwarded is set.
func readerRun(t testing.TB, c *http.Client, url, block, hash, forwarded string) *http.Response {
	t.Helper()
	body := fmt.Sprintf(`{"file": "content/a.md", "block": %q, "hash": %q}`, block, hash)
	req, _ := http.NewRequest("POST", url+"/v1/run", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", docsOrigin)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if forwarded != "" {
		req.Header.Set("X-Forwarded-For", forwarded)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func hashOf(block string) string { return runner.Hash(publicBlocks[block].reqs) }

func TestPublicRunsOnlyWhatReadersMayRun(t *testing.T) {
	srv, _ := newReplica(t, newPublicOrigin(t), newShared(Budget{PerMinute: 600, Burst: 100}, Budget{}))
	c := srv.Client()
	for _, tc := range []struct {
		block, hash string
		status      int
	}{
		{"get", hashOf("get"), 200},
		{"get", "", 200},
		{"post", hashOf("post"), 403},
		{"nope", "", 404},
		{"get", "sha256:not-the-block", 409},
	} {
		if resp := readerRun(t, c, srv.URL, tc.block, tc.hash, ""); resp.StatusCode != tc.status {
			t.Errorf("%s %q: status %d, want %d", tc.block, tc.hash, resp.StatusCode, tc.status)
		}
	}
	// The token holder, a build, runs any block the site publishes.
	req, _ := http.NewRequest("POST", srv.URL+"/v1/run", strings.NewReader(`{"file": "content/a.md", "block": "post"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer build-token")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("token holder's run of post: %d", resp.StatusCode)
	}
	// An anonymous caller is never "this machine", even without an
	// Origin: behind a proxy every caller comes from loopback.
	req, _ = http.NewRequest("POST", srv.URL+"/v1/run", strings.NewReader(`{"file": "content/a.md", "block": "post"}`))
	req.Header.Set("Content-Type", "application/json")
	if resp, err = c.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("anonymous program's run of post: %d, want 403", resp.StatusCode)
	}
}

// TestPublicTargetedCacheControl checks that the public runner's cache
// obeys Snapdoc-Cache-Control, which addresses it alone, over
// Cache-Control.
func TestPublicTargetedCacheControl(t *testing.T) {
	origin := newPublicOrigin(t)
	srv, _ := newReplica(t, origin, newShared(Budget{PerMinute: 600, Burst: 100}, Budget{}))
	for range 3 {
		if resp := readerRun(t, srv.Client(), srv.URL, "targeted", "", ""); resp.StatusCode != 200 {
			t.Fatalf("run: %d", resp.StatusCode)
		}
	}
	if n := origin.hits.Load(); n != 1 {
		t.Errorf("origin requests = %d, want 1: Snapdoc-Cache-Control: max-age=60 was not obeyed", n)
	}
}

func TestPublicCORS(t *testing.T) {
	srv, _ := newReplica(t, newPublicOrigin(t), newShared(Budget{PerMinute: 600, Burst: 100}, Budget{}))
	c := srv.Client()
	send := func(method, origin, body string) *http.Response {
		req, _ := http.NewRequest(method, srv.URL+"/v1/run", strings.NewReader(body))
		req.Header.Set("Origin", origin)
		if method == "OPTIONS" {
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "content-type")
		} else {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	run := `{"file": "content/a.md", "block": "get"}`
	for _, tc := range []struct {
		method, origin string
		status         int
		acao           string
	}{
		{"OPTIONS", docsOrigin, 204, docsOrigin},
		{"POST", docsOrigin, 200, docsOrigin},
		{"OPTIONS", "https://evil.example", 403, ""},
		{"POST", "https://evil.example", 403, ""},
		{"POST", "null", 403, ""},
	} {
		resp := send(tc.method, tc.origin, run)
		if resp.StatusCode != tc.status || resp.Header.Get("Access-Control-Allow-Origin") != tc.acao {
			t.Errorf("%s from %s: %d, Access-Control-Allow-Origin %q; want %d, %q", tc.method, tc.origin, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), tc.status, tc.acao)
		}
		if tc.acao != "" && !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "Retry-After") {
			t.Errorf("%s from %s: Retry-After not exposed to the page", tc.method, tc.origin)
		}
	}
}

func TestPublicForwardedFor(t *testing.T) {
	one := Budget{PerMinute: 1, Burst: 1}
	t.Run("trusted proxy", func(t *testing.T) {
		srv, _ := newReplica(t, newPublicOrigin(t), newShared(one, Budget{}), "127.0.0.0/8")
		c := srv.Client()
		for _, tc := range []struct {
			xff    string
			status int
		}{
			{"203.0.113.1", 200},
			{"203.0.113.2", 200},               // another reader, its own budget
			{"203.0.113.1", 429},               // the first again
			{"198.51.100.9, 203.0.113.1", 429}, // a forged hop on the left buys nothing
			{"203.0.113.3, 127.0.0.1", 200},    // trusted hops on the right are skipped
			{"203.0.113.3", 429},
		} {
			if resp := readerRun(t, c, srv.URL, "get", "", tc.xff); resp.StatusCode != tc.status {
				t.Errorf("X-Forwarded-For %q: %d, want %d", tc.xff, resp.StatusCode, tc.status)
			}
		}
	})
	t.Run("no trusted proxy", func(t *testing.T) {
		srv, _ := newReplica(t, newPublicOrigin(t), newShared(one, Budget{}))
		c := srv.Client()
		if resp := readerRun(t, c, srv.URL, "get", "", "203.0.113.1"); resp.StatusCode != 200 {
			t.Fatalf("first run: %d", resp.StatusCode)
		}
		// The header is the caller's own: the peer is the client.
		if resp := readerRun(t, c, srv.URL, "get", "", "203.0.113.2"); resp.StatusCode != 429 {
			t.Errorf("a spoofed X-Forwarded-For got a fresh budget: %d", resp.StatusCode)
		}
	})
}

func TestPublicBudgets(t *testing.T) {
	origin := newPublicOrigin(t)
	srv, _ := newReplica(t, origin, newShared(Budget{PerMinute: 30, Burst: 2}, Budget{PerMinute: 1, Burst: 2}), "127.0.0.0/8")
	c := srv.Client()
	// A client beyond its burst gets 429 and how long to wait.
	for i, want := range []int{200, 200, 429} {
		resp := readerRun(t, c, srv.URL, "get", "", "203.0.113.1")
		if resp.StatusCode != want {
			t.Fatalf("run %d: %d, want %d", i, resp.StatusCode, want)
		}
		if want == 429 {
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 || s > 2 {
				t.Errorf("Retry-After %q, want the 2 s until a run is due", resp.Header.Get("Retry-After"))
			}
		}
	}
	// Cached answers cost the origin budget nothing: the one request
	// that reached the origin is all it paid, for many readers.
	for i := range 20 {
		if resp := readerRun(t, c, srv.URL, "get", "", fmt.Sprintf("198.51.100.%d", i)); resp.StatusCode != 200 {
			t.Fatalf("cached run %d: %d", i, resp.StatusCode)
		}
	}
	if n := origin.hits.Load(); n != 1 {
		t.Errorf("origin requests = %d, want 1", n)
	}
	// Runs that leave the cache spend it: one more is left, then 429.
	if resp := readerRun(t, c, srv.URL, "fresh", "", "192.0.2.1"); resp.StatusCode != 200 {
		t.Fatalf("uncached run: %d", resp.StatusCode)
	}
	resp := readerRun(t, c, srv.URL, "fresh", "", "192.0.2.2")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("uncached run beyond the origin budget: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if n := origin.hits.Load(); n != 2 {
		t.Errorf("origin requests = %d, want 2: the refused run must not reach it", n)
	}
	// The token holder's own budget and no origin budget: a build gets
	// through.
	req, _ := http.NewRequest("POST", srv.URL+"/v1/run", strings.NewReader(`{"file": "content/a.md", "block": "fresh"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer build-token")
	tr, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	tr.Body.Close()
	if tr.StatusCode != 200 {
		t.Errorf("token holder's run while readers are out of budget: %d", tr.StatusCode)
	}
	got := scrape(t, c, srv.URL)
	for _, want := range []string{
		`snapdoc_origin_requests_total 3`,
		`snapdoc_runs_refused_total{budget="client"} 1`,
		`snapdoc_runs_refused_total{budget="origin"} 1`,
		`snapdoc_cache_hits_total 21`, // all but the first run of get
		`snapdoc_runs_total{caller="public",outcome="ok"} 23`,
		`snapdoc_runs_total{caller="token",outcome="ok"} 1`,
	} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, got)
		}
	}
}

// scrape reads a replica's metrics with the token; without, it is
// refused.
func scrape(t testing.TB, c *http.Client, url string) string {
	t.Helper()
	resp, err := c.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("/metrics without the token: %d, want 403", resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", url+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer build-token")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "#") {
			b.WriteString(sc.Text() + "\n")
		}
	}
	return b.String()
}

// TestPublicReplicas runs three replicas that share their stores, as
// replicas on one Redis do: readers spread over them cost the origin one
// request per freshness lifetime, and a reader's budget is one across them.
func TestPublicReplicas(t *testing.T) {
	origin := newPublicOrigin(t)
	sh := newShared(Budget{}, Budget{})
	var replicas []*httptest.Server
	for range 3 {
		srv, _ := newReplica(t, origin, sh, "127.0.0.0/8")
		replicas = append(replicas, srv)
	}
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var wg sync.WaitGroup
	var bad atomic.Int64
	start := make(chan struct{})
	for i := range 300 {
		wg.Go(func() {
			<-start
			srv := replicas[i%3]
			resp := readerRun(t, c, srv.URL, "get", hashOf("get"), fmt.Sprintf("203.0.113.%d", i%200))
			if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != docsOrigin {
				bad.Add(1)
				t.Errorf("run %d on replica %d: %d, Access-Control-Allow-Origin %q", i, i%3, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
			}
		})
	}
	close(start)
	wg.Wait()
	if n := origin.hits.Load(); n != 1 {
		t.Errorf("300 runs on 3 replicas sent %d requests to the origin, want 1", n)
	}
	// One reader sending 400 runs spread over the replicas: beyond its
	// burst, every replica refuses it.
	refused := map[int]int{}
	for i := range 400 {
		resp := readerRun(t, c, replicas[i%3].URL, "get", "", "192.0.2.77")
		if resp.StatusCode == 429 {
			refused[i%3]++
		}
	}
	for r := range 3 {
		if refused[r] == 0 {
			t.Errorf("replica %d never refused the reader who sent 400 runs", r)
		}
	}
	if total := refused[0] + refused[1] + refused[2]; total < 400-DefaultClientBudget.Burst-2 {
		t.Errorf("%d of 400 runs refused; the budget allows %d at once", total, DefaultClientBudget.Burst)
	}
}

// FuzzClientAddr checks that whatever X-Forwarded-For a caller sends, the
// client is the peer, or a hop of the header that is not a trusted proxy
// with only trusted proxies to its right: never a hop a client could
// forge past an untrusted one.
func FuzzClientAddr(f *testing.F) {
	for _, s := range []string{"203.0.113.1", "1.1.1.1, 10.0.0.1", "garbage, 10.0.0.2", ", ,", "::ffff:10.0.0.1, 2001:db8::1", "[::1]"} {
		f.Add(s, "10.0.0.9:1234")
		f.Add(s, "192.0.2.1:80")
	}
	proxies, _ := ParseProxies([]string{"10.0.0.0/8", "127.0.0.1"})
	f.Fuzz(func(t *testing.T, xff, remote string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", xff)
		got := clientAddr(r, proxies)
		p := peer(r)
		if got == p {
			return
		}
		// Walk the hops from the right as a careful reader would.
		hops := strings.Split(xff, ",")
		for i := len(hops) - 1; i >= 0; i-- {
			h := strings.TrimSpace(hops[i])
			a, err := netip.ParseAddr(h)
			if err != nil {
				break
			}
			if a.Unmap().String() == got {
				return
			}
			if !inRanges(proxies, a) {
				break
			}
		}
		t.Fatalf("X-Forwarded-For %q from %q: client %q, which is neither the peer nor the right-most untrusted hop", xff, remote, got)
	})
}
