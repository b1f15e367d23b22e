package snippet

import (
	"errors"
	"flag"
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

var update = flag.Bool("update", false, "update golden files")

// goldenCases are the representative requests whose code is kept in
// testdata/golden, one txtar archive per request with a file per language.
var goldenCases = []string{"get-json", "head", "patch-json", "post-form", "post-multipart",
	"query-encoded", "query-raw", "headers-unusual", "secrets", "basic-secrets", "secret-in-json", "asserts",
	"cached-revalidated", "cached-hit"}

// cachedSteps are requests the runner's cache answered, as the sample
// lesson "HTTP Caching in Practice" records them.
func cachedSteps() []namedStep {
	get := func(path string) *httpfile.Request {
		return &httpfile.Request{Method: "GET", URL: "https://httpbin.org" + path, Headers: h("Accept", "application/json"),
			Asserts: asserts("status", "", "==", "200")}
	}
	return []namedStep{
		{"cached-revalidated", Step{get("/etag/lesson-v1"), &Cached{Outcome: "revalidated", From: "tagged", MaxAge: -1,
			Validators: h("If-None-Match", `"lesson-v1"`, "If-Modified-Since", "Mon, 07 Dec 2026 15:10:49 GMT")}}},
		{"cached-hit", Step{get("/cache/60"), &Cached{Outcome: "hit", From: "fresh", MaxAge: 60}}},
		{"cached-stale", Step{get("/cache/60"), &Cached{Outcome: "stale", MaxAge: 0}}},
	}
}

// namedStep is one cached step of the test corpus.
type namedStep struct {
	name string
	step Step
}

func TestRenderGolden(t *testing.T) {
	s := loadSet(t)
	byName := map[string]Step{}
	for _, c := range ownCorpus() {
		byName[c.name] = Step{Request: c.req}
	}
	for _, c := range cachedSteps() {
		byName[c.name] = c.step
	}
	for _, name := range goldenCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st, ok := byName[name]
			if !ok {
				t.Fatalf("no corpus request %q", name)
			}
			v, err := NewView(st.Request)
			if err != nil {
				t.Fatal(err)
			}
			v.Cached = st.Cached
			ar := &txtar.Archive{}
			for _, lang := range s.Languages() {
				code, err := s.RenderView(lang.ID, v)
				if err != nil {
					t.Fatalf("%s: %v", lang.ID, err)
				}
				ar.Files = append(ar.Files, txtar.File{Name: lang.ID, Data: []byte(code)})
			}
			path := filepath.Join("testdata", "golden", name+".txtar")
			got := txtar.Format(ar)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("code differs from %s (run go test -update and review the diff):\n%s", path, got)
			}
		})
	}
}

// TestGoCodeIsFormatted checks that the Go code is valid and as gofmt
// writes it. Render does not format Go code, so this is the guard for the
// built-in template: besides the corpus, it covers secrets in the places
// where gofmt spaces + differently (the Host assignment, a header value, a
// body alone).
func TestGoCodeIsFormatted(t *testing.T) {
	s := loadSet(t)
	shapes := []namedRequest{
		{"secret-in-host", &httpfile.Request{Method: "GET", URL: "https://x.test/{{$env A}}",
			Headers: h("Host", "{{$env H}}.x.test", "X-Two", "{{$env A}}{{$env B}}")}},
		{"secret-body-only", &httpfile.Request{Method: "post", URL: "https://x.test/", Body: "{{$env A}}"}},
		{"secret-text-lines", &httpfile.Request{Method: "PUT", URL: "https://x.test/", Body: "a\n{{$env A}}\nb\n"}},
	}
	for _, c := range append(append(ownCorpus(), harCorpus(t)...), shapes...) {
		code, err := s.Render("go", c.req)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		formatted, err := format.Source([]byte(code))
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.name, err, code)
		}
		if string(formatted) != code {
			t.Errorf("%s: Go code is not gofmt'd:\n%s", c.name, code)
		}
	}
	for _, c := range cachedSteps() {
		v, err := NewView(c.step.Request)
		if err != nil {
			t.Fatal(err)
		}
		v.Cached = c.step.Cached
		code, err := s.RenderView("go", v)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if formatted, err := format.Source([]byte(code)); err != nil || string(formatted) != code {
			t.Errorf("%s: Go code is not gofmt'd (%v):\n%s", c.name, err, code)
		}
	}
}

func TestLoad(t *testing.T) {
	site := fstest.MapFS{
		"snippets/python.tmpl": {Data: []byte("print({{python .URL}})\n")},
		"snippets/ruby.tmpl":   {Data: []byte("puts {{.Method}}\n")},
		"snippets/curl.tmpl":   {Data: []byte("curl {{shell .URL}}\n")},
		"snippets/README.md":   {Data: []byte("not a template")},
	}
	s, err := Load(site)
	if err != nil {
		t.Fatal(err)
	}
	var ids, labels []string
	for _, l := range s.Languages() {
		ids = append(ids, l.ID)
		labels = append(labels, l.Label+"/"+l.Lexer)
	}
	if got, want := strings.Join(ids, ","), "python,curl,ruby"; got != want {
		t.Errorf("languages %s, want %s", got, want)
	}
	if got, want := strings.Join(labels, ","), "Python/python,curl/bash,ruby/ruby"; got != want {
		t.Errorf("labels %s, want %s", got, want)
	}
	r := &httpfile.Request{Method: "GET", URL: "https://x.test/a b?k={{$env KEY}}"}
	code, err := s.Render("python", r)
	if err != nil {
		t.Fatal(err)
	}
	if want := "print(\"https://x.test/a%20b?k=\" + os.environ[\"KEY\"])\n"; code != want {
		t.Errorf("python: %q, want %q", code, want)
	}
	if _, err := s.Render("cobol", r); !errors.Is(err, ErrUnknownLanguage) {
		t.Errorf("unknown language: err %v, want ErrUnknownLanguage", err)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := map[string]struct {
		fsys fstest.MapFS
		want string
	}{
		"none":   {fstest.MapFS{"page.html": {Data: []byte("x")}}, "no templates"},
		"syntax": {fstest.MapFS{"snippets/go.tmpl": {Data: []byte("{{if}}")}}, "templates/snippets/go.tmpl"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(tc.fsys)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	s := loadSet(t)
	tests := map[string]struct {
		req  httpfile.Request
		want error
		text string
	}{
		"relative URL": {httpfile.Request{Method: "GET", URL: "/users"}, nil, "not absolute"},
		"body file":    {httpfile.Request{Method: "POST", URL: "https://x.test/", BodyFile: "./a.json"}, ErrBodyFile, "./a.json"},
		"binary body":  {httpfile.Request{Method: "POST", URL: "https://x.test/", Body: "\xff\xfe"}, nil, "not UTF-8"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := s.Render("python", &tc.req)
			if err == nil || !strings.Contains(err.Error(), tc.text) || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err %v, want one containing %q", err, tc.text)
			}
		})
	}
}
