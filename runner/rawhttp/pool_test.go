package rawhttp

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// keepAliveServer answers requests on each connection with response,
// until maxPerConn requests, then closes it; it counts connections.
func keepAliveServer(t *testing.T, response string, maxPerConn int) (string, *atomic.Int32) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var conns atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for range maxPerConn {
					if readRequest(br) == "" {
						return
					}
					io.WriteString(c, response)
				}
			}()
		}
	}()
	return "http://" + l.Addr().String(), &conns
}

func TestIdleConnectionsAreReused(t *testing.T) {
	const ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	for _, tc := range []struct {
		name     string
		response string
		perConn  int
		method   string
		want     int32
	}{
		{"GETs share one", ok, 100, "GET", 1},
		{"POSTs never reuse", ok, 100, "POST", 3},
		{"Connection: close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", 100, "GET", 3},
		{"HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 100, "GET", 3},
		{"until close", "HTTP/1.1 200 OK\r\n\r\nok", 1, "GET", 3},
		{"bytes after the body", ok + "junk", 100, "GET", 3},
		// The server closes after each answer: the closed idle
		// connection is noticed, or the GET is sent again.
		{"server closes", ok, 1, "GET", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, conns := keepAliveServer(t, tc.response, tc.perConn)
			tr := &Transport{}
			defer tr.CloseIdleConnections()
			for i := range 3 {
				req, _ := http.NewRequest(tc.method, url, nil)
				resp, err := tr.RoundTrip(req)
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if b, err := io.ReadAll(resp.Body); err != nil || string(b) != "ok" {
					t.Fatalf("request %d: %q %v", i, b, err)
				}
				resp.Body.Close()
			}
			if got := conns.Load(); got != tc.want {
				t.Errorf("%d connections, want %d", got, tc.want)
			}
		})
	}
}

// A GET on an idle connection the server closed as the request arrived is
// sent again on a new one; the race is forced by a server that reads the
// second request and closes without answering.
func TestClosedIdleConnectionIsRetried(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var seen atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for readRequest(br) != "" {
					if seen.Add(1) == 2 {
						return // closes with the request unanswered
					}
					io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
				}
			}()
		}
	}()
	tr := &Transport{}
	for i := range 2 {
		req, _ := http.NewRequest("GET", "http://"+l.Addr().String(), nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if n := seen.Load(); n != 3 {
		t.Errorf("the server saw %d requests, want 3 (one sent again)", n)
	}
	// A POST is never sent twice.
	seen.Store(1)
	req, _ := http.NewRequest("POST", "http://"+l.Addr().String(), strings.NewReader("x"))
	if _, err := tr.RoundTrip(req); err == nil || seen.Load() != 2 {
		t.Errorf("POST: %v, %d requests", err, seen.Load())
	}
}
