package mdext

import (
	"html/template"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/snapdoc/snapdoc/internal/hostile"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
)

// The raw HTML a lesson may hold: this table is the one allow-list, of
// elements and of their attributes, and the bluemonday policy is made
// from it. Any other tag, any tag out of place (an inline element left
// open, a summary outside details, details inside a paragraph) and any
// comment is not HTML on the page: tags are shown as text, comments left
// out.
var allowed = map[string]element{
	// details may hold Markdown: its start and end tags may be in
	// different HTML blocks of the same container.
	"details": {block: true, spans: true, attrs: []attr{{"open", regexp.MustCompile(`^(open)?$`), false}}},
	"summary": {block: true, parent: "details"},
	"kbd":     {},
	"sub":     {},
	"sup":     {},
	"br":      {void: true},
	"img": {void: true, attrs: []attr{
		{"src", nil, true},
		{"alt", regexp.MustCompile(`^[^\x00]*$`), false},
		{"width", regexp.MustCompile(`^[0-9]{1,4}$`), false},
		{"height", regexp.MustCompile(`^[0-9]{1,4}$`), false},
	}, required: []string{"src", "alt"}},
}

// element is what the allow-list says of an element.
type element struct {
	block    bool     // allowed in HTML blocks only, not within a paragraph
	spans    bool     // may start and end in different HTML blocks
	parent   string   // the element it must be directly inside, if any (not for void ones)
	void     bool     // has no end tag
	attrs    []attr   // its allowed attributes
	required []string // attributes without which it is not allowed
}

// attr is an allowed attribute: its values must match pattern, or be a
// URL of http or https or a relative one when url is set.
type attr struct {
	name    string
	pattern *regexp.Regexp
	url     bool
}

// policy sanitises the allowed tags, made from the allow-list.
var policy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowURLSchemes("http", "https")
	p.AllowRelativeURLs(true)
	for name, e := range allowed {
		p.AllowElements(name)
		for _, a := range e.attrs {
			switch {
			case a.url:
				p.AllowAttrs(a.name).OnElements(name)
			default:
				p.AllowAttrs(a.name).Matching(a.pattern).OnElements(name)
			}
		}
	}
	return p
}()

// SafeHTML renders the raw HTML of a document (HTML blocks and inline
// tags) through the allow-list: allowed tags, balanced and in their
// place, are kept with their allowed attributes; everything else is
// shown as the text it is.
var SafeHTML goldmark.Extender = safeHTMLExt{}

type safeHTMLExt struct{}

func (safeHTMLExt) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(safeHTMLTransformer{}, 300)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(safeHTMLRenderer{}, 100)))
}

// KindSafeHTML and KindSafeHTMLBlock are the kinds of [SafeHTMLInline]
// and [SafeHTMLBlock] nodes.
var (
	KindSafeHTML      = ast.NewNodeKind("SafeHTML")
	KindSafeHTMLBlock = ast.NewNodeKind("SafeHTMLBlock")
)

// SafeHTMLInline replaces a raw inline tag, and SafeHTMLBlock an HTML
// block: their HTML as the allow-list leaves it.
type (
	SafeHTMLInline struct {
		ast.BaseInline
		parts []*part
	}
	SafeHTMLBlock struct {
		ast.BaseBlock
		parts []*part
	}
)

// Kind implements ast.Node.
func (n *SafeHTMLInline) Kind() ast.NodeKind { return KindSafeHTML }

// Kind implements ast.Node.
func (n *SafeHTMLBlock) Kind() ast.NodeKind { return KindSafeHTMLBlock }

// Dump implements ast.Node.
func (n *SafeHTMLInline) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// Dump implements ast.Node.
func (n *SafeHTMLBlock) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// HTML is the node's HTML as the page shows it.
func (n *SafeHTMLInline) HTML() string { return partsHTML(n.parts) }

// HTML is the node's HTML as the page shows it.
func (n *SafeHTMLBlock) HTML() string { return partsHTML(n.parts) }

// part is a token of raw HTML: a tag kept as tag, when it is allowed and
// in its place, or else its raw text, escaped.
type part struct {
	raw  string // as written
	tag  string // the sanitised tag; "" for text
	name string // of the element, for tags
	end  bool   // an end tag
	keep bool   // shown as tag (or, for comments, not at all)
	out  string // what is shown when kept
}

func partsHTML(parts []*part) string {
	var b strings.Builder
	for _, p := range parts {
		if p.keep {
			b.WriteString(p.out)
		} else {
			b.WriteString(escapeText(p.raw))
		}
	}
	return b.String()
}

// escapeText is s as HTML text, escaped, with each bidirectional control
// or invisible character shown as a marker naming it, as the rest of a
// lesson's text shows it.
func escapeText(s string) string {
	if i, _ := hostile.Index(s); i < 0 {
		return template.HTMLEscapeString(s)
	}
	var b []byte
	last := 0
	for i, r := range s {
		if hostile.Is(r) {
			b = append(b, template.HTMLEscapeString(s[last:i])...)
			b = hostile.AppendMarker(b, r)
			last = i + utf8.RuneLen(r)
		}
	}
	return string(append(b, template.HTMLEscapeString(s[last:])...))
}

// open is an element whose start tag is kept while its end tag is awaited.
type open struct {
	p    *part
	frag int // the fragment (node) it opened in
}

type safeHTMLTransformer struct{}

