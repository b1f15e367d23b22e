package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// Redacted replaces a redacted value in snapshots and pages.
const Redacted = "[redacted]"

// Redactions name parts of responses: header fields by name, and JSON
// body members by key path. The runner's redactions are secret fields,
// whose values a [Redactor] replaces by [Redacted]; a site's volatile
// fields use the same form, and are masked only when outputs are
// compared (see [Redactions.Mask]).
type Redactions struct {
	headers []string   // lower case
	fields  [][]string // key paths, such as ["headers", "X-Amzn-Trace-Id"]
	specs   []string   // as written
}

// Parse parses redaction specs: "header:NAME" redacts the value
// of every response header field NAME; "body:KEY" or "body:KEY.KEY"
// redacts the value of the member at that key path of a JSON body.
func Parse(specs []string) (Redactions, error) {
	var r Redactions
	for _, s := range specs {
		kind, what, _ := strings.Cut(s, ":")
		switch {
		case what == "":
			return r, fmt.Errorf("%q: want header:NAME or body:KEY", s)
		case kind == "header":
			r.headers = append(r.headers, strings.ToLower(what))
		case kind == "body":
			r.fields = append(r.fields, strings.Split(what, "."))
		default:
			return r, fmt.Errorf("%q: want header:NAME or body:KEY", s)
		}
		r.specs = append(r.specs, s)
	}
	return r, nil
}

// Specs returns the redactions as written, such as "header:Date".
func (r Redactions) Specs() []string {
	if r.specs == nil {
		return []string{}
	}
	return slices.Clone(r.specs)
}

// Add returns the redactions of r and of o.
func (r Redactions) Add(o Redactions) Redactions {
	return Redactions{
		headers: append(slices.Clone(r.headers), o.headers...),
		fields:  append(slices.Clone(r.fields), o.fields...),
		specs:   append(slices.Clone(r.specs), o.specs...),
	}
}

// volatileHeaders and volatileKeys are the header fields and JSON body
// members whose values change from run to run by nature: dates,
// validators, request and trace ids, the caller's address. They are no
// secrets.
var (
	volatileHeaders = []string{"date", "age", "expires", "last-modified", "etag", "x-amzn-trace-id", "x-request-id", "x-correlation-id", "request-id", "x-trace-id", "traceparent", "cf-ray", "x-runtime", "server-timing"}
	volatileKeys    = []string{"origin", "date", "x-amzn-trace-id", "x-request-id", "request_id", "requestid", "trace_id", "traceid", "timestamp"}
)

// IsVolatile reports whether the redaction spec (see [Parse])
// names a field that is volatile by nature rather than secret, such as
// header:Date or body:origin. A site that lists one in runner.redact
// likely meant runner.volatile.
func IsVolatile(spec string) bool {
	kind, what, _ := strings.Cut(spec, ":")
	what = strings.ToLower(what)
	switch kind {
	case "header":
		return slices.Contains(volatileHeaders, what)
	case "body":
		keys := strings.Split(what, ".")
		return slices.Contains(volatileKeys, keys[len(keys)-1])
	}
	return false
}

// Volatile returns the specs of the fields of r that are volatile by
// nature ([IsVolatile]).
func (r Redactions) Volatile() []string {
	var specs []string
	for _, s := range r.specs {
		if IsVolatile(s) {
			specs = append(specs, s)
		}
	}
	return specs
}

// Secret returns r without the fields that are volatile by nature.
func (r Redactions) Secret() Redactions {
	var s Redactions
	for _, h := range r.headers {
		if !IsVolatile("header:" + h) {
			s.headers = append(s.headers, h)
		}
	}
	for _, f := range r.fields {
		if !IsVolatile("body:" + strings.Join(f, ".")) {
			s.fields = append(s.fields, f)
		}
	}
	return s
}

// Empty reports whether r names no field.
func (r Redactions) Empty() bool { return len(r.headers) == 0 && len(r.fields) == 0 }

