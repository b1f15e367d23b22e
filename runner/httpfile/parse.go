package httpfile

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/snapdoc/snapdoc/internal/fileerr"
)

// ParseOptions tells [Parse] where its text comes from and which variables
// the text may use.
type ParseOptions struct {
	// File names the source file in positions and errors.
	File string
	// LineOffset is the number of lines in File before the text's first
	// line: 0 for a standalone .http file; for a Markdown fence, the line
	// number of the opening fence (the block's text starts on the next
	// line).
	LineOffset int
	// ColumnOffset is added to every column, for a block whose lines are
	// indented in File (a fence inside a list item) and were passed with
	// that indentation removed.
	ColumnOffset int
	// Vars are the values of {{name}} variables. The caller merges front
	// matter vars over site config vars; file variables ("@name = value")
	// in the text take precedence over both. Values are used as written,
	// not expanded again, except that environment references in them
	// ({{$env NAME}}, {{$env.NAME}}, {{$processEnv NAME}}) are secrets.
	Vars map[string]string
}

// parseErr is a syntax or variable error in .http text, at pos.
func parseErr(pos fileerr.Pos, msg string) *fileerr.Error {
	return &fileerr.Error{Pos: pos, Phase: "parse", Err: errors.New(msg)}
}

// Parse parses text in the .http syntax of VS Code REST Client and the
// JetBrains HTTP Client, as found in an `http` fenced block or a .http file,
// and returns its requests in source order with variables substituted.
// Text that holds only comments and variable definitions yields no request.
// As the JetBrains specification says, a path target goes to the host of
// the Host header, and a URL with no scheme gets http://.
//
// The body is the in-place text with blank lines around it trimmed, its
// lines joined with "\n", or "\r\n" for multipart/form-data; in an
// application/x-www-form-urlencoded body a line starting with & joins the
// previous line. A body that is only "< path" becomes BodyFile; the file is
// not read. Each entry of Request.Unsupported names a feature and quotes it
// as written, for example "dynamic variable {{$guid}}" or
// "response handler > {% ... %}".
//
// An error is a *[fileerr.Error] of phase "parse"; its columns count
// bytes, as Go tools do.
func Parse(src []byte, opts ParseOptions) ([]*Request, error) {
	// A byte-order mark is no text: columns on the first line count from
	// after it, as editors show them.
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	entries, err := scan(string(src), opts)
	if err != nil {
		return nil, err
	}
	return resolve(entries, opts)
}

// span is a piece of one source line and the position of its first byte.
type span struct {
	text string
	pos  fileerr.Pos
}

type rawHeader struct{ name, value span }

// rawRequest is a request as written, before variables are substituted.
type rawRequest struct {
	name        string
	method      string
	target      []span // the request target and its continuation lines
	version     string
	headers     []rawHeader
	body        []span       // body lines, comments left out
	bodyFile    *span        // the path of a body that is only "< path"
	bodyFiles   map[int]span // the paths of "< path" lines of a longer body, by line index
	pos         fileerr.Pos
	prompts     []string // variables declared by "# @prompt"
	unsupported []string
	warnings    []*fileerr.Error
	multipart   bool // Content-Type multipart/*: request and response lines stay in the body
	hasBody     bool // a non-blank body line has been read
	asserts     []rawAssertion
}

type varDef struct {
	name  string
	value span
}

// entry is a file variable definition or a request, in source order.
type entry struct {
	def *varDef
	req *rawRequest
}

// meta is the metadata gathered from comments for the next request.
type meta struct {
	name, title string
	prompts     []string
	unsupported []string
}

type state int

const (
	stBetween  state = iota // before a request line
	stTarget                // after the request line: continuation lines
	stHeaders               // header fields
	stBody                  // the body
	stAfter                 // after a response handler
	stResponse              // an inline response example, ignored
	stScript                // inside "{% ... %}"
	stComment               // inside "/* ... */"
)

type scanner struct {
	opts     ParseOptions
	entries  []entry
	state    state
	req      *rawRequest
	meta     meta
	line     string
	lineNo   int         // 1-based, in the text
	openPos  fileerr.Pos // where the open script or block comment started
	openWhat string
	resume   state // the state after the script ends
}

