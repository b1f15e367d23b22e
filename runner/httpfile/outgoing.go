package httpfile

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/internal/safeopen"
)

// Outgoing is a request exactly as it goes on the wire: secrets expanded,
// the URL percent-encoded, Basic credentials encoded, body files read.
type Outgoing struct {
	// Method is the request method token.
	Method string
	// URL is the absolute URL, where the request goes.
	URL string
	// Target is the request target of the request line (origin form: the
	// path and query of URL).
	Target string
	// Headers are the header fields in the author's order and case, a
	// Host field included where the author wrote one, then the
	// User-Agent snapdoc adds when the author set none. The transport
	// adds the framing fields (Host when absent, Content-Length).
	Headers []Header
	// Body is the body; nil for none.
	Body []byte
	// Secrets holds the value of every environment variable the request
	// refers to, by name.
	Secrets map[string]string
	// Derived are the forms secrets took where they were placed (the
	// percent-encoding of a secret in the URL, the base64 of Basic
	// credentials), to redact as well.
	Derived []DerivedSecret
}

// DerivedSecret is a value computed from secrets: it is a secret too.
type DerivedSecret struct {
	// Value is the computed value, as sent.
	Value string
	// Shown is what replaces it in anything recorded: the references it
	// was computed from, such as "base64({{$env USER}}:{{$env PASS}})".
	Shown string
}

// userAgent is the User-Agent snapdoc sends when the author set none.
const userAgent = "snapdoc"

// BuildOutgoing returns the request req sends, reading body files from
// dir, which they must not leave for outside root ("" for dir), and
// secrets with getenv. An error about a place in the source (a missing
// body file, one outside root, a header that a secret made invalid) is a
// *[fileerr.Error]; an unset secret or a URL that cannot be sent is a plain
// error. No error quotes a secret's value.
func BuildOutgoing(req *Request, root, dir string, getenv func(string) (string, bool)) (*Outgoing, error) {
	out := &Outgoing{Method: req.Method, Secrets: map[string]string{}}
	var missing []string
	get := func(name string) string {
		v, ok := getenv(name)
		if !ok && !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
		out.Secrets[name] = v
		return v
	}
	if !validToken(req.Method) {
		return nil, parseErr(req.Pos, fmt.Sprintf("bad method %q: want an RFC 9110 token", req.Method))
	}
	target, forms, err := expandURL(req.URL, get)
	if err != nil {
		return nil, parseErr(req.urlPos(), err.Error())
	}
	out.Derived = append(out.Derived, forms...)
	for i, h := range req.Headers {
		name, value := Expand(h.Name, get), Expand(h.Value, get)
		pos := req.headerPos(i)
		if !validToken(name) {
			return nil, parseErr(pos, "header name is not an RFC 9110 token after substitution")
		}
		if j := strings.IndexFunc(value, isControl); j >= 0 {
			return nil, parseErr(pos, fmt.Sprintf("header %s holds control character %q after substitution", name, value[j]))
		}
		if strings.EqualFold(name, "Authorization") {
			if enc := basicAuth(value); enc != value {
				if strings.Contains(h.Value, envOpen) {
					out.Derived = append(out.Derived, DerivedSecret{Value: strings.TrimSpace(enc[len("Basic "):]), Shown: "base64(" + basicShown(h.Value) + ")"})
				}
				value = enc
			}
		}
		out.Headers = append(out.Headers, Header{name, value})
	}
	if _, ok := req.Header("User-Agent"); !ok {
		out.Headers = append(out.Headers, Header{"User-Agent", userAgent})
	}
	if out.Body, err = req.body(root, dir, get); err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		return nil, &MissingEnvError{missing[0]}
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%w, not %q", ErrBadURL, req.URL)
	}
	out.URL, out.Target = target, u.RequestURI()
	if i, ok := headerIndex(req.Headers, "Content-Length"); ok && out.Headers[i].Value != strconv.Itoa(len(out.Body)) {
		return nil, parseErr(req.headerPos(i), fmt.Sprintf("Content-Length is %s, but the body is %d bytes", out.Headers[i].Value, len(out.Body)))
	}
	return out, nil
}

