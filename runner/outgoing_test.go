package runner

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/runner/httpfile"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner/wiretest"
)

// sendOnWire parses src as lesson.md (block on line 10), runs it against
// a recorder that stands for api.test, and returns what the recorder
// read, the exchanges and the error.
func sendOnWire(t *testing.T, src, response string, env map[string]string, dir string) (*wiretest.Recorder, []*httpfile.Exchange, error) {
	t.Helper()
	rec := wiretest.Start(t, response)
	reqs, err := httpfile.Parse([]byte(src), httpfile.ParseOptions{File: "lesson.md", LineOffset: 10})
	if err != nil {
		t.Fatal(err)
	}
	r := newTestRunner(t, Config{
		Hosts:  map[string]string{"api.test": rec.URL},
		Getenv: func(n string) (string, bool) { v, ok := env[n]; return v, ok },
	})
	ex, err := r.Run(context.Background(), reqs, RunOptions{Dir: dir})
	return rec, ex, err
}

// TestWireRequestLine checks the request line a block puts on the wire.
func TestWireRequestLine(t *testing.T) {
	t.Parallel()
	env := map[string]string{"TOK": "a+b/c=d&e%2F f", "SEG": "x/y?z#w"}
	for _, tc := range []struct{ name, src, want string }{
		{"space and non-ASCII", "@q = hello world\nGET http://api.test/s/café?q={{q}}&n=1", "GET /s/caf%C3%A9?q=hello%20world&n=1 HTTP/1.1"},
		{"secret in the query", "GET http://api.test/s?t={{$processEnv TOK}}&u={{$env.TOK}}", "GET /s?t=a%2Bb%2Fc%3Dd%26e%252F%20f&u=a%2Bb%2Fc%3Dd%26e%252F%20f HTTP/1.1"},
		{"secret in the path", "GET http://api.test/p/{{$env SEG}}/q", "GET /p/x/y%3Fz%23w/q HTTP/1.1"},
		{"escapes kept", "GET http://api.test/a%2Fb/%41?x=%2B", "GET /a%2Fb/%41?x=%2B HTTP/1.1"},
		{"host variable", "@host = http://api.test\nGET /item/1", "GET /item/1 HTTP/1.1"},
		{"extension method", "PURGE http://api.test/item/1", "PURGE /item/1 HTTP/1.1"},
		{"byte-order mark", "\uFEFFGET http://api.test/bom", "GET /bom HTTP/1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec, _, err := sendOnWire(t, tc.src, wiretest.OK, env, "")
			if err != nil {
				t.Fatal(err)
			}
			if line, _, _ := wiretest.Head(rec.Last()); line != tc.want {
				t.Errorf("request line %q, want %q", line, tc.want)
			}
		})
	}
}

// TestWireHeadersAndBody checks header fields and bodies on the wire.
func TestWireHeadersAndBody(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("file\x00bytes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	basic := base64.StdEncoding.EncodeToString([]byte("alice:pa:ss"))
	env := map[string]string{"U": "alice", "P": "pa:ss", "C": "sid=42"}
	for _, tc := range []struct {
		name, src string
		headers   []string // lines that must be in the head
		body      string
	}{
		{name: "Basic credentials", src: "GET http://api.test/\nAuthorization: Basic user:passwd", headers: []string{"Authorization: Basic dXNlcjpwYXNzd2Q="}},
		{name: "Basic user password", src: "GET http://api.test/\nAuthorization: Basic user passwd", headers: []string{"Authorization: Basic dXNlcjpwYXNzd2Q="}},
		{name: "Basic token kept", src: "GET http://api.test/\nAuthorization: Basic dXNlcjpwYXNzd2Q=", headers: []string{"Authorization: Basic dXNlcjpwYXNzd2Q="}},
		{name: "Basic secrets", src: "GET http://api.test/\nAuthorization: Basic {{$env U}}:{{$env P}}", headers: []string{"Authorization: Basic " + basic}},
		{name: "cookies joined", src: "GET http://api.test/\nCookie: a=1\nX-A: 1\nCookie: {{$env C}}", headers: []string{"Cookie: a=1; sid=42", "X-A: 1"}},
		{
			name: "NDJSON final newline", src: "POST http://api.test/_bulk\nContent-Type: application/x-ndjson\n\n{\"index\":{}}\n{\"a\":1}\n",
			headers: []string{"Content-Length: 21"}, body: "{\"index\":{}}\n{\"a\":1}\n",
		},
		{
			name: "JSON has none", src: "POST http://api.test/\nContent-Type: application/json\n\n{\"a\": 1}\n\n",
			body: "{\"a\": 1}",
		},
		{
			name: "multipart file part",
			src: "POST http://api.test/upload\nContent-Type: multipart/form-data; boundary=B\n\n--B\n" +
				"Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\n\n< ./a.txt\n--B--\n",
			body: "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\nfile\x00bytes\n\r\n--B--",
		},
		{name: "the author's User-Agent only", src: "GET http://api.test/\nuser-agent: curl/8", headers: []string{"user-agent: curl/8"}},
		{name: "body bytes as written", src: "POST http://api.test/\n\n  a \t\n\n b  ", body: "  a \t\n\n b  "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec, _, err := sendOnWire(t, tc.src, wiretest.OK, env, dir)
			if err != nil {
				t.Fatal(err)
			}
			_, headers, body := wiretest.Head(rec.Last())
			for _, h := range tc.headers {
				if !slices.Contains(headers, h) {
					t.Errorf("no header line %q in %q", h, headers)
				}
			}
			for _, name := range []string{"cookie:", "user-agent:"} {
				if n := countPrefix(headers, name); n > 1 {
					t.Errorf("%d %s fields: %q", n, name, headers)
				}
			}
			if string(body) != tc.body {
				t.Errorf("body %q, want %q", body, tc.body)
			}
		})
	}
}

