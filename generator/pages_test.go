package generator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/generator/internal/browsertest"
	"github.com/snapdoc/snapdoc/templates"
)

// The page checks: axe-core in Chromium and the Nu Html Checker over every
// page of the sample site (the repository's own content/) and of a site
// with every kind of block, in both colour schemes at a desktop and a
// phone width. The checkers come from npm, installed by .ci/run into
// testdata/tools/node_modules (npm ci there).

// toolsDir is where .ci/run installs the npm checkers.
const toolsDir = "../testdata/tools/node_modules"

// tool returns the path of a file of an npm package installed in
// [toolsDir]. When it is missing the test skips, saying how to install it,
// or fails under CI=true, where .ci/run has installed it.
func tool(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(toolsDir, rel))
	if err == nil {
		_, err = os.Stat(p)
	}
	if err != nil {
		msg := fmt.Sprintf("%s is missing (%v): run `npm ci --ignore-scripts` in testdata/tools", rel, err)
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s (CI=true, so the page checks must run)", msg)
		}
		t.Skip(msg)
	}
	return p
}

// java returns the path of java, skipping or failing as [tool] does.
func java(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("java")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("java not found: %v (CI=true, so the Nu Html Checker must run)", err)
		}
		t.Skipf("java not found (%v): install Debian's default-jre-headless to run the Nu Html Checker", err)
	}
	return p
}

// sampleSite builds the repository's own site into a new directory.
func sampleSite(t *testing.T) string {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := generator.Build(context.Background(), generator.Options{
		Source: "..", Dest: dest, Theme: templates.FS, Run: generator.RunReplay,
	}); err != nil {
		t.Fatal(err)
	}
	return dest
}

// everyKindAPI answers the requests of the lesson of [everyKindSite]. Once
// failing is set, /flaky answers 503.
func everyKindAPI(failing *atomic.Bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/fresh", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"fresh": true, "note": "<script>alert(1)</script>"}`)
	})
	mux.HandleFunc("/tagged", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "version one\n")
	})
	mux.HandleFunc("/image", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"))
	})
	mux.HandleFunc("/items", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-1234")
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
		}
		fmt.Fprint(w, `{"id": 7, "ok": true, "tags": ["a", "b"]}`)
	})
	mux.HandleFunc("/flaky", func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"up": true}`)
	})
	return mux
}

// everyKindLesson shows every kind of block a page can hold.
const everyKindLesson = `---
title: Every kind of block <em>escaped</em>
description: A lesson with each kind of http block, for the page checks.
category: checks
language: python
tags: [checks, cache]
updated: 2025-01-02
aliases: [/old/every-kind/, /every-kind.html]
---

A paragraph, then every kind of block.

## Not run

` + "```http norun" + `
GET https://api.test/never
` + "```" + `

## Cache hit and revalidation

` + "```http id=cache" + `
# @name first
GET https://api.test/fresh

###
# @name again
GET https://api.test/fresh

###
# @name tagged
GET https://api.test/tagged

###
# @name revalidated
GET https://api.test/tagged
` + "```" + `

### Assertions and a volatile header

` + "```http id=assert volatile=header:X-Request-Id" + `
POST https://api.test/items
Content-Type: application/json

{"name": "seven"}

?? status == 201
?? body $.ok == true
?? header content-type includes json
` + "```" + `

## A binary body

` + "```http id=binary" + `
GET https://api.test/image
` + "```" + `

## Stale after an error

` + "```http id=flaky" + `
GET https://api.test/flaky
` + "```" + `

## Not recorded yet

` + "```http id=unrecorded" + `
GET https://api.test/items

?? status == 404
` + "```" + `

## Plain code

` + "```python" + `
print("a very long line of code that has to scroll inside its box on a phone, because it is far wider than the screen")
` + "```" + `

