package snippet

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/templates"
)

// TestBatchBuildBlamesOneProgram builds a batch in which one program does
// not compile: only that request fails, with its compiler message.
func TestBatchBuildBlamesOneProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("runs compilers")
	}
	broken := map[string]struct{ addition, message string }{
		"go":   {"{{if eq .Method \"DELETE\"}}\nvar _ int = \"not an int\"\n{{end}}", "cannot use"},
		"java": {"{{if eq .Method \"DELETE\"}}\nclass Broken { int x = \"not an int\"; }\n{{end}}", "incompatible types"},
	}
	reqs := []*httpfile.Request{
		{Method: "GET", URL: "https://api.test/a"},
		{Method: "DELETE", URL: "https://api.test/b"},
		{Method: "POST", URL: "https://api.test/c", Body: "x"},
	}
	for lang, tc := range broken {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			src, err := fs.ReadFile(templates.FS, "snippets/"+lang+".tmpl")
			if err != nil {
				t.Fatal(err)
			}
			s, err := Load(fstest.MapFS{"snippets/" + lang + ".tmpl": {Data: append(src, tc.addition...)}})
			if err != nil {
				t.Fatal(err)
			}
			errs := s.VerifyAll(context.Background(), lang, reqs, VerifyOptions{})
			if errors.Is(errs[0], ErrNoInterpreter) && os.Getenv("CI") != "true" {
				t.Skip(errs[0])
			}
			if errs[0] != nil || errs[2] != nil {
				t.Errorf("the programs that compile: %v; %v", errs[0], errs[2])
			}
			if errs[1] == nil || !strings.Contains(errs[1].Error(), tc.message) || !strings.Contains(errs[1].Error(), "p1") {
				t.Errorf("the broken program: %v, want its compiler message (%q)", errs[1], tc.message)
			}
		})
	}
}
