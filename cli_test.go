package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProgressOnlyOnATerminal checks that progress goes nowhere when
// stderr is a pipe, a file or a buffer, as when a build runs in CI.
func TestProgressOnlyOnATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, stderr := range map[string]io.Writer{"pipe": w, "file": f, "buffer": new(bytes.Buffer)} {
		if got := (&env{stderr: stderr}).terminal(); got != nil {
			t.Errorf("stderr a %s: progress goes to %v, want nowhere", name, got)
		}
	}
	// A character device is a terminal's kind of file.
	tty, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	if got := (&env{stderr: tty}).terminal(); got != tty {
		t.Errorf("stderr a character device: progress goes to %v, want it", got)
	}
}

// TestHelpPrintsUsageOnce checks that every command's -h prints its usage
// once, to stdout, and exits 0.
func TestHelpPrintsUsageOnce(t *testing.T) {
	for name := range commands {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(t.Context(), []string{name, "-h"}, &stdout, &stderr); code != exitOK {
				t.Fatalf("snapdoc %s -h: exit %d, want 0; stderr: %s", name, code, stderr.String())
			}
			if n := strings.Count(stdout.String(), "Usage: snapdoc "+name); n != 1 {
				t.Errorf("snapdoc %s -h prints its usage %d times, want once:\n%s", name, n, stdout.String())
			}
		})
	}
}