func countPrefix(lines []string, prefix string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(strings.ToLower(l), prefix) {
			n++
		}
	}
	return n
}

// TestWireBasicSecretRedacted checks that Basic credentials made of
// secrets, echoed back by the API in their encoded form, are redacted.
func TestWireBasicSecretRedacted(t *testing.T) {
	t.Parallel()
	basic := base64.StdEncoding.EncodeToString([]byte("alice:s3cret"))
	body := `{"authorization": "Basic ` + basic + `"}`
	resp := fmt.Sprintf("HTTP/1.1 200 OK\r\nX-Echo: Basic %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", basic, len(body), body)
	_, ex, err := sendOnWire(t, "GET http://api.test/\nAuthorization: Basic {{$env U}}:{{$env P}}", resp, map[string]string{"U": "alice", "P": "s3cret"}, "")
	if err != nil {
		t.Fatal(err)
	}
	shown := "base64({{$env U}}:{{$env P}})"
	if got := string(ex[0].Body); strings.Contains(got, basic) || !strings.Contains(got, shown) {
		t.Errorf("body %s", got)
	}
	if got := ex[0].Header("X-Echo"); got != "Basic "+shown {
		t.Errorf("X-Echo %q", got)
	}
}

// TestWireRefusals checks that what cannot be sent faithfully is refused
// with the place it is written, and that nothing was sent.
func TestWireRefusals(t *testing.T) {
	t.Parallel()
	env := map[string]string{"CRLF": "v\r\nX-Injected: 1", "HOST": "a b"}
	for _, tc := range []struct{ name, src, want string }{
		{"line break from a secret", "GET http://api.test/\nX-A: x\nX-Token: {{$env CRLF}}", "lesson.md:13:10: header X-Token holds control character '\\r' after substitution"},
		{"missing body file", "POST http://api.test/\nContent-Type: multipart/form-data; boundary=B\n\n--B\n\n< ./nope.txt\n--B--", "lesson.md:16:3: body file ./nope.txt: no such file"},
		{"missing whole-body file", "POST http://api.test/\n\n< ./nope.json", "lesson.md:13:3: body file ./nope.json: no such file"},
		{"wrong Content-Length", "POST http://api.test/\nContent-Length: 3\n\nabcdef", "lesson.md:12:17: Content-Length is 3, but the body is 6 bytes"},
		{"secret host with a space", "GET http://{{$env HOST}}/x", "lesson.md:11:5: an environment variable in the URL's host holds a character a URL cannot carry there"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec, _, err := sendOnWire(t, tc.src, wiretest.OK, env, t.TempDir())
			var perr *fileerr.Error
			if !errors.As(err, &perr) || err.Error() != tc.want {
				t.Errorf("error %v, want %s", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "Injected") {
				t.Errorf("the error quotes a secret: %v", err)
			}
			if n := len(rec.Requests()); n > 0 {
				t.Errorf("%d requests were sent", n)
			}
		})
	}
}

// TestWireEncodedSecretRedacted checks that a secret the URL carries
// percent-encoded, echoed back in that form, is redacted.
func TestWireEncodedSecretRedacted(t *testing.T) {
	t.Parallel()
	body := `{"url": "http://api.test/s?t=a%2Bb%2Fc%3D"}`
	resp := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	_, ex, err := sendOnWire(t, "GET http://api.test/s?t={{$env TOK}}", resp, map[string]string{"TOK": "a+b/c="}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(ex[0].Body), `{"url": "http://api.test/s?t={{$env TOK}}"}`; got != want {
		t.Errorf("body %s, want %s", got, want)
	}
}
