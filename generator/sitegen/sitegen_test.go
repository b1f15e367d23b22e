package sitegen_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/generator/sitegen"
	"github.com/snapdoc/snapdoc/templates"
)

const n = 50

// readSite returns the content of every file under dir/content, by name.
func readSite(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, "content"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, "content", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if err := sitegen.Write(dir, n, sitegen.Options{Seed: 7, Config: true}); err != nil {
		t.Fatal(err)
	}
	files := readSite(t, dir)
	if len(files) != n {
		t.Fatalf("wrote %d files, want %d", len(files), n)
	}

	md := generator.NewMarkdown()
	titles := map[string]bool{}
	categories := map[string]bool{}
	for i := 1; i <= n; i++ {
		name := sitegen.LessonFile(i)
		src, ok := files[filepath.Base(name)]
		if !ok {
			t.Fatalf("missing %s", name)
		}
		l, err := generator.ParseLesson(name, src, md)
		if err != nil {
			t.Fatalf("%s does not parse: %v", name, err)
		}
		if l.Title == "" || titles[l.Title] {
			t.Errorf("%s: empty or repeated title %q", name, l.Title)
		}
		titles[l.Title] = true
		categories[l.Category] = true
		if len(l.Tags) != 3 || l.Tags[0] == l.Tags[1] || l.Tags[1] == l.Tags[2] || l.Tags[0] == l.Tags[2] {
			t.Errorf("%s: tags %q, want three distinct tags", name, l.Tags)
		}
		if y := l.Updated.Year(); y != 2024 && y != 2025 {
			t.Errorf("%s: updated %s, want a date in 2024 or 2025", name, l.Updated)
		}
		if len(l.Blocks) != 1 || !strings.Contains(l.Blocks[0].Code, "GET https://httpbin.org/anything/lesson-") {
			t.Errorf("%s: want one http block for /anything, got %d blocks", name, len(l.Blocks))
		}
		for _, want := range []string{"\n|---|---|---|---|\n", "\n```python\n"} {
			if !bytes.Contains(src, []byte(want)) {
				t.Errorf("%s: no %q", name, want)
			}
		}
		if lines := bytes.Count(src, []byte("\n")); lines < 45 || lines > 80 {
			t.Errorf("%s: %d lines, want about 60", name, lines)
		}
	}
	if len(categories) < 5 {
		t.Errorf("only %d categories in %d lessons", len(categories), n)
	}
	if _, err := os.Stat(filepath.Join(dir, "snapdoc.yaml")); err != nil {
		t.Errorf("no site config: %v", err)
	}
}

func TestWriteDeterministic(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, w := range []struct {
		dir  string
		seed uint64
	}{{a, 1}, {b, 1}, {c, 2}} {
		if err := sitegen.Write(w.dir, n, sitegen.Options{Seed: w.seed}); err != nil {
			t.Fatal(err)
		}
	}
	sa, sb, sc := readSite(t, a), readSite(t, b), readSite(t, c)
	same := 0
	for name, data := range sa {
		if !bytes.Equal(data, sb[name]) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
		if bytes.Equal(data, sc[name]) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d lessons are identical for seeds 1 and 2", same)
	}
	if _, err := os.Stat(filepath.Join(a, "snapdoc.yaml")); err == nil {
		t.Error("snapdoc.yaml written without Options.Config")
	}
}

func TestWriteBuilds(t *testing.T) {
	dir := t.TempDir()
	if err := sitegen.Write(dir, n, sitegen.Options{Seed: 3, Config: true}); err != nil {
		t.Fatal(err)
	}
	res, err := generator.Build(context.Background(), generator.Options{
		Source: dir, Dest: filepath.Join(dir, "public"), Theme: templates.FS,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Lessons != n {
		t.Errorf("built %d lessons, want %d", res.Lessons, n)
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "lesson-00001", "index.html")); err != nil {
		t.Error(err)
	}
}

func TestWriteErrors(t *testing.T) {
	if err := sitegen.Write(t.TempDir(), -1, sitegen.Options{}); err == nil {
		t.Error("Write with n = -1 succeeded")
	}
	// A directory where a lesson file should go makes that write fail.
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, sitegen.LessonFile(2)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := sitegen.Write(dir, 5, sitegen.Options{}); err == nil {
		t.Error("Write over a directory named like a lesson succeeded")
	}
}

func BenchmarkWrite(b *testing.B) {
	for b.Loop() {
		if err := sitegen.Write(b.TempDir(), 1000, sitegen.Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
