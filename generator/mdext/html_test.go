package mdext

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestSafeHTMLKeepsTheAllowList(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"Press <kbd>Ctrl</kbd>+<kbd>C</kbd>.", "<p>Press <kbd>Ctrl</kbd>+<kbd>C</kbd>.</p>"},
		{"H<sub>2</sub>O and x<sup>2</sup>", "<p>H<sub>2</sub>O and x<sup>2</sup></p>"},
		{"one<br>two<br/>three", "<p>one<br>two<br>three</p>"},
		{`<img src="img/flow.png" alt="The flow" width="320" height="200">`, `<img src="img/flow.png" alt="The flow" width="320" height="200">`},
		{"<details>\n<summary>More</summary>\n\nSome *Markdown*.\n\n</details>\n", "<details>\n<summary>More</summary>\n<p>Some <em>Markdown</em>.</p>\n</details>\n"},
		{"<details open>\n<summary>Press <kbd>q</kbd></summary>\nText.\n</details>\n", "<details open=\"\">\n<summary>Press <kbd>q</kbd></summary>\nText.\n</details>\n"},
		{"<!-- a note to myself -->\n\nText <!-- inline -->.", "<p>Text .</p>"},
		// A processing instruction is a comment to HTML.
		{"<?php echo 1; ?>\n\nText", "<p>Text</p>"},
	} {
		got, _ := render(t, "", tc.src)
		if strings.TrimSpace(got) != strings.TrimSpace(tc.want) {
			t.Errorf("%q:\n got %q\nwant %q", tc.src, got, tc.want)
		}
	}
}

func TestSafeHTMLShowsTheRestAsText(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"Text <script>alert(1)</script>.", "<p>Text &lt;script&gt;alert(1)&lt;/script&gt;.</p>"},
		{"<span class=x>hi</span>", "&lt;span class=x&gt;hi&lt;/span&gt;"},
		// Attributes off the list are dropped; an img needs src and alt.
		{`<img src=x alt=y onerror=alert(1)>`, `<img src="x" alt="y">`},
		{`<img src=x onerror=alert(1)>`, `&lt;img src=x onerror=alert(1)&gt;`},
		{`<img src="javascript:alert(1)" alt=x>`, `&lt;img src=&#34;javascript:alert(1)&#34; alt=x&gt;`},
		{`<img src="jav&#x61;script:alert(1)" alt=x>`, `&lt;img src=&#34;jav&amp;#x61;script:alert(1)&#34; alt=x&gt;`},
		{`<img src="data:image/svg+xml,<svg onload=alert(1)>" alt=x>`, `&lt;img`},
		{`<img src=x alt=y width="100%;background:url(x)" style="color:red">`, `<img src="x" alt="y">`},
		{`<kbd style="position:fixed" onclick="x()">k</kbd>`, `<p><kbd>k</kbd></p>`},
		// Out of place: unclosed, closed in another paragraph, crossing
		// emphasis, details in a paragraph, summary outside details.
		{"A <kbd>open", "<p>A &lt;kbd&gt;open</p>"},
		{"<kbd>one\n\ntwo</kbd>", "<p>&lt;kbd&gt;one</p>\n<p>two&lt;/kbd&gt;</p>"},
		{"*<kbd>x*</kbd>", "<p><em>&lt;kbd&gt;x</em>&lt;/kbd&gt;</p>"},
		{"Text <details>x</details>", "<p>Text &lt;details&gt;x&lt;/details&gt;</p>"},
		{"<summary>alone</summary>\n", "&lt;summary&gt;alone&lt;/summary&gt;"},
		{"<details>\n\n> </details>\n", "&lt;details&gt;"},
		{"</details>\n", "&lt;/details&gt;"},
		{"<kbd>\n\nx\n\n</kbd>\n", "&lt;kbd&gt;\n<p>x</p>\n&lt;/kbd&gt;"},
		{"<br></br>", "<p><br>&lt;/br&gt;</p>"},
		{"<kbd/>", "&lt;kbd/&gt;"},
		// Broken and nested markup.
		{"<div\n<img src=x onerror=alert(1)//", "&lt;div\n&lt;img src=x onerror=alert(1)//"},
		{"<svg onload=alert(1)><script>alert(2)</script></svg>", "&lt;svg onload=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;&lt;/svg&gt;"},
		{"<style>body{display:none}</style>", "&lt;style&gt;body{display:none}&lt;/style&gt;"},
		{"<iframe src=\"javascript:alert(1)\"></iframe>", "&lt;iframe src=&#34;javascript:alert(1)&#34;&gt;&lt;/iframe&gt;"},
		{"<a href=\"javascript:alert(1)\">x</a>", "&lt;a href=&#34;javascript:alert(1)&#34;&gt;x&lt;/a&gt;"},
		{"<details ontoggle=alert(1) open>\n<summary>s</summary>\n</details>\n", "<details open=\"\">"},
		{"<textarea><img src=x onerror=alert(1)></textarea>", "&lt;textarea&gt;&lt;img src=x onerror=alert(1)&gt;&lt;/textarea&gt;"},
		{"<!DOCTYPE html>\n", "&lt;!DOCTYPE html&gt;"},
		// Hostile characters are shown, as in all text.
		{"<details>\n<summary>ad\u202emin</summary>\n</details>\n", `ad<span class="hostile" title="U+202E RIGHT-TO-LEFT OVERRIDE">U+202E</span>min`},
		{"<span title=\"\u2066\">x</span>\n", `&lt;span title=&#34;<span class="hostile" title="U+2066 LEFT-TO-RIGHT ISOLATE">U+2066</span>&#34;&gt;`},
	} {
		got, _ := render(t, "", tc.src)
		if !strings.Contains(got, tc.want) {
			t.Errorf("%q:\n got %q\nwant %q in it", tc.src, got, tc.want)
		}
		if bad := executable(got); bad != "" {
			t.Errorf("%q: the output has %s:\n%s", tc.src, bad, got)
		}
	}
}

