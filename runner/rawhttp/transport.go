package rawhttp

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// Transport is an HTTP/1.1 [http.RoundTripper] that writes requests and
// reads responses byte for byte; see the package documentation. The zero
// value is ready to use and safe for concurrent use.
type Transport struct {
	// TLSClientConfig configures https connections; nil verifies the
	// server against the system's roots. ServerName defaults to the URL's
	// host, and ALPN offers http/1.1 only.
	TLSClientConfig *tls.Config
	// DialContext dials the TCP connection; nil uses a [net.Dialer].
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// MaxHeadBytes bounds the response head, counting the interim (1xx)
	// responses before it; 1 MiB when zero.
	MaxHeadBytes int
	// Proxy returns the proxy for a request, or nil for none, as
	// [http.ProxyFromEnvironment] does; nil uses no proxy. Only http://
	// proxies are supported: plain requests go to them in absolute form,
	// https ones through a CONNECT tunnel, so the origin sees the same
	// bytes as without the proxy.
	Proxy func(*http.Request) (*url.URL, error)

	idle pool
}

var _ http.RoundTripper = (*Transport)(nil)

// maxInterim bounds the 1xx responses skipped before the final one.
const maxInterim = 16

// RoundTrip sends req and returns the response as the server sent it. The
// header fields of req are written in the order of the list [WithFields]
// attached to its context; see there. The response's Header holds exactly
// the fields received (plus the carrier [Head] reads), and its Body reads
// the body as framed on the wire, undecoded.
//
// A request with a body or an unsafe method always goes on a new
// connection. Others may reuse an idle one (see [Transport.CloseIdleConnections]);
// if the server had closed it and no byte of an answer came, the request
// is sent again, once, on a new connection, as RFC 9110, 9.2.2 allows for
// idempotent requests.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	proxy, err := t.proxyFor(req)
	var out *outgoing
	if err == nil {
		out, err = prepare(req, proxy)
	}
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	key := poolKey(req.URL, proxy)
	reusable := reusableRequest(req)
	if reusable {
		if conn := t.idle.take(key); conn != nil {
			resp, err := t.exchange(req, out, conn, key, true)
			if !errors.Is(err, errNoAnswer) || req.Context().Err() != nil {
				return resp, err
			}
		}
	}
	conn, err := t.dial(req.Context(), req.URL, proxy)
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return t.exchange(req, out, conn, key, reusable)
}

// errNoAnswer is a connection that closed before any byte of an answer.
var errNoAnswer = &closedError{"rawhttp: connection closed before a response"}

// closedError is a connection the server closed too early; it is an
// io.ErrUnexpectedEOF, as callers classify such failures.
type closedError struct{ msg string }

func (e *closedError) Error() string { return e.msg }
func (e *closedError) Unwrap() error { return io.ErrUnexpectedEOF }

// exchange sends req on conn and reads the response head. A connection
// that can carry another request goes back to the idle pool once the body
// has been read to its end.
func (t *Transport) exchange(req *http.Request, out *outgoing, conn net.Conn, key string, reusable bool) (*http.Response, error) {
	ctx := req.Context()
	// Cancellation and the deadline close the connection, which ends any
	// read or write in progress; the error is then the context's.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	fail := func(err error) (*http.Response, error) {
		stop()
		conn.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	werr := out.write(conn, req)
	var local *localError
	if errors.As(werr, &local) {
		return fail(local.err)
	}
	br := bufio.NewReader(conn)
	h, err := t.readFinalHead(br)
	if err != nil {
		if werr != nil && !errors.Is(err, errNoAnswer) {
			err = werr // the server closed while we were still writing
		}
		return fail(err)
	}
	resp := newResponse(req, h)
	if tc, ok := conn.(*tls.Conn); ok {
		st := tc.ConnectionState()
		resp.TLS = &st
	}
	framed, delimited, err := frame(req, resp, br)
	if err != nil {
		return fail(err)
	}
	b := &body{r: framed, conn: conn, ctx: ctx, stop: stop}
	if reusable && delimited && resp.ProtoAtLeast(1, 1) && !hasToken(resp.Header["Connection"], "close") {
		b.reuse = func() bool { return br.Buffered() == 0 && t.idle.put(key, conn) }
	}
	if framed == nil {
		b.release(true)
		resp.Body = http.NoBody
	} else {
		resp.Body = b
	}
	return resp, nil
}

// CloseIdleConnections closes the connections kept for reuse.
func (t *Transport) CloseIdleConnections() { t.idle.closeAll() }

// dial connects to the URL's host, through the proxy when there is one,
// with TLS for https.
func (t *Transport) dial(ctx context.Context, u *url.URL, proxy *url.URL) (net.Conn, error) {
	addr, err := authority(u)
	if err != nil {
		return nil, err
	}
	dial := t.DialContext
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	var conn net.Conn
	if proxy == nil {
		conn, err = dial(ctx, "tcp", addr)
	} else {
		conn, err = t.dialProxy(ctx, dial, proxy, u.Scheme == "https", addr)
	}
	if err != nil || u.Scheme == "http" {
		return conn, err
	}
	cfg := &tls.Config{}
	if t.TLSClientConfig != nil {
		cfg = t.TLSClientConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = u.Hostname()
	}
	cfg.NextProtos = []string{"http/1.1"}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	if p := tc.ConnectionState().NegotiatedProtocol; p != "" && p != "http/1.1" {
		tc.Close()
		return nil, fmt.Errorf("rawhttp: server chose protocol %q, not http/1.1", p)
	}
	return tc, nil
}

