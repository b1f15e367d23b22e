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
	"unicode"
)

var lessonName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func runNew(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "new", "[flags] NAME|TITLE", "Scaffold a lesson at content/NAME.md. NAME is lowercase words joined by -;\na TITLE such as \"Retry with Backoff\" makes the NAME retry-with-backoff.")
	source := fs.String("source", ".", "the site's root `dir`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"want exactly one NAME or TITLE"}
	}
	name := strings.TrimSuffix(fs.Arg(0), ".md")
	var title string
	if !lessonName.MatchString(name) {
		title, name = strings.TrimSpace(fs.Arg(0)), nameOf(fs.Arg(0))
		if name == "" {
			return usageError{fmt.Sprintf("name %q: use lowercase letters, digits and -, or a title in ASCII letters and digits", fs.Arg(0))}
		}
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
	if title == "" {
		title = strings.ToUpper(name[:1]) + strings.ReplaceAll(name[1:], "-", " ")
	}
	_, err = fmt.Fprintf(f, lessonTemplate, title, time.Now().Format(time.DateOnly))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Created %s, a draft: snapdoc serve --drafts shows it, and draft: false publishes it.\n", path)
	return nil
}

// nameOf makes a lesson name of a title: its words in lower case, joined
// by -. It returns "" for a title with a letter beyond ASCII, which the
// name could not keep, or with no letter or digit at all.
func nameOf(title string) string {
	words := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	})
	for _, r := range title {
		if unicode.IsLetter(r) && r > unicode.MaxASCII {
			return ""
		}
	}
	return strings.Join(words, "-")
}

const lessonTemplate = "---\n" +
	"title: %q\n" +
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
