package preview

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// failAfter bounds every wait in these tests; no test waits for it to pass.
const failAfter = 5 * time.Second

func startWatcher(t *testing.T, base string, roots []string, opts WatchOptions) *Watcher {
	t.Helper()
	w, err := NewWatcher(base, roots, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func nextBatch(t *testing.T, w *Watcher) []string {
	t.Helper()
	select {
	case b, ok := <-w.Batches():
		if !ok {
			t.Fatal("batches closed")
		}
		return b
	case <-time.After(failAfter):
		t.Fatal("no batch")
		return nil
	}
}

// quietThen asserts that no batch arrives within d.
func quietThen(t *testing.T, w *Watcher, d time.Duration) {
	t.Helper()
	select {
	case b := <-w.Batches():
		t.Fatalf("unexpected batch %q", b)
	case <-time.After(d):
	}
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func wantBatch(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("batch = %q, want %q", got, want)
	}
}

func TestWatcherBurstIsOneBatch(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	writeFile(t, filepath.Join(base, "content/a.md"), "a")
	// A long quiet period keeps the test robust on a loaded machine.
	w := startWatcher(t, base, []string{"content"}, WatchOptions{Quiet: 200 * time.Millisecond, MaxLatency: failAfter})

	for i := range 20 {
		writeFile(t, filepath.Join(base, "content/b.md"), "b")
		writeFile(t, filepath.Join(base, "content/a.md"), string(rune('a'+i)))
	}
	wantBatch(t, nextBatch(t, w), "content/a.md", "content/b.md")
	quietThen(t, w, 300*time.Millisecond)
}

func TestWatcherMaxLatency(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	w := startWatcher(t, base, []string{"."}, WatchOptions{Quiet: time.Second, MaxLatency: 50 * time.Millisecond})

	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				os.WriteFile(filepath.Join(base, "busy.txt"), []byte("x"), 0o644)
				time.Sleep(5 * time.Millisecond)
			}
		}
	}()
	start := time.Now()
	wantBatch(t, nextBatch(t, w), "busy.txt")
	// Writes never pause for the quiet second, so only the bound delivers.
	if d := time.Since(start); d > 900*time.Millisecond {
		t.Fatalf("batch after %v, want about 50ms", d)
	}
}

func TestWatcherEditorSaves(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		save func(t *testing.T, dir string)
		want []string
	}{
		"rename over": {
			save: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, ".a.md.tmp"), "new")
				if err := os.Rename(filepath.Join(dir, ".a.md.tmp"), filepath.Join(dir, "a.md")); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{"c/a.md"},
		},
		"vim": {
			save: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "4913"), "")
				os.Remove(filepath.Join(dir, "4913"))
				writeFile(t, filepath.Join(dir, ".a.md.swp"), "swap")
				if err := os.Rename(filepath.Join(dir, "a.md"), filepath.Join(dir, "a.md~")); err != nil {
					t.Fatal(err)
				}
				writeFile(t, filepath.Join(dir, "a.md"), "new")
				os.Remove(filepath.Join(dir, "a.md~"))
			},
			want: []string{"c/a.md"},
		},
		"jetbrains": {
			save: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "a.md___jb_tmp___"), "new")
				if err := os.Rename(filepath.Join(dir, "a.md"), filepath.Join(dir, "a.md___jb_old___")); err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(filepath.Join(dir, "a.md___jb_tmp___"), filepath.Join(dir, "a.md")); err != nil {
					t.Fatal(err)
				}
				os.Remove(filepath.Join(dir, "a.md___jb_old___"))
			},
			want: []string{"c/a.md"},
		},
		"emacs": {
			save: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, ".#a.md"), "lock")
				writeFile(t, filepath.Join(dir, "#a.md#"), "autosave")
				writeFile(t, filepath.Join(dir, "a.md"), "new")
				os.Remove(filepath.Join(dir, ".#a.md"))
				os.Remove(filepath.Join(dir, "#a.md#"))
			},
			want: []string{"c/a.md"},
		},
		"temp files only, then a real file": {
			save: func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, "x.tmp"), "t")
				writeFile(t, filepath.Join(dir, "x~"), "t")
				writeFile(t, filepath.Join(dir, ".x.swx"), "t")
				writeFile(t, filepath.Join(dir, "b.md"), "b")
			},
			want: []string{"c/b.md"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			base := t.TempDir()
			writeFile(t, filepath.Join(base, "c/a.md"), "old")
			w := startWatcher(t, base, []string{"c"}, WatchOptions{Quiet: 100 * time.Millisecond, MaxLatency: failAfter})
			tc.save(t, filepath.Join(base, "c"))
			wantBatch(t, nextBatch(t, w), tc.want...)
		})
	}
}

