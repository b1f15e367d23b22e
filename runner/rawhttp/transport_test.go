package rawhttp

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// wireServer is a raw-socket server on loopback: it answers every
// connection with the bytes of response, whatever the request, and sends
// the bytes of each request it read on requests.
type wireServer struct {
	URL      string
	requests chan string
}

func newWireServer(t *testing.T, response string) *wireServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	s := &wireServer{URL: "http://" + l.Addr().String(), requests: make(chan string, 16)}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				s.requests <- readRequest(bufio.NewReader(c))
				io.WriteString(c, response)
			}()
		}
	}()
	return s
}

// readRequest reads one request's bytes: its head, and a body framed by
// Content-Length or chunked.
func readRequest(br *bufio.Reader) string {
	var b strings.Builder
	n, chunked := 0, false
	for {
		line, err := br.ReadString('\n')
		b.WriteString(line)
		if err != nil || line == "\r\n" {
			break
		}
		name, value, _ := strings.Cut(strings.TrimSpace(line), ":")
		switch strings.ToLower(name) {
		case "content-length":
			n, _ = strconv.Atoi(strings.TrimSpace(value))
		case "transfer-encoding":
			chunked = true
		}
	}
	if chunked {
		for !strings.HasSuffix(b.String(), "\r\n0\r\n\r\n") {
			c, err := br.ReadByte()
			if err != nil {
				break
			}
			b.WriteByte(c)
		}
	}
	body := make([]byte, n)
	io.ReadFull(br, body)
	b.Write(body)
	return b.String()
}

func (s *wireServer) request(t *testing.T) string {
	t.Helper()
	select {
	case r := <-s.requests:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("the server got no request")
		return ""
	}
}

func get(t *testing.T, rt http.RoundTripper, url string) (*http.Response, string, error) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

func TestResponseAsSent(t *testing.T) {
	s := newWireServer(t, "HTTP/1.1 200 Fine Thanks\r\n"+
		"ETag: \"v1\"\r\n"+
		"X-RateLimit-Remaining: 41\r\n"+
		"Pragma: no-cache\r\n"+
		"set-cookie: a=1\r\n"+
		"Set-Cookie: b=2\r\n"+
		"Content-Length:5\r\n"+
		"\r\n"+
		"hello")
	resp, body, err := get(t, &Transport{}, s.URL+"/x")
	if err != nil {
		t.Fatal(err)
	}
	status, fields, ok := Head(resp)
	want := []Field{{"ETag", `"v1"`}, {"X-RateLimit-Remaining", "41"}, {"Pragma", "no-cache"}, {"set-cookie", "a=1"}, {"Set-Cookie", "b=2"}, {"Content-Length", "5"}}
	if !ok || status != "HTTP/1.1 200 Fine Thanks" || !reflect.DeepEqual(fields, want) {
		t.Errorf("Head = %q, %q, %v; want the status line and %q", status, fields, ok, want)
	}
	if resp.Status != "200 Fine Thanks" || body != "hello" || resp.ContentLength != 5 {
		t.Errorf("status %q, body %q, length %d", resp.Status, body, resp.ContentLength)
	}
	// net/http's reader adds Cache-Control: no-cache to a lone Pragma.
	if v, ok := resp.Header["Cache-Control"]; ok {
		t.Errorf("Header has Cache-Control %q, which the server never sent", v)
	}
	if got := resp.Header.Values("Set-Cookie"); !reflect.DeepEqual(got, []string{"a=1", "b=2"}) {
		t.Errorf("Set-Cookie = %q", got)
	}
}

