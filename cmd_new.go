package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

var lessonName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func runNew(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "new", "[flags] NAME", "Scaffold a lesson at content/NAME.md. NAME is lowercase words joined by -.")
	source := fs.String("source", ".", "the site's root `dir`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"want exactly one NAME"}
	}
	name := strings.TrimSuffix(fs.Arg(0), ".md")
	if !lessonName.MatchString(name) {
		return usageError{fmt.Sprintf("name %q: use lowercase letters, digits and -", name)}
	}
	path := filepath.Join(*source, "content", name+".md")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s already exists", path)
	}
	if err != nil {
		return err
	}
	title := strings.ToUpper(name[:1]) + strings.ReplaceAll(name[1:], "-", " ")
	_, err = fmt.Fprintf(f, lessonTemplate, title, time.Now().Format(time.DateOnly))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Created %s\n", path)
	return nil
}

const lessonTemplate = "---\n" +
	"title: %s\n" +
	"description: One or two sentences on what the reader learns.\n" +
	"category: rest-api\n" +
	"language: python\n" +
	"tags: []\n" +
	"updated: %s\n" +
	"draft: true\n" +
	"---\n\n" +
	"## Code example\n\n" +
	"```http\n" +
	"# @name example\n" +
	"GET https://httpbin.org/get\n" +
	"Accept: application/json\n" +
	"```\n\n" +
	"## How it works\n\n" +
	"Explain the request and its response.\n"
