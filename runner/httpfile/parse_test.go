package httpfile

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/internal/fileerr"
)

// corpusRecord is a record of testdata/http-corpus.json: a .http text
// from the REST Client README, the JetBrains spec, httpyac or the Visual
// Studio docs, with the requests its source documents.
type corpusRecord struct {
	ID       string
	Text     string
	Expected []corpusRequest
}

type corpusFile struct {
	Path             string
	ProcessVariables bool `json:"process_variables"`
	Encoding         *string
}

// corpusRequest is a documented request. URL, headers and body are as
// written ({{variables}} not substituted); URLResolved, BodyResolved and
// BodySent are documented where the source says what they become.
type corpusRequest struct {
	Name             *string
	Method           string
	URL              string
	HTTPVersion      *string `json:"http_version"`
	Headers          []Header
	Body             *string
	BodyFile         *corpusFile       `json:"body_file"`
	BodyFileRefs     []corpusFile      `json:"body_file_refs"`
	URLResolved      *string           `json:"url_resolved"`
	URLEffective     *string           `json:"url_effective"`
	BodyResolved     *string           `json:"body_resolved"`
	BodySent         *string           `json:"body_sent"`
	ResponseHandler  map[string]string `json:"response_handler"`
	ResponseRef      *string           `json:"response_ref"`
	PreRequestScript map[string]string `json:"pre_request_script"`
	Metadata         map[string]any
}

func loadCorpus(t testing.TB) []corpusRecord {
	t.Helper()
	data, err := os.ReadFile("../testdata/http-corpus.json")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Count        int
		RequestCount int `json:"request_count"`
		Records      []corpusRecord
	}
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range c.Records {
		n += len(r.Expected)
	}
	if len(c.Records) != c.Count || n != c.RequestCount {
		t.Fatalf("corpus has %d records, %d requests; its header says %d, %d", len(c.Records), n, c.Count, c.RequestCount)
	}
	return c.Records
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// syntaxUnsupported returns the unsupported features the parser must
// report for a documented request, from its syntax alone.
func syntaxUnsupported(e corpusRequest) []string {
	var u []string
	if e.PreRequestScript["inline"] != "" {
		u = append(u, "pre-request script < {% ... %}")
	}
	for key := range e.Metadata {
		switch key {
		case "name", "title", "description":
		case "noRedirect":
			u = append(u, "metadata @no-redirect")
		default:
			u = append(u, "metadata @"+key)
		}
	}
	if _, ok := e.ResponseHandler["inline"]; ok {
		u = append(u, "response handler > {% ... %}")
	}
	if e.ResponseRef != nil {
		u = append(u, "response reference <> "+*e.ResponseRef)
	}
	for _, f := range e.BodyFileRefs {
		if f.ProcessVariables {
			u = append(u, "body file reference <@"+str(f.Encoding)+" "+f.Path)
		}
	}
	if f := e.BodyFile; f != nil && f.ProcessVariables {
		u = append(u, "body file with variables <@"+str(f.Encoding)+" "+f.Path)
	}
	return u
}

// sortedCopy returns the strings sorted, nil for none.
func sortedCopy(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	return slices.Sorted(slices.Values(ss))
}

// describe formats requests for comparison, one field a line, leaving out
// Pos and empty fields.
func describe(reqs []Request) string {
	var b strings.Builder
	for i, r := range reqs {
		fmt.Fprintf(&b, "[%d] %s %q %s\n", i, r.Method, r.URL, r.HTTPVersion)
		if r.Name != "" {
			fmt.Fprintf(&b, "  name %q\n", r.Name)
		}
		for _, h := range r.Headers {
			fmt.Fprintf(&b, "  header %q: %q\n", h.Name, h.Value)
		}
		if r.Body != "" {
			fmt.Fprintf(&b, "  body %q\n", r.Body)
		}
		if r.BodyFile != "" {
			fmt.Fprintf(&b, "  body file %q\n", r.BodyFile)
		}
		for _, u := range r.Unsupported {
			fmt.Fprintf(&b, "  unsupported %q\n", u)
		}
		for _, w := range r.Warnings {
			fmt.Fprintf(&b, "  warning %s\n", w)
		}
	}
	return b.String()
}