var (
	separatorRE = regexp.MustCompile(`^[ \t]*###`)
	commentRE   = regexp.MustCompile(`^[ \t]*(#|//)`)
	metadataRE  = regexp.MustCompile(`^[ \t]*(?:#+|//+)[ \t]*@([\w-]+)[ \t]*(.*?)[ \t]*$`)
	varDefRE    = regexp.MustCompile(`^[ \t]*@([^\s=]+)[ \t]*=[ \t]*(.*?)[ \t]*$`)
	varNameRE   = regexp.MustCompile(`^[\w-]+$`)
	fileRefRE   = regexp.MustCompile(`^<(?:(@)(\w+)?)?[ \t]+(.+?)[ \t]*$`)
	responseRE  = regexp.MustCompile(`^[ \t]*HTTP/[\d.]+(?:[ \t]|$)`)
	versionRE   = regexp.MustCompile(`^HTTP/\d+(?:\.\d+)?$`)
	methodishRE = regexp.MustCompile(`^[A-Za-z][A-Za-z-]*$`)
	extensionRE = regexp.MustCompile(`^[A-Z][A-Z0-9_-]*$`)
)

// methods are the request methods REST Client and httpyac accept.
var methods = map[string]bool{
	"GET": true, "HEAD": true, "POST": true, "PUT": true, "DELETE": true,
	"CONNECT": true, "OPTIONS": true, "TRACE": true, "PATCH": true,
	"LOCK": true, "UNLOCK": true, "PROPFIND": true, "PROPPATCH": true,
	"COPY": true, "MOVE": true, "MKCOL": true, "MKCALENDAR": true,
	"ACL": true, "SEARCH": true, "CHECKOUT": true, "CHECKIN": true,
	"REPORT": true, "MERGE": true, "MKACTIVITY": true, "MKWORKSPACE": true,
	"VERSION-CONTROL": true, "BASELINE-CONTROL": true,
}

// scan splits src into file variable definitions and requests as written.
func scan(src string, opts ParseOptions) ([]entry, error) {
	s := &scanner{opts: opts}
	for i, line := range strings.Split(src, "\n") {
		s.line = strings.TrimSuffix(line, "\r")
		s.lineNo = i + 1
		if err := s.step(); err != nil {
			return nil, err
		}
	}
	if s.state == stScript || s.state == stComment {
		return nil, parseErr(s.openPos, "unterminated "+s.openWhat)
	}
	s.finish()
	return s.entries, nil
}

// pos returns the position of byte col (0-based) of the current line.
func (s *scanner) pos(col int) fileerr.Pos {
	return fileerr.Pos{
		File: s.opts.File,
		Line: s.lineNo + s.opts.LineOffset,
		Col:  col + 1 + s.opts.ColumnOffset,
	}
}

func (s *scanner) errorf(col int, format string, args ...any) error {
	return parseErr(s.pos(col), fmt.Sprintf(format, args...))
}

// step reads the current line.
func (s *scanner) step() error {
	switch s.state {
	case stScript:
		if strings.Contains(s.line, "%}") {
			s.state = s.resume
		}
		return nil
	case stComment:
		if strings.Contains(s.line, "*/") {
			s.state = stBetween
		}
		return nil
	}
	t := strings.TrimLeft(s.line, " \t")
	indent := len(s.line) - len(t)
	if separatorRE.MatchString(s.line) {
		s.finish()
		s.meta = meta{title: strings.TrimSpace(strings.TrimLeft(t, "#"))}
		s.state = stBetween
		return nil
	}
	if commentRE.MatchString(s.line) {
		s.comment()
		return nil
	}
	if strings.HasPrefix(t, "??") {
		return s.assertLine(t, indent)
	}
	if t != "" && s.state != stBetween && s.state != stResponse && !looksLikeRequestLine(t) {
		// Metadata comments belong to a request line that follows them.
		s.meta = meta{}
	}
	switch s.state {
	case stBetween:
		return s.between(t, indent)
	case stTarget:
		return s.target(t, indent)
	case stHeaders:
		return s.header(t, indent)
	case stBody:
		return s.bodyLine(t, indent)
	case stAfter:
		return s.after(t, indent)
	default: // stResponse
		if looksLikeRequestLine(t) {
			return s.start(t, indent)
		}
		return nil
	}
}

// comment reads a comment line, which may carry metadata.
func (s *scanner) comment() {
	m := metadataRE.FindStringSubmatch(s.line)
	if m == nil {
		return
	}
	switch key, value := m[1], m[2]; key {
	case "name":
		s.meta.name = value
	case "title", "description":
		// Descriptive only.
	case "prompt":
		if f := strings.Fields(value); len(f) > 0 {
			s.meta.prompts = append(s.meta.prompts, f[0])
		}
		s.meta.unsupported = append(s.meta.unsupported, "metadata @"+key)
	default:
		s.meta.unsupported = append(s.meta.unsupported, "metadata @"+key)
	}
}