func (safeHTMLTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var nodes []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && (n.Kind() == ast.KindRawHTML || n.Kind() == ast.KindHTMLBlock) {
			nodes = append(nodes, n)
		}
		return ast.WalkContinue, nil
	})
	stacks := map[ast.Node][]open{} // by container
	inline := map[ast.Node]int{}    // the fragment number of a container's inline tags
	for i, n := range nodes {
		scope := n.Parent()
		var raw strings.Builder
		var parts []*part
		switch n := n.(type) {
		case *ast.RawHTML:
			for j := range n.Segments.Len() {
				s := n.Segments.At(j)
				raw.Write(s.Value(src))
			}
			parts = tokenize(raw.String())
			// A container's inline tags are one fragment: a paragraph's
			// <kbd> and </kbd> are two nodes.
			if _, ok := inline[scope]; !ok {
				inline[scope] = -1 - len(inline)
			}
			stacks[scope] = balance(stacks[scope], parts, inline[scope], false)
			r := &SafeHTMLInline{parts: parts}
			scope.ReplaceChild(scope, n, r)
		case *ast.HTMLBlock:
			lines := n.Lines()
			for j := range lines.Len() {
				s := lines.At(j)
				raw.Write(s.Value(src))
			}
			if n.HasClosure() {
				raw.Write(n.ClosureLine.Value(src))
			}
			parts = tokenize(raw.String())
			stacks[scope] = balance(stacks[scope], parts, i, true)
			r := &SafeHTMLBlock{parts: parts}
			r.SetBlankPreviousLines(n.HasBlankPreviousLines())
			scope.ReplaceChild(scope, n, r)
		}
	}
	// What is still open has no end tag: it is shown as text.
	for _, s := range stacks {
		for _, o := range s {
			o.p.keep = false
		}
	}
}

// tokenize splits raw HTML into parts, sanitising the tags the allow-list
// has; none is kept yet.
func tokenize(raw string) []*part {
	var parts []*part
	z := html.NewTokenizer(strings.NewReader(raw))
	used := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		r := string(z.Raw())
		used += len(r)
		p := &part{raw: r}
		parts = append(parts, p)
		switch tt {
		case html.TextToken:
			p.keep, p.out = true, escapeText(html.UnescapeString(r))
		case html.CommentToken:
			p.keep = true // and shown as nothing
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			t := z.Token()
			e, ok := allowed[t.Data]
			if !ok || tt == html.SelfClosingTagToken && !e.void || tt == html.EndTagToken && e.void {
				continue
			}
			p.name, p.end = t.Data, tt == html.EndTagToken
			if !p.end {
				t.Type = html.StartTagToken
			}
			p.tag = policy.Sanitize(t.String())
			if p.tag == "" || !hasAttrs(p.tag, e.required) {
				p.name = ""
			}
		}
	}
	if used < len(raw) { // an unfinished tag at the end
		parts = append(parts, &part{raw: raw[used:]})
	}
	return parts
}

// hasAttrs reports whether the sanitised tag has each attribute named.
func hasAttrs(tag string, names []string) bool {
	for _, n := range names {
		if !strings.Contains(tag, " "+n+`="`) {
			return false
		}
	}
	return true
}

// balance keeps the allowed tags of parts, the frag-th fragment of raw
// HTML of a container whose open elements are stack, that are in their
// place, and returns the elements left open. In an HTML block (block
// set), any allowed element may be, and only elements that span may stay
// open past its end; inline, only those that are not block elements,
// which must be closed in the same container.
func balance(stack []open, parts []*part, frag int, block bool) []open {
	for _, p := range parts {
		if p.name == "" {
			continue
		}
		e := allowed[p.name]
		if e.block && !block {
			continue
		}
		switch {
		case e.void:
			p.keep, p.out = true, p.tag
		case !p.end:
			if e.parent != "" && (len(stack) == 0 || stack[len(stack)-1].p.name != e.parent) {
				continue
			}
			p.keep, p.out = true, p.tag
			stack = append(stack, open{p, frag})
		default:
			i := len(stack) - 1
			for ; i >= 0; i-- {
				o := stack[i]
				if o.p.name == p.name && (e.spans || o.frag == frag) {
					break
				}
				if o.frag != frag { // it may not close what an earlier fragment opened
					i = -1
					break
				}
			}
			if i < 0 {
				continue
			}
			for _, o := range stack[i+1:] { // opened within, never closed
				o.p.keep = false
			}
			stack = stack[:i]
			p.keep, p.out = true, p.tag
		}
	}
	if !block {
		return stack
	}
	// What this fragment opened and may not keep open is shown as text,
	// and so is anything opened after it.
	for i, o := range stack {
		if o.frag == frag && !allowed[o.p.name].spans {
			for _, o := range stack[i:] {
				o.p.keep = false
			}
			stack = stack[:i]
			break
		}
	}
	return stack
}

type safeHTMLRenderer struct{}

func (r safeHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindSafeHTML, r.render)
	reg.Register(KindSafeHTMLBlock, r.render)
}

func (safeHTMLRenderer) render(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	switch n := n.(type) {
	case *SafeHTMLInline:
		_, _ = w.WriteString(n.HTML())
	case *SafeHTMLBlock:
		h := n.HTML()
		_, _ = w.WriteString(h)
		if !strings.HasSuffix(h, "\n") {
			_ = w.WriteByte('\n')
		}
	}
	return ast.WalkContinue, nil
}