// Mask returns a copy of e whose named fields hold mark instead of their
// values: how volatile fields are left out when exchanges are compared.
// A field recorded as [Redacted] keeps it: that is no value the API sent,
// and a snapshot that holds it differs from one that shows the value.
// e is not modified.
func (r Redactions) Mask(e *httpfile.Exchange, mark string) *httpfile.Exchange {
	c := *e
	c.Headers = slices.Clone(e.Headers)
	for i, h := range c.Headers {
		if r.HasHeader(h.Name) && h.Value != Redacted {
			c.Headers[i].Value = mark
		}
	}
	if len(r.fields) > 0 {
		c.Body, _ = redactJSON(e.Body, r.fields, mark, true)
	}
	return &c
}

// HasHeader reports whether r names the header field name.
func (r Redactions) HasHeader(name string) bool {
	return slices.Contains(r.headers, strings.ToLower(name))
}

// InBody reports whether body, a JSON document, has a member at one of
// the key paths of r.
func (r Redactions) InBody(body []byte) bool {
	if len(r.fields) == 0 {
		return false
	}
	_, found := redactJSON(body, r.fields, Redacted, false)
	return len(found) > 0
}

// redactJSON replaces the values at the given key paths of a JSON document
// with the JSON string with, leaving every other byte as it was, and
// returns the values it replaced, as JSON text; keepRedacted leaves the
// values that are the string [Redacted] as they are. A body that is not
// JSON is returned unchanged.
func redactJSON(body []byte, paths [][]string, with string, keepRedacted bool) ([]byte, [][]byte) {
	type span struct{ start, end int }
	var spans []span
	dec := json.NewDecoder(bytes.NewReader(body))
	// path is the key path of the next value: object keys, and "[]" for
	// the elements of an array. objects tells for each open container
	// whether it is an object.
	var path []string
	var objects []bool
	expectKey := false
	valueDone := func() {
		if len(objects) > 0 && objects[len(objects)-1] {
			path = path[:len(path)-1]
			expectKey = true
		}
	}
	for {
		before := int(dec.InputOffset())
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return body, nil
		}
		d, isDelim := tok.(json.Delim)
		if isDelim && (d == '}' || d == ']') {
			objects = objects[:len(objects)-1]
			if d == ']' {
				path = path[:len(path)-1]
			}
			expectKey = false
			valueDone()
			continue
		}
		if expectKey {
			path = append(path, tok.(string))
			expectKey = false
			continue
		}
		start := before
		for start < len(body) && strings.IndexByte(" \t\r\n:,", body[start]) >= 0 {
			start++
		}
		if matchPath(path, paths) {
			if isDelim && !skipContainer(dec) {
				return body, nil
			}
			spans = append(spans, span{start, int(dec.InputOffset())})
			valueDone()
			continue
		}
		switch {
		case isDelim && d == '{':
			objects = append(objects, true)
			expectKey = true
		case isDelim && d == '[':
			objects = append(objects, false)
			path = append(path, "[]")
		default:
			valueDone()
		}
	}
	if len(spans) == 0 {
		return body, nil
	}
	quoted, _ := json.Marshal(with)
	redacted, _ := json.Marshal(Redacted)
	var out bytes.Buffer
	var found [][]byte
	last := 0
	for _, s := range spans {
		if keepRedacted && bytes.Equal(body[s.start:s.end], redacted) {
			continue
		}
		out.Write(body[last:s.start])
		out.Write(quoted)
		found = append(found, body[s.start:s.end])
		last = s.end
	}
	out.Write(body[last:])
	return out.Bytes(), found
}

// skipContainer reads the tokens of a container whose opening delimiter
// has been read, up to and including its closing one.
func skipContainer(dec *json.Decoder) bool {
	for depth := 1; depth > 0; {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return true
}

// matchPath reports whether path is one of paths; array elements are
// transparent, so "headers.X" matches inside a list of objects too.
func matchPath(path []string, paths [][]string) bool {
	var keys []string
	for _, p := range path {
		if p != "[]" {
			keys = append(keys, p)
		}
	}
	for _, p := range paths {
		if slices.Equal(keys, p) {
			return true
		}
	}
	return false
}
