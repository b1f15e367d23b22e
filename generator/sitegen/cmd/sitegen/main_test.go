package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-n", "3", "-dir", dir, "-seed", "9"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "wrote 3 lessons to "+dir) {
		t.Errorf("stdout = %q", stdout.String())
	}
	for _, name := range []string{"snapdoc.yaml", "content/lesson-00001.md", "content/lesson-00003.md"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{
		{},                                // no -dir
		{"-dir", t.TempDir(), "-n", "-1"}, // negative count
		{"-dir", t.TempDir(), "extra"},    // stray argument
		{"-bogus"},                        // unknown flag
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Errorf("run(%q) = %d, want 2", args, code)
		}
		if stderr.Len() == 0 {
			t.Errorf("run(%q) printed no usage", args)
		}
	}
}
