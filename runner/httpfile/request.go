package httpfile

import (
	"strings"

	"github.com/snapdoc/snapdoc/internal/fileerr"
)

// Header is one header field, kept in the order the author wrote it.
type Header struct {
	Name  string
	Value string
}

// Request is one HTTP request as an author declared it.
//
// Variables have already been substituted. References to environment
// variables, which are secrets, are kept in the canonical form
// "{{$env NAME}}" in URL, header values and Body, so that code examples can
// show them as environment lookups and snapshots never see their values;
// see [Segments] and [Expand].
type Request struct {
	// Name is the request's name from "# @name" or a "### name" separator;
	// empty when the author gave none.
	Name string
	// Method is the request method in upper case; GET when the author
	// wrote none.
	Method string
	// URL is the request target as written (absolute, or a path).
	URL string
	// HTTPVersion is the version from the request line ("HTTP/1.1"), or
	// empty.
	HTTPVersion string
	// Headers are the header fields in source order.
	Headers []Header
	// Body is the request body; empty for none.
	Body string
	// BodyFile is the path of a "< ./file" body, relative to the source
	// file's directory; empty when the body is inline.
	BodyFile string
	// Parts is the body of a request whose body has "< path" lines:
	// text (secrets as references) and files, in order, each file
	// standing for its line; Body shows the lines as written, or
	// BodyFile the path of a body that is only a file. It is nil for a
	// body that is only text.
	Parts []BodyPart
	// Pos is the position of the request line in the source file.
	Pos fileerr.Pos
	// URLPos is the position of the request target, and HeaderPos that of
	// each header field's value; zero when unknown.
	URLPos    fileerr.Pos
	HeaderPos []fileerr.Pos
	// Unsupported names the features the source uses that snapdoc does
	// not execute (for example response handler scripts). They are
	// reported, never silently dropped.
	Unsupported []string
	// Asserts are the checks of the response written after the request
	// ("?? status == 200"), in source order.
	Asserts []Assertion
	// Warnings point at text that parses, but likely not as its author
	// meant: a header field without its colon, which starts the body.
	// The request is sent as parsed.
	Warnings []*fileerr.Error
}

// BodyPart is a piece of a request body: text, or the content of a file.
type BodyPart struct {
	// Text is literal text; secrets are references.
	Text string
	// File is the path of a file, relative to the source file's
	// directory; empty for text.
	File string
	// Pos is where the file's path is written.
	Pos fileerr.Pos
}

// urlPos returns the position of the request target, or of the request.
func (r *Request) urlPos() fileerr.Pos {
	if r.URLPos.Line > 0 {
		return r.URLPos
	}
	return r.Pos
}

// headerPos returns the position of header field i's value, or of the
// request.
func (r *Request) headerPos(i int) fileerr.Pos {
	if i < len(r.HeaderPos) && r.HeaderPos[i].Line > 0 {
		return r.HeaderPos[i]
	}
	return r.Pos
}

// Header returns the value of the first header field with the given name,
// compared case-insensitively, and whether there was one.
func (r *Request) Header(name string) (string, bool) {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value, true
		}
	}
	return "", false
}

// Segment is a piece of a request string: either literal text or a
// reference to an environment variable (a secret).
type Segment struct {
	// Text is the literal text; empty when Env is set.
	Text string
	// Env is the name of the environment variable; empty for literal text.
	Env string
}

const envOpen, envClose = "{{$env ", "}}"

// EnvRef returns the canonical reference to the environment variable name,
// as it appears in a parsed [Request].
func EnvRef(name string) string { return envOpen + name + envClose }

// Segments splits s into literal text and environment references. Adjacent
// literal text is merged; the result is empty for an empty s.
func Segments(s string) []Segment {
	var segs []Segment
	for s != "" {
		i := strings.Index(s, envOpen)
		if i < 0 {
			segs = append(segs, Segment{Text: s})
			break
		}
		j := strings.Index(s[i+len(envOpen):], envClose)
		if j < 0 {
			segs = append(segs, Segment{Text: s})
			break
		}
		name := s[i+len(envOpen) : i+len(envOpen)+j]
		if i > 0 {
			segs = append(segs, Segment{Text: s[:i]})
		}
		segs = append(segs, Segment{Env: name})
		s = s[i+len(envOpen)+j+len(envClose):]
	}
	return segs
}

// Expand replaces every environment reference in s with getenv(name).
func Expand(s string, getenv func(string) string) string {
	if !strings.Contains(s, envOpen) {
		return s
	}
	var b strings.Builder
	for _, seg := range Segments(s) {
		if seg.Env != "" {
			b.WriteString(getenv(seg.Env))
		} else {
			b.WriteString(seg.Text)
		}
	}
	return b.String()
}

// Secrets returns the names of the environment variables the request
// refers to, in order of first use.
func (r *Request) Secrets() []string {
	var names []string
	seen := map[string]bool{}
	add := func(s string) {
		for _, seg := range Segments(s) {
			if seg.Env != "" && !seen[seg.Env] {
				seen[seg.Env] = true
				names = append(names, seg.Env)
			}
		}
	}
	add(r.URL)
	for _, h := range r.Headers {
		add(h.Name)
		add(h.Value)
	}
	add(r.Body)
	for _, p := range r.Parts {
		add(p.Text)
	}
	return names
}
