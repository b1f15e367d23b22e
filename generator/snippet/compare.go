package snippet

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// want is the request the server should receive.
type want struct {
	method, requestURI string
	headers            []httpfile.Header // secrets expanded
	body               string            // secrets expanded
	json               bool              // compare bodies as JSON values
}

// expected returns what the server should receive for v, whose secrets
// take the values of env.
func expected(v *View, env map[string]string) want {
	get := func(n string) string { return env[n] }
	w := want{
		method:     v.Method,
		requestURI: httpfile.Expand(v.Target, get),
		body:       httpfile.Expand(v.Body, get),
		json:       v.JSON,
	}
	for _, h := range v.Headers {
		w.headers = append(w.headers, httpfile.Header{Name: httpfile.Expand(h.Name, get), Value: httpfile.Expand(h.Value, get)})
	}
	if c := v.Basic; c != nil {
		creds := httpfile.Expand(c.User, get) + ":" + httpfile.Expand(c.Password, get)
		w.headers = append(w.headers, httpfile.Header{Name: "Authorization", Value: "Basic " + base64.StdEncoding.EncodeToString([]byte(creds))})
	}
	// The validators are the server's text: no secrets to expand.
	w.headers = append(w.headers, v.Conditional()...)
	return w
}

// validator returns the If-None-Match the request should carry to
// reproduce a revalidation, or "".
func (w want) validator() string {
	for _, h := range w.headers {
		if strings.EqualFold(h.Name, "If-None-Match") {
			return h.Value
		}
	}
	return ""
}

// compareRequest lists how got differs from w. With combines, a repeated
// header may arrive as one field holding the values joined as [Combined]
// joins them; repeated Cookie fields always may, because a client sends
// one Cookie field (RFC 6265 section 5.4).
func compareRequest(w want, got received, combines bool) []string {
	var problems []string
	if got.method != w.method {
		problems = append(problems, fmt.Sprintf("method %q, want %q", got.method, w.method))
	}
	if got.requestURI != w.requestURI {
		problems = append(problems, fmt.Sprintf("request target %q, want %q", got.requestURI, w.requestURI))
	}
	for _, h := range Combined(w.headers) {
		var values []string
		for _, x := range w.headers {
			if strings.EqualFold(x.Name, h.Name) {
				values = append(values, x.Value)
			}
		}
		gotValues := got.header.Values(h.Name)
		if strings.EqualFold(h.Name, "Host") {
			gotValues = []string{got.host}
		}
		if slices.Equal(gotValues, values) || (combines || strings.EqualFold(h.Name, "Cookie")) && slices.Equal(gotValues, []string{h.Value}) {
			continue
		}
		problems = append(problems, fmt.Sprintf("header %s: %q, want %q", h.Name, gotValues, values))
	}
	if w.json {
		if !jsonEqual(got.body, []byte(w.body)) {
			problems = append(problems, fmt.Sprintf("body %s, want the JSON value %s", clip(got.body), clip([]byte(w.body))))
		}
	} else if string(got.body) != w.body {
		problems = append(problems, fmt.Sprintf("body %s, want %s", clip(got.body), clip([]byte(w.body))))
	}
	return problems
}

// compareOutput lists how the program's output out fails to show the
// response got: "Status Code: <n>" then the body (as a JSON value for a
// JSON response). curl prints the body only, or the head for HEAD.
func compareOutput(lang, method string, got received, out []byte) []string {
	text := string(out)
	if lang == "curl" {
		if method == http.MethodHead {
			if !strings.HasPrefix(text, fmt.Sprintf("HTTP/1.1 %d ", got.status)) {
				return []string{fmt.Sprintf("output %s, want the response head", clip(out))}
			}
			return nil
		}
	} else {
		line, rest, _ := strings.Cut(text, "\n")
		if wantLine := fmt.Sprintf("Status Code: %d", got.status); line != wantLine {
			return []string{fmt.Sprintf("output starts %q, want %q", line, wantLine)}
		}
		text = rest
		if method == http.MethodHead {
			return nil
		}
		if lang != "http" {
			text = strings.TrimSuffix(text, "\n")
		}
	}
	if strings.Contains(got.responseType, "json") {
		if !jsonEqual([]byte(text), got.response) {
			return []string{fmt.Sprintf("printed body %s, want the JSON value %s", clip([]byte(text)), clip(got.response))}
		}
	} else if text != string(got.response) {
		return []string{fmt.Sprintf("printed body %s, want %s", clip([]byte(text)), clip(got.response))}
	}
	return nil
}

// clip quotes b, cut to a readable length.
func clip(b []byte) string {
	const max = 400
	if len(b) > max {
		return fmt.Sprintf("%q...", b[:max])
	}
	return fmt.Sprintf("%q", b)
}

// jsonEqual reports whether a and b are JSON texts of the same value:
// numbers compare by value, objects regardless of key order.
func jsonEqual(a, b []byte) bool {
	x, errx := decodeJSON(a)
	y, erry := decodeJSON(b)
	return errx == nil && erry == nil && sameJSON(x, y)
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("text after the JSON value")
	}
	return v, nil
}

func sameJSON(x, y any) bool {
	switch x := x.(type) {
	case map[string]any:
		y, ok := y.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !sameJSON(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := y.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := y.(json.Number)
		return ok && sameNumber(x.String(), y.String())
	default:
		return x == y
	}
}
