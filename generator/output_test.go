package generator_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/templates"
)

// TestRebuildWritesOnlyWhatChanged checks that a build over an existing
// site keeps unchanged files as they are (bytes and modification times),
// rewrites only what changed, and removes what the site no longer has but
// never a file that no build wrote.
func TestRebuildWritesOnlyWhatChanged(t *testing.T) {
	src := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("content/a.md", "---\ntitle: A\ntags: [x]\nupdated: 2025-01-02\n---\nAlpha.\n")
	write("content/b.md", "---\ntitle: B\ntags: [y]\nupdated: 2025-01-01\n---\nBeta.\n")
	build := func() *generator.Result {
		t.Helper()
		res, err := generator.Build(context.Background(), generator.Options{Source: src, Theme: templates.FS})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	first := build()
	public := filepath.Join(src, "public")
	if files := countFiles(t, public); first.Written != files {
		t.Errorf("the first build reports %d files written; public/ has %d", first.Written, files)
	}
	// Age every file, so a rewrite shows in its modification time.
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := filepath.Walk(public, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, old, old)
	}); err != nil {
		t.Fatal(err)
	}
	if res := build(); res.Written != 0 || res.Kept != res.Pages {
		t.Errorf("a build with nothing changed wrote %d files and kept %d of %d pages without rendering", res.Written, res.Kept, res.Pages)
	}
	if fi, err := os.Stat(filepath.Join(public, "a/index.html")); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("an unchanged page was touched: %v", err)
	}

	write("content/b.md", "---\ntitle: B\ntags: [y]\nupdated: 2025-01-01\n---\nBeta, edited.\n")
	// Its page, its search fragment and the search index's one shard.
	if res := build(); res.Written != 3 || res.Kept != res.Pages-1 {
		t.Errorf("editing one lesson's body rewrote %d files (want 3) and kept %d of %d pages (want all but one)", res.Written, res.Kept, res.Pages)
	}
	if fi, _ := os.Stat(filepath.Join(public, "b/index.html")); fi.ModTime().Equal(old) {
		t.Errorf("the edited lesson's page was not rewritten")
	}
	if fi, _ := os.Stat(filepath.Join(public, "a/index.html")); !fi.ModTime().Equal(old) {
		t.Errorf("another lesson's page was rewritten")
	}

	// A page removed from public/ is rendered again.
	if err := os.Remove(filepath.Join(public, "a/index.html")); err != nil {
		t.Fatal(err)
	}
	if res := build(); res.Written != 1 || res.Kept != res.Pages-1 {
		t.Errorf("after removing a page: wrote %d, kept %d of %d; want 1 and all but one", res.Written, res.Kept, res.Pages)
	}
	// A theme change renders every page.
	write("templates/partials/footer.html", `{{define "footer"}}<footer>Own footer</footer>{{end}}`)
	if res := build(); res.Kept != 0 || res.Written < 2 {
		t.Errorf("after a theme change: kept %d pages, wrote %d", res.Kept, res.Written)
	}
	// A new lesson changes every listing, so every page is rendered.
	write("content/c.md", "---\ntitle: C\ntags: [y]\nupdated: 2025-01-03\n---\nGamma.\n")
	if res := build(); res.Kept != 0 {
		t.Errorf("after adding a lesson: kept %d pages without rendering", res.Kept)
	}
	if err := os.Remove(filepath.Join(src, "content/c.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(src, "content/b.md")); err != nil {
		t.Fatal(err)
	}
	// Files a host or a deploy put there are not the site's to remove.
	write("public/CNAME", "docs.example.com\n")
	write("public/.git/HEAD", "ref: refs/heads/gh-pages\n")
	build()
	for _, kept := range []string{"CNAME", ".git/HEAD"} {
		if _, err := os.Stat(filepath.Join(public, kept)); err != nil {
			t.Errorf("a file no build wrote was removed: %v", err)
		}
	}
	for _, gone := range []string{"b/index.html", "b", "tags/y/index.html", "tags/y"} {
		if _, err := os.Stat(filepath.Join(public, gone)); !os.IsNotExist(err) {
			t.Errorf("%s still exists after its lesson was removed", gone)
		}
	}
	if _, err := os.Stat(filepath.Join(public, "a/index.html")); err != nil {
		t.Errorf("a remaining page is gone: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(src, ".public-new-*")); len(m) != 0 {
		t.Errorf("staging directories left behind: %v", m)
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestUpToDate checks that a build whose inputs and outputs are as the
// last build left them does nothing, and that any change to an input, an
// output or an option makes it build again.
func TestUpToDate(t *testing.T) {
	src := t.TempDir()
	write := func(name, text string) { writeSite(t, src, map[string]string{name: text}) }
	age := func() { ageSite(t, src) }
	write("content/a.md", "---\ntitle: A\ntags: [x]\nupdated: 2025-01-02\n---\nAlpha.\n")
	write("content/b.md", "---\ntitle: B\ntags: [x]\nupdated: 2025-01-01\ndraft: true\n---\nBeta.\n")
	opts := generator.Options{Source: src, Theme: templates.FS}
	build := func(why string, upToDate bool) *generator.Result {
		t.Helper()
		res, err := generator.Build(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.UpToDate != upToDate {
			t.Errorf("%s: up to date = %v, want %v", why, res.UpToDate, upToDate)
		}
		return res
	}
	build("first build", false)
	build("inputs just written", false) // they may still change unseen
	age()
	first := build("inputs settled", false)
	res := build("nothing changed", true)
	if res.Written != 0 || res.Lessons != first.Lessons || res.Pages != first.Pages || res.Kept != first.Pages {
		t.Errorf("an up-to-date build reports %+v; the build before reported %+v", res, first)
	}

	write("content/a.md", "---\ntitle: A\ntags: [x]\nupdated: 2025-01-02\n---\nAlpha, edited.\n")
	// The page, its search fragment, and the search index's one shard.
	if res := build("a lesson edited", false); res.Written != 3 {
		t.Errorf("editing a lesson wrote %d files, want 3", res.Written)
	}
	age()
	build("settled again", false)
	build("settled again, twice", true)

	if err := os.Remove(filepath.Join(src, "public/a/index.html")); err != nil {
		t.Fatal(err)
	}
	if res := build("a page removed", false); res.Written != 1 {
		t.Errorf("rebuilding a removed page wrote %d files, want 1", res.Written)
	}
	build("the page restored", true)
	write("public/index.html", "defaced")
	build("a page changed", false)
	build("the page repaired", true)

	opts.Drafts = true
	if res := build("drafts asked for", false); res.Lessons != 2 {
		t.Errorf("with drafts: %d lessons, want 2", res.Lessons)
	}
	write("snapdoc.yaml", "title: Renamed\n")
	age()
	build("config changed", false)
	build("config unchanged", true)
}

// ageSite makes the files of the site at dir, but for its output and
// caches, an hour old: files nobody is editing. A build records that its
// inputs are settled only when they are a little old.
func ageSite(tb testing.TB, dir string) {
	tb.Helper()
	old := time.Now().Add(-time.Hour)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() == ".snapdoc" || d.Name() == "public" {
			if err == nil {
				err = filepath.SkipDir
			}
			return err
		}
		return os.Chtimes(p, old, old)
	})
	if err != nil {
		tb.Fatal(err)
	}
}
