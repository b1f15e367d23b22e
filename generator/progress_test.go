package generator

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/generator/sitegen"
	"github.com/snapdoc/snapdoc/templates"
)

// buildWithProgress builds a generated site of n lessons, whose tag and
// category pages list at most paginate lessons each, with progress shown
// after delay. Its blocks run against the embedded API, then, when replay
// is set, a second build replays them from their snapshots. It returns
// what the progress of the last build wrote.
func buildWithProgress(t *testing.T, n, paginate int, delay time.Duration, replay bool) (string, *Result) {
	t.Helper()
	old := progressDelay
	progressDelay = delay
	t.Cleanup(func() { progressDelay = old })
	dir := t.TempDir()
	if err := sitegen.Write(dir, n, sitegen.Options{Seed: 1, Config: true}); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "snapdoc.yaml")
	yaml, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, fmt.Appendf(yaml, "paginate: %d\n", paginate), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := Options{Source: dir, Theme: templates.FS}
	if replay {
		if _, err := Build(context.Background(), opts); err != nil {
			t.Fatal(err)
		}
		opts.Run = RunReplay
		opts.Dest = filepath.Join(t.TempDir(), "public")
	}
	var out bytes.Buffer
	opts.Progress = &out
	res, err := Build(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), res
}

// TestProgressShowsEveryPhase checks that a build long enough to report
// progress ends each phase's line with its count, and that it counts the
// pages the build reports, lists of several pages included.
func TestProgressShowsEveryPhase(t *testing.T) {
	out, res := buildWithProgress(t, 20, 2, 0, false)
	for _, want := range []string{
		"\r\033[KParsing lessons 20/20\n",
		"\r\033[KRunning http blocks 20/20\n",
		fmt.Sprintf("\r\033[KRendering pages %d/%d\n", res.Pages, res.Pages),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("progress lacks %q; wrote %q", want, out)
		}
	}
	if res.Run != 20 {
		t.Errorf("ran %d blocks, want 20", res.Run)
	}
	if second, _ := filepath.Glob(filepath.Join(res.Dest, "tags", "*", "page", "2", "index.html")); len(second) == 0 {
		t.Error("no tag's list took several pages")
	}
}

// TestProgressNamesReplay checks that a replaying build says it replays
// its blocks rather than that it runs them.
func TestProgressNamesReplay(t *testing.T) {
	out, res := buildWithProgress(t, 20, 50, 0, true)
	if want := "\r\033[KReplaying http blocks 20/20\n"; !strings.Contains(out, want) || strings.Contains(out, "Running") {
		t.Errorf("progress lacks %q or says Running; wrote %q", want, out)
	}
	if res.Replayed != 20 || res.Run != 0 {
		t.Errorf("replayed %d and ran %d blocks, want 20 and 0", res.Replayed, res.Run)
	}
}

// TestProgressQuietForShortBuilds checks that a build shorter than the
// delay shows no progress at all.
func TestProgressQuietForShortBuilds(t *testing.T) {
	if out, _ := buildWithProgress(t, 5, 50, time.Hour, false); out != "" {
		t.Errorf("a short build wrote progress %q", out)
	}
}
