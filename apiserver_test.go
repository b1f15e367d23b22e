package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"sync/atomic"

	"github.com/rogpeppe/go-internal/testscript"
)

// apiServer starts a loopback API for the script and sets the variable
// NAME to its URL: `api NAME MODE [ARG]`. Modes: ok (200 with a JSON
// body), ok2 (200 with another), status CODE [RETRY-AFTER], once429
// RETRY-AFTER (a 429 with that Retry-After, then ok), redirect URL,
// silent (accepts connections and never answers), closed (nothing
// listens). No response carries a Date, so outputs repeat exactly.
func apiServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: api NAME MODE [ARG]")
	}
	name, mode, arg := args[0], args[1], ""
	if len(args) > 2 {
		arg = args[2]
	}
	switch mode {
	case "closed", "silent":
		l, err := net.Listen("tcp", "127.0.0.1:0")
		ts.Check(err)
		ts.Setenv(name, "http://"+l.Addr().String())
		if mode == "closed" {
			l.Close()
			return
		}
		var conns []net.Conn
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				conns = append(conns, c)
			}
		}()
		ts.Defer(func() {
			l.Close()
			<-done
			for _, c := range conns {
				c.Close()
			}
		})
		return
	}
	var hits atomic.Int32
	handler := func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil
		n := hits.Add(1)
		switch {
		case mode == "status":
			code, err := strconv.Atoi(arg)
			if err != nil {
				panic(err)
			}
			if len(args) > 3 {
				w.Header().Set("Retry-After", args[3])
			}
			w.WriteHeader(code)
		case mode == "once429" && n == 1:
			w.Header().Set("Retry-After", arg)
			w.WriteHeader(http.StatusTooManyRequests)
		case mode == "redirect":
			http.Redirect(w, r, arg, http.StatusFound)
		case mode == "ok2":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id": 1, "name": "gadget"}` + "\n"))
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id": 1, "name": "widget"}` + "\n"))
		}
	}
	switch mode {
	case "ok", "ok2", "status", "once429", "redirect":
	default:
		ts.Fatalf("api: unknown mode %q", mode)
	}
	srv := httptest.NewServer(http.HandlerFunc(handler))
	ts.Defer(srv.Close)
	ts.Setenv(name, srv.URL)
}

// expand copies the file IN to OUT with $NAME and ${NAME} replaced by
// the script's variables, such as the URLs of its APIs.
func expand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: expand in out")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(os.Expand(ts.ReadFile(args[0]), ts.Getenv)), 0o644))
}
