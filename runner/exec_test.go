package runner

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/redact"

	"github.com/snapdoc/snapdoc/internal/fileerr"
)

func newTestRunner(t *testing.T, cfg Config) *Runner {
	t.Helper()
	r, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRunEmbeddedDemoAPI(t *testing.T) {
	r := newTestRunner(t, Config{Hosts: map[string]string{"httpbin.org": Embedded}})
	ex, err := r.Run(context.Background(), []*httpfile.Request{{
		Method: "GET", URL: "https://httpbin.org/get?a=1",
		Headers: []httpfile.Header{{Name: "Accept", Value: "application/json"}},
	}}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Args    map[string][]string
		Headers map[string][]string
		URL     string
	}
	if err := json.Unmarshal(ex[0].Body, &body); err != nil {
		t.Fatalf("body %s: %v", ex[0].Body, err)
	}
	if ex[0].Status != 200 || body.URL != "https://httpbin.org/get?a=1" || body.Args["a"][0] != "1" {
		t.Errorf("got status %d, body %s", ex[0].Status, ex[0].Body)
	}
	if got := body.Headers["User-Agent"]; len(got) != 1 || got[0] != "snapdoc" {
		t.Errorf("User-Agent = %v", got)
	}
	if ex[0].Cache != "miss" || ex[0].Header("content-type") != "application/json; charset=utf-8" {
		t.Errorf("exchange = %+v", ex[0])
	}
}

func TestRunRoutesToBaseURLAndKeepsSecretsOut(t *testing.T) {
	var got *http.Request
	var gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		w.Header().Set("Date", "Wed, 25 Nov 2026 10:00:00 GMT")
		w.Write([]byte(`{"token": "` + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + `", "origin": "127.0.0.1"}`))
	}))
	defer srv.Close()
	vol, _ := redact.Parse([]string{"header:Date", "body:origin"})
	r := newTestRunner(t, Config{
		Hosts:  map[string]string{"api.example.com": srv.URL},
		Redact: vol,
		Getenv: func(name string) (string, bool) {
			return map[string]string{"TOKEN": "t0k3n-value"}[name], name == "TOKEN"
		},
	})
	ex, err := r.Run(context.Background(), []*httpfile.Request{{
		Method: "POST", URL: "https://api.example.com/v1/items?q=a%20b",
		Headers: []httpfile.Header{{Name: "Authorization", Value: "Bearer " + httpfile.EnvRef("TOKEN")}, {Name: "Content-Type", Value: "text/plain"}},
		Body:    "hello",
	}}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != "POST" || got.URL.Path != "/v1/items" || got.URL.RawQuery != "q=a%20b" || got.Host != "api.example.com" || gotBody != "hello" {
		t.Errorf("server got %s %s host %s body %q", got.Method, got.URL, got.Host, gotBody)
	}
	if got.Header.Get("Authorization") != "Bearer t0k3n-value" {
		t.Errorf("server got Authorization %q", got.Header.Get("Authorization"))
	}
	e := ex[0]
	if strings.Contains(string(e.Body), "t0k3n-value") || strings.Contains(e.Header("X-Echo"), "t0k3n-value") {
		t.Errorf("a secret reached the exchange: %s %v", e.Body, e.Headers)
	}
	if want := `{"token": "{{$env TOKEN}}", "origin": "[redacted]"}`; string(e.Body) != want {
		t.Errorf("body = %s, want %s", e.Body, want)
	}
	if e.Header("Date") != redact.Redacted {
		t.Errorf("Date = %q", e.Header("Date"))
	}
}

func TestRunFailures(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow":
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		case "/boom":
			http.Error(w, "boom", http.StatusBadGateway)
		case "/big":
			w.Write([]byte(strings.Repeat("x", 100)))
		case "/away":
			http.Redirect(w, r, "https://elsewhere.example/", http.StatusFound)
		}
	}))
	defer srv.Close()
	r := newTestRunner(t, Config{
		Hosts:   map[string]string{"api.test": srv.URL},
		Timeout: 100 * time.Millisecond,
		MaxBody: 10,
		Getenv:  func(string) (string, bool) { return "", false },
	})
	run := func(req *httpfile.Request) ([]*httpfile.Exchange, error) {
		req.Pos = fileerr.Pos{File: "lesson.md", Line: 7}
		return r.Run(context.Background(), []*httpfile.Request{req}, RunOptions{})
	}
	for _, tc := range []struct {
		path, want string
	}{
		{"/slow", "lesson.md:7: GET https://api.test/slow: no answer within 100ms"},
		{"/boom", "lesson.md:7: GET https://api.test/boom: the server answered 502 Bad Gateway"},
	} {
		_, err := run(&httpfile.Request{Method: "GET", URL: "https://api.test" + tc.path})
		var re *RequestError
		if !errors.As(err, &re) || err.Error() != tc.want {
			t.Errorf("%s: error = %v, want %q", tc.path, err, tc.want)
		}
	}
	ex, err := run(&httpfile.Request{Method: "GET", URL: "https://api.test/big"})
	if err != nil || len(ex[0].Body) != 10 || !ex[0].Truncated {
		t.Errorf("big body: %v, %+v", err, ex)
	}
	ex, err = run(&httpfile.Request{Method: "GET", URL: "https://api.test/away"})
	var redirect *RedirectError
	if !errors.As(err, &redirect) || redirect.To.Host != "elsewhere.example" || len(ex) != 0 {
		t.Errorf("a redirect to an undeclared host: %v, %+v; want a failure naming the host, and no exchange", err, ex)
	}
	_, err = run(&httpfile.Request{Method: "GET", URL: "https://api.test/x", Headers: []httpfile.Header{{Name: "Authorization", Value: httpfile.EnvRef("NOPE")}}})
	if err == nil || !strings.Contains(err.Error(), "environment variable NOPE is not set") {
		t.Errorf("missing secret: %v", err)
	}
	_, err = run(&httpfile.Request{Method: "GET", URL: "/relative"})
	if err == nil || !strings.Contains(err.Error(), "want an absolute http or https URL") {
		t.Errorf("relative URL: %v", err)
	}
}

func TestRunBodyFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "body.json"), []byte(`{"from":"file"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := newTestRunner(t, Config{Hosts: map[string]string{"httpbin.org": Embedded}})
	ex, err := r.Run(context.Background(), []*httpfile.Request{{
		Method: "POST", URL: "https://httpbin.org/post", BodyFile: "body.json",
		Headers: []httpfile.Header{{Name: "Content-Type", Value: "application/json"}},
	}}, RunOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ex[0].Body), `"from": "file"`) {
		t.Errorf("body = %s", ex[0].Body)
	}
}
