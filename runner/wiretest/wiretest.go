// Package wiretest is a raw-socket HTTP/1.1 server for tests that must see
// the exact bytes a client puts on the wire: Go's net/http server
// canonicalises header names and hides their order, this one does not.
package wiretest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits on what one request may send, since a test server must not trust
// its caller either.
const (
	maxHead = 64 << 10
	maxBody = 16 << 20
)

// Recorder listens on 127.0.0.1, records each request it reads, byte for
// byte (head and body), and answers every one with the same response on a
// connection it then closes.
type Recorder struct {
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string

	ln       net.Listener
	response []byte
	mu       sync.Mutex
	requests [][]byte
	wg       sync.WaitGroup
}

// TB is the part of testing.TB that [Start] uses.
type TB interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
}

// Start starts a recorder that answers with response, the raw bytes of an
// HTTP/1.1 response; it is closed when the test ends.
func Start(t TB, response string) *Recorder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &Recorder{URL: "http://" + ln.Addr().String(), ln: ln, response: []byte(response)}
	r.wg.Add(1)
	go r.serve()
	t.Cleanup(func() {
		ln.Close()
		r.wg.Wait()
	})
	return r
}

// OK is a response with an empty body, for tests that look only at the
// request.
const OK = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

// Requests returns the bytes of the requests read so far, in order.
func (r *Recorder) Requests() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.requests...)
}

// Last returns the bytes of the last request read, or nil.
func (r *Recorder) Last() []byte {
	reqs := r.Requests()
	if len(reqs) == 0 {
		return nil
	}
	return reqs[len(reqs)-1]
}

func (r *Recorder) serve() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			req, err := readRequest(bufio.NewReader(c))
			if err != nil {
				return
			}
			r.mu.Lock()
			r.requests = append(r.requests, req)
			r.mu.Unlock()
			c.Write(r.response)
		}()
	}
}

// readRequest reads one request: its head up to the blank line, then a
// body framed by Content-Length or chunked transfer coding.
func readRequest(br *bufio.Reader) ([]byte, error) {
	var raw bytes.Buffer
	length, chunked := 0, false
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return nil, err
		}
		raw.Write(line)
		if raw.Len() > maxHead {
			return nil, fmt.Errorf("head longer than %d bytes", maxHead)
		}
		name, value, ok := strings.Cut(strings.TrimRight(string(line), "\r\n"), ":")
		value = strings.TrimSpace(value)
		switch {
		case string(line) == "\r\n" || string(line) == "\n":
			return readBody(br, &raw, length, chunked)
		case ok && strings.EqualFold(name, "Content-Length"):
			if length, err = strconv.Atoi(value); err != nil || length < 0 || length > maxBody {
				return nil, fmt.Errorf("bad Content-Length %q", value)
			}
		case ok && strings.EqualFold(name, "Transfer-Encoding"):
			chunked = strings.EqualFold(value, "chunked")
		}
	}
}

func readBody(br *bufio.Reader, raw *bytes.Buffer, length int, chunked bool) ([]byte, error) {
	if !chunked {
		_, err := io.CopyN(raw, br, int64(length))
		return raw.Bytes(), err
	}
	for raw.Len() < maxHead+maxBody {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return nil, err
		}
		raw.Write(line)
		size, err := strconv.ParseInt(strings.TrimSpace(strings.SplitN(string(line), ";", 2)[0]), 16, 32)
		if err != nil || size < 0 || size > maxBody {
			return nil, fmt.Errorf("bad chunk size %q", line)
		}
		if _, err := io.CopyN(raw, br, size+2); err != nil {
			return nil, err
		}
		if size == 0 {
			return raw.Bytes(), nil
		}
	}
	return nil, fmt.Errorf("body longer than %d bytes", maxBody)
}

// Head splits a recorded request into its request line, its header lines
// (as written, in order) and its body.
func Head(req []byte) (line string, headers []string, body []byte) {
	head, body, _ := bytes.Cut(req, []byte("\r\n\r\n"))
	lines := strings.Split(string(head), "\r\n")
	return lines[0], lines[1:], body
}