// TestCorpusSyntax checks the requests as written (before variables are
// substituted) against every record of the corpus.
func TestCorpusSyntax(t *testing.T) {
	records := loadCorpus(t)
	passed, requests := 0, 0
	for _, rec := range records {
		requests += len(rec.Expected)
		ok := t.Run(rec.ID, func(t *testing.T) {
			entries, err := scan(rec.Text, ParseOptions{File: rec.ID + ".http"})
			if err != nil {
				t.Fatal(err)
			}
			var got []Request
			for _, e := range entries {
				if e.req != nil {
					got = append(got, written(e.req))
				}
			}
			var want []Request
			for _, e := range rec.Expected {
				w := Request{
					Name:        str(e.Name),
					Method:      e.Method,
					URL:         e.URL,
					HTTPVersion: str(e.HTTPVersion),
					Headers:     slices.Clip(e.Headers),
					Body:        str(e.Body),
					Unsupported: syntaxUnsupported(e),
				}
				if e.BodyFile != nil {
					w.BodyFile = e.BodyFile.Path
				}
				want = append(want, w)
			}
			if rec.ID == "yac-d15" {
				// The inline response example after the first request is
				// ignored, and reported.
				want[0].Unsupported = []string{"response example HTTP/2.0 200 OK"}
			}
			for i := range want {
				want[i].Unsupported = sortedCopy(want[i].Unsupported)
			}
			if g, w := describe(got), describe(want); g != w {
				t.Errorf("got:\n%s\nwant:\n%s", g, w)
			}
		})
		if ok {
			passed++
		}
	}
	t.Logf("corpus syntax: %d of %d records pass (%d requests)", passed, len(records), requests)
}

// written returns the request as written, with Pos left out.
func written(r *rawRequest) Request {
	w := Request{Name: r.name, Method: r.method, HTTPVersion: r.version}
	for _, sp := range r.target {
		w.URL += sp.text
	}
	for _, h := range r.headers {
		w.Headers = append(w.Headers, Header{h.name.text, h.value.text})
	}
	var lines []string
	for _, sp := range r.body {
		lines = append(lines, sp.text)
	}
	w.Body = strings.Join(lines, "\n")
	if r.bodyFile != nil {
		w.BodyFile = r.bodyFile.text
	}
	w.Unsupported = sortedCopy(dedupe(r.unsupported))
	w.Warnings = r.warnings
	return w
}

// choice is where snapdoc departs from, or adds to, what a corpus record
// documents, and why.
type choice struct {
	vars map[string]string                          // Vars for variables the text uses but does not define
	err  string                                     // the error, when the record must not parse
	fix  func(want []*Request, doc []corpusRequest) // turns the documented result into snapdoc's
}

