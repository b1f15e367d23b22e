package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/runner/httpfile"

	"github.com/snapdoc/snapdoc/internal/fileerr"
)

// nxdomainServer is a DNS server on loopback that answers every query
// "no such name". It returns its address.
func nxdomainServer(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if n < 12 {
				continue
			}
			// Keep the header and the question; drop the rest (EDNS).
			end := 12
			for end < n && buf[end] != 0 {
				end += int(buf[end]) + 1
			}
			end += 5 // the root label, QTYPE and QCLASS
			if end > n {
				continue
			}
			msg := append([]byte(nil), buf[:end]...)
			msg[2] = 0x80 | msg[2]&0x79 // QR, opcode and RD as asked
			msg[3] = 0x80 | 3           // RA, RCODE 3: NXDOMAIN
			copy(msg[4:12], []byte{0, 1, 0, 0, 0, 0, 0, 0})
			pc.WriteTo(msg, addr)
		}
	}()
	return pc.LocalAddr().String()
}

// listen returns a loopback listener whose connections serve calls.
func listen(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return l.Addr().String()
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// assertionError stands in for the error type of a failed ?? assertion,
// which plugs in through Classified and ReaderTexter.
type assertionError struct{ text string }

func (e *assertionError) Error() string      { return "assertion failed: " + e.text }
func (e *assertionError) Failure() Failure   { return FailAssertion }
func (e *assertionError) ReaderText() string { return "assertion failed: " + e.text }

// TestReaderText fails requests for real, in every way a build meets,
// and checks the class and the text a page shows for each: it says what
// failed as a reader sees the request, and never the build machine's
// resolver, addresses, paths or routed hosts, which only the terminal
// text carries.
func TestReaderText(t *testing.T) {
	t.Parallel()
	dns := nxdomainServer(t)
	dialer := &net.Dialer{Resolver: &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "udp", dns)
	}}}
	network := &http.Transport{DialContext: dialer.DialContext}
	t.Cleanup(network.CloseIdleConnections)

	silent := listen(t, func(c net.Conn) {
		time.Sleep(2 * time.Second)
		c.Close()
	})
	hangup := listen(t, func(c net.Conn) {
		c.Read(make([]byte, 4096))
		c.Close()
	})
	status := func(code int, h ...string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i+1 < len(h); i += 2 {
				w.Header().Set(h[i], h[i+1])
			}
			w.WriteHeader(code)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	tlsSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshakes are the point
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	away := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.example/landing?x=1", http.StatusFound)
	}))
	t.Cleanup(away.Close)

	for name, tc := range map[string]struct {
		route, url string
		req        httpfile.Request
		timeout    time.Duration // 5 s when zero
		class      Failure
		reader     string
		terminal   string // in err.Error(), for the author
	}{
		"closed port":            {route: "http://" + closedPort(t), class: FailConnection, reader: "connection refused by api.test", terminal: "connect: connection refused"},
		"unresolvable name":      {url: "http://FROB/x", class: FailConnection, reader: "could not resolve host FROB", terminal: "lookup FROB"},
		"unresolvable route":     {route: "http://build-host.internal:8080", class: FailConnection, reader: "could not resolve host api.test", terminal: "lookup build-host.internal"},
		"route with no address":  {route: "http://build-host.onion:8080", class: FailConnection, reader: "could not resolve host api.test", terminal: "build-host.onion"},
		"silent listener":        {route: "http://" + silent, timeout: 300 * time.Millisecond, class: FailTimeout, reader: "timed out after 300 ms", terminal: "no answer within 300ms"},
		"hang-up":                {route: "http://" + hangup, class: FailConnection, reader: "api.test closed the connection before answering in full", terminal: "EOF"},
		"untrusted certificate":  {route: tlsSrv.URL, class: FailConnection, reader: "the TLS handshake with api.test failed", terminal: "certificate"},
		"503":                    {route: status(503), class: FailServerError, reader: "503 Service Unavailable", terminal: "the server answered 503 Service Unavailable"},
		"408":                    {route: status(408), class: FailRequestTimeout, reader: "408 Request Timeout", terminal: "the server answered 408 Request Timeout"},
		"429 without a wait":     {route: status(429), class: FailTooManyRequests, reader: "429 Too Many Requests", terminal: "429 Too Many Requests with no Retry-After; not retried"},
		"429 waiting too long":   {route: status(429, "Retry-After", "120"), class: FailTooManyRequests, reader: "429 Too Many Requests", terminal: "with Retry-After: 120, not a wait within the block's timeout of 5s; not retried"},
		"redirect off the hosts": {route: away.URL, class: FailRedirect, reader: "redirected to elsewhere.example, a host this lesson does not declare", terminal: "a redirect to https://elsewhere.example/landing?x=1"},
		"missing secret": {route: status(200), req: httpfile.Request{Headers: []httpfile.Header{{Name: "Authorization", Value: httpfile.EnvRef("NOPE")}}},
			class: FailRequest, reader: "environment variable NOPE is not set", terminal: "environment variable NOPE is not set"},
		"missing body file": {route: status(200), req: httpfile.Request{Method: "POST", BodyFile: "./gone.json"},
			class: FailRequest, reader: "its body file could not be read", terminal: "body file ./gone.json: no such file"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			hosts := map[string]string{}
			if tc.route != "" {
				hosts["api.test"] = tc.route
			}
			if tc.timeout == 0 {
				tc.timeout = 5 * time.Second
			}
			r := newTestRunner(t, Config{Hosts: hosts, Network: network, Timeout: tc.timeout, Getenv: func(string) (string, bool) { return "", false }})
			req := tc.req
			req.Pos = fileerr.Pos{File: "content/a.md", Line: 7, Col: 1}
			if req.Method == "" {
				req.Method = "GET"
			}
			req.URL = tc.url
			if req.URL == "" {
				req.URL = "https://api.test/items"
			}
			_, err := r.Run(context.Background(), []*httpfile.Request{&req}, RunOptions{Dir: "/build/site/content"})
			// A request that cannot be built as declared is a positioned
			// error; one that was sent and failed, a *RequestError.
			var (
				re   *RequestError
				perr *fileerr.Error
			)
			if !errors.As(err, &re) && !errors.As(err, &perr) {
				t.Fatalf("error %v (%T), want a *RequestError or *fileerr.Error", err, err)
			}
			t.Logf("terminal: %v", err)
			if got := Classify(err); got != tc.class {
				t.Errorf("class = %q, want %q (error %v)", got, tc.class, err)
			}
			got := ReaderText(err)
			if got != tc.reader {
				t.Errorf("reader text = %q, want %q (error %v)", got, tc.reader, err)
			}
			if !strings.Contains(err.Error(), tc.terminal) || !strings.HasPrefix(err.Error(), "content/a.md:7:1: ") {
				t.Errorf("terminal text %q, want it to start with the position and contain %q", err, tc.terminal)
			}
			for _, leak := range []string{"127.0.0.1", "internal", "/build/", "lookup", "dial", ":53", "10.", "[::1]"} {
				if strings.Contains(got, leak) {
					t.Errorf("reader text %q carries a build-machine detail: %q", got, leak)
				}
			}
		})
	}
}

