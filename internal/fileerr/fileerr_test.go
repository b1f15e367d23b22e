package fileerr

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"testing"
)

func TestErrorFormats(t *testing.T) {
	for _, tc := range []struct {
		err  *Error
		want string
	}{
		{New(Pos{File: "content/a.md", Line: 3, Col: 7}, "parse", "bad %s", "header"), "content/a.md:3:7: bad header"},
		{New(Pos{File: "content/a.md", Line: 3}, "parse", "bad"), "content/a.md:3: bad"},
		{New(Pos{File: "snapdoc.yaml"}, "config", "bad"), "snapdoc.yaml: bad"},
		{New(Pos{File: "a.md", Col: 4}, "", "no line, no column"), "a.md: no line, no column"},
		{&Error{Err: errors.New("nowhere")}, "nowhere"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestWrapKeepsInnermostPosition(t *testing.T) {
	inner := New(Pos{File: "content/a.md", Line: 12, Col: 3}, "parse", "bad")
	outer := fmt.Errorf("lesson: %w", inner)
	got := Wrap(Pos{File: "content/a.md", Line: 1}, "render", outer)
	e, ok := As(got)
	if !ok || e != inner {
		t.Fatalf("As(Wrap(...)) = %v, %v; want the inner error", e, ok)
	}
	if Wrap(Pos{File: "x"}, "run", nil) != nil {
		t.Error("Wrap(nil) is not nil")
	}
	w := Wrap(Pos{File: "x", Line: 2}, "run", fs.ErrNotExist)
	if e, ok := As(w); !ok || e.Phase != "run" || e.Line != 2 || !errors.Is(w, fs.ErrNotExist) {
		t.Errorf("Wrap of a plain error = %#v", w)
	}
}

func TestLineCol(t *testing.T) {
	src := []byte("ab\ncde\n\nf")
	for _, tc := range []struct{ off, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 3}, {7, 3, 1}, {8, 4, 1}, {99, 4, 2}, {-1, 1, 1},
	} {
		if l, c := LineCol(src, tc.off); l != tc.line || c != tc.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", tc.off, l, c, tc.line, tc.col)
		}
	}
}

func TestLines(t *testing.T) {
	a := New(Pos{File: "a.md", Line: 1}, "", "one")
	b := New(Pos{File: "b.md", Line: 2}, "", "two")
	got := Lines(errors.Join(a, errors.Join(b, errors.New("three"))))
	want := []string{"a.md:1: one", "b.md:2: two", "three"}
	if !slices.Equal(got, want) {
		t.Errorf("Lines = %q, want %q", got, want)
	}
	if Lines(nil) != nil {
		t.Error("Lines(nil) is not nil")
	}
}
