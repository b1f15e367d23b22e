package service

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// wireRequest is an HTTP/1.1 request as it was on the wire.
type wireRequest struct {
	method, target, version string
	headers                 []httpfile.Header // names as spelled, values without surrounding whitespace
	body                    []byte            // the payload, chunked framing removed
}

// parseWire splits the bytes of one HTTP/1.1 request into its parts.
func parseWire(raw []byte) (*wireRequest, error) {
	head, rest, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		return nil, errors.New("no end of header section")
	}
	lines := strings.Split(string(head), "\r\n")
	// A target may hold spaces (a malformed request line); it is what lies
	// between the first and the last space.
	method, rest1, ok1 := strings.Cut(lines[0], " ")
	i := strings.LastIndexByte(rest1, ' ')
	if !ok1 || i < 0 {
		return nil, fmt.Errorf("request line %q is not METHOD SP TARGET SP VERSION", lines[0])
	}
	w := &wireRequest{method: method, target: rest1[:i], version: rest1[i+1:], body: rest}
	chunked := false
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return nil, fmt.Errorf("header line %q has no colon", l)
		}
		w.headers = append(w.headers, httpfile.Header{Name: name, Value: strings.Trim(value, " \t")})
		if strings.EqualFold(name, "Transfer-Encoding") && strings.Contains(strings.ToLower(value), "chunked") {
			chunked = true
		}
	}
	if chunked {
		body, err := dechunk(rest)
		if err != nil {
			return nil, err
		}
		w.body = body
	}
	return w, nil
}

// dechunk returns the payload of a chunked body.
func dechunk(b []byte) ([]byte, error) {
	var out []byte
	for {
		line, rest, ok := bytes.Cut(b, []byte("\r\n"))
		if !ok {
			return nil, errors.New("chunked body: no chunk size line")
		}
		size, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.SplitN(line, []byte(";"), 2)[0])), 16, 64)
		if err != nil || size < 0 || size > int64(len(rest)) {
			return nil, fmt.Errorf("chunked body: bad chunk size %q", line)
		}
		if size == 0 {
			return out, nil
		}
		out = append(out, rest[:size]...)
		b = bytes.TrimPrefix(rest[size:], []byte("\r\n"))
	}
}

// wireDiff names what differs between two requests as sent, one key per
// difference, in a fixed order: the request line's parts, then per header
// name (lower case) its presence, spelling and values, then the order of
// the headers both send, then the body. Keys name what differs, not the
// values, so that they stay the same when a value that is new on every
// send (a generated id, a time) changes. Bytes that differ in no part
// (for example the space after a colon) give "other bytes".
func wireDiff(yac, snap []byte) ([]string, error) {
	if bytes.Equal(yac, snap) {
		return nil, nil
	}
	y, err := parseWire(yac)
	if err != nil {
		return nil, fmt.Errorf("httpyac's request: %w", err)
	}
	s, err := parseWire(snap)
	if err != nil {
		return nil, fmt.Errorf("snapdoc's request: %w", err)
	}
	var keys []string
	if y.method != s.method {
		keys = append(keys, "method")
	}
	if y.target != s.target {
		keys = append(keys, "request target")
	}
	if y.version != s.version {
		keys = append(keys, "HTTP version")
	}
	yh, sh := headerGroups(y.headers), headerGroups(s.headers)
	for _, name := range unionNames(y.headers, s.headers) {
		a, inY := yh[name]
		b, inS := sh[name]
		switch {
		case !inS:
			keys = append(keys, "only httpyac sends "+name)
		case !inY:
			keys = append(keys, "only snapdoc sends "+name)
		default:
			if !slices.Equal(headerSpellings(a), headerSpellings(b)) {
				keys = append(keys, "spelling of "+name)
			}
			if !slices.Equal(headerValues(a), headerValues(b)) {
				keys = append(keys, "value of "+name)
			}
		}
	}
	if !slices.Equal(commonOrder(y.headers, sh), commonOrder(s.headers, yh)) {
		keys = append(keys, "header order")
	}
	if !bytes.Equal(y.body, s.body) {
		keys = append(keys, "body")
	}
	if len(keys) == 0 {
		keys = append(keys, "other bytes")
	}
	return keys, nil
}