func TestInterimResponsesSkipped(t *testing.T) {
	s := newWireServer(t, "HTTP/1.1 100 Continue\r\n\r\n"+
		"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"+
		"HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n")
	resp, body, err := get(t, &Transport{}, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	status, fields, _ := Head(resp)
	if status != "HTTP/1.1 204 No Content" || !reflect.DeepEqual(fields, []Field{{"X-A", "1"}}) || body != "" || resp.Header.Get("Link") != "" {
		t.Errorf("got %q %q body %q", status, fields, body)
	}
}

func TestBodyFraming(t *testing.T) {
	for _, tc := range []struct{ name, response, body string }{
		{"chunked with trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n", "hello, world"},
		{"chunked wins over length", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", "ok"},
		{"until close", "HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nall of it\r\nuntil the end", "all of it\r\nuntil the end"},
		{"repeated equal lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n\r\nokEXTRA", "ok"},
		{"bare LF line ends", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", "ok"},
		{"HTTP/1.0 ignores Transfer-Encoding", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok", "2\r\nok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newWireServer(t, tc.response)
			_, body, err := get(t, &Transport{}, s.URL)
			if err != nil || body != tc.body {
				t.Errorf("body %q, %v; want %q", body, err, tc.body)
			}
		})
	}
}

func TestObsFoldIsUnfolded(t *testing.T) {
	s := newWireServer(t, "HTTP/1.1 200 OK\r\nX-Long: one\r\n  two\r\n\tthree\r\nContent-Length: 0\r\n\r\n")
	resp, _, err := get(t, &Transport{}, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, fields, _ := Head(resp); fields[0] != (Field{"X-Long", "one two three"}) {
		t.Errorf("fields = %q", fields)
	}
}

func TestBadResponsesAreErrors(t *testing.T) {
	for _, tc := range []struct{ name, response, err string }{
		{"unknown transfer coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: arizqhypgxofwne\r\n\r\nxyz", `unsupported transfer coding "arizqhypgxofwne"`},
		{"gzip transfer coding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "unsupported transfer coding"},
		{"differing lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", "bad Content-Length"},
		{"space before colon", "HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n", "not a token"},
		{"no colon", "HTTP/1.1 200 OK\r\nnonsense\r\n\r\n", "no colon"},
		{"fold first", "HTTP/1.1 200 OK\r\n X-A: 1\r\n\r\n", "whitespace before the first field"},
		{"bare CR", "HTTP/1.1 200 OK\r\nX-A: 1\r2\r\n\r\n", "bare CR"},
		{"NUL in value", "HTTP/1.1 200 OK\r\nX-A: 1\x002\r\n\r\n", "control character"},
		{"HTTP/2 status line", "HTTP/2 200\r\n\r\n", "want HTTP/1.1"},
		{"two-digit status", "HTTP/1.1 20 OK\r\n\r\n", "three-digit"},
		{"switching protocols", "HTTP/1.1 101 Switching Protocols\r\n\r\n", "101"},
		{"truncated head", "HTTP/1.1 200 OK\r\nX-A: 1\r\n", "before a complete response head"},
		{"truncated body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "unexpected EOF"},
		{"nothing", "", "connection closed before a response"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newWireServer(t, tc.response)
			_, _, err := get(t, &Transport{}, s.URL)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("err = %v, want one containing %q", err, tc.err)
			}
			if strings.Contains(tc.err, "before a") && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("a connection closed early is no io.ErrUnexpectedEOF: %v", err)
			}
		})
	}
}

func TestHeadSizeIsBounded(t *testing.T) {
	big := "HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("a", 5000) + "\r\n\r\n"
	s := newWireServer(t, big)
	if _, _, err := get(t, &Transport{MaxHeadBytes: 4096}, s.URL); !errors.Is(err, ErrHeadTooLarge) {
		t.Errorf("err = %v, want ErrHeadTooLarge", err)
	}
	// The interim responses count too.
	s = newWireServer(t, strings.Repeat("HTTP/1.1 103 Early Hints\r\nLink: </"+strings.Repeat("a", 200)+">\r\n\r\n", 10)+"HTTP/1.1 200 OK\r\n\r\n")
	if _, _, err := get(t, &Transport{MaxHeadBytes: 1000}, s.URL); !errors.Is(err, ErrHeadTooLarge) {
		t.Errorf("err = %v, want ErrHeadTooLarge", err)
	}
	s = newWireServer(t, strings.Repeat("HTTP/1.1 103 Early Hints\r\n\r\n", 20)+"HTTP/1.1 200 OK\r\n\r\n")
	if _, _, err := get(t, &Transport{}, s.URL); err == nil || !strings.Contains(err.Error(), "interim") {
		t.Errorf("err = %v, want too many interim responses", err)
	}
}

func TestRequestBytes(t *testing.T) {
	const ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
	s := newWireServer(t, ok)
	u := strings.TrimPrefix(s.URL, "http://")
	send := func(method, url string, body io.Reader, fields []Field, extra http.Header) error {
		t.Helper()
		req, err := http.NewRequest(method, url, body)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fields {
			if !strings.EqualFold(f.Name, "Host") {
				req.Header.Add(f.Name, f.Value)
			} else {
				req.Host = f.Value
			}
		}
		for k, vs := range extra {
			req.Header[k] = vs
		}
		req = req.WithContext(WithFields(req.Context(), fields))
		resp, err := (&Transport{}).RoundTrip(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   io.Reader
		fields []Field
		extra  http.Header
		want   string
	}{
		{"order and case as given", "GET", "/s?q=a%20b&n=1", nil,
			[]Field{{"x-lower", "1"}, {"ETag-Like", "2"}, {"accept", "*/*"}, {"X-Dup", "a"}, {"x-dup", "b"}}, nil,
			"GET /s?q=a%20b&n=1 HTTP/1.1\r\nHost: " + u + "\r\nx-lower: 1\r\nETag-Like: 2\r\naccept: */*\r\nX-Dup: a\r\nx-dup: b\r\n\r\n"},
		{"the author's Host in place", "GET", "/", nil,
			[]Field{{"Accept", "a"}, {"host", "api.test"}}, nil,
			"GET / HTTP/1.1\r\nAccept: a\r\nhost: api.test\r\n\r\n"},
		{"map fields after the list", "GET", "/", nil,
			[]Field{{"Accept", "a"}}, http.Header{"If-None-Match": {`"v1"`}, "A-First": {"x"}},
			"GET / HTTP/1.1\r\nHost: " + u + "\r\nAccept: a\r\nA-First: x\r\nIf-None-Match: \"v1\"\r\n\r\n"},
		{"a field the map changed", "GET", "/", nil,
			[]Field{{"accept", "a"}, {"if-none-match", `"old"`}}, http.Header{"If-None-Match": {`"new"`}},
			"GET / HTTP/1.1\r\nHost: " + u + "\r\naccept: a\r\nIf-None-Match: \"new\"\r\n\r\n"},
		{"body gets its length last", "POST", "/p", strings.NewReader("{}\n"),
			[]Field{{"content-type", "application/json"}}, nil,
			"POST /p HTTP/1.1\r\nHost: " + u + "\r\ncontent-type: application/json\r\nContent-Length: 3\r\n\r\n{}\n"},
		{"the author's length in place", "PUT", "/p", strings.NewReader("abc"),
			[]Field{{"content-length", "3"}, {"X-A", "1"}}, nil,
			"PUT /p HTTP/1.1\r\nHost: " + u + "\r\ncontent-length: 3\r\nX-A: 1\r\n\r\nabc"},
		{"empty POST says so", "POST", "/p", nil, nil, nil,
			"POST /p HTTP/1.1\r\nHost: " + u + "\r\nContent-Length: 0\r\n\r\n"},
		{"unknown length is chunked", "POST", "/p", io.MultiReader(strings.NewReader("ab")), nil, nil,
			"POST /p HTTP/1.1\r\nHost: " + u + "\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"},
		{"extension method", "PURGE", "/item/1", nil, nil, nil,
			"PURGE /item/1 HTTP/1.1\r\nHost: " + u + "\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := send(tc.method, s.URL+tc.path, tc.body, tc.fields, tc.extra); err != nil {
				t.Fatal(err)
			}
			if got := s.request(t); got != tc.want {
				t.Errorf("wire:\n%q\nwant:\n%q", got, tc.want)
			}
		})
	}
}

func TestUnsendableRequestsAreRefused(t *testing.T) {
	s := newWireServer(t, "HTTP/1.1 200 OK\r\n\r\n")
	for _, tc := range []struct {
		name string
		make func() *http.Request
		err  string
	}{
		{"space in the target", func() *http.Request {
			r, _ := http.NewRequest("GET", s.URL+"/s?q=hello world", nil)
			return r
		}, "must be percent-encoded"},
		{"CR in a value", func() *http.Request {
			r, _ := http.NewRequest("GET", s.URL, nil)
			r.Header["X-A"] = []string{"a\r\nX-Injected: 1"}
			return r
		}, "control character"},
		{"wrong length", func() *http.Request {
			r, _ := http.NewRequest("POST", s.URL, strings.NewReader("abc"))
			r.Header.Set("Content-Length", "2")
			return r
		}, "not the body's length"},
		{"method not a token", func() *http.Request {
			r, _ := http.NewRequest("GET", s.URL, nil)
			r.Method = "GET /x"
			return r
		}, "not a token"},
		{"name not a token", func() *http.Request {
			r, _ := http.NewRequest("GET", s.URL, nil)
			r.Header["X A"] = []string{"1"}
			return r
		}, "not a token"},
		{"gzip request coding", func() *http.Request {
			r, _ := http.NewRequest("POST", s.URL, strings.NewReader("abc"))
			r.Header.Set("Transfer-Encoding", "gzip")
			return r
		}, "only chunked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := (&Transport{}).RoundTrip(tc.make())
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("err = %v, want one containing %q", err, tc.err)
			}
		})
	}
	select {
	case r := <-s.requests:
		t.Errorf("a refused request reached the server: %q", r)
	default:
	}
}

func TestTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["ETag"] = []string{`"t"`}
		io.WriteString(w, r.Proto+" "+r.TLS.ServerName)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	defer srv.Close()
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	// httptest's certificate is for example.com: the name is verified.
	tr := &Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
		},
	}
	resp, body, err := get(t, tr, "https://example.com/")
	if err != nil {
		t.Fatal(err)
	}
	if _, f, _ := Head(resp); body != "HTTP/1.1 example.com" || resp.TLS == nil || f[0] != (Field{"ETag", `"t"`}) {
		t.Errorf("body %q, fields %q", body, f)
	}
	if _, _, err := get(t, tr, "https://wrong.test/"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a certificate for another name: err = %v", err)
	}
	if _, _, err := get(t, &Transport{}, srv.URL); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("an unknown authority: err = %v", err)
	}
}

func TestContextBoundsTheExchange(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			// Send half a response, then nothing.
			io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
			t.Cleanup(func() { c.Close() })
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+l.Addr().String(), nil)
	start := time.Now()
	resp, err := (&Transport{}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("err = %v after %v, want the deadline", err, time.Since(start))
	}
	// Cancelled before the head arrives.
	ctx, cancel = context.WithCancel(context.Background())
	l2, _ := net.Listen("tcp", "127.0.0.1:0")
	defer l2.Close()
	req, _ = http.NewRequestWithContext(ctx, "GET", "http://"+l2.Addr().String(), nil)
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := (&Transport{}).RoundTrip(req); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
