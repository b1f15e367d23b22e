package runner

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// value is the expansion of a variable: its text, and the unsupported
// features (dynamic or request variables) left in it as written.
type value struct {
	text        string
	unsupported []string
	runs        []run // text split by where it comes from
}

// resolver substitutes variables in requests, in source order: a file
// variable is visible from its definition to the end of the text.
type resolver struct {
	opts  ParseOptions
	vars  map[string]value // file variables defined so far
	names map[string]bool  // names of the requests so far
	defs  map[string][]int // the lines of every definition, for hints
}

var (
	envNameRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	envRefRE   = regexp.MustCompile(`^\$(?:env[ \t.]|processEnv[ \t])[ \t]*(.*)$`)
	varLookRE  = regexp.MustCompile(`^[\w.-]+$`)
	requestVar = regexp.MustCompile(`^[\w-]+\.(?:response|request)\.`)
	schemeRE   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://`)
	envInVarRE = regexp.MustCompile(`\{\{[ \t]*\$(?:env[ \t.]|processEnv[ \t])[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*\}\}`)
)

// resolve substitutes variables in the scanned entries and returns the
// requests.
func resolve(entries []entry, opts ParseOptions) ([]*Request, error) {
	r := &resolver{opts: opts, vars: map[string]value{}, names: map[string]bool{}, defs: map[string][]int{}}
	for _, e := range entries {
		if e.def != nil {
			r.defs[e.def.name] = append(r.defs[e.def.name], e.def.value.pos.Line)
		}
	}
	var reqs []*Request
	for _, e := range entries {
		if e.def != nil {
			v, err := r.expand(e.def.value, nil)
			if err != nil {
				return nil, err
			}
			r.vars[e.def.name] = v
			continue
		}
		req, err := r.request(e.req)
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, req)
		if req.Name != "" {
			r.names[req.Name] = true
		}
	}
	return reqs, nil
}

// request substitutes the variables of raw and shapes its body.
func (r *resolver) request(raw *rawRequest) (*Request, error) {
	req := &Request{
		Name:        raw.name,
		Method:      raw.method,
		HTTPVersion: raw.version,
		Pos:         raw.pos,
		Unsupported: slices.Clone(raw.unsupported),
		Warnings:    slices.Clone(raw.warnings),
	}
	expand := func(sp span) (string, error) {
		v, err := r.expand(sp, raw.prompts)
		req.Unsupported = append(req.Unsupported, v.unsupported...)
		return v.text, err
	}
	// field expands a part of the URL or of a header, or the body file
	// path, none of which may hold a line break or other control character.
	field := func(sp span, what string) (string, error) {
		s, err := expand(sp)
		if i := strings.IndexFunc(s, isControl); err == nil && i >= 0 {
			err = r.errorf(sp, 0, "%s holds control character %q after substitution", what, s[i])
		}
		return s, err
	}
	var target []run
	for _, sp := range raw.target {
		v, err := r.expand(sp, raw.prompts)
		req.Unsupported = append(req.Unsupported, v.unsupported...)
		if i := strings.IndexFunc(v.text, isControl); err == nil && i >= 0 {
			err = r.errorf(sp, 0, "URL holds control character %q after substitution", v.text[i])
		}
		if err != nil {
			return nil, err
		}
		target = append(target, v.runs...)
	}
	if runsText(target) == "" {
		return nil, r.errorf(raw.target[0], 0, "empty URL")
	}
	for _, h := range raw.headers {
		name, err := field(h.name, "header name")
		if err != nil {
			return nil, err
		}
		v, err := field(h.value, "header value")
		if err != nil {
			return nil, err
		}
		req.Headers = append(req.Headers, Header{name, v})
	}
	url, err := encodeRuns(r.absolute(target, req, raw.pos.Line))
	if err != nil {
		return nil, r.errorf(raw.target[0], 0, "%s", err)
	}
	req.URL = url
	if v, ok := req.Header("X-Request-Type"); ok && strings.EqualFold(v, "graphql") {
		req.Unsupported = append(req.Unsupported, "GraphQL request X-Request-Type: "+v)
	}
	ct, _ := req.Header("Content-Type")
	var body strings.Builder
	for i, line := range raw.body {
		s, err := expand(line)
		if err != nil {
			return nil, err
		}
		switch {
		case i == 0:
		case mediaType(ct) == "application/x-www-form-urlencoded" && strings.HasPrefix(strings.TrimLeft(line.text, " \t"), "&"):
			// REST Client and httpyac join "&" lines to the previous one.
			s = strings.TrimLeft(s, " \t")
		case mediaType(ct) == "multipart/form-data":
			body.WriteString("\r\n")
		default:
			body.WriteString("\n")
		}
		body.WriteString(s)
	}
	req.Body = body.String()
	if raw.bodyFile != nil {
		s, err := field(*raw.bodyFile, "body file path")
		if err != nil {
			return nil, err
		}
		req.BodyFile = s
	}
	req.Unsupported = dedupe(req.Unsupported)
	return req, nil
}

// absolute returns the URL to send for the request target, made of runs:
// as in the JetBrains spec, a path goes to the host of the Host header;
// with no Host header, as in httpyac, it is appended to the value of the
// variable {{host}} (which should hold the scheme and host). A URL with
// no scheme gets http:// (REST Client picks https for ports 443 and
// 8443). A target that starts with a variable left as written, such as a
// secret, is kept.
func (r *resolver) absolute(target []run, req *Request, line int) []run {
	u := runsText(target)
	if u[0] == '/' {
		if host, ok := req.Header("Host"); ok && host != "" {
			if !strings.HasPrefix(host, "{{") && !schemeRE.MatchString(host) {
				scheme := "http://"
				if strings.HasSuffix(host, ":443") || strings.HasSuffix(host, ":8443") {
					scheme = "https://"
				}
				host = scheme + host
			}
			return append(valueRuns(strings.TrimSuffix(host, "/"), false), target...)
		}
		v, err := r.lookup("host", line)
		if err != nil || v.text == "" {
			return target
		}
		target = append(valueRuns(v.text, len(v.unsupported) > 0), target...)
		u = runsText(target)
	}
	if u[0] != '/' && u != "*" && !strings.HasPrefix(u, "{{") && !schemeRE.MatchString(u) {
		return append([]run{{"http://", runLiteral}}, target...)
	}
	return target
}