// between reads a line before a request line: blank, block comment, file
// variable, pre-request script, or the request line itself. t is the line
// without its indentation.
func (s *scanner) between(t string, indent int) error {
	switch {
	case t == "":
		return nil
	case strings.HasPrefix(t, "/*"):
		if !strings.Contains(t[2:], "*/") {
			s.open(stComment, indent, "block comment: missing */", stBetween)
		}
		return nil
	case varDefRE.MatchString(s.line):
		return s.define()
	case len(t) > 1 && t[0] == '<' && (t[1] == ' ' || t[1] == '\t'):
		rest := strings.TrimSpace(t[1:])
		if strings.HasPrefix(rest, "{%") {
			s.meta.unsupported = append(s.meta.unsupported, "pre-request script < {% ... %}")
			if !strings.Contains(rest[2:], "%}") {
				s.open(stScript, indent, "script: missing %}", stBetween)
			}
			return nil
		}
		s.meta.unsupported = append(s.meta.unsupported, "pre-request script < "+rest)
		return nil
	}
	return s.start(t, indent)
}

// open enters a multi-line script or block comment.
func (s *scanner) open(st state, indent int, what string, resume state) {
	s.state, s.openPos, s.openWhat, s.resume = st, s.pos(indent), what, resume
}

// define reads a file variable definition "@name = value".
func (s *scanner) define() error {
	m := varDefRE.FindStringSubmatchIndex(s.line)
	name := s.line[m[2]:m[3]]
	if !varNameRE.MatchString(name) {
		return s.errorf(m[2], "bad variable name %q", name)
	}
	value := span{s.line[m[4]:m[5]], s.pos(m[4])}
	s.entries = append(s.entries, entry{def: &varDef{name, value}})
	return nil
}

// target reads a line after the request line, which may continue the URL:
// a line starting with ? or & (REST Client), or an indented piece with no
// space (JetBrains).
func (s *scanner) target(t string, indent int) error {
	switch {
	case t == "":
		s.state = stBody
		return nil
	case t[0] == '?' || t[0] == '&',
		indent > 0 && !strings.ContainsAny(t, " \t") && !headerLike(t) && !looksLikeRequestLine(t):
		s.req.target = append(s.req.target, span{strings.TrimRight(t, " \t"), s.pos(indent)})
		return nil
	}
	s.state = stHeaders
	return s.header(t, indent)
}

// header reads a line of the header section.
func (s *scanner) header(t string, indent int) error {
	switch {
	case t == "":
		s.state = stBody
		return nil
	case !s.req.multipart && looksLikeRequestLine(t):
		return s.start(t, indent)
	case responseRE.MatchString(t):
		return s.response(t)
	case s.handler(t):
		return nil
	}
	if indent > 0 && len(s.req.headers) > 0 && !headerLike(t) {
		return s.errorf(indent, "header continuation lines are not supported: put the value on one line")
	}
	i := strings.IndexByte(t, ':')
	if i <= 0 || !validHeaderName(strings.TrimRight(t[:i], " \t")) {
		// As httpyac does, a line that is no header field starts the body.
		if j := strings.IndexAny(t, " \t"); j > 0 && commonHeaders[strings.ToLower(t[:j])] {
			s.req.warnings = append(s.req.warnings, parseErr(s.pos(indent), fmt.Sprintf(
				"%q starts the body: a header field needs a colon (%s: %s), and a body a blank line before it",
				t, t[:j], strings.TrimSpace(t[j:]))))
		}
		s.state = stBody
		return s.bodyLine(t, indent)
	}
	name := strings.TrimRight(t[:i], " \t")
	v := t[i+1:]
	vcol := indent + i + 1 + len(v) - len(strings.TrimLeft(v, " \t"))
	h := rawHeader{span{name, s.pos(indent)}, span{strings.TrimSpace(v), s.pos(vcol)}}
	s.req.headers = append(s.req.headers, h)
	if strings.EqualFold(name, "Content-Type") && strings.HasPrefix(mediaType(h.value.text), "multipart/") {
		s.req.multipart = true
	}
	return nil
}

