package service

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// The hostile-client suite: a real runner service on 127.0.0.1, driven by
// callers that mean harm, each test asserting that nothing ran at the
// origin the blocks call.

// testLimits are short, so that slow clients are cut off quickly.
var testLimits = Limits{
	ReadHeaderTimeout: 200 * time.Millisecond,
	ReadTimeout:       400 * time.Millisecond,
	WriteTimeout:      5 * time.Second,
	IdleTimeout:       time.Second,
	MaxHeaderBytes:    4 << 10,
	MaxBodyBytes:      1 << 10,
	MaxConns:          64,
	MaxRuns:           4,
	QueueWait:         100 * time.Millisecond,
	Rate:              1, Burst: 2,
	TrustedRate: 1000, TrustedBurst: 1000,
}

type hostile struct {
	url, addr string
	hits      *atomic.Int64 // requests that reached the origin
	counts    *atomic.Int64 // those of them to /count
	log       *syncBuffer   // the access log
}

// startHostile serves a runner whose blocks call a counting origin:
// content/a.md blocks "count" (answers at once) and "slow" (after
// 300 ms).
func startHostile(t testing.TB, access Access, lim Limits) *hostile {
	t.Helper()
	hits, counts := &atomic.Int64{}, &atomic.Int64{}
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/count" {
			counts.Add(1)
		}
		if r.URL.Path == "/slow" {
			time.Sleep(300 * time.Millisecond)
		}
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintf(w, "{\"n\": %d}\n", hits.Load())
	}))
	t.Cleanup(origin.Close)
	r, err := runner.Open(runner.Config{Hosts: map[string]string{"api.test": origin.URL}}, "")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[BlockRef][]*httpfile.Request{
		{File: "content/a.md", Block: "count"}: {{Method: "GET", URL: "https://api.test/count"}},
		{File: "content/a.md", Block: "slow"}:  {{Method: "GET", URL: "https://api.test/slow"}},
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if access.Addr == "" {
		access.Addr = l.Addr().String()
	}
	log := &syncBuffer{}
	svc := &Service{Runner: r, Access: access, Limits: lim, Log: slog.New(slog.NewJSONHandler(log, nil)),
		Catalog: func(ref BlockRef) ([]*httpfile.Request, runner.RunOptions, error) {
			reqs, ok := declared[BlockRef{File: ref.File, Block: ref.Block}]
			if !ok {
				return nil, runner.RunOptions{}, fmt.Errorf("%s block %s: %w", ref.File, ref.Block, ErrUnknownBlock)
			}
			return reqs, runner.RunOptions{}, nil
		}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Serve(ctx, l, time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &hostile{url: "http://" + l.Addr().String(), addr: l.Addr().String(), hits: hits, counts: counts, log: log}
}

// nothingRan fails the test if any request reached the origin.
func (h *hostile) nothingRan(t *testing.T) {
	t.Helper()
	if n := h.hits.Load(); n != 0 {
		t.Errorf("%d requests reached the origin", n)
	}
}

// post sends a run with the given headers; host, when set, replaces
// the Host.
func post(t *testing.T, url, host, body string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("POST", url+"/v1/run", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	// A connection of its own: the runner closes idle ones after a second
	// (testLimits), and a POST on one it has just closed is not retried.
	req.Close = true
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

const countBody = `{"file": "content/a.md", "block": "count"}`

func TestHostileCrossOriginPosts(t *testing.T) {
	h := startHostile(t, Access{AllowOrigins: []string{"https://docs.example.org"}}, testLimits)
	for _, tc := range []struct {
		name   string
		body   string
		header []string
		status int
	}{
		// A form on any page can post these without a preflight.
		{"text/plain form", countBody, []string{"Content-Type", "text/plain", "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}, 403},
		{"urlencoded form", "file=content/a.md&block=count", []string{"Content-Type", "application/x-www-form-urlencoded", "Origin", "https://evil.example"}, 403},
		{"multipart form", "--x\r\n\r\n" + countBody + "\r\n--x--\r\n", []string{"Content-Type", "multipart/form-data; boundary=x", "Origin", "null", "Sec-Fetch-Site", "cross-site"}, 403},
		{"form from a page served by the runner's own origin", countBody, []string{"Content-Type", "text/plain", "Sec-Fetch-Site", "same-origin"}, 415},
		{"text/plain, no Origin", countBody, []string{"Content-Type", "text/plain"}, 415},
		// JSON needs a preflight, which the runner does not grant; a
		// browser that skipped it is refused all the same.
		{"json from another origin", countBody, []string{"Content-Type", "application/json", "Origin", "https://evil.example"}, 403},
		{"json, cross-site fetch metadata", countBody, []string{"Content-Type", "application/json", "Sec-Fetch-Site", "cross-site"}, 403},
		{"json, same-site fetch metadata", countBody, []string{"Content-Type", "application/json", "Sec-Fetch-Site", "same-site", "Origin", "http://127.0.0.1:9999"}, 403},
		{"json, opaque origin", countBody, []string{"Content-Type", "application/json", "Origin", "null", "Sec-Fetch-Site", "cross-site"}, 403},
	} {
		if resp := post(t, h.url, "", tc.body, tc.header...); resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
	}
	// The preflight is refused to other origins.
	req, _ := http.NewRequest("OPTIONS", h.url+"/v1/run", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin: %d, ACAO %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	h.nothingRan(t)

	// The allowed origin may call: its preflight is granted and its run
	// carries the CORS header.
	req.Header.Set("Origin", "https://docs.example.org")
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "https://docs.example.org" {
		t.Errorf("preflight from the allowed origin: %d, ACAO %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	resp = post(t, h.url, "", countBody, "Content-Type", "application/json", "Origin", "https://docs.example.org", "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "https://docs.example.org" || h.hits.Load() != 1 {
		t.Errorf("run from the allowed origin: %d, ACAO %q, %d hits", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), h.hits.Load())
	}
}

func TestHostileRebindingHost(t *testing.T) {
	h := startHostile(t, Access{AllowHosts: []string{"runner.internal:443"}}, testLimits)
	for _, host := range []string{"rebind.attacker.example", "rebind.attacker.example:" + strings.Split(h.addr, ":")[1], "localhost.attacker.example", "127.0.0.1.nip.io", "evil.localhost"} {
		resp := post(t, h.url, host, countBody, "Content-Type", "application/json")
		if resp.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("Host %q: status %d, want 421", host, resp.StatusCode)
		}
	}
	if code := status(t, sendRaw(t, h.addr, "POST /v1/run HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 42\r\n\r\n"+countBody)); code != 421 {
		t.Errorf("no Host at all: %d", code)
	}
	// The health checks too say nothing to a rebound name.
	if code := status(t, sendRaw(t, h.addr, "GET /healthz HTTP/1.1\r\nHost: rebind.attacker.example\r\n\r\n")); code != 421 {
		t.Errorf("healthz under a rebound Host: %d", code)
	}
	h.nothingRan(t)
	for _, host := range []string{"127.0.0.1:1", "localhost", "LOCALHOST.", "[::1]:7070", "runner.internal"} {
		if resp := post(t, h.url, host, countBody, "Content-Type", "application/json"); resp.StatusCode != 200 {
			t.Errorf("Host %q: status %d, want 200", host, resp.StatusCode)
		}
	}
}

func TestHostToken(t *testing.T) {
	h := startHostile(t, Access{Token: "t0ken-value"}, testLimits)
	for _, auth := range []string{"", "Bearer wrong", "Bearer t0ken-valuex", "bearer t0ken-value", "Basic dDBrZW4tdmFsdWU="} {
		if resp := post(t, h.url, "", countBody, "Content-Type", "application/json", "Authorization", auth); resp.StatusCode != 401 {
			t.Errorf("Authorization %q: %d, want 401", auth, resp.StatusCode)
		}
	}
	h.nothingRan(t)
	if resp := post(t, h.url, "", countBody, "Content-Type", "application/json", "Authorization", "Bearer t0ken-value"); resp.StatusCode != 200 {
		t.Errorf("the token holder: %d", resp.StatusCode)
	}
	for _, p := range []string{"/healthz", "/readyz", "/v1/health"} {
		resp, err := http.Get(h.url + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s without the token: %d", p, resp.StatusCode)
		}
	}
	if strings.Contains(h.log.String(), "t0ken") {
		t.Errorf("the token reached the access log:\n%s", h.log.String())
	}
}

// TestHostileSlowloris holds connections open with a request head or
// body that never ends: the server closes them within its timeouts.
func TestHostileSlowloris(t *testing.T) {
	h := startHostile(t, Access{}, testLimits)
	for _, tc := range []struct {
		name, sent string
		within     time.Duration
	}{
		{"partial head", "POST /v1/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n", testLimits.ReadHeaderTimeout},
		{"nothing at all", "", testLimits.ReadHeaderTimeout},
		{"partial body", "POST /v1/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"file\": \"content/a.md\", ", testLimits.ReadTimeout},
	} {
		c, err := net.Dial("tcp", h.addr)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if _, err := io.WriteString(c, tc.sent); err != nil {
			t.Fatal(err)
		}
		// Trickle a byte now and then, as slowloris does, until cut off.
		stop := make(chan struct{})
		go func() {
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if tc.sent != "" {
						if _, err := c.Write([]byte(" ")); err != nil {
							return
						}
					}
				}
			}
		}()
		_ = c.SetReadDeadline(time.Now().Add(tc.within + 2*time.Second))
		_, err = io.ReadAll(c) // until the server closes (or resets) it
		close(stop)
		c.Close()
		var ne net.Error
		if took := time.Since(start); errors.As(err, &ne) && ne.Timeout() || took > tc.within+time.Second {
			t.Errorf("%s: the server held the connection %s (read error %v); its timeout is %s", tc.name, took.Round(time.Millisecond), err, tc.within)
		}
	}
	h.nothingRan(t)
}

func TestHostileOversized(t *testing.T) {
	h := startHostile(t, Access{}, testLimits)
	big := strings.Repeat("a", 8<<10)
	if code := status(t, sendRaw(t, h.addr, "POST /v1/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Big: "+big+"\r\nContent-Length: 2\r\n\r\n{}")); code != 431 {
		t.Errorf("oversized head: %d, want 431", code)
	}
	body := `{"file": "content/a.md", "block": "count", "hash": "` + strings.Repeat("0", 2<<10) + `"}`
	if code := status(t, sendRaw(t, h.addr, fmt.Sprintf("POST /v1/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body))); code != 413 {
		t.Errorf("oversized body: %d, want 413", code)
	}
	// A chunked body, with no length to refuse it by, is cut at the bound.
	chunk := fmt.Sprintf("%x\r\n%s\r\n", len(body), body)
	if code := status(t, sendRaw(t, h.addr, "POST /v1/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"+chunk+"0\r\n\r\n")); code != 413 {
		t.Errorf("oversized chunked body: %d, want 413", code)
	}
	h.nothingRan(t)
}

// TestHostileConnectionFlood opens 1,000 connections that send nothing,
// half a head, or a head and half a body: the token holder is still
// answered within a few seconds (far inside the crowd's 10 s timeouts, so
// it was not queued behind them), and only its run reaches the origin.
func TestHostileConnectionFlood(t *testing.T) {
	lim := testLimits
	lim.MaxConns = 256
	lim.ReadHeaderTimeout = 10 * time.Second // the crowd is not timed out during the test
	lim.ReadTimeout = 10 * time.Second
	h := startHostile(t, Access{Token: "t0ken-value"}, lim)
	flood(t, h.addr, 1000)
	took := tokenRun(t, h)
	if took > 3*time.Second { // a loaded CI machine took 1.4 s
		t.Errorf("the token holder waited %s under 1,000 idle connections", took)
	}
	if n := h.hits.Load(); n != 1 {
		t.Errorf("%d requests reached the origin, want the token holder's 1", n)
	}
}

// flood opens n connections that stay open until the test ends: a third
// send nothing, a third half a request head, a third a whole head and
// part of its body, without the token.
func flood(t testing.TB, addr string, n int) {
	t.Helper()
	var conns []net.Conn
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	for i := range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		switch i % 3 {
		case 1:
			io.WriteString(c, "POST /v1/run HTTP/1.1\r\nHost: 127.0.0.1\r\n")
		case 2:
			io.WriteString(c, "POST /v1/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"file\": ")
		}
		conns = append(conns, c)
	}
}

// tokenRun times one run of the token holder's, on a new connection.
func tokenRun(t testing.TB, h *hostile) time.Duration {
	t.Helper()
	client := &Client{URL: h.url, Token: "t0ken-value", Retries: -1, HTTP: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}}
	start := time.Now()
	ex, err := client.Run(context.Background(), BlockRef{File: "content/a.md", Block: "count"})
	took := time.Since(start)
	if err != nil || len(ex) != 1 || ex[0].Status != 200 {
		t.Fatalf("the token holder's run: %v, %v", ex, err)
	}
	return took
}

// BenchmarkTokenHolderUnderFlood is the time the token holder waits for a
// run, on a new connection, while 1,000 idle connections are open; it
// reports the worst wait too.
func BenchmarkTokenHolderUnderFlood(b *testing.B) {
	lim := testLimits
	lim.MaxConns = 256
	lim.ReadHeaderTimeout, lim.ReadTimeout = time.Minute, time.Minute
	h := startHostile(b, Access{Token: "t0ken-value"}, lim)
	flood(b, h.addr, 1000)
	var worst time.Duration
	for b.Loop() {
		worst = max(worst, tokenRun(b, h))
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
}

// TestBudgets checks that a caller beyond its budget gets 429 with
// Retry-After, that another caller's budget is its own, and that a run
// that finds no slot free in time gets 503 with Retry-After.
func TestBudgets(t *testing.T) {
	h := startHostile(t, Access{AllowOrigins: []string{"https://docs.example.org"}}, testLimits)
	browser := []string{"Content-Type", "application/json", "Origin", "https://docs.example.org"}
	codes := map[int]int{}
	var retry string
	for range 5 {
		resp := post(t, h.url, "", countBody, browser...)
		codes[resp.StatusCode]++
		if resp.StatusCode == 429 {
			retry = resp.Header.Get("Retry-After")
		}
	}
	if codes[200] != testLimits.Burst || codes[429] != 5-testLimits.Burst || retry != "1" {
		t.Errorf("an allowed origin's page, 5 runs: %v, Retry-After %q; want its burst of %d, then 429 with Retry-After: 1", codes, retry, testLimits.Burst)
	}
	// This machine's build client has its own budget.
	if resp := post(t, h.url, "", countBody, "Content-Type", "application/json"); resp.StatusCode != 200 {
		t.Errorf("the build client after the page spent its budget: %d", resp.StatusCode)
	}

	// Every run slot busy: a run waits QueueWait, then gets 503.
	var wg sync.WaitGroup
	slow := `{"file": "content/a.md", "block": "slow"}`
	for range testLimits.MaxRuns {
		wg.Go(func() { post(t, h.url, "", slow, "Content-Type", "application/json") })
	}
	time.Sleep(100 * time.Millisecond)
	before := h.counts.Load()
	resp := post(t, h.url, "", countBody, "Content-Type", "application/json")
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("with every slot busy: %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if code := status(t, sendRaw(t, h.addr, "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")); code != 503 {
		t.Errorf("readyz with every slot busy: %d", code)
	}
	wg.Wait()
	if h.counts.Load() != before {
		t.Errorf("the refused run reached the origin")
	}
}

// TestAccessLog checks one line a request with what it says.
func TestAccessLog(t *testing.T) {
	h := startHostile(t, Access{}, testLimits)
	post(t, h.url, "", countBody, "Content-Type", "application/json")
	post(t, h.url, "rebind.attacker.example", countBody, "Content-Type", "application/json")
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(h.log.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		delete(m, "time")
		delete(m, "duration")
		lines = append(lines, m)
	}
	want := []string{
		`map[block:content/a.md#count caller:local level:INFO method:POST msg:request path:/v1/run status:200]`,
		`map[caller:127.0.0.1 level:WARN method:POST msg:request path:/v1/run refused:this server does not answer for that host name status:421]`,
	}
	if len(lines) != len(want) {
		t.Fatalf("log:\n%s", h.log.String())
	}
	for i := range want {
		if got := fmt.Sprint(lines[i]); got != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i, got, want[i])
		}
	}
}

func TestClientRetries(t *testing.T) {
	h := startHostile(t, Access{}, testLimits)
	// A proxy in front refuses the first tries, as a busy runner does.
	var tries atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch tries.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0")
			http.Error(w, `{"error": "too many runs"}`, http.StatusTooManyRequests)
		case 2:
			http.Error(w, "bad gateway", http.StatusBadGateway)
		case 3:
			hj, _, _ := w.(http.Hijacker).Hijack() // a broken connection
			hj.Close()
		default:
			req, _ := http.NewRequest(r.Method, h.url+r.URL.Path, r.Body)
			req.Header = r.Header
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			w.WriteHeader(resp.StatusCode)
			io.Copy(w, resp.Body)
		}
	}))
	defer proxy.Close()
	ex, err := (&Client{URL: proxy.URL}).Run(context.Background(), BlockRef{File: "content/a.md", Block: "count"})
	if err != nil || len(ex) != 1 || tries.Load() != 4 || h.hits.Load() != 1 {
		t.Fatalf("after 3 transient failures: %v, %v, %d tries, %d hits", ex, err, tries.Load(), h.hits.Load())
	}
	// What will not get better is not tried again.
	tries.Store(100)
	_, err = (&Client{URL: proxy.URL}).Run(context.Background(), BlockRef{File: "content/a.md", Block: "nope"})
	var se *ServiceError
	if !errors.As(err, &se) || se.Status != 404 || se.Tries != 1 || tries.Load() != 101 {
		t.Errorf("unknown block: %v (%d tries)", err, tries.Load()-100)
	}
	// The tries are bounded.
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "busy", http.StatusServiceUnavailable) }))
	defer down.Close()
	_, err = (&Client{URL: down.URL, Retries: 2}).Run(context.Background(), BlockRef{File: "content/a.md", Block: "count"})
	if !errors.As(err, &se) || se.Status != 503 || se.Tries != 3 || !strings.Contains(err.Error(), "gave up after 3 tries") {
		t.Errorf("a runner that stays busy: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	for try := 1; try < 40; try++ {
		bound := min(backoffCap, backoffBase<<min(try-1, 20))
		for range 20 {
			if d := backoff(try); d < bound/2 || d > bound {
				t.Fatalf("backoff(%d) = %s, want within [%s, %s]", try, d, bound/2, bound)
			}
		}
	}
}

// sendRaw sends raw bytes on a new connection and returns what came
// back until the server closed it or a second passed.
func sendRaw(t *testing.T, addr, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(time.Second))
	b, _ := io.ReadAll(c)
	return string(b)
}

// status is the status code of a raw response.
func status(t *testing.T, raw string) int {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(raw)), nil)
	if err != nil {
		t.Fatalf("%v: %q", err, raw)
	}
	return resp.StatusCode
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
