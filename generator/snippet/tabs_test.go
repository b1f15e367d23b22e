package snippet

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/snapdoc/snapdoc/templates"
)

// tabsPage has two tab groups in the markup tabs.js documents, and
// site.js, which makes the copy buttons copy; the code holds characters
// HTML escapes, to check that copy takes the text shown.
const tabsPage = `<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body>
<div class="snippet-tabs" id="g1">
  <div class="snippet-panel" data-lang="python" data-label="Python"><p class="snippet-label">Python</p><pre><code>print("a &lt; b &amp; c")
</code></pre></div>
  <div class="snippet-panel" data-lang="curl" data-label="curl"><p class="snippet-label">curl</p><pre><code>curl --url 'x'</code></pre></div>
  <div class="snippet-panel" data-lang="go" data-label="Go"><p class="snippet-label">Go</p><pre><code><span>package</span> main
</code></pre></div>
</div>
<div class="snippet-tabs" id="g2">
  <div class="snippet-panel" data-lang="curl" data-label="curl"><pre><code>curl 2</code></pre></div>
  <div class="snippet-panel" data-lang="go" data-label="Go"><pre><code>go 2</code></pre></div>
</div>
<script src="/static/site.js"></script>
<script src="/static/tabs.js"></script>
</body></html>`

// TestTabsScript drives templates/static/tabs.js in headless Chromium.
func TestTabsScript(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if browser, err = exec.LookPath("google-chrome"); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("no chromium or google-chrome on PATH")
			}
			t.Skip("no chromium or google-chrome on PATH (set CI=true to make this a failure)")
		}
	}
	static, err := fs.Sub(templates.FS, "static")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(tabsPage)) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancel = context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel)

	// state reports which language each group shows, as "g1=python g2=curl".
	const state = `[...document.querySelectorAll(".snippet-tabs")].map(g => g.id + "=" +
		[...g.querySelectorAll(".snippet-panel")].filter(p => !p.hidden).map(p => p.dataset.lang).join("+")).join(" ")`
	eval := func(js string) string {
		t.Helper()
		out, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return out
	}
	expect := func(what, js, want string) {
		t.Helper()
		if got := eval(js); got != want {
			t.Errorf("%s: %q, want %q", what, got, want)
		}
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL), chromedp.WaitVisible(`[role=tablist]`)); err != nil {
		t.Fatal(err)
	}
	expect("first tab shown first", state, "g1=python g2=curl")
	expect("tabs", `[...document.querySelectorAll("#g1 [role=tab]")].map(t => t.textContent + ":" + t.getAttribute("aria-selected") + ":" + t.tabIndex).join(",")`,
		"Python:true:0,curl:false:-1,Go:false:-1")
	expect("panel labelled by its tab", `(() => { const p = document.querySelector("#g1 .snippet-panel"); return p.getAttribute("role") + " " + document.getElementById(p.getAttribute("aria-labelledby")).textContent })()`,
		"tabpanel Python")
	expect("labels hidden", `String([...document.querySelectorAll(".snippet-label")].every(l => l.hidden))`, "true")

	// A click chooses the language in every group and remembers it.
	if err := chromedp.Do(ctx, chromedp.Click(`#g1 [role=tab][data-lang=go]`)); err != nil {
		t.Fatal(err)
	}
	expect("after click", state, "g1=go g2=go")
	expect("remembered", `localStorage.getItem("snapdoc.lang")`, "go")

	// Arrow keys move along the tabs, wrapping; Home and End jump.
	for _, step := range []struct{ key, want string }{
		{kb.ArrowRight, "g1=python g2=go"}, // from Go it wraps to Python; g2 has no Python
		{kb.ArrowRight, "g1=curl g2=curl"},
		{kb.ArrowLeft, "g1=python g2=curl"},
		{kb.End, "g1=go g2=go"},
		{kb.Home, "g1=python g2=go"},
	} {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(step.key)); err != nil {
			t.Fatal(err)
		}
		expect("key "+step.want, state, step.want)
		expect("focus follows", `document.activeElement.getAttribute("aria-selected")`, "true")
	}

	// The choice applies on the next page load.
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(`[role=tablist]`)); err != nil {
		t.Fatal(err)
	}
	expect("after reload", state, "g1=python g2=curl")
	if err := chromedp.Do(ctx, chromedp.Click(`#g2 [role=tab][data-lang=go]`), chromedp.Reload(), chromedp.WaitVisible(`[role=tablist]`)); err != nil {
		t.Fatal(err)
	}
	expect("choice on another page load", state, "g1=go g2=go")

	// Copy takes exactly the code of the panel shown.
	eval(`navigator.clipboard.writeText = async (t) => { window.copied = t; }; ""`)
	if err := chromedp.Do(ctx, chromedp.Click(`#g1 [role=tab][data-lang=python]`),
		chromedp.Click(`#g1 [data-lang=python] .snippet-copy`)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`window.copied !== undefined`)); err != nil {
		t.Fatal(err)
	}
	expect("copied text", `window.copied`, "print(\"a < b & c\")\n")
	expect("button feedback", `document.querySelector("#g1 [data-lang=python] .snippet-copy").textContent`, "Copied")

	// Without JavaScript every panel shows, under its label.
	ctx2, cancel2 := chromedp.NewContext(ctx)
	t.Cleanup(cancel2)
	noScript := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
	if err := chromedp.Do(ctx2, noScript, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	shown, err := chromedp.Run(ctx2, chromedp.Evaluate[string](`[...document.querySelectorAll(".snippet-panel, .snippet-label")].filter(e => e.offsetParent !== null).length + ""`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "8"; shown != want {
		t.Errorf("without JavaScript %s panels and labels show, want %s", shown, want)
	}
}
