package snippet

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

// received is one request as the echo server saw it, and its answer.
type received struct {
	method, requestURI, host string
	header                   http.Header
	body                     []byte

	status       int
	responseType string
	response     []byte
}

// echoServer is a loopback server that records every request and answers
// it with go-httpbin's /anything endpoint, whatever the path.
type echoServer struct {
	URL  string // "http://127.0.0.1:port"
	srv  *http.Server
	bin  http.Handler
	mu   sync.Mutex
	reqs []received
	// etag, when set, is the entity tag of every resource: a request
	// whose If-None-Match is exactly it gets 304 Not Modified.
	etag string
}

var _ http.Handler = (*echoServer)(nil)

// startEcho starts an echo server on a free loopback port.
func startEcho() (*echoServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	e := &echoServer{URL: "http://" + ln.Addr().String(), bin: httpbin.New().Handler()}
	e.srv = &http.Server{Handler: e, ReadHeaderTimeout: time.Minute}
	// Serve returns when Close shuts the server down; had it failed
	// earlier, the program's request fails and verification says so.
	go e.srv.Serve(ln)
	return e, nil
}

// setETag makes etag the entity tag of every resource.
func (e *echoServer) setETag(etag string) {
	e.mu.Lock()
	e.etag = etag
	e.mu.Unlock()
}

// Close stops the server.
func (e *echoServer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return e.srv.Shutdown(ctx)
}

// ServeHTTP records r and hands it to /anything under its own path.
func (e *echoServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rec := received{
		method:     r.Method,
		requestURI: r.RequestURI,
		host:       r.Host,
		header:     r.Header.Clone(),
		body:       body,
	}
	e.mu.Lock()
	etag := e.etag
	e.mu.Unlock()
	if etag != "" && r.Header.Get("If-None-Match") == etag {
		w.Header().Set("ETag", etag)
		w.WriteHeader(http.StatusNotModified)
		rec.status = http.StatusNotModified
		e.record(rec)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.URL.Path = "/anything" + r.URL.Path
	if r.URL.RawPath != "" {
		r.URL.RawPath = "/anything" + r.URL.RawPath
	}
	cw := &captureWriter{ResponseWriter: w, status: http.StatusOK}
	e.bin.ServeHTTP(cw, r)
	rec.status, rec.response = cw.status, cw.body.Bytes()
	rec.responseType = w.Header().Get("Content-Type")
	e.record(rec)
}

// record keeps what the server received.
func (e *echoServer) record(rec received) {
	e.mu.Lock()
	e.reqs = append(e.reqs, rec)
	e.mu.Unlock()
}

// requests returns what the server received so far.
func (e *echoServer) requests() []received {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]received(nil), e.reqs...)
}

// captureWriter keeps a copy of the status and body it writes.
type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *captureWriter) WriteHeader(status int) {
	c.status = status
	c.ResponseWriter.WriteHeader(status)
}

func (c *captureWriter) Write(p []byte) (int, error) {
	c.body.Write(p)
	return c.ResponseWriter.Write(p)
}
