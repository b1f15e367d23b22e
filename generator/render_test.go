package generator_test

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/templates"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/render/golden")

// TestRenderGolden builds a small site that exercises every page kind and
// compares each output file with its golden copy. It replays the site's
// committed snapshots, so it needs no network. Run with -update after an
// intended change to the theme or the renderer, and review the diff;
// -update also records the snapshots again, against the embedded demo API.
func TestRenderGolden(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	mode := generator.RunReplay
	if *update {
		mode = generator.RunRefresh
	}
	_, err := generator.Build(context.Background(), generator.Options{
		Source: "testdata/render/site",
		Dest:   dest,
		Theme:  templates.FS,
		Run:    mode,
	})
	if err != nil {
		t.Fatal(err)
	}
	golden := "testdata/render/golden"
	got := readTree(t, dest, func(name string) bool {
		// The theme's static assets are covered by their own sources; the
		// search index, gzipped, by package search and TestSearchInBrowser;
		// and the list of every file by testdata/script/removed.txtar.
		return name != generator.DestManifest && (!strings.HasPrefix(name, "static/") || name == "static/chroma.css") && !strings.HasPrefix(name, "search/")
	})
	if *update {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		for name, data := range got {
			p := filepath.Join(golden, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := readTree(t, golden, func(string) bool { return true })
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("%s: not built", name)
			continue
		}
		if !bytes.Equal(g, w) {
			t.Errorf("%s differs from its golden file (run go test -update and review the diff):\n%s", name, firstDiff(w, g))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: built but has no golden file (run go test -update)", name)
		}
	}
}

// readTree reads every regular file under root that keep accepts, keyed by
// slash-separated path.
func readTree(t *testing.T, root string, keep func(string) bool) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := fs.WalkDir(os.DirFS(root), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !keep(name) {
			return err
		}
		data, err := os.ReadFile(filepath.Join(root, name))
		files[name] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// firstDiff shows the first line on which want and got differ.
func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return "(trailing bytes)"
}
