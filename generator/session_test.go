package generator_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/runner/service"
	"github.com/snapdoc/snapdoc/templates"
)

func writeSite(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// builtSession is a session of a site of files in a new directory, src,
// after its first build.
func builtSession(t *testing.T, files map[string]string) (s *generator.Session, src string) {
	t.Helper()
	src = t.TempDir()
	writeSite(t, src, files)
	s = generator.NewSession(generator.Options{Source: src, Theme: templates.FS})
	t.Cleanup(func() { s.Close() })
	if _, err := s.Update(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return s, src
}

func lesson(title, tags, body string) string {
	return "---\ntitle: " + title + "\ncategory: guides\ntags: [" + tags + "]\nupdated: 2025-01-01\n---\n\n" + body + "\n"
}

// TestSessionRendersOnlyWhatAChangeAffects checks which pages an
// incremental rebuild renders for each kind of change.
func TestSessionRendersOnlyWhatAChangeAffects(t *testing.T) {
	src := t.TempDir()
	writeSite(t, src, map[string]string{
		"content/a.md": lesson("A", "x", "Alpha."),
		"content/b.md": lesson("B", "x", "Beta."),
		"content/c.md": lesson("C", "y", "Gamma."),
		// An absolute base URL, without which there is no feed or sitemap.
		"snapdoc.yaml": "base_url: https://docs.example.org/\n",
	})
	s := generator.NewSession(generator.Options{Source: src, Theme: templates.FS})
	defer s.Close()
	ctx := context.Background()
	first, err := s.Update(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(first.Rendered, "static/style.css") || len(first.Rendered) != len(first.Files) {
		t.Fatalf("the first update rendered %d of %d files", len(first.Rendered), len(first.Files))
	}
	for _, tc := range []struct {
		name     string
		files    map[string]string
		remove   string
		changed  []string
		rendered []string
	}{{
		name:     "body edit renders the lesson only",
		files:    map[string]string{"content/a.md": lesson("A", "x", "Alpha, edited.")},
		changed:  []string{"content/a.md"},
		rendered: []string{"a/index.html", "search/"}, // the index holds the body
	}, {
		name:     "title edit renders the pages that list it",
		files:    map[string]string{"content/a.md": lesson("A2", "x", "Alpha, edited.")},
		changed:  []string{"content/a.md"},
		rendered: []string{"a/index.html", "b/index.html", "categories/guides/index.html", "feed.xml", "index.html", "search/", "sitemap.xml", "tags/x/index.html"},
	}, {
		name:     "a new lesson",
		files:    map[string]string{"content/d.md": lesson("D", "y", "Delta.")},
		changed:  []string{"content/d.md"},
		rendered: []string{"c/index.html", "categories/guides/index.html", "d/index.html", "feed.xml", "index.html", "search/", "sitemap.xml", "tags/y/index.html"},
	}, {
		name:     "a removed lesson",
		remove:   "content/d.md",
		changed:  []string{"content/d.md"},
		rendered: []string{"c/index.html", "categories/guides/index.html", "feed.xml", "index.html", "search/", "sitemap.xml", "tags/y/index.html"},
	}, {
		name:     "a title edit renders the lessons before and after it, which link to it",
		files:    map[string]string{"content/c.md": lesson("C2", "y", "Gamma.")},
		changed:  []string{"content/c.md"},
		rendered: []string{"b/index.html", "c/index.html", "categories/guides/index.html", "feed.xml", "index.html", "search/", "sitemap.xml", "tags/y/index.html"},
	}, {
		name:     "a theme change renders everything",
		files:    map[string]string{"templates/partials/footer.html": `{{define "footer"}}<footer>custom footer</footer>{{end}}`},
		changed:  []string{"templates/partials/footer.html"},
		rendered: collapseSearch(first.Rendered),
	}} {
		t.Run(tc.name, func(t *testing.T) {
			writeSite(t, src, tc.files)
			if tc.remove != "" {
				if err := os.Remove(filepath.Join(src, tc.remove)); err != nil {
					t.Fatal(err)
				}
			}
			u, err := s.Update(ctx, tc.changed)
			if err != nil {
				t.Fatal(err)
			}
			if got := collapseSearch(u.Rendered); !slices.Equal(got, tc.rendered) {
				t.Errorf("rendered %v\nwant     %v", got, tc.rendered)
			}
			// The incremental result equals a full build of the same site.
			full := generator.NewSession(generator.Options{Source: src, Theme: templates.FS})
			defer full.Close()
			want, err := full.Update(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Files) != len(u.Files) {
				t.Errorf("%d files, a full build has %d", len(u.Files), len(want.Files))
			}
			for name, data := range want.Files {
				if string(u.Files[name]) != string(data) {
					t.Errorf("%s differs from a full build", name)
				}
			}
		})
	}
	// A broken lesson is an error; fixing it recovers.
	writeSite(t, src, map[string]string{"content/a.md": "---\ntitle: [\n---\n"})
	if _, err := s.Update(ctx, []string{"content/a.md"}); err == nil || !strings.HasPrefix(err.Error(), "content/a.md:") {
		t.Errorf("broken front matter: %v", err)
	}
	writeSite(t, src, map[string]string{"content/a.md": lesson("A", "x", "Fixed.")})
	u, err := s.Update(ctx, []string{"content/a.md"})
	if err != nil || !strings.Contains(string(u.Files["a/index.html"]), "Fixed.") {
		t.Errorf("after the fix: %v", err)
	}
}

// TestSessionShowsNewCards checks that pages listing a retitled lesson
// show its new card, though cards are rendered once per lesson.
func TestSessionShowsNewCards(t *testing.T) {
	s, src := builtSession(t, map[string]string{
		"content/a.md": lesson("Alpha", "x", "Alpha."),
		"content/b.md": lesson("Beta", "x", "Beta."),
	})
	writeSite(t, src, map[string]string{"content/a.md": lesson("Alpha renamed", "x", "Alpha.")})
	u, err := s.Update(context.Background(), []string{"content/a.md"})
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"index.html", "tags/x/index.html", "categories/guides/index.html", "b/index.html"} {
		html := string(u.Files[page])
		if !strings.Contains(html, "Alpha renamed</a></h3>") || strings.Contains(html, ">Alpha</a></h3>") {
			t.Errorf("%s does not show the lesson's new card", page)
		}
	}
}

// TestSessionShowsNewCategoriesInEveryHeader checks that the header, which
// the theme renders once per build, lists a category an edit added on
// every page, those the edit did not otherwise change too.
func TestSessionShowsNewCategoriesInEveryHeader(t *testing.T) {
	s, src := builtSession(t, map[string]string{
		"content/a.md": lesson("Alpha", "x", "Alpha."),
		"content/b.md": lesson("Beta", "x", "Beta."),
		"content/c.md": lesson("Gamma", "y", "Gamma."),
	})
	writeSite(t, src, map[string]string{"content/b.md": strings.Replace(lesson("Beta", "x", "Beta."), "category: guides", "category: recipes", 1)})
	u, err := s.Update(context.Background(), []string{"content/b.md"})
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"index.html", "a/index.html", "b/index.html", "c/index.html", "tags/x/index.html", "tags/y/index.html", "404.html"} {
		html := string(u.Files[page])
		if !strings.Contains(html, `<li><a href="/categories/recipes/">recipes</a></li>`) {
			t.Errorf("the header of %s does not list the new category:\n%s", page, html)
		}
	}
}

// TestSessionKeepsStandingWarnings checks that an update's standing
// warnings keep those of the lessons it did not run again, and drop those
// of lessons edited or removed.
func TestSessionKeepsStandingWarnings(t *testing.T) {
	guid := "```http norun\nGET https://api.test/{{$guid}}\n```"
	s, src := builtSession(t, map[string]string{
		"content/a.md": lesson("Alpha", "x", guid),
		"content/b.md": lesson("Beta", "x", guid),
	})
	ctx := context.Background()
	messages := func(ws []error) string {
		var b strings.Builder
		for _, w := range ws {
			b.WriteString(w.Error() + "\n")
		}
		return b.String()
	}
	step := func(name string, changed []string, wantNew, wantStanding []string) {
		t.Helper()
		u, err := s.Update(ctx, changed)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, w := range u.Warnings {
			got = append(got, strings.SplitN(w.Error(), ":", 2)[0])
		}
		if !slices.Equal(got, wantNew) {
			t.Errorf("%s: warnings of %q, want %q:\n%s", name, got, wantNew, messages(u.Warnings))
		}
		got = nil
		for _, w := range u.Standing {
			got = append(got, strings.SplitN(w.Error(), ":", 2)[0])
		}
		if !slices.Equal(got, wantStanding) {
			t.Errorf("%s: standing warnings of %q, want %q:\n%s", name, got, wantStanding, messages(u.Standing))
		}
	}
	writeSite(t, src, map[string]string{"content/b.md": lesson("Beta", "x", "No block now.")})
	step("b fixed", []string{"content/b.md"}, nil, []string{"content/a.md"})
	writeSite(t, src, map[string]string{"content/c.md": lesson("Gamma", "y", guid)})
	step("c added", []string{"content/c.md"}, []string{"content/c.md"}, []string{"content/a.md", "content/c.md"})
	if err := os.Remove(filepath.Join(src, "content/a.md")); err != nil {
		t.Fatal(err)
	}
	step("a removed", []string{"content/a.md"}, nil, []string{"content/c.md"})
	step("everything", nil, []string{"content/c.md"}, []string{"content/c.md"})
}

// TestSessionRejectsUnknownLanguages checks that an edit naming a code
// language no template makes fails the update, as a full build would.
func TestSessionRejectsUnknownLanguages(t *testing.T) {
	s, src := builtSession(t, map[string]string{"content/a.md": lesson("Alpha", "x", "Alpha.")})
	writeSite(t, src, map[string]string{"content/a.md": "---\ntitle: Alpha\nlanguages: [pyhton]\n---\n\nAlpha.\n"})
	_, err := s.Update(context.Background(), []string{"content/a.md"})
	if err == nil || !strings.HasPrefix(err.Error(), `content/a.md:3:1: front matter: languages: no template in templates/snippets/ makes code in "pyhton"`) {
		t.Fatalf("error %v, want one for the unknown language at content/a.md:3:1", err)
	}
}

// TestBodyFiles checks what a page makes of a block's body file: binary
// content is a note for readers, since no code can hold it in a string,
// but a missing file is the author's error, at the line that names it.
func TestBodyFiles(t *testing.T) {
	block := func(file string) string {
		return "```http norun\nPOST https://api.test/x\nContent-Type: application/octet-stream\n\n< ./" + file + "\n```"
	}
	src := t.TempDir()
	writeSite(t, src, map[string]string{
		"content/a.md":     lesson("Alpha", "x", block("blob.bin")),
		"content/blob.bin": "\xff\xfe",
	})
	s := generator.NewSession(generator.Options{Source: src, Theme: templates.FS})
	defer s.Close()
	u, err := s.Update(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if page := string(u.Files["a/index.html"]); !strings.Contains(page, "Not shown: body file ./blob.bin is not UTF-8 text.") {
		t.Errorf("the page does not say why the code is not shown:\n%s", page)
	}

	writeSite(t, src, map[string]string{"content/a.md": lesson("Alpha", "x", block("missing.json"))})
	_, err = s.Update(context.Background(), []string{"content/a.md"})
	if err == nil || !strings.HasPrefix(err.Error(), "content/a.md:12:3: body file: open missing.json: ") {
		t.Fatalf("error %v, want the missing body file at content/a.md:12:3, where its name is written", err)
	}
}

// TestRunBlockShowsFailedChecks runs a block whose assertion fails from
// the preview: the output says which check failed and what came back,
// and even with record set no snapshot is written.
func TestRunBlockShowsFailedChecks(t *testing.T) {
	s, src := builtSession(t, map[string]string{
		"snapdoc.yaml": "runner:\n  hosts:\n    httpbin.org: embedded\n",
		"content/a.md": lesson("A", "x", "```http id=tea\nGET https://httpbin.org/status/418\n\n?? status == 200\n?? status isNumber\n```"),
	})
	snap := filepath.Join(src, "snapshots", "a.snap")
	if _, err := os.Stat(snap); !os.IsNotExist(err) {
		t.Fatalf("the build recorded a failed run: %v", err)
	}
	html, err := s.RunBlock(context.Background(), service.BlockRef{File: "content/a.md", Block: "tea"}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<span class="check-outcome">✗ failed</span> <code>status == 200</code> <span class="check-got">got 418</span>`,
		`<span class="check-outcome">✓ passed</span> <code>status isNumber</code>`,
		`Not recorded yet: running it failed (assertion failed: status == 200 (got 418)).`,
	} {
		if !strings.Contains(string(html), want) {
			t.Errorf("output lacks %q:\n%s", want, html)
		}
	}
	if _, err := os.Stat(snap); !os.IsNotExist(err) {
		t.Errorf("a failed run was recorded: %v", err)
	}
}

// collapseSearch returns the sorted names with the search index's files,
// which depend on the content's every word, as one name, "search/".
func collapseSearch(names []string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, "search/") {
			n = "search/"
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// TestSessionReloadsIncludedCode checks that editing a file a lesson's
// fence includes (<<< ./examples/app.py) shows the new code in the
// preview, the lesson itself unchanged.
func TestSessionReloadsIncludedCode(t *testing.T) {
	src := t.TempDir()
	writeSite(t, src, map[string]string{
		"content/a.md":            lesson("A", "x", "```python title=\"app.py\"\n<<< ./examples/app.py\n```"),
		"content/examples/app.py": "print('first')\n",
	})
	s := generator.NewSession(generator.Options{Source: src, Theme: templates.FS})
	defer s.Close()
	ctx := context.Background()
	u, err := s.Update(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if page := string(u.Files["a/index.html"]); !strings.Contains(page, "first") || !strings.Contains(page, `<span class="code-title">app.py</span>`) {
		t.Fatalf("the page does not show the included code:\n%s", page)
	}
	writeSite(t, src, map[string]string{"content/examples/app.py": "print('second')\n"})
	u, err = s.Update(ctx, []string{"content/examples/app.py"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(u.Changed, "a/index.html") || !strings.Contains(string(u.Files["a/index.html"]), "second") {
		t.Errorf("after the edit, changed %v; the page:\n%s", u.Changed, u.Files["a/index.html"])
	}
	// A missing include is the error the preview's overlay shows.
	if err := os.Remove(filepath.Join(src, "content/examples/app.py")); err != nil {
		t.Fatal(err)
	}
	_, err = s.Update(ctx, []string{"content/examples/app.py"})
	if err == nil || !strings.Contains(err.Error(), "content/a.md:9:5: <<< ./examples/app.py: no such file") {
		t.Errorf("after removing the file: %v", err)
	}
}
