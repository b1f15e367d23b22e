package preview

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/snapdoc/snapdoc/generator/internal/browsertest"
)

func TestMain(m *testing.M) { browsertest.Main(m) }

// The browser tests do not run in parallel: each keeps Chromium busy, and on
// a machine with few cores they finish sooner one after the other.

// stepTimeout bounds each browser step; a passing step takes milliseconds.
const stepTimeout = 15 * time.Second

// lessonSite is a site with a tall page at /page/ whose heading is title.
func lessonSite(title string) map[string][]byte {
	return map[string][]byte{
		"index.html":      []byte("<!doctype html><html><body><h1>Home</h1></body></html>"),
		"page/index.html": []byte("<!doctype html><html><body><h1>" + title + `</h1><div style="height:5000px"></div></body></html>`),
		"404.html":        []byte("<!doctype html><html><body><h1>Not found</h1></body></html>"),
	}
}

// do runs the steps in the browser, failing t if they take too long.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// openPage starts a Server with lessonSite("Version one") and opens /page/.
func openPage(t *testing.T) (*Server, context.Context) {
	t.Helper()
	s, ts := startServer(t, ServerOptions{})
	s.Update(lessonSite("Version one"), nil)
	ctx := browsertest.New(t)
	do(t, ctx, chromedp.Navigate(ts.URL+"/page/"), browsertest.WaitText("h1", "Version one"))
	return s, ctx
}

const overlaySel = `[role="alertdialog"]`

func TestBrowserReloadKeepsScroll(t *testing.T) {
	s, ctx := openPage(t)
	if y := eval[float64](t, ctx, "window.scrollTo(0, 1500), window.scrollY"); y != 1500 {
		t.Fatalf("scrolled to %v", y)
	}

	s.Update(lessonSite("Version two"), []string{"page/index.html"})
	do(t, ctx, browsertest.Until(`document.readyState === "complete" && document.querySelector("h1").textContent === "Version two"`))
	if y := eval[float64](t, ctx, "window.scrollY"); y != 1500 {
		t.Fatalf("after reload scrollY = %v, want 1500", y)
	}
}

func TestBrowserErrorOverlay(t *testing.T) {
	s, ctx := openPage(t)

	s.SetError(BuildError{Message: `front matter: unknown field "tittle" <b>not markup</b>`, File: "content/a.md", Line: 3, Col: 7})
	do(t, ctx, browsertest.WaitText(overlaySel, `unknown field "tittle"`))
	text := eval[string](t, ctx, `document.querySelector('[role="alertdialog"]').textContent`)
	for _, want := range []string{"content/a.md:3:7", "<b>not markup</b>"} {
		if !strings.Contains(text, want) {
			t.Errorf("overlay text %q lacks %q", text, want)
		}
	}
	checks := map[string]string{
		"message is text, not HTML": `document.querySelector('[role="alertdialog"] b') === null`,
		"has an accessible name":    `document.getElementById(document.querySelector('[role="alertdialog"]').getAttribute("aria-labelledby")).textContent === "Build error"`,
		"takes focus":               `document.querySelector('[role="alertdialog"]').contains(document.activeElement)`,
		"covers the page":           `document.querySelector('[role="alertdialog"]').getBoundingClientRect().width === window.innerWidth`,
		"keeps the last good page":  `document.querySelector("h1").textContent === "Version one"`,
		"shows one overlay at most": `document.querySelectorAll('[role="alertdialog"]').length === 1`,
	}
	for name, expr := range checks {
		if !eval[bool](t, ctx, expr) {
			t.Errorf("overlay %s: %s is false", name, expr)
		}
	}

	// Fixing the page reloads it, without the overlay.
	s.Update(lessonSite("Version two"), []string{"page/index.html"})
	do(t, ctx, browsertest.Until(`document.readyState === "complete" && document.querySelector("h1").textContent === "Version two" && !document.querySelector('[role="alertdialog"]')`))
}

func TestBrowserErrorClearsWithoutReload(t *testing.T) {
	s, ctx := openPage(t)
	s.SetError(BuildError{Message: "broken", File: "content/other.md", Line: 1})
	do(t, ctx, browsertest.WaitText(overlaySel, "content/other.md:1"))
	eval[bool](t, ctx, "window.notReloaded = true")

	// The fix touches another page: this one only drops its overlay.
	next := lessonSite("Version one")
	next["other/index.html"] = []byte("<body>other</body>")
	s.Update(next, []string{"other/index.html"})
	do(t, ctx, browsertest.Until(`!document.querySelector('[role="alertdialog"]')`))
	if !eval[bool](t, ctx, "window.notReloaded === true") {
		t.Fatal("the page reloaded though it did not change")
	}
}

