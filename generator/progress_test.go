package generator

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/generator/sitegen"
	"github.com/snapdoc/snapdoc/templates"
)

// buildWithProgress builds a generated site of n lessons, its blocks run
// against the embedded API, with progress shown after delay, and returns
// what the progress wrote.
func buildWithProgress(t *testing.T, n int, delay time.Duration) (string, *Result) {
	t.Helper()
	old := progressDelay
	progressDelay = delay
	t.Cleanup(func() { progressDelay = old })
	dir := t.TempDir()
	if err := sitegen.Write(dir, n, sitegen.Options{Seed: 1, Config: true}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := Build(context.Background(), Options{Source: dir, Theme: templates.FS, Progress: &out})
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), res
}

// TestProgressShowsEveryPhase checks that a build long enough to report
// progress ends each phase's line with its count.
func TestProgressShowsEveryPhase(t *testing.T) {
	out, res := buildWithProgress(t, 20, 0)
	pages := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "\r\033[KRendering pages ") {
			fmt.Sscanf(line[strings.LastIndex(line, " ")+1:], "%d/", &pages)
		}
	}
	for _, want := range []string{
		"\r\033[KParsing lessons 20/20\n",
		"\r\033[KRunning http blocks 20/20\n",
		fmt.Sprintf("\r\033[KRendering pages %d/%d\n", pages, pages),
	} {
		if pages == 0 || !strings.Contains(out, want) {
			t.Errorf("progress lacks %q; wrote %q", want, out)
		}
	}
	if res.Run != 20 {
		t.Errorf("ran %d blocks, want 20", res.Run)
	}
}

// TestProgressQuietForShortBuilds checks that a build shorter than the
// delay shows no progress at all.
func TestProgressQuietForShortBuilds(t *testing.T) {
	if out, _ := buildWithProgress(t, 5, time.Hour); out != "" {
		t.Errorf("a short build wrote progress %q", out)
	}
}
