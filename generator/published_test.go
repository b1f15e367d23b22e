package generator_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/snapdoc/snapdoc/generator"
)

// TestPublishedBlocks checks which files a caller may have blocks run
// from: lessons the site publishes, nothing else, whatever the path.
func TestPublishedBlocks(t *testing.T) {
	root := filepath.Join(t.TempDir(), "site")
	lesson := func(title, extra string) string {
		return "---\ntitle: " + title + "\n" + extra + "---\n\n```http id=get\nGET https://api.test/x\n```\n"
	}
	files := map[string]string{
		"content/a.md":          lesson("A", ""),
		"content/sub/b.md":      lesson("B", ""),
		"content/draft.md":      lesson("Draft", "draft: true\n"),
		"content/.hidden.md":    lesson("Hidden", ""),
		"notes/private.md":      lesson("Private", ""),
		"content/api.http":      "GET https://api.test/x\n",
		"../outside/outside.md": lesson("Outside", ""),
	}
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"content/inside.md":  "../notes/private.md", // stays in the site
		"content/escape.md":  "../../outside/outside.md",
		"content/abs.md":     filepath.Join(root, "..", "outside", "outside.md"),
		"content/dir":        "../../outside",
		"content/passwd.md":  "/etc/passwd",
		"content/dangles.md": "nowhere.md",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "content", "fifo.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := generator.DefaultConfig()
	for file, want := range map[string]bool{
		"content/a.md": true, "content/sub/b.md": true, "content/inside.md": true,
		"content/draft.md": false, "content/.hidden.md": false, "notes/private.md": false,
		"content/api.http": false, "content/escape.md": false, "content/abs.md": false,
		"content/dir/outside.md": false, "content/passwd.md": false, "content/dangles.md": false,
		"content/fifo.md": false, "content/../notes/private.md": false, "./content/a.md": false,
		"/etc/passwd": false, "content/nope.md": false, "": false, "content": false,
	} {
		blocks, err := generator.PublishedBlocks(root, &cfg, file, false)
		if got := err == nil && len(blocks) == 1; got != want {
			t.Errorf("%q: %d blocks, %v; want published %v", file, len(blocks), err, want)
		}
		if !want && !errors.Is(err, generator.ErrUnknownBlock) {
			t.Errorf("%q: error %v, want one wrapping ErrUnknownBlock", file, err)
		}
	}
	if _, err := generator.PublishedBlocks(root, &cfg, "content/draft.md", true); err != nil {
		t.Errorf("a draft with drafts: %v", err)
	}
}
