package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteReplaces checks that Write creates the directory, replaces an
// existing file, gives it mode 0644 and leaves no temporary file behind.
func TestWriteReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "f.txt")
	for _, want := range []string{"first", "second"} {
		if err := Write(path, []byte(want)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != want {
			t.Fatalf("read %q, %v; want %q", got, err, want)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v; want 0644", fi.Mode().Perm(), err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("the directory holds %d files, want the file alone", len(entries))
	}
}

// TestWriteFailureKeepsOld checks that a write that cannot be renamed into
// place leaves the old content and no temporary file.
func TestWriteFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d")
	if err := os.Mkdir(path, 0o755); err != nil { // a directory: the rename fails
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(path, "kept"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("new")); err == nil {
		t.Fatal("replacing a non-empty directory succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d entries beside the target, want none but it", len(entries))
	}
	if got, err := os.ReadFile(filepath.Join(path, "kept")); err != nil || string(got) != "x" {
		t.Errorf("old content %q, %v", got, err)
	}
}
