package snippet

import (
	"context"
	"errors"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/templates"
)

// loadSet loads the default theme's snippet templates.
func loadSet(t testing.TB) *Set {
	t.Helper()
	s, err := Load(templates.FS)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestVerifyCorpus runs every language's code for every request of the
// corpus against the echo server. A language that cannot express a
// request is skipped with the reason; a missing interpreter skips its
// language, except under CI=true where it fails. SNIPPET_LANGS=go,java
// limits the run to some languages. Each language verifies the whole
// corpus in one VerifyAll, so Go and Java are built once.
func TestVerifyCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real interpreters")
	}
	s := loadSet(t)
	corpus := append(ownCorpus(), harCorpus(t)...)
	filter := os.Getenv("SNIPPET_LANGS")
	reqs := make([]*httpfile.Request, len(corpus))
	for i, c := range corpus {
		reqs[i] = c.req
	}
	var mu sync.Mutex
	passed := map[string]int{}
	var skipped []string
	t.Run("corpus", func(t *testing.T) {
		for _, lang := range s.Languages() {
			if filter != "" && !strings.Contains(","+filter+",", ","+lang.ID+",") {
				continue
			}
			t.Run(lang.ID, func(t *testing.T) {
				t.Parallel()
				errs := s.VerifyAll(context.Background(), lang.ID, reqs, VerifyOptions{})
				for i, c := range corpus {
					t.Run(c.name, func(t *testing.T) {
						err := errs[i]
						switch {
						case errors.Is(err, ErrCannotExpress):
							mu.Lock()
							skipped = append(skipped, c.name+": "+err.Error())
							mu.Unlock()
							t.Skip(err)
						case errors.Is(err, ErrNoInterpreter) && os.Getenv("CI") != "true":
							t.Skipf("%v (set CI=true to make this a failure)", err)
						case err != nil:
							t.Fatal(err)
						}
						mu.Lock()
						passed[lang.ID]++
						mu.Unlock()
					})
				}
			})
		}
	})
	sort.Strings(skipped)
	t.Logf("corpus: %d requests (%d own, %d httpsnippet)", len(corpus), len(ownCorpus()), len(corpus)-len(ownCorpus()))
	for _, lang := range s.Languages() {
		t.Logf("%-10s passed %d", lang.ID, passed[lang.ID])
	}
	for _, sk := range skipped {
		t.Logf("cannot express: %s", sk)
	}
}

// TestProgramsFailOnErrorStatus sends a body the echo server rejects with
// 400: every program but curl must fail rather than print as if it worked.
func TestProgramsFailOnErrorStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real interpreters")
	}
	s := loadSet(t)
	r := &httpfile.Request{Method: "POST", URL: "https://api.test/orders",
		Headers: h("Content-Type", "application/json"), Body: "{not json"}
	for _, lang := range s.Languages() {
		t.Run(lang.ID, func(t *testing.T) {
			t.Parallel()
			err := s.Verify(context.Background(), lang.ID, r, VerifyOptions{})
			if errors.Is(err, ErrNoInterpreter) && os.Getenv("CI") != "true" {
				t.Skip(err)
			}
			if lang.ID == "curl" {
				if err != nil {
					t.Errorf("curl prints the error body and exits 0, so verification passes; got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "400") {
				t.Errorf("err %v, want the program to fail, naming the 400", err)
			}
		})
	}
}
