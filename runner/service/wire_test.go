package service

import (
	"bufio"
	"context"
	"io"
	"net"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/runner"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// scriptServer is a raw-socket server on loopback that answers its n-th
// request with the n-th of its responses, byte for byte, and keeps the
// bytes of each request.
type scriptServer struct {
	addr string
	mu   sync.Mutex
	resp []string
	reqs []string
}

func newScriptServer(t *testing.T, responses ...string) *scriptServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	s := &scriptServer{addr: l.Addr().String(), resp: responses}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *scriptServer) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(c)
	var b strings.Builder
	n := 0
	for {
		line, err := br.ReadString('\n')
		b.WriteString(line)
		if err != nil || line == "\r\n" {
			break
		}
		if name, v, _ := strings.Cut(line, ":"); strings.EqualFold(name, "Content-Length") {
			n, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	body := make([]byte, n)
	io.ReadFull(br, body)
	b.Write(body)
	s.mu.Lock()
	i := len(s.reqs)
	s.reqs = append(s.reqs, b.String())
	resp := "HTTP/1.1 500 Out Of Script\r\nContent-Length: 0\r\n\r\n"
	if i < len(s.resp) {
		resp = s.resp[i]
	}
	s.mu.Unlock()
	io.WriteString(c, resp)
}

func (s *scriptServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}

func openTestRunner(t *testing.T, cfg runner.Config, dir string) *runner.Runner {
	t.Helper()
	r, err := runner.Open(cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestExchangeIsTheWire(t *testing.T) {
	s := newScriptServer(t, "HTTP/1.1 200 Fine Thanks\r\n"+
		"ETag: \"v1\"\r\n"+
		"X-RateLimit-Remaining: 41\r\n"+
		"Pragma: no-cache\r\n"+
		"Content-Type: application/json\r\n"+
		"set-cookie: a=1\r\n"+
		"Set-Cookie: b=2\r\n"+
		"Content-Length: 2\r\n\r\n{}")
	r := openTestRunner(t, runner.Config{Hosts: map[string]string{"api.test": "http://" + s.addr}}, t.TempDir())
	ex, err := r.Run(context.Background(), []*httpfile.Request{{
		Method: "POST", URL: "https://api.test/items?q=1",
		Headers: []httpfile.Header{{Name: "x-client", Value: "docs"}, {Name: "Accept", Value: "application/json"}, {Name: "content-type", Value: "application/json"}},
		Body:    "{}",
	}}, runner.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []httpfile.Header{{Name: "ETag", Value: `"v1"`}, {Name: "X-RateLimit-Remaining", Value: "41"}, {Name: "Pragma", Value: "no-cache"}, {Name: "Content-Type", Value: "application/json"}, {Name: "set-cookie", Value: "a=1"}, {Name: "Set-Cookie", Value: "b=2"}, {Name: "Content-Length", Value: "2"}}
	if e := ex[0]; !reflect.DeepEqual(e.Headers, want) || e.Reason != "Fine Thanks" || string(e.Body) != "{}" {
		t.Errorf("recorded %d %q %q %q\nwant headers %q", e.Status, e.Reason, e.Headers, e.Body, want)
	}
	wantReq := "POST /items?q=1 HTTP/1.1\r\nHost: api.test\r\nx-client: docs\r\nAccept: application/json\r\ncontent-type: application/json\r\nUser-Agent: snapdoc\r\nContent-Length: 2\r\n\r\n{}"
	if got := s.requests(); len(got) != 1 || got[0] != wantReq {
		t.Errorf("on the wire:\n%q\nwant\n%q", got, wantReq)
	}
}

// A cache hit records the stored response's fields as the API sent them,
// without the Age the cache adds; a revalidation records the stored fields
// updated by the 304's, in the stored order.
func TestHeadSurvivesTheCaches(t *testing.T) {
	s := newScriptServer(t,
		"HTTP/1.1 200 OK\r\nETag: \"v1\"\r\ncache-control: max-age=60\r\nX-RateLimit-Remaining: 41\r\nContent-Length: 2\r\n\r\nhi",
		"HTTP/1.1 200 OK\r\nETag: \"e1\"\r\nCache-Control: no-cache\r\nX-RateLimit-Remaining: 40\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
		"HTTP/1.1 304 Not Modified\r\nx-ratelimit-remaining: 39\r\nETag: \"e1\"\r\nX-New: n\r\n\r\n",
	)
	r := openTestRunner(t, runner.Config{Hosts: map[string]string{"api.test": "http://" + s.addr}}, t.TempDir())
	get := func(path string) *httpfile.Request {
		return &httpfile.Request{Method: "GET", URL: "https://api.test" + path, Headers: []httpfile.Header{{Name: "Accept", Value: "*/*"}}}
	}
	ex, err := r.Run(context.Background(), []*httpfile.Request{get("/fresh"), get("/fresh"), get("/etag"), get("/etag")}, runner.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fresh := []httpfile.Header{{Name: "ETag", Value: `"v1"`}, {Name: "cache-control", Value: "max-age=60"}, {Name: "X-RateLimit-Remaining", Value: "41"}, {Name: "Content-Length", Value: "2"}}
	for i, want := range [][]httpfile.Header{
		fresh, fresh,
		{{Name: "ETag", Value: `"e1"`}, {Name: "Cache-Control", Value: "no-cache"}, {Name: "X-RateLimit-Remaining", Value: "40"}, {Name: "Transfer-Encoding", Value: "chunked"}},
		// Transfer-Encoding is hop by hop: never stored.
		{{Name: "ETag", Value: `"e1"`}, {Name: "Cache-Control", Value: "no-cache"}, {Name: "x-ratelimit-remaining", Value: "39"}, {Name: "X-New", Value: "n"}},
	} {
		if got := ex[i].Headers; !reflect.DeepEqual(got, want) {
			t.Errorf("exchange %d (%s): %q\nwant %q", i, ex[i].Cache, got, want)
		}
	}
	if ex[1].Cache != "hit" || ex[3].Cache != "revalidated" || ex[3].Reason != "OK" || string(ex[3].Body) != "hi" {
		t.Errorf("cache %s, %s; reason %q body %q", ex[1].Cache, ex[3].Cache, ex[3].Reason, ex[3].Body)
	}
	reqs := s.requests()
	if len(reqs) != 3 || reqs[2] != "GET /etag HTTP/1.1\r\nHost: api.test\r\nAccept: */*\r\nUser-Agent: snapdoc\r\nIf-None-Match: \"e1\"\r\n\r\n" {
		t.Errorf("requests: %q", reqs)
	}
}

// The shared cache on disk keeps one head through revalidations in
// successive runs: a field a first 304 added stays in its place.
func TestHeadSurvivesRevalidationsOnDisk(t *testing.T) {
	s := newScriptServer(t,
		"HTTP/1.1 200 OK\r\nETag: \"e1\"\r\nCache-Control: no-cache\r\nContent-Length: 2\r\n\r\nhi",
		"HTTP/1.1 304 Not Modified\r\nETag: \"e1\"\r\nX-First: 1\r\n\r\n",
		"HTTP/1.1 304 Not Modified\r\nX-Second: 2\r\netag: \"e1\"\r\n\r\n",
	)
	dir := t.TempDir()
	var last []httpfile.Header
	for range 3 {
		r, err := runner.Open(runner.Config{Hosts: map[string]string{"api.test": "http://" + s.addr}}, dir)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := r.Run(context.Background(), []*httpfile.Request{{Method: "GET", URL: "http://api.test/e"}}, runner.RunOptions{})
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		last = ex[0].Headers
	}
	want := []httpfile.Header{{Name: "etag", Value: `"e1"`}, {Name: "Cache-Control", Value: "no-cache"}, {Name: "Content-Length", Value: "2"}, {Name: "X-First", Value: "1"}, {Name: "X-Second", Value: "2"}}
	if !reflect.DeepEqual(last, want) {
		t.Errorf("third run: %q\nwant %q", last, want)
	}
}

func TestEmbeddedDemoIsServedOnLoopback(t *testing.T) {
	r, err := runner.New(runner.Config{Hosts: map[string]string{"httpbin.org": runner.Embedded}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := r.Run(context.Background(), []*httpfile.Request{{Method: "GET", URL: "https://httpbin.org/response-headers?X-Demo=1"}}, runner.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A real server's head: the Date and Content-Length net/http's server
	// writes are part of what the API sent.
	if ex[0].Reason != "OK" || ex[0].Header("Date") == "" || ex[0].Header("Content-Length") == "" || ex[0].Header("X-Demo") != "1" {
		t.Errorf("exchange %+v", ex[0])
	}
	r.Close()
	if _, err := r.Run(context.Background(), []*httpfile.Request{{Method: "GET", URL: "https://httpbin.org/get"}}, runner.RunOptions{}); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("after Close: %v", err)
	}
}

// A redirect is followed with the block's fields, in its order, and
// nothing net/http would add (a Referer).
func TestRedirectSendsTheBlocksFields(t *testing.T) {
	s := newScriptServer(t,
		"HTTP/1.1 302 Found\r\nLocation: /b?x=1\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
	)
	r := openTestRunner(t, runner.Config{Hosts: map[string]string{"api.test": "http://" + s.addr}}, "")
	ex, err := r.Run(context.Background(), []*httpfile.Request{{Method: "GET", URL: "https://api.test/a", Headers: []httpfile.Header{{Name: "x-b", Value: "1"}, {Name: "Accept", Value: "*/*"}}}}, runner.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	want := "GET /b?x=1 HTTP/1.1\r\nHost: api.test\r\nx-b: 1\r\nAccept: */*\r\nUser-Agent: snapdoc\r\n\r\n"
	if ex[0].Status != 200 || len(reqs) != 2 || reqs[1] != want {
		t.Errorf("status %d; requests %q\nwant the second %q", ex[0].Status, reqs, want)
	}
}

func TestWireExchangeKeepsAssertResults(t *testing.T) {
	x := &httpfile.Exchange{Method: "GET", URL: "http://a.test/", Status: 404, Cache: "miss",
		Asserts: []httpfile.AssertResult{{Text: "status == 200", Got: "404"}}}
	w := NewWireExchange("a.http", "b", &httpfile.Request{Method: "GET", URL: "http://a.test/"}, x)
	if len(w.Asserts) != 1 || w.Asserts[0] != (WireAssert{Assertion: "status == 200", Pass: false, Got: "404"}) {
		t.Errorf("wire %+v", w.Asserts)
	}
	back, err := w.Exchange()
	if err != nil || len(back.Asserts) != 1 || back.Asserts[0].Got != "404" {
		t.Errorf("back %+v, %v", back, err)
	}
}
