package runner

import (
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

// Embedded is the value of a site's runner.hosts entry that answers a host
// with the embedded demo API.
const Embedded = "embedded"

// DemoAPI returns the embedded demo API: an httpbin-compatible server
// (go-httpbin), so lessons written against httpbin.org build offline.
func DemoAPI() http.Handler {
	return httpbin.New().Handler()
}

// demoServer serves the demo API on loopback, started on first use and
// stopped by close, so that requests to embedded hosts take the same wire
// path as requests to real ones and are recorded the same way.
//
// It has two listeners: one for http URLs and one for https URLs, whose
// requests the API sees with TLS state (so it reports https URLs) although
// the bytes travel in clear over loopback, which needs no certificate.
// Like any listener it may be called by other local processes: it is
// go-httpbin with its own bounds on delays and sizes, plus timeouts for
// slow clients.
type demoServer struct {
	mu      sync.Mutex
	addrs   map[string]string // host:port by URL scheme
	servers []*http.Server
	closed  bool
}

// addr returns the address that serves requests for URLs of scheme.
func (d *demoServer) addr(scheme string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return "", errors.New("the runner is closed")
	}
	if d.addrs == nil {
		addrs := map[string]string{}
		for _, scheme := range [...]string{"http", "https"} {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				d.stop()
				return "", err
			}
			h := DemoAPI()
			if scheme == "https" {
				h = asTLS(h)
			}
			srv := &http.Server{
				Handler:           h,
				ReadHeaderTimeout: 10 * time.Second,
				IdleTimeout:       10 * time.Second,
				MaxHeaderBytes:    1 << 20,
				ErrorLog:          log.New(io.Discard, "", 0),
			}
			d.servers = append(d.servers, srv)
			go srv.Serve(l)
			addrs[scheme] = l.Addr().String()
		}
		d.addrs = addrs
	}
	return d.addrs[scheme], nil
}

// close stops the servers; requests after it fail.
func (d *demoServer) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	d.stop()
}

func (d *demoServer) stop() {
	for _, s := range d.servers {
		s.Close()
	}
	d.servers = nil
}

// asTLS serves requests as if they had come over TLS for their Host.
func asTLS(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.Host
		if host, _, err := net.SplitHostPort(r.Host); err == nil {
			name = host
		}
		r.TLS = &tls.ConnectionState{HandshakeComplete: true, ServerName: name}
		h.ServeHTTP(w, r)
	})
}
