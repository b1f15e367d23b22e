package generator

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/snapdoc/snapdoc/templates"
)

// TestCardsOfReplacedLessonsAreForgotten checks that a long preview
// session keeps no card of a lesson that an edit replaced.
func TestCardsOfReplacedLessonsAreForgotten(t *testing.T) {
	src := t.TempDir()
	file := filepath.Join(src, "content", "a.md")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(title string) {
		t.Helper()
		if err := os.WriteFile(file, []byte("---\ntitle: "+title+"\ncategory: c\n---\nText.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("A")
	s := NewSession(Options{Source: src, Theme: templates.FS})
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Update(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"B", "C", "D"} {
		write(title)
		if _, err := s.Update(ctx, []string{"content/a.md"}); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	s.theme.cards.Range(func(_, _ any) bool { n++; return true })
	if n != 1 {
		t.Errorf("the theme keeps %d cards for a site of one lesson", n)
	}
}

// TestOnce checks that once renders a template again exactly when its data
// is another pointer, and every time for data that is not one.
func TestOnce(t *testing.T) {
	site := fstest.MapFS{"partials/n.html": {Data: []byte(`{{define "n"}}{{.N}}{{end}}`)}}
	cfg := DefaultConfig()
	th, err := LoadTheme(templates.FS, site, cfg.funcs())
	if err != nil {
		t.Fatal(err)
	}
	once := func(data any) string {
		t.Helper()
		h, err := th.once("n", data)
		if err != nil {
			t.Fatal(err)
		}
		return string(h)
	}
	type n struct{ N int }
	a := &n{1}
	if got := once(a); got != "1" {
		t.Fatalf("once = %q, want 1", got)
	}
	a.N = 2 // the same value to once: not rendered again
	if got := once(a); got != "1" {
		t.Errorf("once of the same data = %q, want the first rendering, 1", got)
	}
	if got := once(&n{3}); got != "3" {
		t.Errorf("once of other data = %q, want 3", got)
	}
	m := map[string]int{"N": 4}
	if got := once(m); got != "4" {
		t.Errorf("once of a map = %q, want 4", got)
	}
	m["N"] = 5
	if got := once(m); got != "5" {
		t.Errorf("once of a map = %q, want 5, rendered again", got)
	}
	if got := once(n{6}); got != "6" {
		t.Fatalf("once of a struct = %q, want 6", got)
	}
	if got := once(n{7}); got != "7" {
		t.Errorf("once of a struct = %q, want 7, rendered again", got)
	}
}
