package runner

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/redact"
)

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
	ex, err := r.Run(context.Background(), []*httpfile.Request{{Method: "GET", URL: "http://api.test/", Headers: []httpfile.Header{{Name: "Authorization", Value: "Basic user:" + httpfile.EnvRef("PASS")}}}}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(ex[0].Body), `{"authorization": "Basic base64(user:{{$env PASS}})"}`; got != want {
		t.Errorf("body %s, want %s", got, want)
	}
}

func TestRedactorErrors(t *testing.T) {
	red := redact.New(redact.Redactions{})
	red.AddSecret("TENANT", "t3nant-x9y8z7")
	red.PlaceRequest(&httpfile.Request{URL: "https://{{$env TENANT}}.api.test/v1"}, func(string) string { return "t3nant-x9y8z7" })
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
	if _, err := r.Run(context.Background(), []*httpfile.Request{{Method: "GET", URL: "https://httpbin.org/get?k=" + httpfile.EnvRef("KEY")}}, RunOptions{}); err != nil {
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
	ex, err := r.Run(context.Background(), []*httpfile.Request{{Method: "GET", URL: "http://api.test/", Headers: []httpfile.Header{{Name: "Authorization", Value: "Bearer " + httpfile.EnvRef("TOK")}}}}, RunOptions{})
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
	ex, err := r.Run(context.Background(), []*httpfile.Request{{Method: "GET", URL: "http://api.test/", Headers: []httpfile.Header{{Name: "X-Token", Value: httpfile.EnvRef("TOK")}}}}, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ex[0].Header("Content-Encoding") != "gzip" {
		t.Fatalf("headers %v, want the Content-Encoding as sent", ex[0].Headers)
	}
	plain, err := httpfile.DecodeContent(ex[0].Body, "gzip")
	if err != nil {
		t.Fatalf("recorded body does not decode: %v", err)
	}
	if got, want := string(plain), `{"token": "{{$env TOK}}"}`; got != want {
		t.Errorf("decoded body %s, want %s", got, want)
	}
}
