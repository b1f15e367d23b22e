package generator

import (
	"os"
	"path/filepath"
	"testing"
)

// TestStateDirIgnoresItself checks that the state directory gets a
// .gitignore that ignores all of it, and that one the author wrote stays.
func TestStateDirIgnoresItself(t *testing.T) {
	root := t.TempDir()
	ignore := filepath.Join(root, StateDir, ".gitignore")
	for range 2 { // the second call finds the file there
		if err := stateDir(root); err != nil {
			t.Fatal(err)
		}
		if data, err := os.ReadFile(ignore); err != nil || string(data) != stateIgnore {
			t.Fatalf(".gitignore %q, %v; want %q", data, err, stateIgnore)
		}
	}
	mine := "lessons.gob\n"
	if err := os.WriteFile(ignore, []byte(mine), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := stateDir(root); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(ignore); string(data) != mine {
		t.Errorf("stateDir replaced the author's .gitignore with %q", data)
	}
}
