package serve_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/generator/serve"
	"github.com/snapdoc/snapdoc/runner/service"
	"github.com/snapdoc/snapdoc/templates"
)

// startWith serves a one-lesson site with opts' token and limits, and
// returns its directory and URL.
func startWith(t *testing.T, token string, lim service.Limits) (string, string) {
	t.Helper()
	api := counter(t)
	dir := t.TempDir()
	write(t, dir, "snapdoc.yaml", "runner:\n  hosts:\n    api.test: "+api.URL+"\n")
	write(t, dir, "content/lesson.md", lesson("First title", "First body."))
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve.Run(ctx, serve.Options{
			Source: dir, Addr: "127.0.0.1:0", Theme: templates.FS, Token: token, Limits: lim,
			Stdout: io.Discard, Stderr: io.Discard, Ready: func(url string) { ready <- url },
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	select {
	case url := <-ready:
		return dir, url
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	}
	return "", ""
}

// TestEventStreamOutlivesTimeouts checks that a page's event stream is
// not cut off by the read and write timeouts that bound every other
// request (the preview clears its write deadline; net/http its read
// deadline once the request is read).
func TestEventStreamOutlivesTimeouts(t *testing.T) {
	lim := service.Limits{ReadHeaderTimeout: 100 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond}
	dir, url := startWith(t, "", lim)
	resp, err := http.Get(url + "_snapdoc/events?path=/lesson/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	time.Sleep(3 * lim.ReadTimeout)
	write(t, dir, "content/lesson.md", lesson("Second title", "Second body."))
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("the event stream was closed")
			}
			if l == "event: reload" {
				return
			}
		case <-timeout:
			t.Fatal("no reload event within 10 s")
		}
	}
}

// TestTokenGuardsEverything serves with a token, as serve does beyond
// loopback: no page and no run without it; a browser opening the site
// once with ?token= gets a cookie scripts cannot read and other sites
// cannot send, and the address loses the token.
func TestTokenGuardsEverything(t *testing.T) {
	_, base := startWith(t, "s3cret-value", service.Limits{})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, p := range []string{"lesson/", "_snapdoc/events", "?token=wrong"} {
		resp, err := noRedirect.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Errorf("GET /%s without the token: %d", p, resp.StatusCode)
		}
	}
	resp, err := noRedirect.Get(base + "lesson/?token=s3cret-value&x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ck := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/lesson/?x=1" || !strings.Contains(ck, "HttpOnly") || !strings.Contains(ck, "SameSite=Strict") {
		t.Fatalf("?token=: %d, Location %q, Set-Cookie %q", resp.StatusCode, resp.Header.Get("Location"), ck)
	}
	// A new token in the address replaces an old cookie.
	stale, err := http.NewRequest("GET", base+"?token=s3cret-value", nil)
	if err != nil {
		t.Fatal(err)
	}
	stale.AddCookie(&http.Cookie{Name: "snapdoc_token", Value: "old"})
	if resp, err = noRedirect.Do(stale); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 {
		t.Errorf("?token= with an old cookie: %d", resp.StatusCode)
	}
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(base)
	jar.SetCookies(u, resp.Cookies())
	browser := &http.Client{Jar: jar}
	resp, err = browser.Get(base + "lesson/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'self'") {
		t.Errorf("with the cookie: %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	req, _ := http.NewRequest("POST", base+"_snapdoc/run", strings.NewReader(`{"file": "content/lesson.md", "block": "count"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", strings.TrimSuffix(base, "/"))
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if resp, err = browser.Do(req); err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `<span class="mi">2</span>`) {
		t.Errorf("the page's run with the cookie: %d %s", resp.StatusCode, body)
	}
}
