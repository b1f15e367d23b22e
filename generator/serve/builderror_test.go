package serve

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/templates"
)

// TestBuildErrorKeepsEachPosition builds sites broken in different phases
// and checks that the overlay gets the position of each as fields (file
// relative to the site, line, column), not only inside the message.
func TestBuildErrorKeepsEachPosition(t *testing.T) {
	const lesson = "---\ntitle: A\n---\n\n```http\nGET https://httpbin.org/get\n```\n"
	for _, tc := range []struct {
		name      string
		files     map[string]string
		file      string
		line, col int
		msg       string
	}{
		{
			name:  "front matter",
			files: map[string]string{"content/a.md": "---\ntitle: A\ntittle: typo\n---\n"},
			file:  "content/a.md", line: 3, col: 1, msg: `unknown key "tittle"`,
		},
		{
			name:  "http block",
			files: map[string]string{"content/a.md": "---\ntitle: A\n---\n\n```http\nGET\n```\n"},
			file:  "content/a.md", line: 6, msg: "GET",
		},
		{
			name: "snapshot",
			files: map[string]string{
				"content/a.md":     lesson,
				"snapshots/a.snap": "# snapdoc snapshot of content/a.md\nnot a line\n",
			},
			file: "snapshots/a.snap", line: 2, msg: `not before any block`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := t.TempDir()
			tc.files["snapdoc.yaml"] = "runner:\n  hosts:\n    httpbin.org: embedded\n"
			for name, text := range tc.files {
				p := filepath.Join(src, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := generator.Build(context.Background(), generator.Options{Source: src, Theme: templates.FS, Run: generator.RunReplay})
			if err == nil {
				t.Fatal("the build succeeded")
			}
			got := buildError(err)
			if got.File != tc.file || got.Line != tc.line || (tc.col != 0 && got.Col != tc.col) {
				t.Errorf("position %s:%d:%d, want %s:%d (col %d) (error: %v)", got.File, got.Line, got.Col, tc.file, tc.line, tc.col, err)
			}
			if !strings.Contains(got.Message, tc.msg) || strings.HasPrefix(got.Message, tc.file) {
				t.Errorf("message %q: want one containing %q, without the position", got.Message, tc.msg)
			}
		})
	}
}
