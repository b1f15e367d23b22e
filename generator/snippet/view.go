package snippet

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// ErrBodyFile is returned for a request whose body is still a file
// reference; see [InlineBodyFile].
var ErrBodyFile = errors.New("snippet: body file not inlined")

// View is the data a language template renders: the request with the hard
// decisions (URL normal form, JSON detection) already made.
type View struct {
	// Name is the request's name, or empty.
	Name string
	// Method is the request method in upper case.
	Method string
	// URL is the absolute URL in normal form (see [NormalizeURL]); it may
	// hold environment references.
	URL string
	// Host is the URL's authority (host and port), for a Host header.
	Host string
	// Target is the URL's path and query, for the request line.
	Target string
	// Headers are the author's header fields in order, but for an
	// Authorization field whose Basic credentials hold secrets: that one
	// is in Basic.
	Headers []httpfile.Header
	// Basic holds the credentials of an Authorization field written as
	// "Basic user:password" with secrets in it, which snapdoc sends
	// encoded (see [httpfile.BasicCredentials]); each language encodes them
	// its own way. Nil otherwise: credentials without secrets were
	// encoded when the request was parsed, and are in Headers as sent.
	Basic *Credentials
	// Body is the body to send: the author's text, indented when JSON.
	Body string
	// JSON reports whether Body is a JSON document with a JSON content
	// type, so a language may send it from a native literal.
	JSON bool
	// Secrets are the names of the environment variables the request
	// uses, in order of first use.
	Secrets []string
	// Checks are the request's assertions, in source order.
	Checks []Check
	// Cached is how the page's runner answered the request from its
	// cache, or nil (from the network, or not known); the caller sets it
	// from the block's recorded exchanges with [CachedSteps].
	Cached *Cached
}

// NewView prepares r for rendering. The URL must be absolute, the body
// inline and valid UTF-8.
func NewView(r *httpfile.Request) (*View, error) {
	if r.BodyFile != "" && r.Body == "" {
		return nil, fmt.Errorf("%w: %s", ErrBodyFile, r.BodyFile)
	}
	if !utf8.ValidString(r.Body) {
		return nil, errors.New("snippet: body is not UTF-8 text")
	}
	u, err := NormalizeURL(r.URL)
	if err != nil {
		return nil, fmt.Errorf("snippet: %w", err)
	}
	origin, target, err := splitURL(u)
	if err != nil {
		return nil, fmt.Errorf("snippet: %w", err)
	}
	method := strings.ToUpper(r.Method)
	if method == "" {
		method = "GET"
	}
	v := &View{
		Name:    r.Name,
		Method:  method,
		URL:     u,
		Host:    origin[strings.Index(origin, "://")+3:],
		Target:  target,
		Headers: r.Headers,
		Body:    r.Body,
		Secrets: r.Secrets(),
		Checks:  checksOf(r.Asserts),
	}
	v.Headers, v.Basic = basicOf(r.Headers)
	if ct, ok := v.Header("Content-Type"); ok && isJSONType(ct) {
		if pretty, ok := prettyJSON(r.Body); ok {
			v.Body, v.JSON = pretty, true
		}
	}
	return v, nil
}

// Credentials are a user and a password, either of which may hold
// environment references.
type Credentials struct {
	User, Password string
}

// basicOf returns headers without the Authorization field whose Basic
// credentials hold secrets, and those credentials; headers as they are
// and nil when there is no such field.
func basicOf(headers []httpfile.Header) ([]httpfile.Header, *Credentials) {
	for i, h := range headers {
		if !strings.EqualFold(h.Name, "Authorization") || !hasSecret(h.Value) {
			continue
		}
		user, password, ok := httpfile.BasicCredentials(h.Value)
		if !ok {
			continue
		}
		rest := append(slices.Clone(headers[:i]), headers[i+1:]...)
		return rest, &Credentials{User: user, Password: password}
	}
	return headers, nil
}

// hasSecret reports whether s refers to an environment variable.
func hasSecret(s string) bool {
	for _, seg := range httpfile.Segments(s) {
		if seg.Env != "" {
			return true
		}
	}
	return false
}

// Header returns the value of the first header field called name (any
// case) and whether there is one.
func (v *View) Header(name string) (string, bool) {
	for _, h := range v.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// HasHeader reports whether the author set a header field called name.
func (v *View) HasHeader(name string) bool {
	_, ok := v.Header(name)
	return ok
}

// Combined returns the header fields with repeated names merged into one
// field at the place of the first, values joined by ", " (by "; " for
// Cookie), as RFC 9110 section 5.3 allows; for languages whose header maps
// hold one value per name.
func Combined(headers []httpfile.Header) []httpfile.Header {
	var out []httpfile.Header
	index := map[string]int{}
	for _, h := range headers {
		key := strings.ToLower(h.Name)
		i, ok := index[key]
		if !ok {
			index[key] = len(out)
			out = append(out, h)
			continue
		}
		sep := ", "
		if key == "cookie" {
			sep = "; "
		}
		out[i].Value += sep + h.Value
	}
	return out
}
