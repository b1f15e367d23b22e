package main

import (
	"bufio"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// wireserve NAME RESPONSE... starts a raw-socket server on loopback for
// the rest of the script and sets the variable NAME to its URL. It answers
// its n-th connection with the bytes of the n-th RESPONSE file (the last
// one again after them), the head's line ends made CRLF, and appends the
// bytes of each request it reads to wire.log, each CRLF shown as a line
// end (see visibleLineEnds), so a test can compare the exact bytes.
func wireserve(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: wireserve NAME RESPONSE...")
	}
	var responses []string
	for _, a := range args[1:] {
		head, body, _ := strings.Cut(ts.ReadFile(a), "\n\n")
		responses = append(responses, strings.ReplaceAll(head, "\n", "\r\n")+"\r\n\r\n"+body)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	ts.Defer(func() { l.Close() })
	ts.Setenv(args[0], "http://"+l.Addr().String())
	logFile := ts.MkAbs("wire.log")
	var mu sync.Mutex
	n := 0
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			resp := responses[min(n, len(responses)-1)]
			n++
			mu.Unlock()
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				req := readWireRequest(bufio.NewReader(c))
				mu.Lock()
				f, err := os.OpenFile(logFile, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
				if err == nil {
					f.WriteString(visibleLineEnds(req))
					f.Close()
				}
				mu.Unlock()
				io.WriteString(c, resp)
			}()
		}
	}()
}

// visibleLineEnds shows CRLF as a line end and a lone CR or LF as \r or
// \n, so a log with LF line ends says exactly which bytes were sent.
func visibleLineEnds(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\x00")
	s = strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
	return strings.ReplaceAll(s, "\x00", "\n")
}

// readWireRequest reads one request's head and its Content-Length body.
func readWireRequest(br *bufio.Reader) string {
	var b strings.Builder
	n := 0
	for {
		line, err := br.ReadString('\n')
		b.WriteString(line)
		if err != nil || line == "\r\n" {
			break
		}
		if name, v, _ := strings.Cut(line, ":"); strings.EqualFold(name, "Content-Length") {
			n, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	body := make([]byte, n)
	io.ReadFull(br, body)
	b.Write(body)
	return b.String()
}
