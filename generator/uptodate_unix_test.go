//go:build unix

package generator_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/templates"
)

// TestUpToDateNeverTrustsLinks checks that a site with a symbolic link is
// never taken as up to date: what the link leads to can change while the
// link itself does not.
func TestUpToDateNeverTrustsLinks(t *testing.T) {
	src := t.TempDir()
	elsewhere := filepath.Join(t.TempDir(), "a.md")
	writeSite(t, src, map[string]string{"content/b.md": "---\ntitle: B\n---\nBeta.\n"})
	if err := os.WriteFile(elsewhere, []byte("---\ntitle: A\n---\nAlpha.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(src, "content/a.md")
	if err := os.Symlink(elsewhere, link); err != nil {
		t.Fatal(err)
	}
	ageSite(t, src)
	old := unix.NsecToTimespec(time.Now().Add(-time.Hour).UnixNano())
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, link, []unix.Timespec{old, old}, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		t.Fatal(err)
	}
	opts := generator.Options{Source: src, Theme: templates.FS}
	for i := range 2 {
		res, err := generator.Build(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.UpToDate {
			t.Fatalf("build %d: a site with a link was taken as up to date", i+1)
		}
	}
}
