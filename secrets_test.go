package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/testscript"
)

// secretEcho starts an API on 127.0.0.1 that echoes the bearer token of
// each request in the forms APIs echo values in (percent-encoded, base64,
// JSON-escaped), and the X-Region header as it came; its URL goes to the
// environment variable the command names. Every answer differs from the
// last in its volatile fields (Date, X-Request-Id, "trace"), and is not
// to be stored by caches.
//
//	secretecho NAME
func secretEcho(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: secretecho NAME")
	}
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := n.Add(1)
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Date", fmt.Sprintf("Mon, 07 Dec 2026 10:00:%02d GMT", id%60))
		w.Header().Set("X-Request-Id", fmt.Sprintf("req-%d", id))
		w.Header().Set("X-Token-B64", base64.StdEncoding.EncodeToString([]byte(tok)))
		if r.Header.Get("X-Want-Token-Id") != "" {
			w.Header().Set("X-Token-Id", fmt.Sprintf("tok-%d", id))
		}
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		q := url.QueryEscape(tok)
		fmt.Fprintf(w, `{"args": "ok", "region": %q, "trace": %d, "query": "%s", "query_lower": "%s", "path": "%s", "b64": "%s", "b64url": "%s", "b64raw": "%s", "json_slash": "%s", "json_u": "%s"}`,
			r.Header.Get("X-Region"), id, q, lowerPercent(q), url.PathEscape(tok),
			base64.StdEncoding.EncodeToString([]byte(tok)), base64.URLEncoding.EncodeToString([]byte(tok)), base64.RawStdEncoding.EncodeToString([]byte(tok)),
			strings.ReplaceAll(tok, "/", `\/`), unicodeEscape(tok))
	}))
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL)
}

// noSecret fails when the value of an environment variable it names
// appears, raw or in any encoding an API may echo it in, in the last
// command's stdout or stderr or in any file under the script's
// directory.
//
//	nosecret NAME...
func noSecret(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: nosecret NAME...")
	}
	var forms []string
	for _, name := range args {
		v := ts.Getenv(name)
		if v == "" {
			ts.Fatalf("$%s is empty", name)
		}
		forms = append(forms, encodings(v)...)
	}
	check := func(where string, data []byte) {
		for _, f := range forms {
			if bytes.Contains(data, []byte(f)) {
				ts.Fatalf("%s holds a secret as %q", where, f)
			}
		}
	}
	check("stdout", []byte(ts.ReadFile("stdout")))
	check("stderr", []byte(ts.ReadFile("stderr")))
	root := ts.MkAbs(".")
	ts.Check(filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		check(rel, data)
		return nil
	}))
}

// encodings are v and the forms an API may echo it in.
func encodings(v string) []string {
	b := []byte(v)
	q := url.QueryEscape(v)
	p := url.PathEscape(v)
	forms := []string{
		v, q, lowerPercent(q), p, lowerPercent(p),
		base64.StdEncoding.EncodeToString(b), base64.URLEncoding.EncodeToString(b),
		base64.RawStdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
		strings.Trim(jsonQuote(v), `"`), strings.ReplaceAll(v, "/", `\/`), unicodeEscape(v),
	}
	return forms
}

func jsonQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// lowerPercent writes the hex digits of percent-escapes in lower case.
func lowerPercent(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = bytes.ToLower(b[i+1 : i+2])[0], bytes.ToLower(b[i+2 : i+3])[0]
			i += 2
		}
	}
	return string(b)
}

// unicodeEscape writes every character of s but letters and digits as a
// JSON \u escape.
func unicodeEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b.WriteRune(c)
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, c)
	}
	return b.String()
}