func TestBrowserWarnings(t *testing.T) {
	s, ctx := openPage(t)
	eval[bool](t, ctx, "window.notReloaded = true")

	s.SetWarnings([]string{`content/a.md:7:1: "Accept <b>json</b>" starts the body`, "content/b.md:6:1: timeout"})
	const bar = `document.getElementById("snapdoc-warnings")`
	do(t, ctx, browsertest.WaitText("#snapdoc-warnings summary", "2 build warnings"))
	checks := map[string]string{
		"is closed to a count":     bar + `.querySelector("details").open === false`,
		"lists each warning":       bar + `.querySelectorAll("li").length === 2`,
		"shows text, not HTML":     bar + `.querySelector("li b") === null && ` + bar + `.querySelector("li").textContent.includes("<b>json</b>")`,
		"has an accessible name":   bar + `.getAttribute("aria-label") === "Build warnings"`,
		"leaves the page in place": `window.notReloaded === true && document.querySelector("h1").textContent === "Version one"`,
		"does not cover the page":  bar + `.getBoundingClientRect().width < window.innerWidth`,
		"is the only bar":          `document.querySelectorAll("#snapdoc-warnings").length === 1`,
	}
	for name, expr := range checks {
		if !eval[bool](t, ctx, expr) {
			t.Errorf("warnings bar %s: %s is false", name, expr)
		}
	}

	// Opened, the bar stays open when the list changes; none removes it.
	eval[bool](t, ctx, bar+`.querySelector("summary").click() || true`)
	s.SetWarnings([]string{"content/b.md:6:1: timeout"})
	do(t, ctx, browsertest.WaitText("#snapdoc-warnings summary", "1 build warning"))
	if !eval[bool](t, ctx, bar+`.querySelector("details").open && `+bar+`.querySelectorAll("li").length === 1`) {
		t.Error("the bar closed, or kept the old list, when its warnings changed")
	}
	s.SetWarnings(nil)
	do(t, ctx, browsertest.Until(`!document.getElementById("snapdoc-warnings")`))
	if !eval[bool](t, ctx, "window.notReloaded === true") {
		t.Fatal("the page reloaded for warnings")
	}
}

func TestBrowserNavigate(t *testing.T) {
	s, ctx := openPage(t)
	next := lessonSite("Version two")
	next["new/index.html"] = []byte("<!doctype html><body><h1>New lesson</h1></body>")
	// The update also changes the open page: navigating must win over
	// reloading.
	s.UpdateAndNavigate(next, []string{"new/index.html", "page/index.html"}, "/new/")
	do(t, ctx, browsertest.Until(`location.pathname === "/new/" && document.querySelector("h1")?.textContent === "New lesson"`))
}

// TestBrowserServerRestart checks that an open page finds a restarted
// preview on the same address and reloads into the new server's site.
func TestBrowserServerRestart(t *testing.T) {
	var current atomic.Pointer[Server]
	first := NewServer(ServerOptions{})
	first.Update(lessonSite("Version one"), nil)
	current.Store(first)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		current.Load().ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	ctx := browsertest.New(t)
	do(t, ctx, chromedp.Navigate(ts.URL+"/page/"), browsertest.WaitText("h1", "Version one"))

	// The old server stops; its page retries until the new one answers.
	first.Close()
	second := NewServer(ServerOptions{})
	t.Cleanup(second.Close)
	second.Update(lessonSite("Version two"), nil)
	current.Store(second)
	do(t, ctx, browsertest.WaitText("h1", "Version two"))
}

// TestBrowserBackShowsFreshPage checks that going back to a page that
// changed while it was in the history shows the new version.
func TestBrowserBackShowsFreshPage(t *testing.T) {
	s, ts := startServer(t, ServerOptions{})
	s.Update(lessonSite("Version one"), nil)
	ctx := browsertest.New(t)
	do(t, ctx,
		chromedp.Navigate(ts.URL+"/page/"), browsertest.WaitText("h1", "Version one"),
		chromedp.Navigate(ts.URL+"/"), browsertest.WaitText("h1", "Home"))

	s.Update(lessonSite("Version two"), []string{"page/index.html"})
	// Not chromedp.NavigateBack, which waits for the restored page to
	// load: the page reloads itself as soon as it learns it is stale,
	// which can abort that navigation (net::ERR_ABORTED) before it ends.
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`history.back()`), browsertest.WaitText("h1", "Version two"))
}

// TestBrowserFirstBuildFails checks the start of a preview whose first
// build fails: the page shows the error, then the site once it builds.
func TestBrowserFirstBuildFails(t *testing.T) {
	s, ts := startServer(t, ServerOptions{})
	s.SetError(BuildError{Message: "template: page.html: unexpected EOF", File: "templates/page.html", Line: 9})
	ctx := browsertest.New(t)
	do(t, ctx, chromedp.Navigate(ts.URL+"/page/"), browsertest.WaitText(overlaySel, "templates/page.html:9"))

	s.Update(lessonSite("Version one"), nil)
	do(t, ctx, browsertest.Until(`document.querySelector("h1")?.textContent === "Version one" && !document.querySelector('[role="alertdialog"]')`))
}
