package runner

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// secretValue has every character that encodings treat differently: +,
// / and = (query, base64), a space, a quote and a non-ASCII letter.
const secretValue = `s3cr+t/V4lue= "é"`

func TestRedactorFindsEveryForm(t *testing.T) {
	b := []byte(secretValue)
	for _, tc := range []struct{ name, form string }{
		{"raw", secretValue},
		{"query escape", url.QueryEscape(secretValue)},
		{"query escape, lower hex", "s3cr%2bt%2fV4lue%3d+%22%c3%a9%22"},
		{"path escape", url.PathEscape(secretValue)},
		{"every reserved byte", "s3cr%2Bt%2FV4lue%3D%20%22%C3%A9%22"},
		{"every reserved byte, lower hex", "s3cr%2bt%2fV4lue%3d%20%22%c3%a9%22"},
		{"encodeURIComponent", percentEncode(secretValue)},
		{"base64", base64.StdEncoding.EncodeToString(b)},
		{"base64url", base64.URLEncoding.EncodeToString(b)},
		{"base64 unpadded", base64.RawStdEncoding.EncodeToString(b)},
		{"base64url unpadded", base64.RawURLEncoding.EncodeToString(b)},
		{"JSON", jsonText(t, secretValue, false)},
		{"JSON, HTML-escaped", jsonText(t, secretValue, true)},
		{"JSON, slashes escaped", `s3cr+t\/V4lue= \"é\"`},
		{"JSON, ASCII only", `s3cr+t/V4lue= \"\u00e9\"`},
		{"JSON, all \\u lower", `s3cr\u002bt\u002fV4lue\u003d\u0020\u0022\u00e9\u0022`},
		{"JSON, all \\u upper", `s3cr\u002Bt\u002FV4lue\u003D\u0020\u0022\u00E9\u0022`},
		{"JSON of base64", strings.ReplaceAll(base64.StdEncoding.EncodeToString(b), "/", `\/`)},
	} {
		red := NewRedactor(Redactions{})
		red.AddSecret("TOK", secretValue)
		text := `{"echo": "` + tc.form + `", "args": "ok"}`
		got := red.String(text)
		if strings.Contains(got, tc.form) {
			t.Errorf("%s: %s not redacted: %s", tc.name, tc.form, got)
		}
		if !strings.Contains(got, `"args": "ok"`) || !strings.Contains(got, "{{$env TOK}}") {
			t.Errorf("%s: got %s", tc.name, got)
		}
	}
}

func jsonText(t *testing.T, s string, html bool) string {
	t.Helper()
	q := jsonString(s, html)
	var back string
	if err := json.Unmarshal([]byte(`"`+q+`"`), &back); err != nil || back != s {
		t.Fatalf("jsonString(%q) = %s", s, q)
	}
	return q
}

func TestRedactorKeepsJSONValid(t *testing.T) {
	// The request's body, with a secret too short to search for, comes
	// back JSON-escaped in the echo: it is replaced by the body as
	// written, JSON-escaped in turn.
	sent := `{"region": "eu", "token": "` + secretValue + `"}`
	echo, _ := json.Marshal(map[string]string{"data": sent, "args": "x"})
	red := NewRedactor(Redactions{})
	red.AddSecret("REGION", "eu")
	red.AddSecret("TOK", secretValue)
	red.placeRequest(&Request{URL: "https://api.test/", Body: `{"region": "{{$env REGION}}", "token": "{{$env TOK}}"}`}, func(n string) string {
		return map[string]string{"REGION": "eu", "TOK": secretValue}[n]
	})
	got := red.Bytes(echo)
	var back map[string]string
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("redacted body is no longer JSON: %s: %v", got, err)
	}
	if want := `{"region": "{{$env REGION}}", "token": "{{$env TOK}}"}`; back["data"] != want || back["args"] != "x" {
		t.Errorf("data = %q, want %q", back["data"], want)
	}
}

