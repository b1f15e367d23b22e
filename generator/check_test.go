package generator_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/templates"
)

// TestCheckReportsDrift records a block against a loopback API, changes
// what the API answers, and expects check to report the block with a diff
// of the change, and nothing while the API is unchanged.
func TestCheckReportsDrift(t *testing.T) {
	var version atomic.Value
	version.Store("1.0")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"name": "widget", "version": "` + version.Load().(string) + `"}` + "\n"))
	}))
	defer api.Close()
	src := t.TempDir()
	files := map[string]string{
		"snapdoc.yaml":     "runner:\n  hosts:\n    api.example.com: " + api.URL + "\n  redact: [header:Date]\n",
		"content/item.md":  "---\ntitle: Item\n---\n\n```http id=item\nGET https://api.example.com/item\n```\n",
		"content/plain.md": "---\ntitle: Plain\n---\n\nNo requests.\n",
	}
	for name, text := range files {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	if _, err := generator.Build(ctx, generator.Options{Source: src, Theme: templates.FS}); err != nil {
		t.Fatal(err)
	}
	checks, err := generator.Check(ctx, generator.Options{Source: src})
	if err != nil || len(checks) != 1 || checks[0].State != generator.CheckOK {
		t.Fatalf("check of an unchanged API: %v, %+v", err, checks)
	}
	version.Store("2.0")
	checks, err = generator.Check(ctx, generator.Options{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 1 || checks[0].State != generator.CheckDrift {
		t.Fatalf("got %+v, want one drifted block", checks)
	}
	d := checks[0]
	if d.File != "content/item.md" || d.Line != 6 || d.Block != "item" {
		t.Errorf("drift at %s:%d block %s", d.File, d.Line, d.Block)
	}
	old, cur := strings.Index(d.Diff, `- {"name": "widget", "version": "1.0"}`), strings.Index(d.Diff, `+ {"name": "widget", "version": "2.0"}`)
	if old < 0 || cur < 0 || old > cur {
		t.Errorf("diff does not show the old line, then the new one:\n%s", d.Diff)
	}
}

// TestCheckSnippetsSkipsWhatPagesDoNotShow checks that a request whose
// body file no code can hold (binary content) is left out of the snippet
// check, as the page leaves it out, while the other requests are run.
func TestCheckSnippetsSkipsWhatPagesDoNotShow(t *testing.T) {
	src := t.TempDir()
	writeSite(t, src, map[string]string{
		"snapdoc.yaml":     "languages: [curl]\n",
		"content/a.md":     lesson("Alpha", "x", "```http norun\nPOST https://api.test/upload\nContent-Type: application/octet-stream\n\n< ./blob.bin\n```\n\n```http norun\nGET https://api.test/items\n```"),
		"content/blob.bin": "\xff\xfe",
	})
	failures, skipped, err := generator.CheckSnippets(context.Background(), generator.Options{Source: src, Theme: templates.FS})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) > 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI lacks an interpreter: %v", skipped)
		}
		t.Skipf("no interpreter: %v", skipped)
	}
	for _, f := range failures {
		t.Errorf("%s: %s: %v", f.Pos, f.Lang, f.Err)
	}
}

// TestCheckReportsFailuresApartFromDrift records a block, makes the API
// answer 429, and expects check to report the block as failed, with its
// class, and no diff: a failure says nothing about drift.
func TestCheckReportsFailuresApartFromDrift(t *testing.T) {
	var busy atomic.Bool
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if busy.Load() {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte("ok\n"))
	}))
	defer api.Close()
	src := t.TempDir()
	writeSite(t, src, map[string]string{
		"snapdoc.yaml":    "runner:\n  hosts:\n    api.test: " + api.URL + "\n  redact: [header:Date]\n",
		"content/item.md": lesson("Item", "x", "```http id=item\nGET https://api.test/item\n```"),
	})
	ctx := context.Background()
	if _, err := generator.Build(ctx, generator.Options{Source: src, Theme: templates.FS}); err != nil {
		t.Fatal(err)
	}
	busy.Store(true)
	checks, err := generator.Check(ctx, generator.Options{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 1 {
		t.Fatalf("got %+v", checks)
	}
	c := checks[0]
	if c.State != generator.CheckFailed || c.Failure != runner.FailTooManyRequests || c.Diff != "" || c.Passed() {
		t.Errorf("got %+v, want a failed block of class too-many-requests and no diff", c)
	}
	if c.Err == nil || !strings.Contains(c.Err.Error(), "429 Too Many Requests") {
		t.Errorf("error %v", c.Err)
	}
}
