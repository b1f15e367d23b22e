package runner

import (
	"errors"
	"strings"
	"testing"
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
		within := func(what string, p Position) {
			line, col := p.Line-opts.LineOffset, p.Col-opts.ColumnOffset
			if p.File != opts.File || line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1])+1 {
				t.Fatalf("%s position %v is outside the input (%d lines)", what, p, len(lines))
			}
		}
		if err != nil {
			var perr *ParseError
			if !errors.As(err, &perr) {
				t.Fatalf("error %T, want *ParseError", err)
			}
			within("error", perr.Pos)
			return
		}
		for i, r := range reqs {
			within("request", r.Pos)
			if r.Pos != again[i].Pos {
				t.Fatalf("request %d at %v, then at %v", i, r.Pos, again[i].Pos)
			}
			if !methods[r.Method] || r.URL == "" {
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
