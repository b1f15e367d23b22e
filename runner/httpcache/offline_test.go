package httpcache

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// offlineOrigin serves cacheControl until down is set, then closes every
// connection without answering (or answers 503, or a response with an
// unknown transfer coding, as failure says).
type offlineOrigin struct {
	*origin
	down    bool
	failure string
	cdn     string // CDN-Cache-Control, if any
}

func newOfflineOrigin(t *testing.T, cacheControl string, opts ...Option) *offlineOrigin {
	t.Helper()
	oo := &offlineOrigin{failure: "close"}
	oo.origin = newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		if !oo.down {
			w.Header().Set("Cache-Control", cacheControl)
			if oo.cdn != "" {
				w.Header().Set("CDN-Cache-Control", oo.cdn)
			}
			io.WriteString(w, "stored")
			return
		}
		switch oo.failure {
		case "503":
			http.Error(w, "down", http.StatusServiceUnavailable)
		case "close", "coding":
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				panic(err)
			}
			if oo.failure == "coding" {
				buf.WriteString("HTTP/1.1 200 OK\r\nTransfer-Encoding: mystery\r\n\r\nfresh")
				buf.Flush()
			}
			conn.Close()
		}
	})
	// A fresh connection per request: on a reused one net/http would
	// retry the request the origin hung up on, hiding nothing but
	// doubling the hits.
	next := &http.Transport{MaxIdleConnsPerHost: -1}
	t.Cleanup(next.CloseIdleConnections)
	oo.tr = New(NewMemoryStore(0), append([]Option{WithTransport(next), WithClock(oo.clock.Now)}, opts...)...)
	return oo
}

// offlineGet stores the response, lets it go 30 s stale, takes the origin
// down and asks again.
func (oo *offlineOrigin) offlineGet(t *testing.T, header ...string) (*http.Response, string, error) {
	t.Helper()
	oo.do(t, "GET", "/o")
	oo.clock.Advance(40 * time.Second)
	oo.down = true
	req, _ := http.NewRequest("GET", oo.srv.URL+"/o", nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := oo.tr.RoundTrip(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body), nil
}

func TestStaleIfDisconnectedServesStale(t *testing.T) {
	oo := newOfflineOrigin(t, "max-age=10", WithStaleIfDisconnected(time.Minute))
	resp, body, err := oo.offlineGet(t)
	if err != nil {
		t.Fatalf("origin down: %v, want the stale response", err)
	}
	wantOutcome(t, resp, OutcomeStale)
	if body != "stored" || resp.Header.Get("Age") != "40" {
		t.Errorf("body %q, Age %q", body, resp.Header.Get("Age"))
	}
	if cs := resp.Header.Get("Cache-Status"); cs != "snapdoc; hit; ttl=-30; detail=disconnected" {
		t.Errorf("Cache-Status = %q", cs)
	}
}

func TestStaleIfDisconnectedRules(t *testing.T) {
	cases := []struct {
		name         string
		cacheControl string
		opts         []Option
		header       []string
		failure      string
		wantStale    bool
		cdn          string
	}{
		{"disabled by default", "max-age=10", nil, nil, "close", false, ""},
		{"beyond the window", "max-age=10", []Option{WithStaleIfDisconnected(20 * time.Second)}, nil, "close", false, ""},
		{"must-revalidate", "max-age=10, must-revalidate", nil, nil, "close", false, ""},
		{"no-cache", "max-age=10, no-cache", nil, nil, "close", false, ""},
		{"proxy-revalidate, shared", "max-age=10, proxy-revalidate", []Option{WithShared(true)}, nil, "close", false, ""},
		{"proxy-revalidate, private", "max-age=10, proxy-revalidate", nil, nil, "close", true, ""},
		{"s-maxage, shared", "s-maxage=10", []Option{WithShared(true)}, nil, "close", false, ""},
		{"max-age, shared", "max-age=10", []Option{WithShared(true)}, nil, "close", true, ""},
		{"targeted must-revalidate", "max-age=10", []Option{WithShared(true), WithTargets("CDN-Cache-Control")}, nil, "close", false, "max-age=10, must-revalidate"},
		{"targeted field without must-revalidate", "max-age=10, must-revalidate", []Option{WithShared(true), WithTargets("CDN-Cache-Control")}, nil, "close", true, "max-age=10"},
		{"request no-cache", "max-age=10", nil, []string{"Cache-Control", "no-cache"}, "close", false, ""},
		{"request max-age", "max-age=10", nil, []string{"Cache-Control", "max-age=5"}, "close", false, ""},
		{"request min-fresh", "max-age=10", nil, []string{"Cache-Control", "min-fresh=5"}, "close", false, ""},
		{"client validators", "max-age=10", nil, []string{"If-Modified-Since", "Wed, 25 Nov 2026 09:00:00 GMT"}, "close", true, ""},
		{"an answer is not a disconnection", "max-age=10", nil, nil, "503", false, ""},
		{"nor is a malformed answer", "max-age=10", nil, nil, "coding", false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			if !strings.HasPrefix(tc.name, "disabled") && !strings.HasPrefix(tc.name, "beyond") {
				opts = append([]Option{WithStaleIfDisconnected(time.Hour)}, opts...)
			}
			oo := newOfflineOrigin(t, tc.cacheControl, opts...)
			oo.failure, oo.cdn = tc.failure, tc.cdn
			resp, _, err := oo.offlineGet(t, tc.header...)
			stale := err == nil && Outcome(resp) == OutcomeStale
			if stale != tc.wantStale {
				status := ""
				if resp != nil {
					status = resp.Status + " " + resp.Header.Get("Cache-Status")
				}
				t.Errorf("stale = %v, want %v (err %v, %s)", stale, tc.wantStale, err, status)
			}
		})
	}
}

func TestStaleIfDisconnectedNotWhenClientGaveUp(t *testing.T) {
	oo := newOfflineOrigin(t, "max-age=10", WithStaleIfDisconnected(time.Hour))
	oo.do(t, "GET", "/o")
	oo.clock.Advance(40 * time.Second)
	oo.down = true
	// A deadline that passed: its error is a timeout, as a network
	// error is, but the client is the one that gave up.
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", oo.srv.URL+"/o", nil)
	if resp, err := oo.tr.RoundTrip(req); err == nil {
		t.Fatalf("a cancelled request was answered: %s", resp.Header.Get("Cache-Status"))
	}
}
