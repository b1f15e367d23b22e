package generator_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/generator/internal/browsertest"
	"github.com/snapdoc/snapdoc/templates"
)

// authoringLesson uses the Markdown that authors from other generators
// expect: every callout, a named heading id, a definition list, the
// allowed HTML, and fences with a title, highlighted lines, line numbers
// and an included file (examples/app.py beside it). The every-kind site
// of the page checks has it.
const authoringLesson = `---
title: Authoring
category: checks
tags: [checks]
updated: 2025-01-02
---

> [!NOTE]
> A note with ` + "`code`" + ` and a [link](https://example.org/).

> [!TIP]
> A tip.

> [!IMPORTANT]
> Something important.

> [!WARNING]
> A warning.

> [!CAUTION]
> A caution.

## Named heading {#named}

max-age
: How long a response stays fresh.

no-store
: Never kept.

Press <kbd>Ctrl</kbd>+<kbd>C</kbd>; H<sub>2</sub>O, x<sup>2</sup>.<br>A new line.

<details>
<summary>More about <kbd>q</kbd></summary>

Some *Markdown* inside.

</details>

` + "```python title=\"app.py\" {2} showLineNumbers\n<<< ./examples/app.py\n```\n\n```js {1,3-4}\n// a comment\nconst a = 1;\nconst b = \"two\";\nconsole.log(a, b);\n```\n"

// authoringApp is the file the authoring lesson includes.
const authoringApp = "# The example, tested on its own.\nimport requests\nr = requests.get(\"https://httpbin.org/get\", timeout=5)\nprint(r.status_code, r.json()[\"url\"])\n"

// authoringSite builds a site of the authoring lesson and serves it.
func authoringSite(t *testing.T) string {
	t.Helper()
	src := t.TempDir()
	writeSite(t, src, map[string]string{"content/authoring.md": authoringLesson, "content/examples/app.py": authoringApp})
	dest := filepath.Join(src, "public")
	if _, err := generator.Build(context.Background(), generator.Options{Source: src, Theme: templates.FS, Run: generator.RunReplay}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dest)))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestCopyLeavesLineNumbersOut copies the included, numbered code of the
// authoring lesson: what is copied is the file, without the numbers.
func TestCopyLeavesLineNumbersOut(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	url := authoringSite(t)
	ctx := browsertest.New(t)
	button := `.code-block:has(.ln) button.copy`
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/authoring/"),
		chromedp.Evaluate[chromedp.Void](copyRecorder+`; navigator.clipboard.writeText = (text) => { window.copied = text; return Promise.resolve(); }`),
		chromedp.Click(button),
		browsertest.Until(`window.copied !== undefined`),
	); err != nil {
		t.Fatal(err)
	}
	copied, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.copied`))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSuffix(authoringApp, "\n"); copied != want {
		t.Errorf("copied %q, want the file %q", copied, want)
	}
}

// TestAuthoringIsReadableInBothSchemes checks in Chromium that callout
// titles, code titles, highlighted lines and line numbers stand out from
// their backgrounds (4.5:1) in both colour schemes.
func TestAuthoringIsReadableInBothSchemes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	url := authoringSite(t)
	ctx := browsertest.New(t)
	for _, scheme := range []string{"light", "dark"} {
		emulate := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
			})
			return err
		})
		if err := chromedp.Do(ctx, emulate, chromedp.Navigate(url+"/authoring/")); err != nil {
			t.Fatal(err)
		}
		type result struct {
			Ratio float64
			Text  string
			Class string
			Count int
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[result](worstContrast(authoringSelector)))
		if err != nil {
			t.Fatal(err)
		}
		// 5 callout titles, a code title, 3 highlighted lines, 4 numbers.
		if got.Count < 13 {
			t.Fatalf("%s: only %d pieces to check", scheme, got.Count)
		}
		t.Logf("%s: %d pieces, the least contrast %.2f:1 (%q, class %q)", scheme, got.Count, got.Ratio, got.Text, got.Class)
		if got.Ratio < 4.5 {
			t.Errorf("%s: %q (class %q) has a contrast of %.2f:1 with its background, want 4.5:1 or more", scheme, got.Text, got.Class, got.Ratio)
		}
	}
}

// authoringSelector is what TestAuthoringIsReadableInBothSchemes
// measures: the authoring lesson's callout titles, code titles, and the
// tokens and numbers of highlighted or numbered lines.
const authoringSelector = ".callout-title, .code-title, pre.chroma .hl, pre.chroma .hl span, pre.chroma .ln"
