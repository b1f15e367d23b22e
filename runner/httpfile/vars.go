package httpfile

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
	// authHelperRE matches the dynamic variables of REST Client, httpyac
	// and JetBrains that fetch an access token.
	authHelperRE = regexp.MustCompile(`^\$(?:aadToken|aadV2Token|oidcAccessToken|auth\.token|auth\.idToken)\b`)
	envInVarRE   = regexp.MustCompile(`\{\{[ \t]*\$(?:env[ \t.]|processEnv[ \t])[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*\}\}`)
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
		if err == nil && !strings.Contains(name, envOpen) && !validToken(name) {
			err = r.errorf(h.name, 0, "header name %q is not an RFC 9110 token after substitution", name)
		}
		if err != nil {
			return nil, err
		}
		v, err := field(h.value, "header value")
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(name, "Authorization") {
			if v, err = r.authorization(v, h.value); err != nil {
				return nil, err
			}
		}
		req.Headers = append(req.Headers, Header{name, v})
		req.HeaderPos = append(req.HeaderPos, h.value.pos)
	}
	joinCookies(req)
	url, err := encodeRuns(r.absolute(target, req, raw.pos.Line))
	if err != nil {
		return nil, r.errorf(raw.target[0], 0, "%s", err)
	}
	req.URL, req.URLPos = url, raw.target[0].pos
	if v, ok := req.Header("X-Request-Type"); ok && strings.EqualFold(v, "graphql") {
		req.Unsupported = append(req.Unsupported, "GraphQL request X-Request-Type: "+v)
	}
	if err := r.body(req, raw, expand); err != nil {
		return nil, err
	}
	if raw.bodyFile != nil {
		s, err := field(*raw.bodyFile, "body file path")
		if err != nil {
			return nil, err
		}
		req.BodyFile = s
		req.Parts = []BodyPart{{File: s, Pos: raw.bodyFile.pos}}
	}
	asserts, err := r.resolveAsserts(raw)
	if err != nil {
		return nil, err
	}
	req.Asserts = asserts
	req.Unsupported = dedupe(req.Unsupported)
	return req, nil
}

// body joins the body lines of raw into req.Body as httpyac does: with
// "\r\n" in multipart/form-data, else "\n"; in
// application/x-www-form-urlencoded a line starting with "&" joins the
// previous one; an application/x-ndjson body keeps a final newline. When
// some lines are "< path", req.Parts holds the text and the files in
// order, each file's bytes standing for its line.
func (r *resolver) body(req *Request, raw *rawRequest, expand func(span) (string, error)) error {
	ct, _ := req.Header("Content-Type")
	mt := mediaType(ct)
	var body, text strings.Builder
	for i, line := range raw.body {
		s, err := expand(line)
		if err != nil {
			return err
		}
		sep := "\n"
		switch {
		case i == 0:
			sep = ""
		case mt == "application/x-www-form-urlencoded" && strings.HasPrefix(strings.TrimLeft(line.text, " \t"), "&"):
			// REST Client and httpyac join "&" lines to the previous one.
			s, sep = strings.TrimLeft(s, " \t"), ""
		case mt == "multipart/form-data":
			sep = "\r\n"
		}
		body.WriteString(sep + s)
		text.WriteString(sep)
		if f, ok := raw.bodyFiles[i]; ok {
			path, err := expand(f)
			if err != nil {
				return err
			}
			req.Parts = append(req.Parts, BodyPart{Text: text.String()}, BodyPart{File: path, Pos: f.pos})
			text.Reset()
			continue
		}
		text.WriteString(s)
	}
	if mt == "application/x-ndjson" && len(raw.body) > 0 && req.Parts == nil {
		// Each record of newline-delimited JSON ends with a newline.
		body.WriteString("\n")
	}
	req.Body = body.String()
	if req.Parts != nil && text.Len() > 0 {
		req.Parts = append(req.Parts, BodyPart{Text: text.String()})
	}
	req.Parts = slices.DeleteFunc(req.Parts, func(p BodyPart) bool { return p.Text == "" && p.File == "" })
	return nil
}

// joinCookies joins the values of every Cookie header field of req into
// the first, with "; ", as a user agent sends them (RFC 6265 section 5.4).
func joinCookies(req *Request) {
	first := -1
	for i := 0; i < len(req.Headers); i++ {
		if !strings.EqualFold(req.Headers[i].Name, "Cookie") {
			continue
		}
		if first < 0 {
			first = i
			continue
		}
		req.Headers[first].Value += "; " + req.Headers[i].Value
		req.Headers = slices.Delete(req.Headers, i, i+1)
		req.HeaderPos = slices.Delete(req.HeaderPos, i, i+1)
		i--
	}
}

var (
	digestRE = regexp.MustCompile(`(?i)^\s*digest\s+\S`)
	awsRE    = regexp.MustCompile(`(?i)^\s*aws\s+\S+\s+\S`)
	oauth2RE = regexp.MustCompile(`(?i)^\s*(?:openid|oauth2)(?:\s|$)`)
)

// authorization returns the Authorization value v, written at sp, as it
// is sent: Basic credentials without secrets encoded (with secrets, they
// are encoded when sent). The authentication schemes httpyac computes and
// snapdoc does not are an error.
func (r *resolver) authorization(v string, sp span) (string, error) {
	switch {
	case digestRE.MatchString(v):
		return "", r.errorf(sp, 0, "snapdoc does not compute Digest authentication: send a precomputed header from a secret, or use Basic or Bearer")
	case awsRE.MatchString(v):
		return "", r.errorf(sp, 0, "snapdoc does not compute AWS Signature authentication")
	case oauth2RE.MatchString(v):
		return "", r.errorf(sp, 0, "snapdoc does not run OAuth2 or OpenID flows: put the access token in a secret, as in Bearer {{$env TOKEN}}")
	case strings.Contains(v, envOpen):
		return v, nil
	}
	return basicAuth(v), nil
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
		return append([]run{{text: "http://", kind: runLiteral}}, target...)
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
			v.runs = append(v.runs, run{text: s[off:], kind: runLiteral})
			break
		}
		i += off
		b.WriteString(s[off:i])
		v.runs = append(v.runs, run{text: s[off:i], kind: runLiteral})
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
		return []run{{text: text, kind: runVerbatim}}
	}
	var runs []run
	for _, seg := range Segments(text) {
		if seg.Env != "" {
			runs = append(runs, run{text: EnvRef(seg.Env), kind: runVerbatim})
		} else {
			runs = append(runs, run{text: seg.Text, kind: runValue})
		}
	}
	return runs
}

func (r *resolver) errorf(sp span, col int, format string, args ...any) error {
	pos := sp.pos
	pos.Col += col
	return parseErr(pos, fmt.Sprintf(format, args...))
}

// variable returns the expansion of the variable {{name}}, which the
// source spells written, and the unsupported features it brings.
func (r *resolver) variable(name, written string, prompts []string, line int) (string, []string, error) {
	switch {
	case name == "":
		return "", nil, fmt.Errorf("empty variable %s", written)
	case strings.HasPrefix(name, "$"):
		if authHelperRE.MatchString(name) {
			return "", nil, fmt.Errorf("snapdoc does not fetch tokens for %s: put the token in a secret, as in Bearer {{$env TOKEN}}", written)
		}
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