// TestClassifyAssertion checks the two ways a failed assertion plugs in.
func TestClassifyAssertion(t *testing.T) {
	t.Parallel()
	typed := &RequestError{Pos: fileerr.Pos{File: "a.md", Line: 3}, Method: "GET", URL: "https://api.test/", Err: &assertionError{"status == 200, got 201"}}
	if Classify(typed) != FailAssertion || ReaderText(typed) != "assertion failed: status == 200, got 201" {
		t.Errorf("typed assertion: %q, %q", Classify(typed), ReaderText(typed))
	}
	wrapped := &RequestError{Method: "GET", URL: "https://api.test/", Err: fmt.Errorf("%w: body $.id exists", ErrAssertion)}
	if Classify(wrapped) != FailAssertion {
		t.Errorf("wrapped assertion: %q", Classify(wrapped))
	}
}

// TestRetryAfter checks that a 429 is sent again once after the wait its
// Retry-After asks for, in seconds or as an HTTP-date, when that fits in
// the block's timeout, and not at all when it does not.
func TestRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		retryAfter string
		okAfter    int32 // the hit from which the server answers 200; 0 never
		timeout    time.Duration
		hits       int32
		wantErr    string
	}{
		"seconds, then ok":      {retryAfter: "1", okAfter: 2, timeout: 2 * time.Second, hits: 2},
		"seconds, 429 again":    {retryAfter: "1", timeout: 2 * time.Second, hits: 2, wantErr: "the server answered 429 Too Many Requests again after waiting 1s as its Retry-After asked"},
		"HTTP-date, 429 again":  {retryAfter: now.Add(time.Second).Format(http.TimeFormat), timeout: 2 * time.Second, hits: 2, wantErr: "again after waiting 1s"},
		"longer than timeout":   {retryAfter: "3", okAfter: 2, timeout: 2 * time.Second, hits: 1, wantErr: "with Retry-After: 3, not a wait within the block's timeout of 2s; not retried"},
		"date past the timeout": {retryAfter: now.Add(time.Hour).Format(http.TimeFormat), okAfter: 2, timeout: 2 * time.Second, hits: 1, wantErr: "not retried"},
		"not a delay":           {retryAfter: "soon", okAfter: 2, timeout: 2 * time.Second, hits: 1, wantErr: "not retried"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if n := hits.Add(1); tc.okAfter == 0 || n < tc.okAfter {
					w.Header().Set("Retry-After", tc.retryAfter)
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				w.Write([]byte("ok"))
			}))
			defer srv.Close()
			r := newTestRunner(t, Config{Hosts: map[string]string{"api.test": srv.URL}, Timeout: tc.timeout, Now: func() time.Time { return now }})
			start := time.Now()
			ex, err := r.Run(context.Background(), []*httpfile.Request{{Method: "GET", URL: "https://api.test/"}}, RunOptions{})
			if hits.Load() != tc.hits {
				t.Errorf("the server got %d requests, want %d", hits.Load(), tc.hits)
			}
			if tc.hits == 2 && time.Since(start) < time.Second {
				t.Errorf("retried after %s, before the second Retry-After asked", time.Since(start))
			}
			if tc.wantErr == "" {
				if err != nil || len(ex) != 1 || string(ex[0].Body) != "ok" {
					t.Fatalf("got %v, %+v; want the answer of the retry", err, ex)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || Classify(err) != FailTooManyRequests {
				t.Errorf("error %v (class %q), want one containing %q", err, Classify(err), tc.wantErr)
			}
		})
	}
}