// executable returns what in the HTML page could run script or load
// content other than an image: a script, style or embedding element, an
// event handler, a style attribute, or a URL of another scheme than
// http(s) or a relative one; "" if none.
func executable(page string) string {
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return ""
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		t := z.Token()
		switch t.Data {
		case "script", "style", "iframe", "object", "embed", "svg", "math", "link", "meta", "base", "form", "frame", "frameset", "template":
			if t.Data == "svg" && hasClass(t, "callout-icon") {
				break
			}
			return "a " + t.Data + " element"
		}
		for _, a := range t.Attr {
			k := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(k, "on"), k == "style", k == "srcdoc", k == "formaction":
				return "the attribute " + a.Key
			case k == "href" || k == "src" || k == "action" || k == "xlink:href":
				// Browsers drop tabs and line ends in a URL, and leading
				// controls and spaces.
				v := strings.ToLower(strings.Map(func(r rune) rune {
					if r == '\t' || r == '\n' || r == '\r' {
						return -1
					}
					return r
				}, strings.TrimLeft(a.Val, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")))
				if strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") ||
					strings.HasPrefix(v, "data:") && (t.Data != "img" || strings.HasPrefix(v, "data:image/svg")) {
					return "the URL " + a.Val
				}
			}
		}
	}
}

func hasClass(t html.Token, class string) bool {
	for _, a := range t.Attr {
		if a.Key == "class" && strings.Contains(" "+a.Val+" ", " "+class+" ") {
			return true
		}
	}
	return false
}

// FuzzSafeHTML checks that whatever a lesson holds, its HTML has nothing
// that runs script.
func FuzzSafeHTML(f *testing.F) {
	for _, s := range []string{
		"<kbd>x</kbd>", "<img src=x alt=y onerror=alert(1)>", "<details>\n<summary>s</summary>\n\nx\n\n</details>",
		"<script>alert(1)</script>", "<svg onload=alert(1)>", "[x](javascript:alert(1))", "![x](javascript:alert(1))",
		"<a href=javascript:alert(1)>x</a>", "<img src=\"jav&#x09;ascript:alert(1)\" alt=x>", "> [!NOTE]\n> <img src=x alt=y onerror=z>",
		"## H {#x onclick=y}", "<details ontoggle=alert(1)>", "<<img src=x alt=y>img onerror=alert(1)>", "<!--><img src=x onerror=alert(1)>-->",
		"<kbd>a<kbd>b</kbd></kbd>", "Term\n: <sup onmouseover=x>1</sup>", "```\n<script>\n```", "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		got, _ := render(t, "", src)
		if bad := executable(got); bad != "" {
			t.Errorf("%q: the output has %s:\n%s", src, bad, got)
		}
	})
}
