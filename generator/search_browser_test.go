package generator_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/generator/internal/browsertest"
	"github.com/snapdoc/snapdoc/templates"
)

// searchSite is a site whose lessons the search test looks for.
var searchSite = map[string]string{
	"content/max-age.md": "---\ntitle: Max-Age in depth\ntags: [caching]\n---\nThe `max-age` directive of `Cache-Control` says how long a response stays fresh.\n\n## Freshness\n\nA response older than its max-age is stale.\n",
	"content/etags.md":   "---\ntitle: ETags\ntags: [caching]\n---\nValidators let a cache revalidate. See also max-age, which comes first.\n\n```python\nrequests.get(url, headers={\"If-None-Match\": etag})\n```\n",
	"content/umlaut.md":  "---\ntitle: Überblick\ntags: [deutsch]\n---\nEine Übersicht über Größen und Grüße.\n",
	"content/xss.md":     "---\ntitle: <script>window.pwned=1</script> sneaky\ntags: [sneaky]\n---\nA sneaky `<script>window.pwned=2</script>` and <img src=x onerror=\"window.pwned=3\"> in the text.\n",
}

// slash presses / as a keyboard does: one keydown that carries its text,
// whose character a page that prevents the keydown does not get.
// (chromedp.KeyEvent sends the character as an event of its own, which
// no handler can prevent.)
var slash = chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
	for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
		ev := input.DispatchKeyEventParams{Type: typ, Key: "/", Code: "Slash", WindowsVirtualKeyCode: 191, NativeVirtualKeyCode: 191}
		if typ == input.DispatchKeyEventTypeKeyDown {
			ev.Text, ev.UnmodifiedText = "/", "/"
		}
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, ev); err != nil {
			return err
		}
	}
	return nil
})

// TestSearchInBrowser drives the search box of a built site in Chromium:
// / focuses it on any page, results are ranked with highlighted
// excerpts, arrow keys and Enter move through them, Escape closes them,
// and a lesson's markup shows as text.
func TestSearchInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	src := t.TempDir()
	writeSite(t, src, searchSite)
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := generator.Build(context.Background(), generator.Options{Source: src, Dest: dest, Theme: templates.FS, Run: generator.RunReplay}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dest)))
	t.Cleanup(srv.Close)
	ctx := browsertest.New(t)

	eval := func(expr string) string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return got
	}
	active := `document.activeElement.id || document.activeElement.textContent`
	results := `[...document.querySelectorAll(".site-search-panel li .site-search-title")].map((e) => e.textContent).join(" | ")`

	// A lesson page has the box; / focuses it.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/etags/"), browsertest.Until(`!document.querySelector("search.site-search").hidden`),
		slash); err != nil {
		t.Fatal(err)
	}
	if got := eval(active); got != "site-search-q" {
		t.Fatalf("after /, focus is on %q, want the search input", got)
	}
	if got := eval(`document.querySelector("label[for=site-search-q]").textContent`); got != "Search" {
		t.Errorf("the input's label is %q", got)
	}

	// A query: ranked results, the title match first, with the term
	// highlighted in the excerpt, and the count announced.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("max-age"), browsertest.WaitText(".site-search-status", "2 results for “max-age”")); err != nil {
		t.Fatal(err, eval(`document.querySelector(".site-search-status").textContent + "|" + document.getElementById("site-search-q").value`))
	}
	if got, want := eval(results), "Max-Age in depth | ETags"; got != want {
		t.Errorf("results %q, want %q", got, want)
	}
	if got := eval(`[...document.querySelectorAll(".site-search-panel li:first-child mark")].map((e) => e.textContent).join(",")`); got != "max-age,max-age" {
		t.Errorf("first excerpt marks %q, want max-age twice", got)
	}
	if got := eval(`document.querySelector(".site-search-status").getAttribute("aria-live")`); got != "polite" {
		t.Errorf("the count's aria-live is %q", got)
	}

	// Arrow keys move between the input and the results.
	steps := []struct {
		key, want string
	}{
		{kb.ArrowDown, "Max-Age in depth"}, {kb.ArrowDown, "ETags"}, {kb.ArrowDown, "ETags"},
		{kb.ArrowUp, "Max-Age in depth"}, {kb.ArrowUp, "site-search-q"},
	}
	for i, s := range steps {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(s.key)); err != nil {
			t.Fatal(err)
		}
		got := eval(`document.activeElement.id || document.activeElement.querySelector(".site-search-title")?.textContent || ""`)
		if got != s.want {
			t.Errorf("after key %d, focus is on %q, want %q", i, got, s.want)
		}
	}

	// Escape closes the results and keeps the focus in the input.
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	if got := eval(`String(document.querySelector(".site-search-panel").hidden) + " " + document.activeElement.id`); got != "true site-search-q" {
		t.Errorf("after Escape: hidden and focus %q, want %q", got, "true site-search-q")
	}

	// A phrase, non-ASCII text, and Enter on a result opens its page.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("site-search-q").value = ""`),
		chromedp.KeyEvent(`"cache control"`), browsertest.WaitText(".site-search-status", "1 result for “\"cache control\"”")); err != nil {
		t.Fatal(err)
	}
	if got := eval(results); got != "Max-Age in depth" {
		t.Errorf("phrase results %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("site-search-q").value = ""`),
		chromedp.KeyEvent("ÜBER"), browsertest.WaitText(".site-search-status", "1 result for “ÜBER”")); err != nil {
		t.Fatal(err)
	}
	if got := eval(`document.querySelector(".site-search-panel li mark")?.textContent || ""`); got != "über" {
		t.Errorf("ÜBER highlights %q, want über", got)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter),
		browsertest.Until(`location.pathname === "/umlaut/"`)); err != nil {
		t.Fatal(err)
	}

	// A lesson's markup is text in results: its title and excerpt show
	// it, and nothing runs.
	if err := chromedp.Do(ctx, browsertest.Until(`!document.querySelector("search.site-search").hidden`),
		slash, chromedp.KeyEvent("sneaky"), browsertest.WaitText(".site-search-status", "1 result for “sneaky”")); err != nil {
		t.Fatal(err)
	}
	if got := eval(results); got != "<script>window.pwned=1</script> sneaky" {
		t.Errorf("title shown as %q", got)
	}
	if got := eval(`document.querySelector(".site-search-panel li .site-search-excerpt").textContent`); got != "A sneaky <script>window.pwned=2</script> and in the text." {
		t.Errorf("excerpt shown as %q", got)
	}
	if got := eval(`String(window.pwned) + " " + document.querySelectorAll(".site-search-panel script, .site-search-panel img").length`); got != "undefined 0" {
		t.Errorf("lesson markup ran or became elements: %q", got)
	}
}
