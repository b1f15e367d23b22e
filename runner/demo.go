package runner

import (
	"bytes"
	"crypto/tls"
	"io"
	"net/http"
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

// handlerTransport answers requests with an in-process handler instead of
// the network.
type handlerTransport struct {
	h http.Handler
}

// RoundTrip serves req with the handler and returns what it wrote. The
// handler sees the request as a server would: with RequestURI and
// RemoteAddr set, and TLS state for https URLs.
func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	sreq := req.Clone(req.Context())
	sreq.RequestURI = req.URL.RequestURI()
	sreq.RemoteAddr = "127.0.0.1:0"
	sreq.Host = req.URL.Host
	if req.Host != "" {
		sreq.Host = req.Host
	}
	if req.URL.Scheme == "https" {
		sreq.TLS = &tls.ConnectionState{HandshakeComplete: true, ServerName: req.URL.Hostname()}
	}
	if sreq.Body == nil {
		sreq.Body = http.NoBody
	}
	if sreq.ContentLength == 0 && sreq.Body != http.NoBody {
		sreq.ContentLength = -1
	}
	w := &recorder{header: http.Header{}}
	t.h.ServeHTTP(w, sreq)
	if req.Body != nil {
		req.Body.Close()
	}
	// A handler that gave up because the caller did (a timeout) did not
	// answer, as a server would not have.
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	w.WriteHeader(http.StatusOK)
	header := w.sent
	if header.Get("Date") == "" {
		header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	}
	body := w.body.Bytes()
	if req.Method == http.MethodHead {
		body = nil
	}
	return &http.Response{
		Status:        http.StatusText(w.status),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

// recorder is the http.ResponseWriter of an in-process round trip.
type recorder struct {
	header http.Header
	sent   http.Header // header as it was when the status was written
	status int
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		w.sent = w.header.Clone()
	}
}

func (w *recorder) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}

// Flush lets streaming handlers run; the whole body is returned at once.
func (w *recorder) Flush() {}
