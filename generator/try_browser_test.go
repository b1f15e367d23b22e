package generator_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/generator/internal/browsertest"
	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/service"
	"github.com/snapdoc/snapdoc/templates"
)

// tryLesson has a GET block whose body changes on every run (a uuid),
// once with the uuid marked volatile and once not, and a POST block.
const tryLesson = "---\ntitle: Try\n---\n\n" +
	"```http id=uuid volatile=body:uuid\nGET https://httpbin.org/uuid\n```\n\n" +
	"```http id=changes\nGET https://httpbin.org/uuid\n```\n\n" +
	"```http id=post\nPOST https://httpbin.org/post\n```\n"

// TestTryOnPublishedPage builds a site with try.runner, serves it from
// one origin and a public runner from another, and runs its blocks from
// Chromium as a reader would.
func TestTryOnPublishedPage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	docsL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	runL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	docsURL, runURL := "http://"+docsL.Addr().String(), "http://"+runL.Addr().String()
	src := t.TempDir()
	for name, text := range map[string]string{
		"snapdoc.yaml":     "try:\n  runner: " + runURL + "\nrunner:\n  hosts:\n    httpbin.org: embedded\n",
		"content/try.md":   tryLesson,
		"content/other.md": "---\ntitle: Other\n---\n\nNo blocks.\n",
	} {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := generator.Build(context.Background(), generator.Options{Source: src, Dest: dest, Theme: templates.FS}); err != nil {
		t.Fatal(err)
	}
	docs := &http.Server{Handler: http.FileServer(http.Dir(dest))}
	go docs.Serve(docsL)
	t.Cleanup(func() { docs.Close() })

	cfg, err := generator.LoadConfig(os.DirFS(src))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := cfg.RunnerConfig()
	if err != nil {
		t.Fatal(err)
	}
	rc.SharedCache = true
	rn, err := runner.Open(rc, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rn.Close() })
	svc := &service.Service{
		Runner: rn, Catalog: generator.SiteCatalog(src, &cfg, false),
		Access: service.Access{Addr: runL.Addr().String(), AllowOrigins: []string{docsURL}, Public: true},
		Public: true,
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- svc.Serve(ctx, runL, time.Second) }()

	tab := browsertest.New(t)
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tab, steps...); err != nil {
			t.Fatal(err)
		}
	}
	do(chromedp.Navigate(docsURL+"/try/"), browsertest.WaitText("h1", "Try"))
	// The POST block has no button; the GET blocks have real buttons.
	if n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("#post button.try-run, #post .try").length`)); err != nil || n != 0 {
		t.Errorf("the POST block has %d Try elements (%v)", n, err)
	}
	// Buttons are pressed from the keyboard: a mouse click can miss a
	// button that the live output inserted above it has moved.
	do(browsertest.Press("#uuid button.try-run"),
		browsertest.WaitText("#uuid .try-status", "same as recorded"))
	got, err := chromedp.Run(tab, chromedp.Evaluate[map[string]any](`(() => {
		const ex = document.querySelector("#uuid");
		return {
			live: ex.querySelector(".try-live")?.textContent || "",
			volatile: ex.querySelector(".try-volatile")?.textContent || "",
			recorded: ex.querySelector(".output").textContent,
			live_status: ex.querySelector(".try-status").getAttribute("role"),
		};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	live, _ := got["live"].(string)
	if !strings.Contains(live, "Live output") || !strings.Contains(live, "200") || !strings.Contains(live, `"uuid"`) {
		t.Errorf("live output: %q", live)
	}
	if v, _ := got["volatile"].(string); !strings.Contains(v, "body uuid") || !strings.Contains(v, "not counted") {
		t.Errorf("the volatile uuid is not marked in the difference: %q", v)
	}
	if got["live_status"] != "status" {
		t.Errorf("status region role %v", got["live_status"])
	}
	// Without the volatile mark, the new uuid is a difference.
	do(browsertest.Press("#changes button.try-run"),
		browsertest.WaitText("#changes .try-status", "1 difference from the recorded output"),
		browsertest.WaitText("#changes .try-changed", "body uuid"))

	// The runner goes down: the reader is told; the recorded output stays.
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	before, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector("#changes .output").outerHTML`))
	do(browsertest.Press("#changes button.try-run"),
		browsertest.WaitText("#changes .try-status", "The runner is unreachable right now"))
	after, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector("#changes .output").outerHTML`))
	if before != after || before == "" {
		t.Errorf("the recorded output changed when the runner was down")
	}
	if disabled, _ := chromedp.Run(tab, chromedp.Evaluate[bool](`document.querySelector("#changes button.try-run").disabled`)); disabled {
		t.Errorf("the button stays disabled after a failed run")
	}
}