func TestRedactorShortSecretsOnlyWherePlaced(t *testing.T) {
	red := NewRedactor(Redactions{})
	red.AddSecret("REGION", "a")
	red.placeRequest(&Request{URL: "http://{{$env REGION}}.api.test/items/{{$env REGION}}?r={{$env REGION}}"}, func(string) string { return "a" })
	if got := red.ShortSecrets(); len(got) != 1 || got[0] != "REGION" {
		t.Errorf("short secrets = %v", got)
	}
	body := `{"args": {"r": "a"}, "url": "http://a.api.test/items/a?r=a"}`
	want := `{"args": {"r": "a"}, "url": "http://{{$env REGION}}.api.test/items/{{$env REGION}}?r={{$env REGION}}"}`
	if got := red.String(body); got != want {
		t.Errorf("body:\n%s\nwant\n%s", got, want)
	}
	// Error texts name the host on its own too.
	if got := red.Text("dial tcp: lookup a.api.test: no such host; lookup a: a miss"); got != "dial tcp: lookup {{$env REGION}}.api.test: no such host; lookup {{$env REGION}}: {{$env REGION}} miss" {
		t.Errorf("text = %s", got)
	}
}

func TestRunRedactsABasicCredential(t *testing.T) {
	// base64("user:" + secret) does not contain base64(secret): the
	// credential is found whole, as the request encoded it.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"authorization": %q}`, r.Header.Get("Authorization"))
	}))
	defer srv.Close()
	r := newTestRunner(t, Config{
		Hosts:  map[string]string{"api.test": srv.URL},
		Getenv: func(string) (string, bool) { return "pa55-w0rd+x", true },
	})
	ex, err := r.Run(context.Background(), []*Request{{Method: "GET", URL: "http://api.test/", Headers: []Header{{"Authorization", "Basic user:" + EnvRef("PASS")}}}}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(ex[0].Body), `{"authorization": "Basic base64(user:{{$env PASS}})"}`; got != want {
		t.Errorf("body %s, want %s", got, want)
	}
}

func TestRedactorSecretFields(t *testing.T) {
	fields, err := ParseRedactions([]string{"header:X-Session", "body:session.id"})
	if err != nil {
		t.Fatal(err)
	}
	red := NewRedactor(fields)
	e := &Exchange{
		URL:     "https://api.test/x",
		Headers: []Header{{"x-session", "sess-0123456789"}, {"Date", "Mon, 07 Dec 2026 10:00:00 GMT"}},
		Body:    []byte(`{"session": {"id": "id-9876543210"}, "echo": "sess-0123456789 id-9876543210", "date": "kept"}`),
	}
	red.Exchange(e)
	if e.Headers[0].Value != Redacted || e.Headers[1].Value != "Mon, 07 Dec 2026 10:00:00 GMT" {
		t.Errorf("headers = %v", e.Headers)
	}
	if want := `{"session": {"id": "[redacted]"}, "echo": "[redacted] [redacted]", "date": "kept"}`; string(e.Body) != want {
		t.Errorf("body = %s, want %s", e.Body, want)
	}
}

func TestRedactorErrors(t *testing.T) {
	red := NewRedactor(Redactions{})
	red.AddSecret("TENANT", "t3nant-x9y8z7")
	red.placeRequest(&Request{URL: "https://{{$env TENANT}}.api.test/v1"}, func(string) string { return "t3nant-x9y8z7" })
	dns := &net.DNSError{Err: "no such host", Name: "t3nant-x9y8z7.api.test", Server: "10.0.0.53:53", IsNotFound: true}
	err := fmt.Errorf("round trip: %w", &url.Error{Op: "Get", URL: "https://t3nant-x9y8z7.api.test/v1", Err: &net.OpError{Op: "dial", Net: "tcp", Err: dns}})
	got := red.Error(err)
	for e := got; e != nil; {
		if strings.Contains(e.Error(), "t3nant") {
			t.Errorf("%T leaks: %s", e, e)
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			e = u.Unwrap()
		case interface{ Unwrap() []error }:
			e = nil
			if len(u.Unwrap()) > 0 {
				e = u.Unwrap()[0]
			}
		default:
			e = nil
		}
	}
	var d *net.DNSError
	if !errors.As(got, &d) || !d.IsNotFound || d.Name != "{{$env TENANT}}.api.test" {
		t.Errorf("DNS error lost: %v", d)
	}
	var ue *url.Error
	if !errors.As(got, &ue) || ue.URL != "https://{{$env TENANT}}.api.test/v1" {
		t.Errorf("url.Error lost: %v", ue)
	}
	addr := red.Error(&net.OpError{Op: "dial", Net: "tcp", Err: &net.AddrError{Err: "no suitable address found", Addr: "t3nant-x9y8z7.api.test"}})
	var ae *net.AddrError
	if !errors.As(addr, &ae) || ae.Addr != "{{$env TENANT}}.api.test" || Classify(addr) != FailConnection {
		t.Errorf("AddrError lost: %v", addr)
	}
	to, _ := url.Parse("https://elsewhere.example/cb?token=t3nant-x9y8z7")
	redir := red.Error(&RedirectError{Status: 302, To: to})
	if strings.Contains(redir.Error(), "t3nant") || Classify(redir) != FailRedirect {
		t.Errorf("redirect: %v (%s)", redir, Classify(redir))
	}
	plain := errors.New("no secret here")
	if red.Error(plain) != plain {
		t.Errorf("an error without a secret was replaced")
	}
}

