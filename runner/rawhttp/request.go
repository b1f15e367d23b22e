package rawhttp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

type fieldsKey struct{}

// WithFields returns a copy of ctx carrying the header fields of a request
// in the order and spelling in which [Transport] writes them.
//
// The request's Header map stays the truth about which fields are sent
// with which values, so that layers above the transport (a cache adding
// If-None-Match, a redirect dropping Authorization) keep working: a field
// of the list is written, where it stands, when the map holds exactly the
// list's values for its name. The map's other fields follow, sorted by
// name. A Host field of the list gives the place and spelling of the Host
// line, whose value is always the request's host; without one, Host comes
// first. Content-Length (or Transfer-Encoding: chunked, for a body of
// unknown length) is added last when the list has none.
func WithFields(ctx context.Context, fields []Field) context.Context {
	return context.WithValue(ctx, fieldsKey{}, slices.Clone(fields))
}

func fieldsFrom(ctx context.Context) []Field {
	f, _ := ctx.Value(fieldsKey{}).([]Field)
	return f
}

// outgoing is a request ready to write: its head and how its body is
// framed.
type outgoing struct {
	head    []byte
	length  int64 // body length when not chunked
	chunked bool
}

// prepare checks req and lays out its head. Anything that cannot be sent
// as given is an error: a method that is no token, a target or header
// value with a space or control character where none may be, a
// Content-Length that is not the body's.
// A plain request through a proxy is sent in absolute form, with the
// proxy's credentials last.
func prepare(req *http.Request, proxy *url.URL) (*outgoing, error) {
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	if !isToken(method) {
		return nil, fmt.Errorf("rawhttp: method %q is not a token", method)
	}
	if req.URL == nil {
		return nil, fmt.Errorf("rawhttp: request has no URL")
	}
	target := req.URL.RequestURI()
	viaProxy := proxy != nil && req.URL.Scheme == "http"
	if viaProxy {
		target = "http://" + req.URL.Host + target
	}
	if i := strings.IndexFunc(target, func(r rune) bool { return r <= ' ' || r >= 0x7f }); i >= 0 {
		return nil, fmt.Errorf("rawhttp: request target %q has a byte that must be percent-encoded at offset %d", target, i)
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	if host == "" || strings.IndexFunc(host, func(r rune) bool { return r <= ' ' || r == 0x7f }) >= 0 {
		return nil, fmt.Errorf("rawhttp: bad host %q", host)
	}
	o := &outgoing{}
	fields := orderedFields(req, host)
	fields, err := o.frameBody(req, method, fields)
	if err != nil {
		return nil, err
	}
	if auth := proxyAuthorization(proxy); viaProxy && auth != "" {
		fields = append(fields, Field{"Proxy-Authorization", auth})
	}
	var b bytes.Buffer
	b.WriteString(method + " " + target + " HTTP/1.1\r\n")
	for _, f := range fields {
		if !isToken(f.Name) {
			return nil, fmt.Errorf("rawhttp: header field name %q is not a token", f.Name)
		}
		if strings.IndexFunc(f.Value, isCTL) >= 0 {
			return nil, fmt.Errorf("rawhttp: header field %s: value %q has a control character", f.Name, f.Value)
		}
		b.WriteString(f.Name + ": " + f.Value + "\r\n")
	}
	b.WriteString("\r\n")
	o.head = b.Bytes()
	return o, nil
}

// orderedFields lays out the header fields of req as [WithFields] says.
func orderedFields(req *http.Request, host string) []Field {
	list := fieldsFrom(req.Context())
	listed := map[string][]string{}
	hasHost := false
	for _, f := range list {
		c := http.CanonicalHeaderKey(f.Name)
		hasHost = hasHost || c == "Host"
		listed[c] = append(listed[c], f.Value)
	}
	var out []Field
	if !hasHost {
		out = append(out, Field{"Host", host})
	}
	done := map[string]bool{"Host": true}
	for _, f := range list {
		switch c := http.CanonicalHeaderKey(f.Name); {
		case c == "Host":
			if hasHost {
				out = append(out, Field{f.Name, host})
				hasHost = false
			}
		case slices.Equal(listed[c], req.Header[c]):
			out = append(out, f)
			done[c] = true
		}
	}
	keys := make([]string, 0, len(req.Header))
	for k := range req.Header {
		if !done[k] {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range req.Header[k] {
			out = append(out, Field{k, v})
		}
	}
	return out
}

// frameBody decides how the body is framed and adds the framing field
// when the fields lack it.
func (o *outgoing) frameBody(req *http.Request, method string, fields []Field) ([]Field, error) {
	hasBody := req.Body != nil && req.Body != http.NoBody
	o.length = req.ContentLength
	switch {
	case !hasBody:
		o.length = 0
	case o.length == 0:
		o.length = -1 // a body of unknown length
	}
	if te := req.Header.Values("Transfer-Encoding"); len(te) > 0 {
		if len(te) != 1 || !strings.EqualFold(te[0], "chunked") || !hasBody || req.Header.Get("Content-Length") != "" {
			return nil, fmt.Errorf("rawhttp: Transfer-Encoding %q: only chunked, for a request with a body and no Content-Length, can be sent", strings.Join(te, ", "))
		}
		o.chunked = true
		return fields, nil
	}
	if cl := req.Header.Values("Content-Length"); len(cl) > 0 {
		if len(cl) != 1 || o.length < 0 || cl[0] != strconv.FormatInt(o.length, 10) {
			return nil, fmt.Errorf("rawhttp: Content-Length %q is not the body's length (%d bytes)", strings.Join(cl, ", "), max(o.length, 0))
		}
		return fields, nil
	}
	switch {
	case o.length < 0:
		o.chunked = true
		fields = append(fields, Field{"Transfer-Encoding", "chunked"})
	case o.length > 0 || method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch:
		// RFC 9110, 8.6: a user agent sends Content-Length for a method
		// that defines a meaning for content, even when there is none.
		fields = append(fields, Field{"Content-Length", strconv.FormatInt(o.length, 10)})
	}
	return fields, nil
}

// write sends the request's head and body on conn, and closes the body.
func (o *outgoing) write(conn net.Conn, req *http.Request) error {
	bw := bufio.NewWriter(conn)
	bw.Write(o.head)
	if req.Body != nil && req.Body != http.NoBody {
		defer req.Body.Close()
		if o.chunked {
			cw := httputil.NewChunkedWriter(bw)
			if _, err := io.Copy(cw, req.Body); err != nil {
				return bodyError(err)
			}
			cw.Close()
			bw.WriteString("\r\n")
		} else {
			n, err := io.Copy(bw, io.LimitReader(req.Body, o.length+1))
			if err != nil {
				return bodyError(err)
			}
			if n != o.length {
				return &localError{fmt.Errorf("rawhttp: request body has %d bytes, not the %d its length says", n, o.length)}
			}
		}
	}
	return bw.Flush()
}

// localError is a failure of the request itself, not of the connection:
// there is no point reading a response after it.
type localError struct{ err error }

func (e *localError) Error() string { return e.err.Error() }

// bodyError reports err from copying the body: a failure to read the
// body is local; one to write it is the connection's.
func bodyError(err error) error {
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, net.ErrClosed) {
		return err
	}
	return &localError{fmt.Errorf("rawhttp: request body: %w", err)}
}
