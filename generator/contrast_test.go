package generator_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/generator/internal/browsertest"
	"github.com/snapdoc/snapdoc/templates"
)

func TestMain(m *testing.M) { browsertest.Main(m) }

// worstContrast is a script that finds, among the page's elements that
// match the CSS selector, the one whose colour has the lowest contrast
// ratio (WCAG 2) with the background it is shown on, and returns it as
// {ratio, text, class, count}.
func worstContrast(selector string) string {
	return `(() => {
	const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
	const lum = ([r, g, b]) => {
		const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
		return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
	};
	const background = el => {
		for (; el; el = el.parentElement) {
			const c = rgb(getComputedStyle(el).backgroundColor);
			if (c.length === 3 || c[3] > 0) return c;
		}
		return [255, 255, 255];
	};
	let worst = {ratio: 99, text: "", class: ""};
	const els = [...document.querySelectorAll(` + quoteJS(selector) + `)];
	for (const el of els) {
		if (!el.textContent.trim()) continue;
		const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
		const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
		if (ratio < worst.ratio) worst = {ratio, text: el.textContent.slice(0, 40), class: el.className};
	}
	worst.count = els.length;
	return worst;
})()`
}

// TestCodeIsReadableInBothSchemes checks in Chromium that every token of
// highlighted code, in every tab, stands out from its background in the
// light and the dark colour scheme.
func TestCodeIsReadableInBothSchemes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := generator.Build(context.Background(), generator.Options{
		Source: "testdata/render/site", Dest: dest, Theme: templates.FS, Run: generator.RunReplay,
	}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dest)))
	t.Cleanup(srv.Close)

	ctx := browsertest.New(t)
	for _, scheme := range []string{"light", "dark"} {
		emulate := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
			})
			return err
		})
		for _, page := range []string{"/cache-basics/", "/etags/"} {
			type result struct {
				Ratio float64
				Text  string
				Class string
				Count int
			}
			if err := chromedp.Do(ctx, emulate, chromedp.Navigate(srv.URL+page)); err != nil {
				t.Fatal(err)
			}
			got, err := chromedp.Run(ctx, chromedp.Evaluate[result](worstContrast("pre.chroma code, pre.chroma code span")))
			if err != nil {
				t.Fatal(err)
			}
			if got.Count == 0 {
				t.Fatalf("%s %s: no highlighted code", scheme, page)
			}
			t.Logf("%s %s: %d pieces of code, the least contrast %.2f:1 (%q, class %q)", scheme, page, got.Count, got.Ratio, got.Text, got.Class)
			// WCAG AA asks 4.5:1 of text.
			if got.Ratio < 4.5 {
				t.Errorf("%s %s: %q (class %q) has a contrast of %.2f:1 with its background, want 4.5:1 or more",
					scheme, page, got.Text, got.Class, got.Ratio)
			}
		}
	}
}
