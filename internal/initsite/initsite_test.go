package initsite

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestWrite checks that Write makes a missing directory, writes every
// embedded file byte for byte, dot files included, and refuses to write
// into the same directory again.
func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "site")
	files, err := Write(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		if f.Kept {
			t.Errorf("%s kept in a new directory", f.Path)
		}
		want, err := embedded.ReadFile("site/" + f.Path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: wrote %d bytes (%v), want the embedded %d", f.Path, len(got), err, len(want))
		}
		seen[f.Path] = true
	}
	for _, p := range []string{".gitignore", ".github/workflows/pages.yml", "snapdoc.yaml", "content/guide/_index.md", "content/guide/img/how-it-works.svg", "snapshots/guide/caching.snap"} {
		if !seen[p] {
			t.Errorf("%s not written; wrote %v", p, files)
		}
	}
	var ne *NotEmptyError
	if _, err := Write(dir, false); !errors.As(err, &ne) || ne.Dir != dir {
		t.Errorf("second Write: %v, want a NotEmptyError naming %s", err, dir)
	}
}

// TestWriteForceKeeps checks that --force leaves a file that is there alone.
func TestWriteForceKeeps(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "snapdoc.yaml")
	if err := os.WriteFile(mine, []byte("title: Mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := Write(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Kept != (f.Path == "snapdoc.yaml") {
			t.Errorf("%s: kept %v", f.Path, f.Kept)
		}
	}
	if b, _ := os.ReadFile(mine); string(b) != "title: Mine\n" {
		t.Errorf("snapdoc.yaml was overwritten: %q", b)
	}
}

// TestWriteIntoAFile checks that a DIR that is a file is an error, not a panic or a site.
func TestWriteIntoAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, force := range []bool{false, true} {
		if _, err := Write(path, force); err == nil {
			t.Errorf("Write into a file (force %v) succeeded", force)
		}
	}
}