func TestRedactionsMask(t *testing.T) {
	v, err := ParseRedactions([]string{"header:Date", "body:origin", "body:headers.X-Amzn-Trace-Id"})
	if err != nil {
		t.Fatal(err)
	}
	e := &Exchange{
		Headers: []Header{{"date", "Wed, 25 Nov 2026 10:00:00 GMT"}, {"X-Echo", "kept"}},
		Body: []byte(`{
  "args": {"origin": "kept: not at the path"},
  "headers": {"X-Amzn-Trace-Id": "Root=1-abc"},
  "list": [{"origin": "x"}],
  "origin": "203.0.113.9"
}`),
	}
	before := string(e.Body)
	m := v.Mask(e, "*")
	want := `{
  "args": {"origin": "kept: not at the path"},
  "headers": {"X-Amzn-Trace-Id": "*"},
  "list": [{"origin": "x"}],
  "origin": "*"
}`
	if string(m.Body) != want || m.Headers[0].Value != "*" || m.Headers[1].Value != "kept" {
		t.Errorf("masked: %v\n%s", m.Headers, m.Body)
	}
	if string(e.Body) != before || e.Headers[0].Value != "Wed, 25 Nov 2026 10:00:00 GMT" {
		t.Errorf("Mask changed the exchange")
	}
	// A value recorded redacted is no value the API sent: it stays, so
	// that a snapshot made when the field was redacted is seen to differ.
	old := &Exchange{Headers: []Header{{"Date", Redacted}}, Body: []byte(`{"origin": "[redacted]"}`)}
	if m := v.Mask(old, "*"); m.Headers[0].Value != Redacted || string(m.Body) != `{"origin": "[redacted]"}` {
		t.Errorf("masked a redacted value: %v %s", m.Headers, m.Body)
	}
	for _, bad := range []string{"date", "header:", "cookie:x"} {
		if _, err := ParseRedactions([]string{bad}); err == nil {
			t.Errorf("ParseRedactions(%q) succeeded", bad)
		}
	}
}

func TestRedactJSONLeavesOtherBodiesAlone(t *testing.T) {
	for _, body := range []string{"not json", `{"origin": `, `["origin"]`, ``} {
		if got, _ := redactJSON([]byte(body), [][]string{{"origin"}}, Redacted, false); string(got) != body {
			t.Errorf("redactJSON(%q) = %q", body, got)
		}
	}
	got, found := redactJSON([]byte(`{"origin":{"a":[1,2]},"b":2}`), [][]string{{"origin"}}, Redacted, false)
	if string(got) != `{"origin":"[redacted]","b":2}` || len(found) != 1 || string(found[0]) != `{"a":[1,2]}` {
		t.Errorf("container redaction = %s, found %s", got, found)
	}
}

func TestIsVolatile(t *testing.T) {
	for spec, want := range map[string]bool{
		"header:Date": true, "header:etag": true, "body:origin": true, "body:headers.X-Amzn-Trace-Id": true,
		"header:X-Session": false, "body:token": false, "header:Authorization": false,
	} {
		if IsVolatile(spec) != want {
			t.Errorf("IsVolatile(%q) = %v", spec, !want)
		}
	}
}