// bodyLine reads a line of the body, or a line that ends it.
func (s *scanner) bodyLine(t string, indent int) error {
	switch {
	case t == "":
	case !s.req.hasBody && varDefRE.MatchString(s.line):
		return s.define()
	case !s.req.multipart && looksLikeRequestLine(t):
		return s.start(t, indent)
	case !s.req.multipart && responseRE.MatchString(t):
		return s.response(t)
	case s.handler(t):
		return nil
	default:
		s.req.hasBody = true
	}
	s.req.body = append(s.req.body, span{s.line, s.pos(0)})
	return nil
}

// after reads a line after a response handler, where only handlers,
// variables, a separator or a new request may follow.
func (s *scanner) after(t string, indent int) error {
	switch {
	case t == "" || s.handler(t):
		return nil
	case varDefRE.MatchString(s.line):
		return s.define()
	case looksLikeRequestLine(t):
		return s.start(t, indent)
	}
	return s.errorf(indent, "unexpected text after a response handler (want ### before a new request)")
}

// response starts an inline response example, which is ignored up to the
// next separator or request line.
func (s *scanner) response(t string) error {
	s.req.unsupported = append(s.req.unsupported, "response example "+strings.TrimSpace(t))
	s.state = stResponse
	return nil
}

// handler reads a response handler ("> {% ... %}", "> file"), response
// redirect (">> file") or response reference ("<> file") line, which ends
// the body, and reports whether t is one.
func (s *scanner) handler(t string) bool {
	var what string
	switch {
	case strings.HasPrefix(t, "<>"):
		what = "response reference " + strings.TrimSpace(t)
	case strings.HasPrefix(t, ">>"):
		what = "response redirect " + strings.TrimSpace(t)
	case len(t) > 1 && t[0] == '>' && (t[1] == ' ' || t[1] == '\t'):
		rest := strings.TrimSpace(t[1:])
		if !strings.HasPrefix(rest, "{%") {
			what = "response handler > " + rest
			break
		}
		what = "response handler > {% ... %}"
		if !strings.Contains(rest[2:], "%}") {
			s.req.unsupported = append(s.req.unsupported, what)
			s.open(stScript, len(s.line)-len(t), "script: missing %}", stAfter)
			return true
		}
	default:
		return false
	}
	s.req.unsupported = append(s.req.unsupported, what)
	s.state = stAfter
	return true
}

// start reads a request line, which starts a new request.
func (s *scanner) start(t string, indent int) error {
	s.finish()
	if i := strings.IndexFunc(t, isControl); i >= 0 {
		return s.errorf(indent+i, "bad request line: control character %q", t[i])
	}
	fs := fieldsAt(t)
	method := "GET"
	switch m := strings.ToUpper(fs[0].text); {
	case methods[m] && len(fs) == 1:
		return s.errorf(indent+len(t), "missing URL after %s", fs[0].text)
	case methods[m]:
		method, fs = m, fs[1:]
	case len(fs) > 1 && !versionRE.MatchString(fs[1].text) && extensionRE.MatchString(fs[0].text):
		// An extension method (RFC 9110 section 9.1), such as PURGE:
		// sent as written, so it must be written in upper case.
		method, fs = fs[0].text, fs[1:]
	case len(fs) > 1 && !versionRE.MatchString(fs[1].text) && methodishRE.MatchString(fs[0].text):
		return s.errorf(indent, "unknown method %q (write an extension method in upper case)", fs[0].text)
	case len(fs) > 1 && !versionRE.MatchString(fs[1].text) && !strings.HasPrefix(fs[0].text, "{{") && !strings.ContainsAny(fs[0].text, "/:.{"):
		return s.errorf(indent, "bad method %q: want an RFC 9110 token", fs[0].text)
	}
	version := ""
	if len(fs) > 1 {
		if !strings.HasPrefix(fs[1].text, "HTTP/") {
			return s.errorf(indent+fs[1].col, "bad request line: unexpected %q after the URL (want [METHOD] URL [HTTP/VERSION])", fs[1].text)
		}
		if !versionRE.MatchString(fs[1].text) {
			return s.errorf(indent+fs[1].col, "bad HTTP version %q", fs[1].text)
		}
		version = fs[1].text
	}
	if len(fs) > 2 {
		return s.errorf(indent+fs[2].col, "bad request line: unexpected %q after the HTTP version", fs[2].text)
	}
	s.req = &rawRequest{
		name:        s.meta.name,
		method:      method,
		target:      []span{{fs[0].text, s.pos(indent + fs[0].col)}},
		version:     version,
		pos:         s.pos(indent),
		prompts:     s.meta.prompts,
		unsupported: s.meta.unsupported,
	}
	if s.req.name == "" {
		s.req.name = s.meta.title
	}
	s.meta = meta{}
	s.entries = append(s.entries, entry{req: s.req})
	s.state = stTarget
	return nil
}

