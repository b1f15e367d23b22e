package serve_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/snapdoc/snapdoc/generator/internal/browsertest"
	"github.com/snapdoc/snapdoc/generator/serve"
	"github.com/snapdoc/snapdoc/templates"
)

func TestMain(m *testing.M) { browsertest.Main(m) }

const stepTimeout = 20 * time.Second

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	// Write beside and rename over, as editors save.
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
}

// counter is a loopback API whose /count answers with how often it was
// asked, so a run that really reached it shows a new number.
func counter(t *testing.T) *httptest.Server {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintf(w, "{\"count\": %d}\n", n.Add(1))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func lesson(title, body string) string {
	return "---\ntitle: " + title + "\ntags: [demo]\n---\n\n" + body + "\n\n```http id=count\nGET https://api.test/count\n```\n"
}

// startServe writes a site whose api.test host is the counter, serves it,
// and returns its directory and URL.
func startServe(t *testing.T) (string, string) {
	t.Helper()
	api := counter(t)
	dir := t.TempDir()
	write(t, dir, "snapdoc.yaml", "runner:\n  hosts:\n    api.test: "+api.URL+"\n")
	write(t, dir, "content/lesson.md", lesson("First title", "First body."))
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve.Run(ctx, serve.Options{
			Source: dir, Addr: "127.0.0.1:0", Theme: templates.FS,
			Stdout: io.Discard, Stderr: io.Discard, Ready: func(url string) { ready <- url },
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	select {
	case url := <-ready:
		return dir, url
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(stepTimeout):
		t.Fatal("serve did not start")
	}
	return "", ""
}

func TestEditReloadsThePage(t *testing.T) {
	dir, url := startServe(t)
	ctx := browsertest.New(t)
	do(t, ctx, chromedp.Navigate(url+"lesson/"), browsertest.WaitText("h1", "First title"))
	write(t, dir, "content/lesson.md", lesson("Second title", "Second body."))
	do(t, ctx, browsertest.WaitText("h1", "Second title"), browsertest.WaitText(".prose p", "Second body."))
}

func TestBrokenFrontMatterShowsOverlayUntilFixed(t *testing.T) {
	dir, url := startServe(t)
	ctx := browsertest.New(t)
	do(t, ctx, chromedp.Navigate(url+"lesson/"), browsertest.WaitText("h1", "First title"))
	write(t, dir, "content/lesson.md", "---\ntitle: Broken\ntittle: typo\n---\n")
	do(t, ctx,
		browsertest.WaitText(`[role="alertdialog"]`, `content/lesson.md:3:1`),
		browsertest.WaitText(`[role="alertdialog"]`, `unknown key "tittle"`),
		browsertest.WaitText("h1", "First title"), // the last good page stays
	)
	write(t, dir, "content/lesson.md", lesson("Fixed title", "Fixed."))
	do(t, ctx,
		browsertest.WaitText("h1", "Fixed title"),
		browsertest.Until(`!document.querySelector('[role="alertdialog"]')`),
	)
}

func TestRunButtonReplacesTheOutput(t *testing.T) {
	dir, url := startServe(t)
	ctx := browsertest.New(t)
	// The build recorded the first answer.
	do(t, ctx, chromedp.Navigate(url+"lesson/"), browsertest.WaitText(".output pre", `"count": 1`))
	do(t, ctx,
		chromedp.Click(`button[data-run="run"]`),
		browsertest.WaitText(".output pre", `"count": 2`),
		browsertest.WaitText(".run-status", "Ran at"),
	)
	// Run leaves the snapshot alone; Update snapshot records the new
	// answer, the watcher rebuilds, and the page reloads by itself with
	// the recorded answer.
	snap := filepath.Join(dir, "snapshots", "lesson.snap")
	before, _ := os.ReadFile(snap)
	if !strings.Contains(string(before), `"count": 1`) {
		t.Fatalf("Run changed the snapshot:\n%s", before)
	}
	do(t, ctx,
		chromedp.Evaluate[chromedp.Void](`window.beforeRecord = true`),
		chromedp.Click(`button[data-run="record"]`),
		browsertest.Until(`window.beforeRecord === undefined && document.querySelector(".output pre")?.textContent.includes('"count": 3')`),
	)
	after, _ := os.ReadFile(snap)
	if !strings.Contains(string(after), `"count": 3`) {
		t.Errorf("the snapshot was not updated:\n%s", after)
	}
}

// TestTabsPersistAndCopy checks that choosing a language tab applies on
// the next page too, and that a tab's copy button copies exactly the code
// it shows.
func TestTabsPersistAndCopy(t *testing.T) {
	dir, url := startServe(t)
	write(t, dir, "content/other.md", lesson("Other title", "Other body."))
	ctx := browsertest.New(t)
	do(t, ctx,
		chromedp.Navigate(url+"other/"), browsertest.WaitText("h1", "Other title"),
		chromedp.Navigate(url+"lesson/"), browsertest.WaitText("h1", "First title"),
		browsertest.Until(`document.querySelector('[role=tab][aria-selected=true]')?.dataset.lang === "python"`),
		chromedp.Click(`[role=tab][data-lang="curl"]`),
		browsertest.Until(`!document.querySelector('.snippet-panel[data-lang="curl"]').hidden && document.querySelector('.snippet-panel[data-lang="python"]').hidden`),
		chromedp.Navigate(url+"other/"), browsertest.WaitText("h1", "Other title"),
		browsertest.Until(`document.querySelector('[role=tab][aria-selected=true]')?.dataset.lang === "curl"`),
	)
	// Copy: replace the clipboard API with a recorder, since a headless
	// browser has no clipboard to read back.
	do(t, ctx,
		chromedp.Evaluate[chromedp.Void](`navigator.clipboard.writeText = async (s) => { window.copied = s; }`),
		chromedp.Click(`.snippet-panel[data-lang="curl"] .snippet-copy`),
		browsertest.Until(`window.copied !== undefined`),
	)
	copied, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.copied`))
	if err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.snippet-panel[data-lang="curl"] pre code').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if copied != shown || !strings.Contains(copied, "curl") || !strings.Contains(copied, "https://api.test/count") {
		t.Errorf("copied %q, the tab shows %q", copied, shown)
	}
}

// TestPortInUse checks that a busy port is named with what to do, not
// left as a bind error.
func TestPortInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	write(t, dir, "content/lesson.md", lesson("Title", "Body."))
	err = serve.Run(context.Background(), serve.Options{
		Source: dir, Addr: busy.Addr().String(), Theme: templates.FS, Stdout: io.Discard, Stderr: io.Discard,
	})
	want := busy.Addr().String() + " is in use, perhaps by another snapdoc serve: choose another with --port, or --port 0 for any free one"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
}
