package generator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/internal/initsite"
	"github.com/snapdoc/snapdoc/internal/linkcheck"
	"github.com/snapdoc/snapdoc/templates"
)

// oddNamesSite builds, for the base URL base, a site whose lessons, tags
// and categories have names that are not URL-safe as they are: "#", "+",
// spaces, "?", "%", non-Latin letters, names that differ only by case or
// by symbols (C, C++, C#), and lists long enough to be paged.
func oddNamesSite(t *testing.T, base string) string {
	t.Helper()
	src := t.TempDir()
	files := map[string]string{"snapdoc.yaml": "title: Odd names\nbase_url: " + base + "\npaginate: 2\n"}
	names := []string{"c#-basics", "my lesson", "C++ intro", "кэш", "guide/Über café", "what's new?", "100%", "日本語/入門", "a+b", "x&y"}
	tags := []string{"C", "C++", "C#", "кэширование", "日本語", "Q&A", "a b"}
	for i, name := range names {
		files["content/"+name+".md"] = fmt.Sprintf("---\ntitle: %s\ncategory: %s\ntags: [%q, %q]\nupdated: 2025-01-%02d\n---\n\nSee [the home page](https://example.org/).\n\n## A heading\n\nText.\n",
			name, []string{"Languages & Tools", "Кэш", "Systems"}[i%3], tags[i%len(tags)], tags[(i+3)%len(tags)], i+1)
	}
	writeSite(t, src, files)
	dest := filepath.Join(src, "public")
	if _, err := generator.Build(context.Background(), generator.Options{Source: src, Theme: templates.FS}); err != nil {
		t.Fatal(err)
	}
	return dest
}

// TestLinksResolve is the link checker: every internal href and src of
// every page of the sample site, of a site with every kind of block, and
// of a site of odd names, each built for a base URL with a path and
// without, names a file of the built site, and so does every URL of the
// search index.
func TestLinksResolve(t *testing.T) {
	t.Parallel()
	sample := func(base string) func(t *testing.T) string {
		return func(t *testing.T) string {
			dest := filepath.Join(t.TempDir(), "public")
			if _, err := generator.Build(context.Background(), generator.Options{
				Source: "..", Dest: dest, Theme: templates.FS, Run: generator.RunReplay, BaseURL: base,
			}); err != nil {
				t.Fatal(err)
			}
			return dest
		}
	}
	// The site snapdoc init writes, whose lessons link to each other as
	// .md files, and show an image beside them.
	initSite := func(base string) func(t *testing.T) string {
		return func(t *testing.T) string {
			src := t.TempDir()
			if _, err := initsite.Write(src, false); err != nil {
				t.Fatal(err)
			}
			dest := filepath.Join(src, "public")
			if _, err := generator.Build(context.Background(), generator.Options{
				Source: src, Theme: templates.FS, Run: generator.RunReplay, BaseURL: base,
			}); err != nil {
				t.Fatal(err)
			}
			return dest
		}
	}
	odd := func(base string) func(t *testing.T) string {
		return func(t *testing.T) string { return oddNamesSite(t, base) }
	}
	for name, c := range map[string]struct {
		base  string
		build func(t *testing.T) string
	}{
		"sample":              {"/", sample("")},
		"sample under a path": {"https://docs.example.org/api/v1/", sample("https://docs.example.org/api/v1/")},
		"init":                {"/", initSite("")},
		"init under a path":   {"https://docs.example.org/api/", initSite("https://docs.example.org/api/")},
		"every kind":          {"https://docs.example.org/guide/", everyKindSite},
		"odd names":           {"/", odd("/")},
		"odd names on a path": {"https://docs.example.org/api/", odd("https://docs.example.org/api/")},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dest := c.build(t)
			broken, err := linkcheck.Check(dest, c.base)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range broken {
				t.Errorf("broken link: %s", b)
			}
			checkSearchURLs(t, dest, c.base)
		})
	}
}

// checkSearchURLs checks that the URL of every page of the search index of
// the site in dest, built for base, names a page of it.
func checkSearchURLs(t *testing.T, dest, base string) {
	t.Helper()
	b, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := filepath.Glob(filepath.Join(dest, "search", "p", "*.json"))
	if err != nil || len(docs) == 0 {
		t.Fatalf("no search index pages in %s (%v)", dest, err)
	}
	for _, doc := range docs {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			URL string `json:"url"`
		}
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		u, err := url.Parse(d.URL)
		if err != nil || !strings.HasPrefix(u.Path, b.Path) {
			t.Errorf("%s: url %q is not under %s (%v)", doc, d.URL, b.Path, err)
			continue
		}
		file := filepath.Join(dest, filepath.FromSlash(strings.TrimPrefix(u.Path, b.Path)), "index.html")
		if _, err := os.Stat(file); err != nil {
			t.Errorf("%s: url %q names no page: %v", doc, d.URL, err)
		}
	}
}
