package runner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Redacted replaces a redacted value in snapshots and pages.
const Redacted = "[redacted]"

// Redactions say which volatile parts of responses are replaced by
// [Redacted] before they are recorded: header fields by name, and JSON
// body members by key path.
type Redactions struct {
	headers []string   // lower case
	fields  [][]string // key paths, such as ["headers", "X-Amzn-Trace-Id"]
}

// ParseRedactions parses redaction specs: "header:NAME" redacts the value
// of every response header field NAME; "body:KEY" or "body:KEY.KEY"
// redacts the value of the member at that key path of a JSON body.
func ParseRedactions(specs []string) (Redactions, error) {
	var r Redactions
	for _, s := range specs {
		kind, what, _ := strings.Cut(s, ":")
		switch {
		case what == "":
			return r, fmt.Errorf("redact %q: want header:NAME or body:KEY", s)
		case kind == "header":
			r.headers = append(r.headers, strings.ToLower(what))
		case kind == "body":
			r.fields = append(r.fields, strings.Split(what, "."))
		default:
			return r, fmt.Errorf("redact %q: want header:NAME or body:KEY", s)
		}
	}
	return r, nil
}

// Add returns the redactions of r and of o.
func (r Redactions) Add(o Redactions) Redactions {
	return Redactions{
		headers: append(slices.Clone(r.headers), o.headers...),
		fields:  append(slices.Clone(r.fields), o.fields...),
	}
}

// Apply redacts the exchange's response in place. Every occurrence of a
// secret value anywhere in its headers or body is replaced by the
// secret's reference, so a token echoed back by an API never reaches a
// snapshot.
func (r Redactions) Apply(e *Exchange, secrets map[string]string) {
	for i, h := range e.Headers {
		if slices.Contains(r.headers, strings.ToLower(h.Name)) {
			e.Headers[i].Value = Redacted
		}
	}
	if len(r.fields) > 0 {
		e.Body = redactJSON(e.Body, r.fields)
	}
	names := make([]string, 0, len(secrets))
	for name, value := range secrets {
		if value != "" {
			names = append(names, name)
		}
	}
	// Longest values first, so a secret that contains another is
	// replaced whole.
	slices.SortFunc(names, func(a, b string) int { return len(secrets[b]) - len(secrets[a]) })
	for _, name := range names {
		value, ref := secrets[name], EnvRef(name)
		for i, h := range e.Headers {
			e.Headers[i].Value = strings.ReplaceAll(h.Value, value, ref)
		}
		e.Body = bytes.ReplaceAll(e.Body, []byte(value), []byte(ref))
		e.URL = strings.ReplaceAll(e.URL, value, ref)
	}
}

// redactJSON replaces the values at the given key paths of a JSON document
// with [Redacted], leaving every other byte as it was. A body that is not
// JSON is returned unchanged.
func redactJSON(body []byte, paths [][]string) []byte {
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
			return body
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
				return body
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
		return body
	}
	var out bytes.Buffer
	last := 0
	for _, s := range spans {
		out.Write(body[last:s.start])
		out.WriteString(`"` + Redacted + `"`)
		last = s.end
	}
	out.Write(body[last:])
	return out.Bytes()
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
