package service

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/httpfile"
)

func newTestService(t *testing.T, token string, rate float64, burst int) *httptest.Server {
	t.Helper()
	r, err := runner.Open(runner.Config{Hosts: map[string]string{"httpbin.org": runner.Embedded}}, "")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[BlockRef][]*httpfile.Request{
		{File: "content/a.md", Block: "cache"}: {{Method: "GET", URL: "https://httpbin.org/cache/60"}, {Method: "GET", URL: "https://httpbin.org/cache/60"}},
		{File: "content/a.md", Block: "down"}:  {{Method: "GET", URL: "https://httpbin.org/status/503", Pos: fileerr.Pos{File: "content/a.md", Line: 9, Col: 1}}},
	}
	svc := &Service{Runner: r, Access: Access{Addr: "127.0.0.1:0", Token: token}, Limits: Limits{TrustedRate: rate, TrustedBurst: burst}, Catalog: func(ref BlockRef) ([]*httpfile.Request, runner.RunOptions, error) {
		reqs, ok := declared[BlockRef{File: ref.File, Block: ref.Block}]
		if !ok {
			return nil, runner.RunOptions{}, fmt.Errorf("%s block %s: %w", ref.File, ref.Block, ErrUnknownBlock)
		}
		return reqs, runner.RunOptions{}, nil
	}}
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func TestServiceRunsDeclaredBlocks(t *testing.T) {
	srv := newTestService(t, "", 100, 100)
	c := &Client{URL: srv.URL}
	ex, err := c.Run(context.Background(), BlockRef{File: "content/a.md", Block: "cache"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 2 || ex[0].Status != 200 || ex[1].Cache != "hit" || !strings.Contains(string(ex[0].Body), `"url": "https://httpbin.org/cache/60"`) {
		t.Errorf("exchanges = %+v", ex)
	}
	// A failing block returns what ran and the error.
	ex, err = c.Run(context.Background(), BlockRef{File: "content/a.md", Block: "down"})
	if err == nil || !strings.Contains(err.Error(), "503") || len(ex) != 0 {
		t.Errorf("failing block: %v, %v", ex, err)
	}
	for _, tc := range []struct {
		ref  BlockRef
		want string
	}{
		{BlockRef{File: "content/a.md", Block: "nope"}, "404 Not Found: content/a.md block nope: no such block"},
		{BlockRef{File: "../etc/passwd", Block: "x"}, "404 Not Found"},
		{BlockRef{File: "content/a.md", Block: "cache", Hash: "sha256:other"}, "409 Conflict: content/a.md block cache: the runner's copy of the block differs"},
	} {
		if _, err := c.Run(context.Background(), tc.ref); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.ref, err, tc.want)
		}
	}
	// Only the run endpoint runs, only with a well-formed body.
	for _, tc := range []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/v1/health", "", 200},
		{"GET", "/v1/run", "", 405},
		{"POST", "/v1/run", `{"url": "https://evil.example/"}`, 400},
		{"POST", "/v1/run", strings.Repeat("x", 20<<10), 400},
		{"POST", "/v1/run", `{"file": "` + strings.Repeat("x", 20<<10) + `"}`, 413},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s %.20q: status %d, want %d", tc.method, tc.path, tc.body, resp.StatusCode, tc.status)
		}
	}
}

func TestServiceToken(t *testing.T) {
	srv := newTestService(t, "t0ken", 100, 100)
	ref := BlockRef{File: "content/a.md", Block: "cache"}
	for _, tok := range []string{"", "wrong"} {
		if _, err := (&Client{URL: srv.URL, Token: tok}).Run(context.Background(), ref); err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("token %q: %v, want 401", tok, err)
		}
	}
	if _, err := (&Client{URL: srv.URL, Token: "t0ken"}).Run(context.Background(), ref); err != nil {
		t.Errorf("right token: %v", err)
	}
}

// TestServiceBurst sends a burst of concurrent runs from a build client
// of this machine: the service answers each, running those within the
// build clients' budget and refusing the rest with 429.
func TestServiceBurst(t *testing.T) {
	srv := newTestService(t, "", 1, 10)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for range 40 {
		wg.Go(func() {
			resp, err := http.Post(srv.URL+"/v1/run", "application/json", strings.NewReader(`{"file":"content/a.md","block":"cache"}`))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[200] < 10 || codes[200] > 12 || codes[200]+codes[429] != 40 {
		t.Errorf("status codes %v: want about 10 runs (the burst) and the rest refused with 429", codes)
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:7070": true, "localhost:1": true, "[::1]:80": true, ":7070": false, "0.0.0.0:7070": false, "10.0.0.5:80": false, "nonsense": false} {
		if IsLoopback(addr) != want {
			t.Errorf("IsLoopback(%q) = %v", addr, !want)
		}
	}
}