// body returns the bytes of the request's body: the inline text with
// secrets expanded, the file of a "< path" body, or the parts of a body
// that mixes text and "< path" lines.
func (r *Request) body(root, dir string, get func(string) string) ([]byte, error) {
	parts := r.Parts
	if parts == nil && r.BodyFile != "" {
		parts = []BodyPart{{File: r.BodyFile, Pos: r.Pos}}
	}
	if parts == nil {
		if r.Body == "" {
			return nil, nil
		}
		return []byte(Expand(r.Body, get)), nil
	}
	var b []byte
	for _, p := range parts {
		if p.File == "" {
			b = append(b, Expand(p.Text, get)...)
			continue
		}
		data, err := readBodyFile(root, dir, p.File)
		if err != nil {
			msg := err.Error()
			var se *safeopen.Error
			switch {
			case errors.Is(err, os.ErrNotExist):
				msg = "no such file"
			case errors.As(err, &se):
				msg = se.Reason
			}
			return nil, &bodyFileError{parseErr(p.Pos, fmt.Sprintf("body file %s: %s", p.File, msg))}
		}
		b = append(b, data...)
	}
	return b, nil
}

// readBodyFile reads the body file name, relative to dir, as
// [safeopen.ReadFile] does inside root.
func readBodyFile(root, dir, name string) ([]byte, error) {
	if root == "" {
		root = "."
	}
	if dir == "" {
		dir = "."
	}
	rel, err := filepath.Rel(root, filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		return nil, err
	}
	return safeopen.ReadFile(root, filepath.ToSlash(rel), safeopen.MaxFile)
}

// HTTPRequest returns the request as a *http.Request whose request line
// carries Target byte for byte.
func (o *Outgoing) HTTPRequest(ctx context.Context) (*http.Request, error) {
	var body io.Reader
	if o.Body != nil {
		body = strings.NewReader(string(o.Body))
	}
	hreq, err := http.NewRequestWithContext(ctx, o.Method, o.URL, body)
	if err != nil {
		return nil, err
	}
	if got := hreq.URL.RequestURI(); got != o.Target {
		return nil, fmt.Errorf("internal error: the request target would be %q, not %q", got, o.Target)
	}
	for _, h := range o.Headers {
		if strings.EqualFold(h.Name, "Host") {
			hreq.Host = h.Value
			continue
		}
		// Canonical names, which net/http's transport looks fields up
		// by: it would add its own User-Agent or Accept-Encoding next
		// to a "user-agent" kept in the author's case.
		hreq.Header.Add(h.Name, h.Value)
	}
	return hreq, nil
}

var (
	basicColonRE = regexp.MustCompile(`(?i)^\s*basic\s+(.*):(.*)$`)
	basicSpaceRE = regexp.MustCompile(`(?i)^\s*basic\s+(\S*)\s+(\S.*)$`)
)

// BasicCredentials returns the user and password of an Authorization
// value written as "Basic user:password" or "Basic user password", as
// httpyac and REST Client take them: the user is what comes before the
// last colon, or else before the first space. A value with neither, such
// as an encoded token, or with no user, is no credentials: ok is false.
func BasicCredentials(v string) (user, password string, ok bool) {
	m := basicColonRE.FindStringSubmatch(v)
	if m == nil {
		m = basicSpaceRE.FindStringSubmatch(v)
	}
	if m == nil || m[1] == "" {
		return "", "", false
	}
	return m[1], m[2], true
}

// basicAuth returns the Authorization value v with its Basic credentials
// (see [BasicCredentials]) encoded as "Basic base64(user:password)", as
// they are sent; any other value is returned as it is, so encoding twice
// changes nothing.
func basicAuth(v string) string {
	user, password, ok := BasicCredentials(v)
	if !ok {
		return v
	}
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// basicShown returns the credentials of a Basic Authorization value as
// written, with references, as "user:password".
func basicShown(v string) string {
	user, password, ok := BasicCredentials(v)
	if !ok {
		return v
	}
	return user + ":" + password
}

// validToken reports whether s is a non-empty RFC 9110 token.
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// headerIndex returns the index of the first header field called name.
func headerIndex(hs []Header, name string) (int, bool) {
	for i, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return i, true
		}
	}
	return 0, false
}

// bodyFileError is a body file that could not be read, at the line that
// names it: a [fileerr.Error] whose reader text is [ErrBodyFile]'s.
type bodyFileError struct{ pe *fileerr.Error }

func (e *bodyFileError) Error() string   { return e.pe.Error() }
func (e *bodyFileError) Unwrap() []error { return []error{e.pe, ErrBodyFile} }

// The causes of a request that cannot be sent as declared.
var (
	// ErrBodyFile is what an error reading a body file wraps.
	ErrBodyFile = errors.New("body file")
	// ErrBadURL is what a URL that is not an absolute http or https URL
	// after substitution wraps.
	ErrBadURL = errors.New("want an absolute http or https URL")
)

// MissingEnvError is a secret whose environment variable is not set.
type MissingEnvError struct{ Name string }

// Error says which variable is not set.
func (e *MissingEnvError) Error() string {
	return "environment variable " + e.Name + " is not set"
}