func TestRunnerLogIsRedacted(t *testing.T) {
	var log bytes.Buffer
	const secret = "s3cr+t/V4lue="
	r, err := Open(Config{
		Hosts:  map[string]string{"httpbin.org": Embedded},
		Getenv: func(string) (string, bool) { return secret, true },
		Logger: slog.New(slog.NewTextHandler(&log, nil)),
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Run(context.Background(), []*Request{{Method: "GET", URL: "https://httpbin.org/get?k=" + EnvRef("KEY")}}, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	// What the runner's log is given, by the shared cache or the runner
	// itself, is redacted with the secrets of every block run so far.
	r.cfg.Logger.With("url", "https://x/?k="+url.QueryEscape(secret)).WithGroup("g").Warn("failed for "+secret, "err", errors.New("lookup "+secret), "n", 3)
	out := log.String()
	if strings.Contains(out, "s3cr") || !strings.Contains(out, `msg="failed for {{$env KEY}}"`) || !strings.Contains(out, `g.err="lookup {{$env KEY}}"`) || !strings.Contains(out, "g.n=3") {
		t.Errorf("log: %s", out)
	}
}

// FuzzRedactor puts a secret, in one of the forms searched for, amid any
// text: the secret never remains whole.
func FuzzRedactor(f *testing.F) {
	f.Add(secretValue, `{"a": "`, `"}`, uint8(3))
	f.Add("aaaaaaaaaa", "aaa", "aa", uint8(0))
	f.Add("x+y/z=w%41", "%2", "3D", uint8(7))
	f.Fuzz(func(t *testing.T, value, prefix, suffix string, k uint8) {
		// A value with a brace could be made by a reference and the text
		// beside it ("}}abc" after "{{$env F}}" + "abc").
		if len(value) < MinSearchLen || strings.ContainsAny(value, "{}") {
			return
		}
		red := NewRedactor(Redactions{})
		red.AddSecret("F", value)
		forms := secretForms(value)
		text := prefix + forms[int(k)%len(forms)].text + suffix
		if got := red.String(text); strings.Contains(got, value) {
			t.Errorf("String(%q) = %q holds %q", text, got, value)
		}
	})
}

func TestRedactorVolatileFieldsListedAsSecret(t *testing.T) {
	// An older site's redact: [header:Date] still redacts the Date, but
	// its value is no secret to search for elsewhere.
	fields, _ := ParseRedactions([]string{"header:Date"})
	red := NewRedactor(fields)
	const date = "Mon, 07 Dec 2026 10:00:00 GMT"
	e := &Exchange{Headers: []Header{{"Date", date}, {"Last-Modified", date}}}
	red.Exchange(e)
	if e.Headers[0].Value != Redacted || e.Headers[1].Value != date {
		t.Errorf("headers = %v", e.Headers)
	}
}

func TestRunRedactsASecretTheBodyCapCuts(t *testing.T) {
	const secret = "s3cr+t/V4lue="
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("1234567" + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + " and more"))
	}))
	defer srv.Close()
	r := newTestRunner(t, Config{
		Hosts:   map[string]string{"api.test": srv.URL},
		MaxBody: 10,
		Getenv:  func(string) (string, bool) { return secret, true },
	})
	ex, err := r.Run(context.Background(), []*Request{{Method: "GET", URL: "http://api.test/", Headers: []Header{{"Authorization", "Bearer " + EnvRef("TOK")}}}}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(ex[0].Body); got != "1234567{{$" || !ex[0].Truncated {
		t.Errorf("body %q (truncated %v): want the reference cut, not the secret", got, ex[0].Truncated)
	}
}

// TestRunRedactsASecretInACompressedBody checks that a secret echoed in a
// gzip body, which the runner records as sent and the page shows decoded,
// is redacted in the decoded text and recorded encoded again.
func TestRunRedactsASecretInACompressedBody(t *testing.T) {
	const secret = "gz-s3cr+t/V4lue="
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		fmt.Fprintf(zw, `{"token": %q}`, r.Header.Get("X-Token"))
		zw.Close()
	}))
	defer srv.Close()
	r := newTestRunner(t, Config{
		Hosts:  map[string]string{"api.test": srv.URL},
		Getenv: func(string) (string, bool) { return secret, true },
	})
	ex, err := r.Run(context.Background(), []*Request{{Method: "GET", URL: "http://api.test/", Headers: []Header{{"X-Token", EnvRef("TOK")}}}}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ex[0].Header("Content-Encoding") != "gzip" {
		t.Fatalf("headers %v, want the Content-Encoding as sent", ex[0].Headers)
	}
	plain, err := DecodeContent(ex[0].Body, "gzip")
	if err != nil {
		t.Fatalf("recorded body does not decode: %v", err)
	}
	if got, want := string(plain), `{"token": "{{$env TOK}}"}`; got != want {
		t.Errorf("decoded body %s, want %s", got, want)
	}
}
