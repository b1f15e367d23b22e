package generator

import (
	"context"
	"os"
	"path/filepath"
	"testing"

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
