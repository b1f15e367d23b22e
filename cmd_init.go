package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/snapdoc/snapdoc/internal/initsite"
)

func runInit(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "init", "[flags] [DIR]", "Write a new site into DIR (default: the current directory): a snapdoc.yaml, a section\nof two lessons with an image and their snapshots, a .gitignore and a GitHub Pages\nworkflow. It builds offline at once. DIR must be empty or not exist, unless --force.")
	force := fs.Bool("force", false, "write into a non-empty DIR, keeping the files already there")
	// Flags may come after DIR too, as in snapdoc init mysite --force.
	var dirs []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		dirs, args = append(dirs, fs.Arg(0)), fs.Args()[1:]
	}
	if len(dirs) > 1 {
		return usageError{fmt.Sprintf("want one DIR, not %d: %q", len(dirs), dirs)}
	}
	dir := "."
	if len(dirs) == 1 {
		dir = dirs[0]
	}
	files, err := initsite.Write(dir, *force)
	if ne := (*initsite.NotEmptyError)(nil); errors.As(err, &ne) {
		return fmt.Errorf("%s is not empty: init a site in a new or empty directory, or add --force to write into it (files already there are kept)", displayDir(dir))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Wrote a new site into %s:\n", displayDir(dir))
	for _, f := range files {
		if f.Kept {
			fmt.Fprintf(e.stdout, "  %s (kept: it was there already)\n", f.Path)
		} else {
			fmt.Fprintf(e.stdout, "  %s\n", f.Path)
		}
	}
	next := "snapdoc serve"
	if filepath.Clean(dir) != "." {
		next = "cd " + shellQuote(dir) + " && " + next
	}
	fmt.Fprintf(e.stdout, "Next: %s, and open the address it prints.\n", next)
	return nil
}

// displayDir names a directory for a message: "." as the current directory.
func displayDir(dir string) string {
	if filepath.Clean(dir) == "." {
		return "the current directory"
	}
	return shellQuote(dir)
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./+-]+$`)

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
