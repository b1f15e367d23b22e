package mdext

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// newMarkdown is a converter with every extension, as snapdoc has them.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.DefinitionList, Callouts, HeadingIDs, SafeHTML, Fences("http")),
	)
}

// render converts src, parsed as the file content/a.md of the site at
// root.
func render(t testing.TB, root, src string) (string, parser.Context) {
	t.Helper()
	md := newMarkdown()
	ctx := NewContext(Source{Root: root, File: "content/a.md", Line: 1})
	doc := md.Parser().Parse(text.NewReader([]byte(src)), parser.WithContext(ctx))
	var b bytes.Buffer
	if err := md.Renderer().Render(&b, []byte(src), doc); err != nil {
		t.Fatal(err)
	}
	return b.String(), ctx
}

func TestCallouts(t *testing.T) {
	for _, v := range []string{"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"} {
		got, _ := render(t, "", "> [!"+v+"]\n> Read *this* first.\n> Second line.\n")
		lower := strings.ToLower(v)
		title := v[:1] + lower[1:]
		for _, want := range []string{
			`<div class="callout callout-` + lower + `" role="note">`,
			`<svg class="callout-icon" aria-hidden="true" focusable="false"`,
			"</svg>" + title + "</p>",
			"<p>Read <em>this</em> first.\nSecond line.</p>\n</div>",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: no %q in\n%s", v, want, got)
			}
		}
		if strings.Contains(got, "[!") || strings.Contains(got, "blockquote") {
			t.Errorf("%s: the marker or the blockquote is left:\n%s", v, got)
		}
	}
}

func TestCalloutEdges(t *testing.T) {
	for _, tc := range []struct{ src, want, not string }{
		// The marker alone, then paragraphs and a list.
		{"> [!tip]\n>\n> One.\n>\n> - a\n", `<p class="callout-title">`, "[!tip]"},
		{"> [!NOTE]\n", `callout-note`, "[!NOTE]"},
		// Not a marker: text after it, an unknown kind, not first.
		{"> [!NOTE] inline\n", "<blockquote>", "callout"},
		{"> [!DANGER]\n> x\n", "<blockquote>", "callout"},
		{"> first\n> [!NOTE]\n", "<blockquote>", "callout"},
		// Nested in a list, and a plain quote inside a callout.
		{"- item\n\n  > [!WARNING]\n  > careful\n", "<li>", "<blockquote>"},
		{"> [!CAUTION]\n> > quoted\n", "<blockquote>\n<p>quoted</p>", "[!CAUTION]"},
	} {
		got, _ := render(t, "", tc.src)
		if !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) {
			t.Errorf("%q: want %q and no %q in\n%s", tc.src, tc.want, tc.not, got)
		}
	}
}

func TestHeadingIDs(t *testing.T) {
	got, _ := render(t, "", "## Setup {#custom-id}\n\n## Setup {#custom-id}\n\n## custom id\n\n## Other {#custom-id-1}\n\n## Styled {.wide onclick=\"alert(1)\" style=\"x\"}\n")
	for _, want := range []string{
		`<h2 id="custom-id">Setup</h2>`,
		`<h2 id="custom-id-2">Setup</h2>`,     // -1 is named by a later heading
		`<h2 id="custom-id-3">custom id</h2>`, // made, avoiding the named ones
		`<h2 id="custom-id-1">Other</h2>`,
		`<h2 class="wide" id="styled">Styled</h2>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "{#") || strings.Contains(got, "onclick") || strings.Contains(got, "style=") {
		t.Errorf("attributes left in the output:\n%s", got)
	}
}

func TestDefinitionList(t *testing.T) {
	got, _ := render(t, "", "Term\n: The definition.\n")
	if want := "<dl>\n<dt>Term</dt>\n<dd>The definition.</dd>\n</dl>"; !strings.Contains(got, want) {
		t.Errorf("want %q in\n%s", want, got)
	}
}