// choices are the corpus records whose documented result snapdoc does not
// take as is. Every other record must parse to exactly what it documents
// (url_resolved, body_sent or body_resolved where given).
var choices = map[string]choice{
	// REST Client turns X-Request-Type: GraphQL into a JSON payload;
	// snapdoc sends the body as written and reports the feature.
	"rc-12": {fix: func(w []*Request, doc []corpusRequest) {
		w[0].Body = *doc[0].Body
		w[0].Unsupported = append(w[0].Unsupported, "GraphQL request X-Request-Type: GraphQL")
	}},
	// The text uses variables it does not define: they come from Vars,
	// and $processEnv becomes the canonical secret reference.
	"rc-14": {vars: map[string]string{"host": "example.org", "version": "v1/", "token": "{{$env TOKEN}}"}, fix: func(w []*Request, _ []corpusRequest) {
		w[0].URL = "https://example.org/api/v1/comments/1"
		w[0].Headers[0].Value = "{{$env TOKEN}}"
	}},
	// Dynamic variables are kept as written and reported; {{$processEnv
	// USERNAME}}, through a file variable, becomes a secret reference.
	"rc-15": {fix: func(w []*Request, _ []corpusRequest) {
		w[1].Headers[0].Value = "application/json"
		w[1].Body = "{\n    \"content\": \"foo bar\",\n    \"created_at\": \"{{$datetime iso8601}}\",\n    \"modified_by\": \"{{$env USERNAME}}\"\n}"
		w[1].Unsupported = append(w[1].Unsupported, "dynamic variable {{$datetime iso8601}}")
	}},
	// Prompt variables are kept as written and reported.
	"rc-16": {fix: func(w []*Request, _ []corpusRequest) {
		w[0].URL = "https://api.example.com:8080/verify-otp/{{refCode}}"
		w[0].Headers[0].Value = "application/json"
		w[0].Unsupported = append(w[0].Unsupported, "prompt variable {{refCode}}", "prompt variable {{username}}", "prompt variable {{otp}}")
	}},
	// Request variables (response of an earlier request) are kept as
	// written, also through file variables, and reported.
	"rc-17": {fix: func(w []*Request, _ []corpusRequest) {
		token := "{{login.response.headers.X-AuthToken}}"
		id := "{{createComment.response.body.$.id}}"
		reply := "{{getReplies.response.body.//reply[1]/@id}}"
		w[1].Headers[0].Value = token
		w[1].Unsupported = []string{"request variable " + token}
		for i, suffix := range []string{"", "/replies", "/replies/" + reply} {
			r := w[2+i]
			r.URL = "https://example.com/api/comments/" + id + suffix
			r.Unsupported = []string{"request variable " + id}
		}
		w[2].Headers[0].Value = token
		w[2].Unsupported = append(w[2].Unsupported, "request variable "+token)
		w[4].Unsupported = append(w[4].Unsupported, "request variable "+reply)
	}},
	"rc-18": {vars: map[string]string{"host": "example.org", "version": "v2"}, fix: func(w []*Request, _ []corpusRequest) {
		w[0].URL = "https://example.org/v2/values/item1?user={{$env USERNAME}}"
		w[0].Headers[0].Value = "{{$env PRODSECRET}}"
	}},
	"rc-19": {fix: func(w []*Request, _ []corpusRequest) {
		for _, v := range []string{"$datetime rfc1123", "$dotenv USERNAME", "$guid", "$timestamp", "$timestamp -1 d",
			"$randomInt 5 200", "$datetime 'YYYY-MM-DD'", "$localDatetime 'YYYY-MM-DD'"} {
			w[0].Unsupported = append(w[0].Unsupported, "dynamic variable {{"+v+"}}")
		}
	}},
	"jb-16": {vars: map[string]string{"host": "example.org", "element-id": "42"}, fix: func(w []*Request, _ []corpusRequest) {
		w[0].URL = "http://example.org/api/get?id=42"
	}},
	// The parser reads no files: Body shows the "< ./body.json" line as
	// written, and Parts says the file stands for it.
	// REST Client documents the Basic credentials as written; it sends
	// them base64-encoded, as snapdoc does.
	"rc-13": {fix: func(w []*Request, _ []corpusRequest) {
		w[0].Headers[0].Value = "Basic " + base64.StdEncoding.EncodeToString([]byte("user:passwd"))
	}},
	"yac-t08": {fix: func(w []*Request, _ []corpusRequest) {
		w[0].Body = strings.ReplaceAll(w[0].Body, "\r\ntest\r\n", "\r\n< ./body.json\r\n")
	}},
	// {{fooString.slideshow.author}} is an httpyac request variable (the
	// response of the request named fooString): kept and reported.
	"yac-t11": {fix: func(w []*Request, _ []corpusRequest) {
		w[1].URL = "/test?author={{fooString.slideshow.author}}"
		w[1].Unsupported = append(w[1].Unsupported, "request variable {{fooString.slideshow.author}}")
	}},
	// \{\{ is an httpyac escape; REST Client and JetBrains send it as
	// written, and so does snapdoc.
	"yac-t12": {fix: func(w []*Request, _ []corpusRequest) { w[0].Body = "<html>\n<div>\\{\\{title\\}\\}</div>\n</html>" }},
	"yac-d20": {fix: func(w []*Request, _ []corpusRequest) {
		w[0].Body = "{\n  \"template\": \"My \\{\\{someVerb\\}\\} template!!\"\n}"
	}},
	"yac-d09": {fix: func(w []*Request, _ []corpusRequest) { w[0].BodyFile = "./requestBodyImport.json" }},
	"yac-d12": {fix: func(w []*Request, _ []corpusRequest) {
		w[1].Unsupported = append(w[1].Unsupported, "request variable {{json.slideshow.author}}")
	}},
	"yac-d15": {fix: func(w []*Request, _ []corpusRequest) { w[0].Unsupported = []string{"response example HTTP/2.0 200 OK"} }},
	"yac-d17": {fix: func(w []*Request, _ []corpusRequest) {
		for _, v := range []string{"$timestamp", "$uuid", "$random.uuid", "$randomInt", "$isoTimestamp", "$random.integer(2, 8)",
			"$random.float(2, 8)", "$random.alphabetic(50)", "$random.email", "$random.hexadecimal(3)"} {
			w[0].Unsupported = append(w[0].Unsupported, "dynamic variable {{"+v+"}}")
		}
	}},
	// firstname is set by the pre-request script, which snapdoc does not
	// run: an unknown variable.
	"yac-d19": {err: `yac-d19.http:4:24: unknown variable "firstname"`},
}

