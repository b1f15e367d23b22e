package httpfile

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/internal/fileerr"
)

// FuzzParse checks that Parse never panics, that every position it
// reports lies within the input, and that it is deterministic. It is
// seeded with the corpus texts.
func FuzzParse(f *testing.F) {
	for _, rec := range loadCorpus(f) {
		f.Add(rec.Text)
	}
	f.Add("GET /{{a}}\n@a = 1\n< {%\n")
	f.Add("POST /\nContent-Type: multipart/form-data; boundary=b\n\n--b\n> {%\n")
	f.Fuzz(func(t *testing.T, src string) {
		opts := ParseOptions{File: "f.http", LineOffset: 3, ColumnOffset: 2, Vars: map[string]string{"host": "example.org"}}
		reqs, err := Parse([]byte(src), opts)
		again, err2 := Parse([]byte(src), opts)
		if errString(err) != errString(err2) || describe(values(reqs, false)) != describe(values(again, false)) {
			t.Fatalf("two parses differ:\n%v\n%s\n%v\n%s", err, describe(values(reqs, false)), err2, describe(values(again, false)))
		}
		lines := strings.Split(src, "\n")
		within := func(what string, p fileerr.Pos) {
			line, col := p.Line-opts.LineOffset, p.Col-opts.ColumnOffset
			if p.File != opts.File || line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1])+1 {
				t.Fatalf("%s position %v is outside the input (%d lines)", what, p, len(lines))
			}
		}
		if err != nil {
			var perr *fileerr.Error
			if !errors.As(err, &perr) {
				t.Fatalf("error %T, want *fileerr.Error", err)
			}
			within("error", perr.Pos)
			return
		}
		for i, r := range reqs {
			within("request", r.Pos)
			if r.Pos != again[i].Pos {
				t.Fatalf("request %d at %v, then at %v", i, r.Pos, again[i].Pos)
			}
			if !validToken(r.Method) || r.URL == "" {
				t.Fatalf("request %d: method %q, URL %q", i, r.Method, r.URL)
			}
			for _, name := range r.Secrets() {
				if !envNameRE.MatchString(name) {
					t.Fatalf("request %d: secret %q is no environment variable name", i, name)
				}
			}
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// FuzzOutgoing checks the request encoder: a variable's value and a
// secret in a query stay one value that decodes to what they hold, the
// encoded URL is stable under encoding again, the request line Go writes
// is the target snapdoc computed, and no header value that reaches the
// wire holds a line break.
func FuzzOutgoing(f *testing.F) {
	for _, s := range []string{"/s", "/café/x y", "/a%2Fb/%zz", "/p?x=1&y", "/{{v}}/q", "/a#f", "/[x]|^`"} {
		f.Add(s, "hello world", "a+b/c=d&e%2F")
	}
	f.Add("/", "\r\nX: 1", "é#?&=")
	f.Fuzz(func(t *testing.T, path, v, secret string) {
		if strings.ContainsAny(path, " \t\r\n") || strings.Contains(path, "{{") && !strings.Contains(path, "{{v}}") {
			return
		}
		src := "GET http://api.test" + path + "?a={{v}}&b={{$env S}}\nX-V: {{v}}\nX-S: {{$env S}}"
		reqs, err := Parse([]byte(src), ParseOptions{File: "f.http", Vars: map[string]string{"v": v}})
		if err != nil {
			return
		}
		r := reqs[0]
		if again, err := encodeRuns(literalRuns(r.URL)); err != nil || again != r.URL {
			t.Fatalf("encoding %q again gives %q, %v", r.URL, again, err)
		}
		out, err := BuildOutgoing(r, "", "", func(string) (string, bool) { return secret, true })
		if err != nil {
			var perr *fileerr.Error
			if !errors.As(err, &perr) && !strings.Contains(err.Error(), "want an absolute") {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		for _, h := range out.Headers {
			if strings.ContainsAny(h.Value, "\r\n") {
				t.Fatalf("header %s: %q", h.Name, h.Value)
			}
		}
		hreq, err := out.HTTPRequest(context.Background())
		if err != nil {
			t.Fatalf("%q: %v", out.URL, err)
		}
		if hreq.URL.RequestURI() != out.Target {
			t.Fatalf("request target %q, want %q", hreq.URL.RequestURI(), out.Target)
		}
		_, query, _ := strings.Cut(out.Target, "?")
		if strings.Contains(path, "?") || strings.Contains(path, "#") {
			return // the author's own query comes first
		}
		q, err := url.ParseQuery(query)
		if err != nil {
			t.Fatalf("query %q: %v", query, err)
		}
		if got := q["b"]; len(got) != 1 || got[0] != secret {
			t.Fatalf("secret %q arrives as %q in %q", secret, got, query)
		}
		if got := q["a"]; !strings.Contains(v, "%") && (len(got) != 1 || got[0] != v) {
			t.Fatalf("value %q arrives as %q in %q", v, got, query)
		}
	})
}

// literalRuns splits u into literal runs and verbatim environment
// references.
func literalRuns(u string) []run {
	var runs []run
	for _, seg := range Segments(u) {
		if seg.Env != "" {
			runs = append(runs, run{text: EnvRef(seg.Env), kind: runVerbatim})
		} else {
			runs = append(runs, run{text: seg.Text, kind: runLiteral})
		}
	}
	return runs
}