// runsText returns the text of runs.
func runsText(runs []run) string {
	var b strings.Builder
	for _, r := range runs {
		b.WriteString(r.text)
	}
	return b.String()
}

// maxExpansion bounds the text a line expands to, so that variables that
// double each other cannot exhaust memory.
const maxExpansion = 1 << 20

// expand substitutes the {{variables}} in sp. Environment variables become
// canonical references ([EnvRef]); dynamic, request and prompt variables
// are kept as written and reported as unsupported.
func (r *resolver) expand(sp span, prompts []string) (value, error) {
	var v value
	var b strings.Builder
	s := sp.text
	for off := 0; ; {
		i := strings.Index(s[off:], "{{")
		if i < 0 {
			b.WriteString(s[off:])
			v.runs = append(v.runs, run{s[off:], runLiteral})
			break
		}
		i += off
		b.WriteString(s[off:i])
		v.runs = append(v.runs, run{s[off:i], runLiteral})
		j := strings.Index(s[i+2:], "}}")
		if k := strings.Index(s[i+2:], "{{"); j < 0 || 0 <= k && k < j {
			return v, r.errorf(sp, i, "unterminated variable: missing }}")
		}
		written := s[i : i+2+j+2]
		off = i + 2 + j + 2
		text, unsupported, err := r.variable(strings.TrimSpace(s[i+2:i+2+j]), written, prompts, sp.pos.Line)
		if err != nil {
			return v, r.errorf(sp, i, "%s", err)
		}
		if b.Len()+len(text) > maxExpansion {
			return v, r.errorf(sp, i, "%s expands to more than %d bytes", written, maxExpansion)
		}
		b.WriteString(text)
		v.unsupported = append(v.unsupported, unsupported...)
		v.runs = append(v.runs, valueRuns(text, len(unsupported) > 0)...)
	}
	v.text = b.String()
	return v, nil
}

// valueRuns splits the expansion of a variable into runs: environment
// references, and the expansion of a variable kept as written, are
// verbatim; the rest is a value.
func valueRuns(text string, kept bool) []run {
	if kept {
		return []run{{text, runVerbatim}}
	}
	var runs []run
	for _, seg := range Segments(text) {
		if seg.Env != "" {
			runs = append(runs, run{EnvRef(seg.Env), runVerbatim})
		} else {
			runs = append(runs, run{seg.Text, runValue})
		}
	}
	return runs
}

func (r *resolver) errorf(sp span, col int, format string, args ...any) error {
	pos := sp.pos
	pos.Col += col
	return &ParseError{pos, fmt.Sprintf(format, args...)}
}

// variable returns the expansion of the variable {{name}}, which the
// source spells written, and the unsupported features it brings.
func (r *resolver) variable(name, written string, prompts []string, line int) (string, []string, error) {
	switch {
	case name == "":
		return "", nil, fmt.Errorf("empty variable %s", written)
	case strings.HasPrefix(name, "$"):
		m := envRefRE.FindStringSubmatch(name)
		if m == nil || strings.HasPrefix(m[1], "%") {
			return written, []string{"dynamic variable " + written}, nil
		}
		if !envNameRE.MatchString(m[1]) {
			return "", nil, fmt.Errorf("bad environment variable name %q in %s", m[1], written)
		}
		return EnvRef(m[1]), nil, nil
	case requestVar.MatchString(name) || r.names[strings.Split(name, ".")[0]] && strings.Contains(name, "."):
		return written, []string{"request variable " + written}, nil
	case slices.Contains(prompts, name):
		return written, []string{"prompt variable " + written}, nil
	case strings.HasPrefix(name, "%"):
		v, err := r.lookup(strings.TrimSpace(name[1:]), line)
		if err != nil {
			return "", nil, err
		}
		if strings.Contains(v.text, "{{") {
			return written, append(v.unsupported, "percent-encoded variable "+written), nil
		}
		return percentEncode(v.text), v.unsupported, nil
	}
	v, err := r.lookup(name, line)
	return v.text, v.unsupported, err
}

// lookup returns the value of the variable name, used on line.
func (r *resolver) lookup(name string, line int) (value, error) {
	if !varLookRE.MatchString(name) {
		return value{}, fmt.Errorf("bad variable name %q", name)
	}
	if v, ok := r.vars[name]; ok {
		return v, nil
	}
	if v, ok := r.opts.Vars[name]; ok {
		return value{text: envInVarRE.ReplaceAllStringFunc(v, func(ref string) string {
			return EnvRef(envInVarRE.FindStringSubmatch(ref)[1])
		})}, nil
	}
	for _, l := range r.defs[name] {
		if l > line {
			return value{}, fmt.Errorf("unknown variable %q (defined later, on line %d)", name, l)
		}
	}
	return value{}, fmt.Errorf("unknown variable %q", name)
}

// percentEncode encodes s as JavaScript's encodeURIComponent does, which
// is what REST Client's {{%name}} applies.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// dedupe removes repeated strings, keeping the first of each.
func dedupe(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// isControl reports whether r is a control character other than tab.
func isControl(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }
