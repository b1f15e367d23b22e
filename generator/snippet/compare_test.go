package snippet

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

func TestJSONEqual(t *testing.T) {
	tests := map[string]struct {
		a, b string
		want bool
	}{
		"same":             {`{"a":1}`, `{"a":1}`, true},
		"whitespace":       {`{"a":[1,2]}`, "{\n  \"a\": [1, 2]\n}", true},
		"key order":        {`{"a":1,"b":2}`, `{"b":2,"a":1}`, true},
		"number forms":     {`[1.0,1e3,-0,2.50]`, `[1,1000,0,2.5]`, true},
		"escapes":          {`"\u00e9\/"`, `"é/"`, true},
		"precision lost":   {`12345678901234567890`, `12345678901234567000`, false},
		"string vs number": {`{"a":"1"}`, `{"a":1}`, false},
		"missing key":      {`{"a":1}`, `{"a":1,"b":null}`, false},
		"array order":      {`[1,2]`, `[2,1]`, false},
		"trailing text":    {`{} {}`, `{}`, false},
		"not json":         {`foo/bar`, `foo/bar`, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := jsonEqual([]byte(tc.a), []byte(tc.b)); got != tc.want {
				t.Errorf("jsonEqual(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestCompareRequest(t *testing.T) {
	w := want{method: "POST", requestURI: "/a?b=c%20d", body: "x",
		headers: h("X-Multi", "1", "x-multi", "2", "Cookie", "a=1", "Cookie", "b=2", "Host", "api.test")}
	good := received{method: "POST", requestURI: "/a?b=c%20d", host: "api.test", body: []byte("x"),
		header: http.Header{"X-Multi": {"1", "2"}, "Cookie": {"a=1", "b=2"}, "User-Agent": {"extra is fine"}}}
	if p := compareRequest(w, good, false); len(p) != 0 {
		t.Errorf("exact request: %q", p)
	}
	combined := good
	combined.header = http.Header{"X-Multi": {"1, 2"}, "Cookie": {"a=1; b=2"}}
	if p := compareRequest(w, combined, true); len(p) != 0 {
		t.Errorf("combined, for a combining language: %q", p)
	}
	if p := compareRequest(w, combined, false); len(p) != 1 || !strings.Contains(p[0], `header X-Multi: ["1, 2"], want ["1" "2"]`) {
		t.Errorf("combined, for a language that does not combine: %q", p)
	}
	bad := received{method: "GET", requestURI: "/a?b=c%2520d", host: "127.0.0.1", body: []byte("y"),
		header: http.Header{"X-Multi": {"2", "1"}}}
	got := strings.Join(compareRequest(w, bad, false), "\n")
	for _, want := range []string{`method "GET", want "POST"`, `request target "/a?b=c%2520d", want "/a?b=c%20d"`,
		`header X-Multi: ["2" "1"], want ["1" "2"]`, `header Cookie: [], want ["a=1" "b=2"]`, `header Host: ["127.0.0.1"], want ["api.test"]`,
		`body "y", want "x"`} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}

// TestVerifyCatchesBrokenCode runs code from deliberately broken curl
// templates and checks that verification names each mistake.
func TestVerifyCatchesBrokenCode(t *testing.T) {
	if testing.Short() {
		t.Skip("runs curl")
	}
	post := &httpfile.Request{Method: "POST", URL: "https://api.test/items?t=19%3A08",
		Headers: h("Content-Type", "text/plain", "X-Key", "{{$env KEY}}"), Body: "a\\b\n"}
	tests := map[string]struct {
		tmpl string
		want string
	}{
		"drops headers":  {`curl -sS --request {{.Method}} --url {{shell .URL}} --data-raw {{shell .Body}}`, `header X-Key: [], want ["test-KEY-value"]`},
		"double-encodes": {`curl -sS --request {{.Method}} --url {{shell (.URL | replace "%" "%25")}}{{range .Headers}} --header {{shell (print .Name ": " .Value)}}{{end}} --data-raw {{shell .Body}}`, `request target "/items?t=19%253A08", want "/items?t=19%3A08"`},
		"mangles body":   {`curl -sS --request {{.Method}} --url {{shell .URL}}{{range .Headers}} --header {{shell (print .Name ": " .Value)}}{{end}} --data-raw {{shell (.Body | replace "\\" "")}}`, `body "ab\n", want "a\\b\n"`},
		"secret literal": {`curl -sS --request {{.Method}} --url {{shell .URL}}{{range .Headers}} --header {{print .Name ": " .Value | squote}}{{end}} --data-raw {{shell .Body}}`, `header X-Key: ["{{$env KEY}}"], want ["test-KEY-value"]`},
		"wrong method":   {`curl -sS --request GET --url {{shell .URL}}{{range .Headers}} --header {{shell (print .Name ": " .Value)}}{{end}} --data-raw {{shell .Body}}`, `method "GET", want "POST"`},
		"prints nothing": {`curl -sS -o /dev/null --request {{.Method}} --url {{shell .URL}}{{range .Headers}} --header {{shell (print .Name ": " .Value | replace "{{$env KEY}}" "$KEY")}}{{end}} --data-raw {{shell .Body}}`, `printed body "", want the JSON value`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := Load(fstest.MapFS{"snippets/curl.tmpl": {Data: []byte(tc.tmpl)}})
			if err != nil {
				t.Fatal(err)
			}
			err = s.Verify(context.Background(), "curl", post, VerifyOptions{})
			if errors.Is(err, ErrNoInterpreter) && os.Getenv("CI") != "true" {
				t.Skip(err)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v\nwant one containing %s", err, tc.want)
			}
		})
	}
}

// TestExpectedAuthorizationIsTheWire checks that the code of a request
// with Basic credentials must send the Authorization field the runner
// puts on the wire: base64-encoded, with secrets expanded first.
func TestExpectedAuthorizationIsTheWire(t *testing.T) {
	r := &httpfile.Request{Method: "GET", URL: "https://api.example.com/basic",
		Headers: []httpfile.Header{{Name: "Authorization", Value: "Basic {{$env API_USER}}:{{$env API_PASSWORD}}"}}}
	env := map[string]string{"API_USER": "ada", "API_PASSWORD": "pa:ss w0rd"}
	out, err := httpfile.BuildOutgoing(r, "", "", func(n string) (string, bool) { v, ok := env[n]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewView(r)
	if err != nil {
		t.Fatal(err)
	}
	var wire, code string
	for _, h := range out.Headers {
		if h.Name == "Authorization" {
			wire = h.Value
		}
	}
	for _, h := range expected(v, env).headers {
		if h.Name == "Authorization" {
			code = h.Value
		}
	}
	if wire == "" || code != wire {
		t.Errorf("code must send Authorization %q, the runner sends %q", code, wire)
	}
}