// TestCorpusParse parses every record of the corpus and checks the result
// against what the record documents, or the choice made in [choices].
func TestCorpusParse(t *testing.T) {
	records := loadCorpus(t)
	passed := 0
	for _, rec := range records {
		ok := t.Run(rec.ID, func(t *testing.T) {
			c := choices[rec.ID]
			got, err := Parse([]byte(rec.Text), ParseOptions{File: rec.ID + ".http", Vars: c.vars})
			if c.err != "" {
				if err == nil || err.Error() != c.err {
					t.Fatalf("error %v, want %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := documented(rec)
			if c.fix != nil {
				c.fix(want, rec.Expected)
			}
			if g, w := describe(values(got, true)), describe(values(want, true)); g != w {
				t.Errorf("got:\n%s\nwant:\n%s", g, w)
			}
		})
		if ok {
			passed++
		}
	}
	t.Logf("corpus parse: %d of %d records pass", passed, len(records))
}

// documented returns the requests a record documents, as they are sent:
// variables resolved, and multipart/form-data lines joined with CRLF as
// REST Client and httpyac do.
func documented(rec corpusRecord) []*Request {
	var want []*Request
	for _, e := range rec.Expected {
		w := &Request{
			Name:        str(e.Name),
			Method:      e.Method,
			URL:         e.URL,
			HTTPVersion: str(e.HTTPVersion),
			Headers:     slices.Clip(e.Headers),
			Body:        str(e.Body),
			Unsupported: syntaxUnsupported(e),
		}
		if e.URLResolved != nil {
			w.URL = *e.URLResolved
		}
		if e.URLEffective != nil {
			w.URL = *e.URLEffective
		}
		if ct, _ := w.Header("Content-Type"); mediaType(ct) == "multipart/form-data" {
			w.Body = strings.ReplaceAll(w.Body, "\n", "\r\n")
		}
		switch {
		case e.BodySent != nil:
			w.Body = *e.BodySent
		case e.BodyResolved != nil:
			w.Body = *e.BodyResolved
		}
		if e.BodyFile != nil {
			w.BodyFile = e.BodyFile.Path
		}
		want = append(want, w)
	}
	return want
}

// values returns copies of the requests, with Unsupported sorted when sort
// is set.
func values(reqs []*Request, sort bool) []Request {
	var out []Request
	for _, r := range reqs {
		v := *r
		if sort {
			v.Unsupported = sortedCopy(v.Unsupported)
		}
		out = append(out, v)
	}
	return out
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		src  string
		opts ParseOptions
		want string
	}{
		"unknown method":                {src: "fetch /x", want: `lesson.md:1:1: unknown method "fetch" (write an extension method in upper case)`},
		"bad method":                    {src: "GE(T /x", want: `lesson.md:1:1: bad method "GE(T": want an RFC 9110 token`},
		"bad header name after vars":    {src: "GET /\n{{h}}: 1", opts: ParseOptions{Vars: map[string]string{"h": "A B"}}, want: `lesson.md:2:1: header name "A B" is not an RFC 9110 token after substitution`},
		"Digest authentication":         {src: "GET /\nAuthorization: Digest user pass", want: `lesson.md:2:16: snapdoc does not compute Digest authentication: send a precomputed header from a secret, or use Basic or Bearer`},
		"AWS authentication":            {src: "GET /\nAuthorization: AWS key secret region:eu-west-1", want: `lesson.md:2:16: snapdoc does not compute AWS Signature authentication`},
		"OAuth2 flow":                   {src: "GET /\nAuthorization: oauth2 client_credentials", want: `lesson.md:2:16: snapdoc does not run OAuth2 or OpenID flows: put the access token in a secret, as in Bearer {{$env TOKEN}}`},
		"AAD token helper":              {src: "GET /\nAuthorization: {{$aadToken}}", want: `lesson.md:2:16: snapdoc does not fetch tokens for {{$aadToken}}: put the token in a secret, as in Bearer {{$env TOKEN}}`},
		"OIDC token helper":             {src: "GET /\nAuthorization: Bearer {{$oidcAccessToken clientId:x}}", want: `lesson.md:2:23: snapdoc does not fetch tokens for {{$oidcAccessToken clientId:x}}: put the token in a secret, as in Bearer {{$env TOKEN}}`},
		"JetBrains auth helper":         {src: "GET /?t={{$auth.token(\"id\")}}", want: `lesson.md:1:9: snapdoc does not fetch tokens for {{$auth.token("id")}}: put the token in a secret, as in Bearer {{$env TOKEN}}`},
		"host with a space":             {src: "GET http://{{h}}/x", opts: ParseOptions{Vars: map[string]string{"h": "a b"}}, want: `lesson.md:1:5: the URL's host holds " ", which a URL cannot carry there (write an IDN host in punycode)`},
		"word after the URL":            {src: "GET /a b", want: `lesson.md:1:8: bad request line: unexpected "b" after the URL (want [METHOD] URL [HTTP/VERSION])`},
		"bad HTTP version":              {src: "GET /a HTTP/x", want: `lesson.md:1:8: bad HTTP version "HTTP/x"`},
		"word after the version":        {src: "GET /a HTTP/1.1 x", want: `lesson.md:1:17: bad request line: unexpected "x" after the HTTP version`},
		"header instead of line":        {src: "\nAccept: text/plain", want: `lesson.md:2:9: bad request line: unexpected "text/plain" after the URL (want [METHOD] URL [HTTP/VERSION])`},
		"missing URL":                   {src: "  GET", want: `lesson.md:1:6: missing URL after GET`},
		"control character":             {src: "GET /a\x00b", want: `lesson.md:1:7: bad request line: control character '\x00'`},
		"line break in a header":        {src: "GET /\nX-A: {{a}}", opts: ParseOptions{Vars: map[string]string{"a": "1\r\nX-B: 2"}}, want: `lesson.md:2:6: header value holds control character '\r' after substitution`},
		"control character in URL":      {src: "GET /\n  ?a=\x01", want: `lesson.md:2:3: URL holds control character '\x01' after substitution`},
		"line break in a header name":   {src: "GET /\n{{h}}: 1", opts: ParseOptions{Vars: map[string]string{"h": "A\nB"}}, want: `lesson.md:2:1: header name holds control character '\n' after substitution`},
		"unterminated in a header name": {src: "GET /\n{{h: 1", want: `lesson.md:2:1: unterminated variable: missing }}`},
		"unknown percent-encoded":       {src: "GET /{{%q}}", want: `lesson.md:1:6: unknown variable "q"`},
		"unknown variable":              {src: "GET https://{{host}}/x", want: `lesson.md:1:13: unknown variable "host"`},
		"unknown in header":             {src: "GET /x\nAuthorization: Bearer {{token}}", opts: ParseOptions{LineOffset: 14}, want: `lesson.md:16:23: unknown variable "token"`},
		"unknown in body":               {src: "POST /x\n\n{\n  \"a\": \"{{a}}\"\n}", want: `lesson.md:4:9: unknown variable "a"`},
		"unknown in continuation":       {src: "GET /a\n  ?q={{q}}", want: `lesson.md:2:6: unknown variable "q"`},
		"unknown in body file":          {src: "POST /x\n\n< {{dir}}/a.json", want: `lesson.md:3:3: unknown variable "dir"`},
		"column offset":                 {src: "  GET /{{x}}", opts: ParseOptions{ColumnOffset: 2}, want: `lesson.md:1:10: unknown variable "x"`},
		"empty URL":                     {src: "@a =\nGET {{a}}", want: `lesson.md:2:5: empty URL`},
		"unterminated variable":         {src: "GET /{{x", want: `lesson.md:1:6: unterminated variable: missing }}`},
		"nested variable":               {src: "GET /{{a {{b}}", want: `lesson.md:1:6: unterminated variable: missing }}`},
		"empty variable":                {src: "GET /{{ }}", want: `lesson.md:1:6: empty variable {{ }}`},
		"bad variable name":             {src: "GET /{{a b}}", want: `lesson.md:1:6: bad variable name "a b"`},
		"bad environment name":          {src: "GET /\nX-Key: {{$env.1X}}", want: `lesson.md:2:8: bad environment variable name "1X" in {{$env.1X}}`},
		"unknown in definition":         {src: "@a = x{{b}}\nGET /", want: `lesson.md:1:7: unknown variable "b"`},
		"used before definition":        {src: "GET /{{a}}\n@a = 1", opts: ParseOptions{LineOffset: 3}, want: `lesson.md:4:6: unknown variable "a" (defined later, on line 5)`},
		"expansion too long":            {src: strings.Repeat("@a = {{a}}{{a}}\n", 30) + "GET /", opts: ParseOptions{Vars: map[string]string{"a": "x"}}, want: `lesson.md:21:11: {{a}} expands to more than 1048576 bytes`},
		"bad definition name":           {src: "@a:b = 1\nGET /", want: `lesson.md:1:2: bad variable name "a:b"`},
		"unterminated script":           {src: "GET /\n\n> {%\nclient.log(1)\n", want: `lesson.md:3:1: unterminated script: missing %}`},
		"unterminated pre-script":       {src: "  < {%\nGET /", want: `lesson.md:1:3: unterminated script: missing %}`},
		"unterminated comment":          {src: "/*\nGET /", want: `lesson.md:1:1: unterminated block comment: missing */`},
		"header continuation":           {src: "GET /\nAccept: a,\n  b", want: `lesson.md:3:3: header continuation lines are not supported: put the value on one line`},
		"text after handler":            {src: "GET /\n\n> ./h.js\nfoo", want: `lesson.md:4:1: unexpected text after a response handler (want ### before a new request)`},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tt.opts.File = "lesson.md"
			reqs, err := Parse([]byte(tt.src), tt.opts)
			if err == nil {
				t.Fatalf("no error; got %s", describe(values(reqs, false)))
			}
			var perr *fileerr.Error
			if !errors.As(err, &perr) {
				t.Fatalf("error %T, want *fileerr.Error", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n%s\nwant\n%s", err, tt.want)
			}
		})
	}
}

// TestParseWarnings checks which header-like lines that start a body
// draw a warning: those that name a common header field but lack its
// colon. Bodies that follow a blank line, or that no header field
// could have meant, draw none.
func TestParseWarnings(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		src, want string
	}{
		"missing colon": {"GET /x\nAccept application/json", `lesson.md:4:1: "Accept application/json" starts the body: a header field needs a colon (Accept: application/json), and a body a blank line before it`},
		"after headers": {"POST /x\nContent-Type: text/plain\nauthorization\tBearer {{$env TOKEN}}", `lesson.md:5:1: "authorization\tBearer {{$env TOKEN}}" starts the body: a header field needs a colon (authorization: Bearer {{$env TOKEN}}), and a body a blank line before it`},
		"header":        {"GET /x\nAccept: application/json", ""},
		"blank line":    {"POST /x\nContent-Type: text/plain\n\nAccept everything", ""},
		"other word":    {"POST /x\nContent-Type: text/plain\nhello world", ""},
		"one word":      {"POST /x\nContent-Type: text/plain\nAccept", ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			reqs, err := Parse([]byte(tt.src), ParseOptions{File: "lesson.md", LineOffset: 2})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range reqs[0].Warnings {
				got = append(got, w.Error())
			}
			if g := strings.Join(got, "\n"); g != tt.want {
				t.Errorf("warnings\n%s\nwant\n%s", g, tt.want)
			}
			if tt.want != "" && reqs[0].Body == "" {
				t.Errorf("no body: the line must still start the body, as httpyac has it")
			}
		})
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		src  string
		vars map[string]string
		want string // describe of the requests
	}{
		"lower-case method": {src: "post /x", want: "[0] POST \"/x\" \n"},
		"a path goes to the Host header's host": {
			src: "GET /a\nHost: example.com\n###\nGET /b\nHost: example.com:8443\n###\nGET /c\nhost: https://example.com/\n###\nGET /d\nHost: {{$env H}}",
			want: "[0] GET \"http://example.com/a\" \n  header \"Host\": \"example.com\"\n" +
				"[1] GET \"https://example.com:8443/b\" \n  header \"Host\": \"example.com:8443\"\n" +
				"[2] GET \"https://example.com/c\" \n  header \"host\": \"https://example.com/\"\n" +
				"[3] GET \"{{$env H}}/d\" \n  header \"Host\": \"{{$env H}}\"\n",
		},
		"scheme defaults to http": {
			src:  "example.com/a\n###\nGET {{h}}/b\n###\nOPTIONS *\n###\nGET {{$env H}}/c",
			vars: map[string]string{"h": "[::1]:8080"},
			want: "[0] GET \"http://example.com/a\" \n[1] GET \"http://[::1]:8080/b\" \n[2] OPTIONS \"*\" \n[3] GET \"{{$env H}}/c\" \n",
		},
		"CRLF line endings": {src: "POST /x\r\nA: 1\r\n\r\nline 1\r\nline 2\r\n", want: "[0] POST \"/x\" \n  header \"A\": \"1\"\n  body \"line 1\\nline 2\"\n"},
		"environment variables": {
			src:  "GET /{{$env A}}?b={{$env.B}}\nX-C: {{ $processEnv C }}\nX-D: {{$processEnv %D}}",
			want: "[0] GET \"/{{$env A}}?b={{$env B}}\" \n  header \"X-C\": \"{{$env C}}\"\n  header \"X-D\": \"{{$processEnv %D}}\"\n  unsupported \"dynamic variable {{$processEnv %D}}\"\n",
		},
		"file variables override vars": {
			src:  "@a = file\nGET /{{a}}/{{b}}",
			vars: map[string]string{"a": "vars", "b": "vars"},
			want: "[0] GET \"/file/vars\" \n",
		},
		"redefinition applies to later requests": {
			src:  "@id = 1\nGET /{{id}}\n###\n@id = {{id}}2\nGET /{{id}}",
			want: "[0] GET \"/1\" \n[1] GET \"/12\" \n",
		},
		"vars values are not expanded again": {
			src:  "GET /{{a}}\nX: {{a}}",
			vars: map[string]string{"a": "{{b}}"},
			want: "[0] GET \"/%7B%7Bb%7D%7D\" \n  header \"X\": \"{{b}}\"\n",
		},
		"environment references in vars values are secrets": {
			src:  "GET /\nA: {{a}}\nB: {{b}}\nC: {{c}}",
			vars: map[string]string{"a": "Bearer {{$env.A}}", "b": "{{ $processEnv B }}", "c": "{{$env C}}"},
			want: "[0] GET \"/\" \n  header \"A\": \"Bearer {{$env A}}\"\n  header \"B\": \"{{$env B}}\"\n  header \"C\": \"{{$env C}}\"\n",
		},
		"percent-encoded variable": {
			src:  "@q = a b&c/é\nGET /?q={{%q}}&s={{%s}}",
			vars: map[string]string{"s": "{{$env S}}"},
			want: "[0] GET \"/?q=a%20b%26c%2F%C3%A9&s={{%s}}\" \n  unsupported \"percent-encoded variable {{%s}}\"\n",
		},
		"variable in a header name": {
			src:  "GET /\n{{h}}: 1",
			vars: map[string]string{"h": "X-H"},
			want: "[0] GET \"/\" \n  header \"X-H\": \"1\"\n",
		},
		"duplicate headers kept in order": {
			src:  "GET /\nAccept: a\naccept: b",
			want: "[0] GET \"/\" \n  header \"Accept\": \"a\"\n  header \"accept\": \"b\"\n",
		},
		"comments in the body are left out": {
			src:  "POST /\n\na\n# note\n  // note\nb",
			want: "[0] POST \"/\" \n  body \"a\\nb\"\n",
		},
		"indented form continuation": {
			src:  "POST /\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\n\na=1\n  &b={{b}}",
			vars: map[string]string{"b": "2"},
			want: "[0] POST \"/\" \n  header \"Content-Type\": \"application/x-www-form-urlencoded; charset=utf-8\"\n  body \"a=1&b=2\"\n",
		},
		"@name beats the separator title": {
			src:  "### Title\n# @name real\nGET /\n### other\nGET /",
			want: "[0] GET \"/\" \n  name \"real\"\n[1] GET \"/\" \n  name \"other\"\n",
		},
		"metadata before an implicit request": {
			src:  "GET /a\n\n# @name b\n# @no-cookie-jar\nGET /b",
			want: "[0] GET \"/a\" \n[1] GET \"/b\" \n  name \"b\"\n  unsupported \"metadata @no-cookie-jar\"\n",
		},
		"metadata followed by body text is a comment": {
			src:  "POST /a\n\n# @name b\nbody",
			want: "[0] POST \"/a\" \n  body \"body\"\n",
		},
		"response handlers and redirects": {
			src:  "GET /\n\n> ./check.js\n>> out.json\n\n@v = 1\nGET /{{v}}",
			want: "[0] GET \"/\" \n  unsupported \"response handler > ./check.js\"\n  unsupported \"response redirect >> out.json\"\n[1] GET \"/1\" \n",
		},
		"pre-request script file": {
			src:  "< ./pre.js\nGET /",
			want: "[0] GET \"/\" \n  unsupported \"pre-request script < ./pre.js\"\n",
		},
		"a body starting with < is not a file": {
			src:  "POST /\n\n<a>\n</a>",
			want: "[0] POST \"/\" \n  body \"<a>\\n</a>\"\n",
		},
		"request lines inside multipart do not split": {
			src:  "POST /\nContent-Type: multipart/form-data; boundary=b\n\n--b\n\nGET /x\n--b--",
			want: "[0] POST \"/\" \n  header \"Content-Type\": \"multipart/form-data; boundary=b\"\n  body \"--b\\r\\n\\r\\nGET /x\\r\\n--b--\"\n",
		},
		"response example right after the request line": {
			src:  "GET /\nHTTP/1.1 200 OK\nA: b\n\nGET /x",
			want: "[0] GET \"/\" \n  unsupported \"response example HTTP/1.1 200 OK\"\n[1] GET \"/x\" \n",
		},
		"handler right after the headers": {
			src:  "GET /\nA: b\n> ./h.js",
			want: "[0] GET \"/\" \n  header \"A\": \"b\"\n  unsupported \"response handler > ./h.js\"\n",
		},
		"JSON right after the headers": {
			src:  "POST /\nA: b\n{\"a\": 1}\nGET /x y",
			want: "[0] POST \"/\" \n  header \"A\": \"b\"\n  body \"{\\\"a\\\": 1}\\nGET /x y\"\n",
		},
		"descriptive metadata": {
			src:  "# @title T\n// @description D\nGET /",
			want: "[0] GET \"/\" \n",
		},
		"only comments and variables": {src: "# c\n@a = 1\n###\n// d\n", want: ""},
		"empty":                       {src: "", want: ""},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			reqs, err := Parse([]byte(tt.src), ParseOptions{File: "a.http", Vars: tt.vars})
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(values(reqs, false)); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestParsePositionsAndSecrets(t *testing.T) {
	t.Parallel()
	src := "# c\n\n  GET /a\nX-Key: {{key}}\n###\nPOST {{$env.HOST}}/b\nAuthorization: Bearer {{ $processEnv TOKEN }}\n"
	reqs, err := Parse([]byte(src), ParseOptions{
		File:         "content/a.md",
		LineOffset:   7,
		ColumnOffset: 2,
		Vars:         map[string]string{"key": EnvRef("API_KEY")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 2 {
		t.Fatalf("got %d requests, want 2", len(reqs))
	}
	if got, want := reqs[0].Pos, (fileerr.Pos{File: "content/a.md", Line: 10, Col: 5}); got != want {
		t.Errorf("first Pos = %v, want %v", got, want)
	}
	if got, want := reqs[1].Pos, (fileerr.Pos{File: "content/a.md", Line: 13, Col: 3}); got != want {
		t.Errorf("second Pos = %v, want %v", got, want)
	}
	if got := reqs[0].Secrets(); !slices.Equal(got, []string{"API_KEY"}) {
		t.Errorf("first Secrets = %q", got)
	}
	if got := reqs[1].Secrets(); !slices.Equal(got, []string{"HOST", "TOKEN"}) {
		t.Errorf("second Secrets = %q", got)
	}
	env := map[string]string{"HOST": "https://h.example", "TOKEN": "t0k"}
	if got := Expand(reqs[1].URL, func(k string) string { return env[k] }); got != "https://h.example/b" {
		t.Errorf("expanded URL = %q", got)
	}
}

func ExampleParse() {
	block := `# @name login
POST {{base}}/login
Authorization: Bearer {{$processEnv API_TOKEN}}
Content-Type: application/json

{"user": "{{user}}"}`
	reqs, err := Parse([]byte(block), ParseOptions{
		File:       "content/auth.md",
		LineOffset: 12, // the opening fence is on line 12
		Vars:       map[string]string{"base": "https://httpbin.org", "user": "ada"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := reqs[0]
	fmt.Println(r.Pos, r.Name, r.Method, r.URL)
	fmt.Println(r.Headers[0].Value, r.Secrets())
	fmt.Println(r.Body)
	// Output:
	// content/auth.md:14:1 login POST https://httpbin.org/login
	// Bearer {{$env API_TOKEN}} [API_TOKEN]
	// {"user": "ada"}
}

func BenchmarkParse(b *testing.B) {
	records := loadCorpus(b)
	for b.Loop() {
		for _, rec := range records {
			_, _ = Parse([]byte(rec.Text), ParseOptions{File: "b.http", Vars: choices[rec.ID].vars})
		}
	}
}
