package redact

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner/httpfile"
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
		{"every reserved byte (encodeURIComponent)", "s3cr%2Bt%2FV4lue%3D%20%22%C3%A9%22"},
		{"every reserved byte, lower hex", "s3cr%2bt%2fV4lue%3d%20%22%c3%a9%22"},
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
		red := New(Redactions{})
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
	red := New(Redactions{})
	red.AddSecret("REGION", "eu")
	red.AddSecret("TOK", secretValue)
	red.PlaceRequest(&httpfile.Request{URL: "https://api.test/", Body: `{"region": "{{$env REGION}}", "token": "{{$env TOK}}"}`}, func(n string) string {
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
	red := New(Redactions{})
	red.AddSecret("REGION", "a")
	red.PlaceRequest(&httpfile.Request{URL: "http://{{$env REGION}}.api.test/items/{{$env REGION}}?r={{$env REGION}}"}, func(string) string { return "a" })
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

func TestRedactorSecretFields(t *testing.T) {
	fields, err := Parse([]string{"header:X-Session", "body:session.id"})
	if err != nil {
		t.Fatal(err)
	}
	red := New(fields)
	e := &httpfile.Exchange{
		URL:     "https://api.test/x",
		Headers: []httpfile.Header{{Name: "x-session", Value: "sess-0123456789"}, {Name: "Date", Value: "Mon, 07 Dec 2026 10:00:00 GMT"}},
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

func TestRedactionsMask(t *testing.T) {
	v, err := Parse([]string{"header:Date", "body:origin", "body:headers.X-Amzn-Trace-Id"})
	if err != nil {
		t.Fatal(err)
	}
	e := &httpfile.Exchange{
		Headers: []httpfile.Header{{Name: "date", Value: "Wed, 25 Nov 2026 10:00:00 GMT"}, {Name: "X-Echo", Value: "kept"}},
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
	old := &httpfile.Exchange{Headers: []httpfile.Header{{Name: "Date", Value: Redacted}}, Body: []byte(`{"origin": "[redacted]"}`)}
	if m := v.Mask(old, "*"); m.Headers[0].Value != Redacted || string(m.Body) != `{"origin": "[redacted]"}` {
		t.Errorf("masked a redacted value: %v %s", m.Headers, m.Body)
	}
	for _, bad := range []string{"date", "header:", "cookie:x"} {
		if _, err := Parse([]string{bad}); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
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
		red := New(Redactions{})
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
	fields, _ := Parse([]string{"header:Date"})
	red := New(fields)
	const date = "Mon, 07 Dec 2026 10:00:00 GMT"
	e := &httpfile.Exchange{Headers: []httpfile.Header{{Name: "Date", Value: date}, {Name: "Last-Modified", Value: date}}}
	red.Exchange(e)
	if e.Headers[0].Value != Redacted || e.Headers[1].Value != date {
		t.Errorf("headers = %v", e.Headers)
	}
}

// TestRedactorKeepsPositions checks that a positioned error whose text
// holds a secret comes back redacted and still positioned, so the CLI and
// the preview's overlay keep its line.
func TestRedactorKeepsPositions(t *testing.T) {
	red := New(Redactions{})
	red.AddSecret("TOKEN", "t0k3n-s3cr3t-value")
	pos := fileerr.Pos{File: "content/a.md", Line: 7, Col: 3}
	err := red.Error(fmt.Errorf("block: %w", fileerr.New(pos, "parse", "bad header %q", "t0k3n-s3cr3t-value")))
	if strings.Contains(err.Error(), "t0k3n") || !strings.Contains(err.Error(), "{{$env TOKEN}}") {
		t.Errorf("not redacted: %v", err)
	}
	fe, ok := fileerr.As(err)
	if !ok || fe.Pos != pos || fe.Phase != "parse" || strings.Contains(fe.Error(), "t0k3n") {
		t.Errorf("fileerr.As = %v, %v; want the redacted error at %v", fe, ok, pos)
	}
}