| Field | Meaning |
|---|---|
| ` + "`id`" + ` | the item |
`

// everyKindSite builds a site whose lesson holds every kind of block
// (not run, cache hit, revalidated, assertions, binary body, several
// requests, stale after an error, not recorded yet), with Run buttons for
// readers (try.runner), twice, the second time
// with the flaky host down, and returns the output directory.
func everyKindSite(t *testing.T) string {
	t.Helper()
	var failing atomic.Bool
	api := httptest.NewServer(everyKindAPI(&failing))
	t.Cleanup(api.Close)
	src := t.TempDir()
	writeSite(t, src, map[string]string{
		"snapdoc.yaml":            "title: Checks <b>site</b>\nbase_url: https://docs.example.org/guide/\nedit_url: https://git.example.org/site/edit/main/\ntry:\n  runner: https://run.example.org\nrunner:\n  hosts:\n    api.test: " + api.URL + "\n  volatile: [header:Date]\n  headers: [Content-Type, Cache-Control, ETag, X-Request-Id, Date]\n",
		"content/every-kind.md":   everyKindLesson,
		"content/second.md":       lesson("A second lesson", "checks", "Some text.\n\n## A heading\n\nMore text."),
		"content/authoring.md":    authoringLesson,
		"content/examples/app.py": authoringApp,
		// A section with its page, a lesson and a subsection, for the
		// breadcrumbs and the section's list.
		"content/manual/_index.md":        "---\ntitle: The manual\ndescription: Everything, in order.\n---\n\nRead it in order.\n",
		"content/manual/first.md":         lesson("First steps", "checks", "Some text."),
		"content/manual/deeper/index.md":  "---\ntitle: Deeper\ndescription: Further on.\n---\n\nFurther.\n",
		"content/manual/deeper/inside.md": lesson("Inside", "checks", "More text."),
	})
	dest := filepath.Join(src, "public")
	opts := generator.Options{Source: src, Theme: templates.FS, KeepGoing: true}
	if _, err := generator.Build(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	failing.Store(true)
	opts.Run = generator.RunRefresh
	if _, err := generator.Build(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	for _, alias := range []string{"old/every-kind/index.html", "every-kind.html"} { // for the page checks
		if !isAlias(t, filepath.Join(dest, alias)) {
			t.Fatalf("%s is no alias page", alias)
		}
	}
	page, err := os.ReadFile(filepath.Join(dest, "every-kind/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, state := range []string{`data-state="norun"`, `data-state="stale"`, `data-state="unrecorded"`, "cache-hit", "cache-revalidated", "check-pass", "check-fail", `class="try"`} {
		if !bytes.Contains(page, []byte(state)) {
			t.Fatalf("the every-kind page has no %s:\n%s", state, page)
		}
	}
	return dest
}

// pages lists the HTML files of a built site, relative to it.
func pages(t *testing.T, dest string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(dest, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no pages in %s", dest)
	}
	return out
}

// serveSite serves a built site whose base URL has the path prefix, as a
// static host does, and returns its URL.
func serveSite(t *testing.T, dest, prefix string) string {
	t.Helper()
	srv := httptest.NewServer(http.StripPrefix(strings.TrimSuffix(prefix, "/"), http.FileServer(http.Dir(dest))))
	t.Cleanup(srv.Close)
	return srv.URL
}

// view is a colour scheme and a viewport width.
type view struct {
	scheme string
	width  int64
	height int64
}

// views are the ones every page is checked in.
var views = []view{{"light", 1280, 800}, {"dark", 1280, 800}, {"light", 390, 844}, {"dark", 390, 844}}

// emulate sets the colour scheme and viewport of the tab.
func emulate(v view) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v.scheme}},
		}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: v.width, Height: v.height, DeviceScaleFactor: 1, Mobile: v.width < 600,
		})
		return err
	})
}

// axeViolation is one rule that a page breaks, as axe-core reports it.
type axeViolation struct {
	ID      string
	Impact  string
	Help    string
	Targets []string
	Summary string
}

// runAxe runs every axe-core rule but the AAA and experimental ones on
// the page, and returns the violations.
const runAxe = `(async () => {
	const rules = {};
	for (const r of axe.getRules()) rules[r.ruleId] = {enabled: !r.tags.some(t => t === "wcag2aaa" || t === "experimental")};
	const res = await axe.run(document, {rules, resultTypes: ["violations"]});
	return res.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help,
		targets: v.nodes.map(n => n.target.join(" ")),
		summary: v.nodes[0] ? v.nodes[0].failureSummary : "",
	}));
})()`

// TestPagesHaveNoAxeViolations runs axe-core on every page of the sample
// site and of a site with every kind of block, light and dark, at 1280
// and 390 px.
func TestPagesHaveNoAxeViolations(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	axeJS, err := os.ReadFile(tool(t, "axe-core/axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	sites := map[string]struct{ dest, url string }{}
	sample := sampleSite(t)
	sites["sample"] = struct{ dest, url string }{sample, serveSite(t, sample, "/")}
	every := everyKindSite(t)
	sites["every-kind"] = struct{ dest, url string }{every, serveSite(t, every, "/guide/")}
	for _, name := range []string{"sample", "every-kind"} {
		site := sites[name]
		for _, page := range pages(t, site.dest) {
			if isAlias(t, filepath.Join(site.dest, page)) {
				continue // it leaves for the lesson as it loads; the Nu Html Checker checks it
			}
			path := strings.TrimSuffix(page, "index.html")
			if name == "every-kind" {
				path = "guide/" + path
			}
			t.Run(name+"/"+page, func(t *testing.T) {
				ctx := browsertest.New(t) // a tab per page, each within browsertest.Timeout
				for _, v := range views {
					if err := chromedp.Do(ctx, emulate(v), chromedp.Navigate(site.url+"/"+path)); err != nil {
						t.Fatal(err)
					}
					if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(axeJS)+";true")); err != nil {
						t.Fatalf("inject axe-core: %v", err)
					}
					got, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](runAxe, chromedp.EvalAwaitPromise))
					if err != nil {
						t.Fatalf("run axe: %v", err)
					}
					for _, viol := range got {
						t.Errorf("/%s (%s, %d px): %s (%s, %d nodes: %s): %s", path, v.scheme, v.width, viol.ID, viol.Impact,
							len(viol.Targets), strings.Join(first(viol.Targets, 3), ", "), strings.ReplaceAll(viol.Summary, "\n", " "))
					}
				}
			})
		}
	}
}

// isAlias reports whether the page file is an alias's, which sends the
// browser on to its lesson at once.
func isAlias(t *testing.T, file string) bool {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(b, []byte(`<meta http-equiv="refresh"`))
}

// first returns at most n elements of s.
func first(s []string, n int) []string { return s[:min(n, len(s))] }

// vnuReport is the Nu Html Checker's JSON output.
type vnuReport struct {
	Messages []struct {
		Type     string `json:"type"`
		SubType  string `json:"subType"`
		URL      string `json:"url"`
		LastLine int    `json:"lastLine"`
		Message  string `json:"message"`
		Extract  string `json:"extract"`
	} `json:"messages"`
}

// TestPagesAreValidHTML runs the Nu Html Checker over every page of the
// sample site and of a site with every kind of block.
func TestPagesAreValidHTML(t *testing.T) {
	if testing.Short() {
		t.Skip("runs java")
	}
	jar := tool(t, "vnu-jar/build/dist/vnu.jar")
	javaPath := java(t)
	for name, dest := range map[string]string{"sample": sampleSite(t), "every-kind": everyKindSite(t)} {
		var files []string
		for _, p := range pages(t, dest) {
			files = append(files, filepath.Join(dest, p))
		}
		cmd := exec.Command(javaPath, append([]string{"-jar", jar, "--format", "json", "--exit-zero-always"}, files...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("vnu: %v\n%s", err, stderr.Bytes())
		}
		var rep vnuReport
		if err := json.Unmarshal(stderr.Bytes(), &rep); err != nil {
			t.Fatalf("vnu output: %v\n%s", err, stderr.Bytes())
		}
		errs := 0
		for _, m := range rep.Messages {
			if m.Type == "info" {
				continue
			}
			errs++
			rel, _ := filepath.Rel(dest, strings.TrimPrefix(m.URL, "file:"))
			t.Errorf("%s %s:%d: %s: %s (in %q)", name, rel, m.LastLine, m.Type, m.Message, m.Extract)
		}
		if errs > 0 {
			t.Logf("%s: %d errors in %d pages", name, errs, len(files))
		}
	}
}

// phoneChecks measures a page at 390 × 844 px: where its h1 starts, whether
// the site navigation is folded behind its button, whether anything but a
// scroll box is wider than the screen, and the controls smaller than 24 px
// a side, the least a finger can hit (WCAG 2.2 target size).
const phoneChecks = `(() => {
	const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden"; };
	const nav = document.querySelector(".site-nav"), toggle = document.querySelector(".nav-toggle");
	const small = [];
	for (const el of document.querySelectorAll("button, summary, [role=tab], .site-nav a, .brand, .tag, .badge, .toc-inline a, .anchor, .prev-next a, .edit a, .crumbs a, .pager a")) {
		if (!visible(el)) continue;
		const r = el.getBoundingClientRect();
		if (r.width < 24 || r.height < 24) small.push((el.className || el.tagName) + " " + JSON.stringify(el.textContent.trim().slice(0, 30)) + " " + Math.round(r.width) + "×" + Math.round(r.height));
	}
	const scrolling = [...document.querySelectorAll(".scroll")].filter(el => el.scrollWidth > el.clientWidth + 1).length;
	return {
		h1: document.querySelector("h1").getBoundingClientRect().top + scrollY,
		navShown: nav ? visible(nav) : false,
		toggleShown: toggle ? visible(toggle) : false,
		pageWidth: document.documentElement.scrollWidth,
		width: innerWidth,
		scrolling, small,
	};
})()`

// TestPhoneLayout checks every lesson page of both sites on a 390 × 844
// phone screen: the title starts within 140 px of the top, the site
// navigation is folded behind a Menu button that opens it, code scrolls
// inside its box rather than widening the page, and every control is at
// least 24 px a side.
func TestPhoneLayout(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	sample := sampleSite(t)
	every := everyKindSite(t)
	type result struct {
		H1                    float64
		NavShown, ToggleShown bool
		PageWidth, Width      int
		Scrolling             int
		Small                 []string
	}
	scrolled := 0
	for _, site := range []struct{ dest, url, prefix string }{{sample, serveSite(t, sample, "/"), ""}, {every, serveSite(t, every, "/guide/"), "guide/"}} {
		for _, page := range pages(t, site.dest) {
			if strings.Count(page, "/") != 1 || strings.HasPrefix(page, "tags/") || strings.HasPrefix(page, "categories/") {
				continue // lessons only: LESSON/index.html
			}
			t.Run(site.prefix+page, func(t *testing.T) {
				ctx := browsertest.New(t)
				url := site.url + "/" + site.prefix + strings.TrimSuffix(page, "index.html")
				if err := chromedp.Do(ctx, emulate(view{"light", 390, 844}), chromedp.Navigate(url)); err != nil {
					t.Fatal(err)
				}
				got, err := chromedp.Run(ctx, chromedp.Evaluate[result](phoneChecks))
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("h1 at %.0f px; %d boxes scroll sideways", got.H1, got.Scrolling)
				if got.H1 > 140 {
					t.Errorf("the title starts %.0f px from the top, want 140 px or less", got.H1)
				}
				if got.NavShown || !got.ToggleShown {
					t.Errorf("navigation shown %v, its Menu button shown %v: want it folded behind the button", got.NavShown, got.ToggleShown)
				}
				if got.PageWidth > got.Width {
					t.Errorf("the page is %d px wide on a %d px screen: something does not scroll inside its box", got.PageWidth, got.Width)
				}
				if len(got.Small) > 0 {
					t.Errorf("controls smaller than 24 × 24 px: %s", strings.Join(got.Small, "; "))
				}
				scrolled += got.Scrolling
				if !got.ToggleShown {
					return
				}
				// The Menu button opens the navigation and says so.
				if err := chromedp.Do(ctx, chromedp.Click(".nav-toggle"), browsertest.Until(`document.querySelector(".nav-toggle").getAttribute("aria-expanded") === "true"`)); err != nil {
					t.Fatal(err)
				}
				if got, err = chromedp.Run(ctx, chromedp.Evaluate[result](phoneChecks)); err != nil {
					t.Fatal(err)
				} else if !got.NavShown {
					t.Error("the Menu button does not show the navigation")
				}
			})
		}
	}
	if scrolled == 0 {
		t.Error("no code box scrolls sideways on a phone: the check of scrolling inside boxes has nothing to check")
	}
}

// copyRecorder records what a copy command puts on the clipboard: a
// headless browser has no clipboard to read back. A copy through a
// selected textarea copies its selection.
const copyRecorder = `document.addEventListener("copy", (e) => {
	const t = e.target;
	window.copied = t && "value" in t ? t.value.slice(t.selectionStart, t.selectionEnd) : String(getSelection());
}, true); true`

// TestCopyWithoutClipboardAPI copies code on a page served over plain
// http:// from a host that is not loopback, where browsers give no
// navigator.clipboard, and on a page whose Clipboard API refuses: the
// copy goes through a selected textarea, and the button and a live region
// say "Copied".
func TestCopyWithoutClipboardAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	dest := sampleSite(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(dest)))
	t.Cleanup(srv.Close)
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	// docs.test resolves to the server's loopback address: a name, not
	// 127.0.0.1 or localhost, which browsers treat as secure.
	ctx := browsertest.NewWithFlags(t, map[string]any{"host-resolver-rules": "MAP docs.test 127.0.0.1"})
	check := func(t *testing.T, button, code string) {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](`window.copied = undefined`),
			chromedp.Click(button),
			browsertest.Until(`window.copied !== undefined`),
			browsertest.Until(`[...document.querySelectorAll("[aria-live=polite]")].some(r => r.textContent === "Copied")`),
		); err != nil {
			t.Fatal(err)
		}
		copied, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.copied`))
		if err != nil {
			t.Fatal(err)
		}
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+quoteJS(code)+`).textContent`))
		if err != nil {
			t.Fatal(err)
		}
		if copied == "" || strings.TrimSuffix(shown, "\n") != strings.TrimSuffix(copied, "\n") {
			t.Errorf("copied %q, the page shows %q", copied, shown)
		}
		label, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+quoteJS(button)+`).textContent`))
		if err != nil || label != "Copied" {
			t.Errorf("the button says %q (%v), want Copied", label, err)
		}
	}

	t.Run("http", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate("http://docs.test:"+port+"/etag-revalidation/")); err != nil {
			t.Fatal(err)
		}
		insecure, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!window.isSecureContext && navigator.clipboard === undefined`))
		if err != nil || !insecure {
			t.Fatalf("the page at docs.test is a secure context or has navigator.clipboard (%v): the fallback goes untested", err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](copyRecorder)); err != nil {
			t.Fatal(err)
		}
		check(t, `.snippet-panel:not([hidden]) .snippet-copy`, `.snippet-panel:not([hidden]) pre code`)
		check(t, `.prose > .code-block button.copy`, `.prose > .code-block pre code`)
	})
	t.Run("refused", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/etag-revalidation/")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](copyRecorder+`; navigator.clipboard.writeText = () => Promise.reject(new DOMException("denied", "NotAllowedError")); isSecureContext`)); err != nil {
			t.Fatal(err)
		}
		check(t, `.snippet-panel:not([hidden]) .snippet-copy`, `.snippet-panel:not([hidden]) pre code`)
	})
}

// quoteJS returns s as a JavaScript string literal.
func quoteJS(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

var screenshots = flag.Bool("screenshots", false, "write the screenshots of a lesson under docs/screenshots/")

// TestScreenshots writes, with -screenshots, the README's screenshots of a
// lesson of the sample site: light and dark, at 1280 and 390 px, two
// screens tall so that an example shows below the title.
func TestScreenshots(t *testing.T) {
	if !*screenshots {
		t.Skip("writes docs/screenshots/ only with -screenshots")
	}
	dest := sampleSite(t)
	url := serveSite(t, dest, "/")
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, v := range views {
		v.height *= 2
		ctx := browsertest.New(t)
		if err := chromedp.Do(ctx, emulate(v), chromedp.Navigate(url+"/etag-revalidation/")); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, fmt.Sprintf("lesson-%d-%s.png", v.width, v.scheme))
		if err := os.WriteFile(name, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", name)
	}
}