// readFinalHead reads response heads until the final one, skipping
// interim 1xx responses, within MaxHeadBytes for all of them.
func (t *Transport) readFinalHead(br *bufio.Reader) (*head, error) {
	budget := t.maxHead()
	for range maxInterim + 1 {
		before := budget
		h, err := readHead(br, &budget)
		if before == t.maxHead() && budget == before && (err == io.EOF || isReset(err)) {
			return nil, errNoAnswer
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, &closedError{"rawhttp: connection closed before a complete response head"}
		}
		if err != nil {
			return nil, err
		}
		switch {
		case h.code == http.StatusSwitchingProtocols:
			return nil, errors.New("rawhttp: 101 Switching Protocols to a request that asked for no upgrade")
		case h.code >= 200:
			return h, nil
		}
	}
	return nil, fmt.Errorf("rawhttp: more than %d interim responses", maxInterim)
}

func (t *Transport) maxHead() int {
	if t.MaxHeadBytes <= 0 {
		return 1 << 20
	}
	return t.MaxHeadBytes
}

// newResponse makes the response for head h of the answer to req. Its
// Header is built from the fields as received; only the key names are
// canonical, so that Get finds them.
func newResponse(req *http.Request, h *head) *http.Response {
	resp := &http.Response{
		Status:     strconv.Itoa(h.code) + " " + h.reason,
		StatusCode: h.code,
		Proto:      fmt.Sprintf("HTTP/%d.%d", h.major, h.minor),
		ProtoMajor: h.major,
		ProtoMinor: h.minor,
		Header:     make(http.Header, len(h.fields)+1),
		Close:      true,
		Request:    req,
	}
	for _, f := range h.fields {
		k := http.CanonicalHeaderKey(f.Name)
		resp.Header[k] = append(resp.Header[k], f.Value)
	}
	key := headKey
	if req.Method == http.MethodHead || h.code == http.StatusNotModified {
		key = updateKey // a head that refreshes a stored response
	}
	carry(resp.Header, key, h.statusLine, h.fields)
	return resp
}

// frame returns the reader of the response body as RFC 9112, 6.3 frames
// it, or nil when the response has none, and whether the body's end is
// known without the connection closing. A transfer coding other than
// chunked is refused: its bytes could not be stored or shown as the
// content they encode.
func frame(req *http.Request, resp *http.Response, br *bufio.Reader) (_ io.Reader, delimited bool, _ error) {
	code := resp.StatusCode
	if req.Method == http.MethodHead || code < 200 || code == http.StatusNoContent || code == http.StatusNotModified {
		resp.ContentLength = 0
		return nil, true, nil
	}
	resp.ContentLength = -1
	if te := resp.Header.Values("Transfer-Encoding"); len(te) > 0 && resp.ProtoAtLeast(1, 1) {
		codings := strings.Split(strings.Join(te, ","), ",")
		for i, c := range codings {
			codings[i] = strings.ToLower(trimOWS(c))
		}
		if len(codings) != 1 || codings[0] != "chunked" {
			return nil, false, fmt.Errorf("rawhttp: unsupported transfer coding %q", strings.Join(te, ", "))
		}
		resp.TransferEncoding = []string{"chunked"}
		return &chunked{r: httputil.NewChunkedReader(br), br: br}, true, nil
	}
	if cl := resp.Header.Values("Content-Length"); len(cl) > 0 {
		n, err := contentLength(cl)
		if err != nil {
			return nil, false, err
		}
		resp.ContentLength = n
		return &exactly{r: br, n: n}, true, nil
	}
	return br, false, nil // read until the server closes the connection
}

// contentLength parses the Content-Length values, which must agree.
func contentLength(values []string) (int64, error) {
	n := int64(-1)
	for _, v := range values {
		for s := range strings.SplitSeq(v, ",") {
			s = trimOWS(s)
			m, err := strconv.ParseInt(s, 10, 64)
			if err != nil || m < 0 || s[0] == '+' || n >= 0 && m != n {
				return 0, fmt.Errorf("rawhttp: bad Content-Length %q", strings.Join(values, ", "))
			}
			n = m
		}
	}
	return n, nil
}

// exactly reads n bytes, and fails if the stream ends before.
type exactly struct {
	r io.Reader
	n int64
}

func (e *exactly) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.n {
		p = p[:e.n]
	}
	n, err := e.r.Read(p)
	e.n -= int64(n)
	if err == io.EOF && e.n > 0 {
		err = io.ErrUnexpectedEOF
	}
	if err == nil && e.n == 0 {
		err = io.EOF
	}
	return n, err
}

// chunked reads a chunked body and then its trailer section, which is
// read to check the framing but not kept.
type chunked struct {
	r  io.Reader
	br *bufio.Reader
}

func (c *chunked) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err == io.EOF {
		budget := 1 << 20
		if _, terr := readFields(c.br, &budget); terr != nil {
			err = fmt.Errorf("rawhttp: chunked trailer: %w", terr)
		}
	}
	return n, err
}

// body is a response body. Reading it to its end hands its connection
// back for reuse when it can carry another request; closing it before,
// or any error, closes the connection.
type body struct {
	r     io.Reader
	conn  net.Conn
	ctx   context.Context
	stop  func() bool
	reuse func() bool // nil when the connection cannot be reused
	once  sync.Once
}

func (b *body) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil {
		if err != io.EOF && b.ctx.Err() != nil {
			err = b.ctx.Err()
		}
		b.release(err == io.EOF)
	}
	return n, err
}

func (b *body) Close() error {
	b.release(false)
	return nil
}

// release lets the connection go, to the pool after a complete body.
func (b *body) release(complete bool) {
	b.once.Do(func() {
		// stop reports false when cancellation has closed the conn.
		if b.stop() && complete && b.reuse != nil && b.reuse() {
			return
		}
		b.conn.Close()
	})
}
