package rawhttp

import (
	"bufio"
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// proxyServer is a raw-socket proxy: it sends the head of each request it
// gets on heads, then either answers with response or, for CONNECT with
// an empty response, says 200 and splices the tunnel to target.
func proxyServer(t *testing.T, response, target string) (*url.URL, chan string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	heads := make(chan string, 4)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				head := readRequest(bufio.NewReader(c))
				heads <- head
				if !strings.HasPrefix(head, "CONNECT ") || response != "" {
					io.WriteString(c, response)
					return
				}
				up, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer up.Close()
				io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
				go io.Copy(up, c)
				io.Copy(c, up)
			}()
		}
	}()
	return &url.URL{Scheme: "http", Host: l.Addr().String(), User: url.UserPassword("u", "p")}, heads
}

func TestPlainRequestThroughProxy(t *testing.T) {
	proxy, heads := proxyServer(t, "HTTP/1.1 200 OK\r\nVia: 1.1 proxy\r\nContent-Length: 2\r\n\r\nok", "")
	tr := &Transport{Proxy: http.ProxyURL(proxy)}
	req, _ := http.NewRequest("GET", "http://api.test/x?y=1", nil)
	req.Header.Set("Accept", "a")
	req = req.WithContext(WithFields(req.Context(), []Field{{"accept", "a"}}))
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := "GET http://api.test/x?y=1 HTTP/1.1\r\nHost: api.test\r\naccept: a\r\nProxy-Authorization: Basic dTpw\r\n\r\n"
	if got := <-heads; got != want {
		t.Errorf("the proxy got\n%q\nwant\n%q", got, want)
	}
}

func TestTLSThroughProxyTunnel(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["ETag"] = []string{`"t"`}
		io.WriteString(w, r.Host+" "+r.Header.Get("Proxy-Authorization"))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	proxy, heads := proxyServer(t, "", srv.Listener.Addr().String())
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	tr := &Transport{Proxy: http.ProxyURL(proxy), TLSClientConfig: &tls.Config{RootCAs: pool}}
	resp, body, err := get(t, tr, "https://example.com/s")
	if err != nil {
		t.Fatal(err)
	}
	// The origin sees no proxy credentials; the tunnel request has them.
	if _, f, _ := Head(resp); body != "example.com " || f[0] != (Field{"ETag", `"t"`}) {
		t.Errorf("body %q, fields %q", body, f)
	}
	if got, want := <-heads, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nProxy-Authorization: Basic dTpw\r\n\r\n"; got != want {
		t.Errorf("CONNECT:\n%q\nwant\n%q", got, want)
	}
}

func TestProxyRefusingTheTunnel(t *testing.T) {
	proxy, _ := proxyServer(t, "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n", "")
	tr := &Transport{Proxy: http.ProxyURL(proxy)}
	if _, _, err := get(t, tr, "https://example.com/"); err == nil || !strings.Contains(err.Error(), "refused the tunnel: HTTP/1.1 407") {
		t.Errorf("err = %v", err)
	}
	tr = &Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "socks5", Host: "127.0.0.1:1"})}
	if _, _, err := get(t, tr, "http://example.com/"); err == nil || !strings.Contains(err.Error(), "only http:// proxies") {
		t.Errorf("socks5: err = %v", err)
	}
}
