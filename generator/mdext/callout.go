package mdext

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// KindCallout is the kind of a [Callout] node.
var KindCallout = ast.NewNodeKind("Callout")

// A Callout is a blockquote that starts with a line "[!NOTE]" (or TIP,
// IMPORTANT, WARNING, CAUTION), GitHub's alert syntax. Its children are
// the blockquote's, without that line.
type Callout struct {
	ast.BaseBlock
	// Variant is the lower-case name of the marker: "note", "tip",
	// "important", "warning" or "caution".
	Variant string
}

// Kind implements ast.Node.
func (n *Callout) Kind() ast.NodeKind { return KindCallout }

// Dump implements ast.Node.
func (n *Callout) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Variant": n.Variant}, nil)
}

// callouts are the variants, their titles and their icons (16×16 SVG
// drawn with the text colour).
var callouts = map[string]struct{ title, icon string }{
	"note":      {"Note", `<circle cx="8" cy="8" r="6.5"/><path d="M8 7.2V11.5M8 4.6v.1"/>`},
	"tip":       {"Tip", `<path d="M5.6 10.6C4.3 9.7 3.5 8.3 3.5 6.8a4.5 4.5 0 0 1 9 0c0 1.5-.8 2.9-2.1 3.8v1.4H5.6zM6 14.3h4"/>`},
	"important": {"Important", `<path d="M2 2.5h12v8.5H7l-3.5 3v-3H2z"/><path d="M8 4.6v3.2M8 9.4v.1"/>`},
	"warning":   {"Warning", `<path d="M8 1.8 15 14.2H1z"/><path d="M8 6.2v4M8 12.2v.1"/>`},
	"caution":   {"Caution", `<path d="M5.2 1.5h5.6l3.7 3.7v5.6l-3.7 3.7H5.2l-3.7-3.7V5.2z"/><path d="M8 4.6v4M8 11v.1"/>`},
}

// calloutMarker is the first line of a callout.
var calloutMarker = regexp.MustCompile(`(?i)^\[!(note|tip|important|warning|caution)\]$`)

// Callouts turns GitHub alerts into [Callout] nodes, rendered as
// <div role="note"> with the variant's icon and title.
var Callouts goldmark.Extender = calloutExt{}

type calloutExt struct{}

func (calloutExt) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(calloutTransformer{}, 100)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(calloutRenderer{}, 100)))
}

type calloutTransformer struct{}

func (calloutTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	var quotes []*ast.Blockquote
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if q, ok := n.(*ast.Blockquote); ok && entering {
			quotes = append(quotes, q)
		}
		return ast.WalkContinue, nil
	})
	for _, q := range quotes {
		toCallout(q, reader.Source())
	}
}

// toCallout replaces the blockquote q by a callout if its first line is
// a marker.
func toCallout(q *ast.Blockquote, src []byte) {
	p, ok := q.FirstChild().(*ast.Paragraph)
	if !ok || p.Lines().Len() == 0 {
		return
	}
	first := p.Lines().At(0)
	m := calloutMarker.FindSubmatch(bytes.TrimSpace(first.Value(src)))
	if m == nil {
		return
	}
	// The marker line's inlines are text ("[", "!NOTE", "]"): no link
	// can be made of them alone.
	for c := p.FirstChild(); c != nil; {
		t, ok := c.(*ast.Text)
		if !ok || t.Segment.Start >= first.Stop {
			break
		}
		next := c.NextSibling()
		p.RemoveChild(p, c)
		c = next
	}
	rest := text.NewSegments()
	for i := 1; i < p.Lines().Len(); i++ {
		rest.Append(p.Lines().At(i))
	}
	p.SetLines(rest)
	if p.ChildCount() == 0 {
		q.RemoveChild(q, p)
	}
	c := &Callout{Variant: strings.ToLower(string(m[1]))}
	c.SetBlankPreviousLines(q.HasBlankPreviousLines())
	for ch := q.FirstChild(); ch != nil; {
		next := ch.NextSibling()
		c.AppendChild(c, ch)
		ch = next
	}
	q.Parent().ReplaceChild(q.Parent(), q, c)
}

type calloutRenderer struct{}

func (r calloutRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCallout, r.render)
}

func (calloutRenderer) render(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	c := n.(*Callout)
	if !entering {
		_, _ = w.WriteString("</div>\n")
		return ast.WalkContinue, nil
	}
	v := callouts[c.Variant]
	_, _ = w.WriteString(`<div class="callout callout-` + c.Variant + `" role="note">` + "\n" +
		`<p class="callout-title"><svg class="callout-icon" aria-hidden="true" focusable="false" width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round">` +
		v.icon + `</svg>` + v.title + "</p>\n")
	return ast.WalkContinue, nil
}