// headerGroups returns the header fields by lower-case name, in order.
func headerGroups(hs []httpfile.Header) map[string][]httpfile.Header {
	m := map[string][]httpfile.Header{}
	for _, h := range hs {
		n := strings.ToLower(h.Name)
		m[n] = append(m[n], h)
	}
	return m
}

// unionNames returns the lower-case names of a and then of b, each once.
func unionNames(a, b []httpfile.Header) []string {
	var names []string
	for _, h := range slices.Concat(a, b) {
		if n := strings.ToLower(h.Name); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// headerSpellings returns the distinct spellings of the names of hs, sorted.
func headerSpellings(hs []httpfile.Header) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Name)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func headerValues(hs []httpfile.Header) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Value)
	}
	return out
}

// commonOrder returns the lower-case names of hs that other also has, in
// the order of hs, each once.
func commonOrder(hs []httpfile.Header, other map[string][]httpfile.Header) []string {
	var out []string
	for _, h := range hs {
		n := strings.ToLower(h.Name)
		if _, ok := other[n]; ok && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func TestWireDiff(t *testing.T) {
	t.Parallel()
	const base = "POST /a?b=1 HTTP/1.1\r\nHost: x.test\r\nAccept: */*\r\nContent-Length: 2\r\n\r\nhi"
	tests := map[string]struct {
		snap string
		want []string
	}{
		"same":          {base, nil},
		"method":        {strings.Replace(base, "POST", "PUT", 1), []string{"method"}},
		"target":        {strings.Replace(base, "/a?b=1", "/a?b=2", 1), []string{"request target"}},
		"version":       {strings.Replace(base, "HTTP/1.1", "HTTP/1.0", 1), []string{"HTTP version"}},
		"missing":       {strings.Replace(base, "Accept: */*\r\n", "", 1), []string{"only httpyac sends accept"}},
		"extra":         {strings.Replace(base, "\r\n\r\n", "\r\nUser-Agent: snapdoc\r\n\r\n", 1), []string{"only snapdoc sends user-agent"}},
		"spelling":      {strings.Replace(base, "Accept:", "accept:", 1), []string{"spelling of accept"}},
		"value":         {strings.Replace(base, "*/*", "text/plain", 1), []string{"value of accept"}},
		"order":         {"POST /a?b=1 HTTP/1.1\r\nAccept: */*\r\nHost: x.test\r\nContent-Length: 2\r\n\r\nhi", []string{"header order"}},
		"body":          {strings.Replace(base, "hi", "ho", 1), []string{"body"}},
		"space":         {strings.Replace(base, "Accept: */*", "Accept:*/*", 1), []string{"other bytes"}},
		"chunked":       {"POST /a?b=1 HTTP/1.1\r\nHost: x.test\r\nAccept: */*\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nh\r\n1\r\ni\r\n0\r\n\r\n", []string{"only httpyac sends content-length", "only snapdoc sends transfer-encoding"}},
		"repeated":      {strings.Replace(base, "Accept: */*", "Accept: */*\r\nAccept: text/html", 1), []string{"value of accept"}},
		"spaces":        {strings.Replace(base, "/a?b=1", "/a?b=x y", 1), []string{"request target"}},
		"two and order": {"PUT /a?b=1 HTTP/1.1\r\nAccept: */*\r\nHost: x.test\r\nContent-Length: 2\r\n\r\nhi", []string{"method", "header order"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := wireDiff([]byte(base), []byte(tc.snap))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if _, err := wireDiff([]byte(base), []byte("GET /\r\n\r\n")); err == nil {
		t.Error("a request line without a version parsed")
	}
}