// finish ends the current request: it trims blank lines around the body
// and recognises a body that is only a file reference.
func (s *scanner) finish() {
	r := s.req
	if r == nil {
		return
	}
	s.req = nil
	for len(r.body) > 0 && strings.TrimSpace(r.body[0].text) == "" {
		r.body = r.body[1:]
	}
	for len(r.body) > 0 && strings.TrimSpace(r.body[len(r.body)-1].text) == "" {
		r.body = r.body[:len(r.body)-1]
	}
	for i, l := range r.body {
		m := fileRefRE.FindStringSubmatchIndex(l.text)
		if m == nil {
			continue
		}
		written := strings.TrimSpace(l.text)
		path := l
		path.text = l.text[m[6]:m[7]]
		path.pos.Col += m[6]
		switch {
		case m[2] >= 0 && len(r.body) > 1:
			r.unsupported = append(r.unsupported, "body file reference "+written)
		case len(r.body) > 1:
			// As in httpyac, the file's bytes stand for the line.
			if r.bodyFiles == nil {
				r.bodyFiles = map[int]span{}
			}
			r.bodyFiles[i] = path
		default:
			r.bodyFile, r.body = &path, nil
			if m[2] >= 0 {
				r.unsupported = append(r.unsupported, "body file with variables "+written)
			}
		}
	}
}

// field is a whitespace-separated word of a line, in which a {{variable}}
// may hold spaces, and its byte offset.
type field struct {
	text string
	col  int
}

func fieldsAt(t string) []field {
	var fs []field
	closed := strings.LastIndex(t, "}}") // no {{ }} after it
	for i := 0; i < len(t); {
		if t[i] == ' ' || t[i] == '\t' {
			i++
			continue
		}
		j := i
		for j < len(t) && t[j] != ' ' && t[j] != '\t' {
			if j < closed && strings.HasPrefix(t[j:], "{{") {
				j += strings.Index(t[j:], "}}") + 1 // spaces inside {{ }} do not split
			}
			j++
		}
		fs = append(fs, field{t[i:j], i})
		i = j
	}
	return fs
}

// looksLikeRequestLine reports whether t (without its indentation) is
// "METHOD target [HTTP/version]" with an upper-case method and a target
// that is a URL or a path: such a line starts a new request even with no
// ### before it, as in httpyac.
func looksLikeRequestLine(t string) bool {
	fs := fieldsAt(t)
	if len(fs) < 2 || len(fs) > 3 || !methods[fs[0].text] {
		return false
	}
	if len(fs) == 3 && !versionRE.MatchString(fs[2].text) {
		return false
	}
	u := fs[1].text
	return u[0] == '/' || u == "*" || strings.HasPrefix(u, "{{") || strings.Contains(u, "://")
}

// commonHeaders are request header fields, in lower case, that a line
// without a colon right after the headers most likely meant to set.
var commonHeaders = map[string]bool{
	"accept": true, "accept-encoding": true, "accept-language": true,
	"authorization": true, "cache-control": true, "content-type": true,
	"cookie": true, "host": true, "if-match": true, "if-modified-since": true,
	"if-none-match": true, "if-unmodified-since": true, "origin": true,
	"prefer": true, "range": true, "referer": true, "user-agent": true,
	"x-api-key": true,
}

// headerLike reports whether t starts with a header field name and a colon.
func headerLike(t string) bool {
	i := strings.IndexByte(t, ':')
	return i > 0 && validHeaderName(t[:i])
}

// validHeaderName reports whether s is an RFC 9110 token, in which
// {{variables}} may stand for parts.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for s != "" {
		if strings.HasPrefix(s, "{{") {
			j := strings.Index(s, "}}")
			if j < 0 {
				return false
			}
			s = s[j+2:]
			continue
		}
		c := s[0]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
		s = s[1:]
	}
	return true
}

// mediaType returns the lower-case media type of a Content-Type value,
// without parameters.
func mediaType(v string) string {
	v, _, _ = strings.Cut(v, ";")
	return strings.ToLower(strings.TrimSpace(v))
}