func TestWatcherNewDirectory(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	w := startWatcher(t, base, []string{"content"}, WatchOptions{})
	if err := os.Mkdir(filepath.Join(base, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The root appears after the watcher started; so do a directory with a
	// file inside, possibly before the watch on the new directory exists.
	writeFile(t, filepath.Join(base, "content/go/intro.md"), "x")
	got := map[string]bool{}
	for !got["content/go/intro.md"] {
		for _, p := range nextBatch(t, w) {
			got[p] = true
		}
	}
	// A loaded machine may report the file's write after its creation,
	// in a batch of its own; let those arrive first.
	for drained := false; !drained; {
		select {
		case <-w.Batches():
		case <-time.After(300 * time.Millisecond):
			drained = true
		}
	}
	// The new directory is watched: a later file inside it is seen alone.
	writeFile(t, filepath.Join(base, "content/go/next.md"), "x")
	wantBatch(t, nextBatch(t, w), "content/go/next.md")
}

func TestWatcherDeletion(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	writeFile(t, filepath.Join(base, "content/a.md"), "a")
	writeFile(t, filepath.Join(base, "content/old/b.md"), "b")
	w := startWatcher(t, base, []string{"content"}, WatchOptions{Quiet: 100 * time.Millisecond, MaxLatency: failAfter})

	if err := os.Remove(filepath.Join(base, "content/a.md")); err != nil {
		t.Fatal(err)
	}
	wantBatch(t, nextBatch(t, w), "content/a.md")

	if err := os.RemoveAll(filepath.Join(base, "content/old")); err != nil {
		t.Fatal(err)
	}
	wantBatch(t, nextBatch(t, w), "content/old", "content/old/b.md")

	// A directory recreated under the same name is watched again.
	writeFile(t, filepath.Join(base, "content/old/c.md"), "c")
	got := nextBatch(t, w)
	if !slices.Contains(got, "content/old/c.md") {
		t.Fatalf("batch = %q, want content/old/c.md in it", got)
	}
}

func TestWatcherRenamedDirectory(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	writeFile(t, filepath.Join(base, "content/a/x.md"), "x")
	w := startWatcher(t, base, []string{"content"}, WatchOptions{Quiet: 100 * time.Millisecond, MaxLatency: failAfter})

	if err := os.Rename(filepath.Join(base, "content/a"), filepath.Join(base, "moved")); err != nil {
		t.Fatal(err)
	}
	wantBatch(t, nextBatch(t, w), "content/a")
	// The directory now lives outside the roots: its changes are not ours.
	writeFile(t, filepath.Join(base, "moved/x.md"), "y")
	quietThen(t, w, 300*time.Millisecond)
}

func TestWatcherFileRoot(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	w := startWatcher(t, base, []string{"snapdoc.yaml"}, WatchOptions{Quiet: 100 * time.Millisecond, MaxLatency: failAfter})

	writeFile(t, filepath.Join(base, "other.txt"), "not watched")
	writeFile(t, filepath.Join(base, "snapdoc.yaml"), "title: x")
	wantBatch(t, nextBatch(t, w), "snapdoc.yaml")

	if err := os.Remove(filepath.Join(base, "snapdoc.yaml")); err != nil {
		t.Fatal(err)
	}
	wantBatch(t, nextBatch(t, w), "snapdoc.yaml")
}

func TestNewWatcherErrors(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	tests := map[string][]string{
		"root outside base":  {"../elsewhere"},
		"parent not a dir":   {"missing/dir/file"},
		"absolute elsewhere": {filepath.Dir(base)},
	}
	for name, roots := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if w, err := NewWatcher(base, roots, WatchOptions{}); err == nil {
				w.Close()
				t.Fatalf("NewWatcher(%q) succeeded", roots)
			}
		})
	}
}

func TestWatcherClose(t *testing.T) {
	t.Parallel()
	w := startWatcher(t, t.TempDir(), []string{"."}, WatchOptions{})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-w.Batches(); ok {
		t.Fatal("batch after Close")
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestIsEditorTemp(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"a.md":                 false,
		"4913":                 true,
		"5036":                 true,
		"4914":                 false,
		"2024":                 false,
		"04913":                false,
		"a.md~":                true,
		".a.md.swp":            true,
		".a.md.swo":            true,
		".swp":                 false,
		"notes.swp.md":         false,
		".#a.md":               true,
		"#a.md#":               true,
		"#hash":                false,
		"a.md.tmp":             true,
		"a.md___jb_tmp___":     true,
		"a.md___jb_old___":     true,
		".goutputstream-ABC12": true,
		".well-known":          false,
		"snapdoc.yaml":         false,
	}
	for name, want := range tests {
		if got := isEditorTemp(name); got != want {
			t.Errorf("isEditorTemp(%q) = %v, want %v", name, got, want)
		}
	}
}

// BenchmarkWriteToBatch measures the time from writing a file to its batch,
// which is at least the quiet period.
func BenchmarkWriteToBatch(b *testing.B) {
	for _, quiet := range []time.Duration{DefaultQuiet, 2 * time.Millisecond} {
		b.Run("quiet="+quiet.String(), func(b *testing.B) {
			base := b.TempDir()
			name := filepath.Join(base, "content", "lesson.md")
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				b.Fatal(err)
			}
			w, err := NewWatcher(base, []string{"content"}, WatchOptions{Quiet: quiet})
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			for b.Loop() {
				if err := os.WriteFile(name, []byte("x"), 0o644); err != nil {
					b.Fatal(err)
				}
				if batch := <-w.Batches(); len(batch) != 1 {
					b.Fatalf("batch %q", batch)
				}
			}
		})
	}
}
