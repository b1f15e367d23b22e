package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/snapdoc/snapdoc/internal/linkcheck"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"snapdoc": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the real command on the small sites in
// testdata/script. Set SNAPDOC_UPDATE_SCRIPTS=1 to rewrite their expected
// output.
func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("SNAPDOC_UPDATE_SCRIPTS") != "",
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"age": age, "api": apiServer, "expand": expand, "wire": wire, "wireserve": wireserve, "secretecho": secretEcho, "nosecret": noSecret,
			"lessons": lessons, "pprof": pprofFile, "freeport": freeport, "waiturl": waiturl, "fetch": fetch, "slowbody": slowbody,
			"linkcheck": linkcheckCmd, "sitegen": sitegenCmd, "killscan": killscan, "holdlock": holdlock, "releaselock": releaselock, "racebuilds": racebuilds, "waitbuild": waitbuild,
		},
	})
}

// age sets the modification time of the files it names, relative to the
// script's directory, an hour back: files nobody is editing.
func age(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: age file...")
	}
	old := time.Now().Add(-time.Hour)
	for _, a := range args {
		err := filepath.Walk(ts.MkAbs(a), func(p string, _ os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			return os.Chtimes(p, old, old)
		})
		ts.Check(err)
	}
}

// linkcheckCmd checks that every internal link of every page of the built
// site in DIR, built for the base URL BASE (default /), names a file of it:
// linkcheck DIR [BASE]. With !, it expects broken links.
func linkcheckCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: linkcheck DIR [BASE]")
	}
	base := "/"
	if len(args) == 2 {
		base = args[1]
	}
	broken, err := linkcheck.Check(ts.MkAbs(args[0]), base)
	ts.Check(err)
	for _, b := range broken {
		ts.Logf("broken link: %s", b)
	}
	switch {
	case neg && len(broken) == 0:
		ts.Fatalf("no broken links in %s", args[0])
	case !neg && len(broken) > 0:
		ts.Fatalf("%d broken links in %s", len(broken), args[0])
	}
}

// lessons writes N lessons content/lesson-I.md, each with one http block
// of one request to the embedded demo API.
func lessons(ts *testscript.TestScript, neg bool, args []string) {
	n, err := strconv.Atoi(strings.Join(args, ""))
	if neg || err != nil {
		ts.Fatalf("usage: lessons N")
	}
	ts.Check(os.MkdirAll(ts.MkAbs("content"), 0o755))
	for i := 1; i <= n; i++ {
		text := fmt.Sprintf("---\ntitle: Lesson %d\n---\n\n```http id=get\nGET https://httpbin.org/anything/%d\n```\n", i, i)
		ts.Check(os.WriteFile(ts.MkAbs(fmt.Sprintf("content/lesson-%d.md", i)), []byte(text), 0o644))
	}
}

// freeport sets the variable it names to a free loopback port.
func freeport(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: freeport VAR")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	ts.Check(err)
	ts.Setenv(args[0], strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	ts.Check(l.Close())
}

// waiturl waits, up to 20 s, until URL answers at all.
func waiturl(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waiturl URL")
	}
	for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(args[0]); err == nil {
			resp.Body.Close()
			return
		}
	}
	ts.Fatalf("%s did not answer within 20 s", args[0])
}

// fetch [-H 'Name: value']... METHOD URL BODY STATUS sends a request and
// fails unless it is answered with STATUS. A Host header replaces the
// request's host.
func fetch(ts *testscript.TestScript, neg bool, args []string) {
	var header [][2]string
	for len(args) >= 2 && args[0] == "-H" {
		name, value, ok := strings.Cut(args[1], ":")
		if !ok {
			ts.Fatalf("fetch: -H wants Name: value")
		}
		header = append(header, [2]string{name, strings.TrimSpace(value)})
		args = args[2:]
	}
	if neg || len(args) != 4 {
		ts.Fatalf("usage: fetch [-H 'Name: value']... METHOD URL BODY STATUS")
	}
	req, err := http.NewRequest(args[0], args[1], strings.NewReader(args[2]))
	ts.Check(err)
	for _, h := range header {
		if strings.EqualFold(h[0], "Host") {
			req.Host = h[1]
		} else {
			req.Header.Set(h[0], h[1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strconv.Itoa(resp.StatusCode) != args[3] {
		ts.Fatalf("%s %s: status %d, want %s: %s", args[0], args[1], resp.StatusCode, args[3], body)
	}
	ts.Logf("%s %s: %s", args[0], args[1], resp.Status)
}

// slowbody HOST:PORT SECONDS sends a request head and part of its body,
// then trickles nothing more; it fails unless the server closes the
// connection within SECONDS.
func slowbody(ts *testscript.TestScript, neg bool, args []string) {
	secs, err := strconv.Atoi(strings.Join(args[1:], ""))
	if neg || len(args) != 2 || err != nil {
		ts.Fatalf("usage: slowbody HOST:PORT SECONDS")
	}
	c, err := net.Dial("tcp", args[0])
	ts.Check(err)
	defer c.Close()
	_, err = io.WriteString(c, "POST /v1/run HTTP/1.1\r\nHost: "+args[0]+"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"file\": ")
	ts.Check(err)
	start := time.Now()
	ts.Check(c.SetReadDeadline(start.Add(time.Duration(secs) * time.Second)))
	_, err = io.ReadAll(c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		ts.Fatalf("the server still held the connection after %d s", secs)
	}
	ts.Logf("closed after %s", time.Since(start).Round(time.Millisecond))
}

// pprofFile FILE TYPE fails unless FILE is a profile that go tool pprof
// reads, gzipped protocol buffers whose whole message parses, with TYPE
// (cpu, inuse_space...) among its strings.
func pprofFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: pprof FILE TYPE")
	}
	raw, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	if !bytes.HasPrefix(raw, []byte{0x1f, 0x8b}) {
		ts.Fatalf("%s: not gzipped (starts % x)", args[0], raw[:min(len(raw), 4)])
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	ts.Check(err)
	msg, err := io.ReadAll(zr)
	ts.Check(err)
	strs, err := profileStrings(msg)
	if err != nil {
		ts.Fatalf("%s: %v", args[0], err)
	}
	for _, s := range strs {
		if s == args[1] {
			return
		}
	}
	ts.Fatalf("%s: no sample type %q among %d strings", args[0], args[1], len(strs))
}

// profileStrings walks the top-level fields of a pprof Profile message
// and returns its string table (field 6), failing on a malformed message.
func profileStrings(msg []byte) ([]string, error) {
	var strs []string
	for len(msg) > 0 {
		key, n := binary.Uvarint(msg)
		if n <= 0 {
			return nil, errors.New("bad field key")
		}
		msg = msg[n:]
		switch key & 7 {
		case 0: // varint
			if _, n = binary.Uvarint(msg); n <= 0 {
				return nil, errors.New("bad varint")
			}
			msg = msg[n:]
		case 2: // length-delimited
			l, n := binary.Uvarint(msg)
			if n <= 0 || uint64(len(msg)-n) < l {
				return nil, errors.New("bad length")
			}
			if key>>3 == 6 {
				strs = append(strs, string(msg[n:n+int(l)]))
			}
			msg = msg[n+int(l):]
		default:
			return nil, fmt.Errorf("unexpected wire type %d", key&7)
		}
	}
	if len(strs) == 0 {
		return nil, errors.New("no string table")
	}
	return strs, nil
}
