package generator

import (
	"bytes"
	"html/template"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/snapdoc/snapdoc/internal/hostile"
)

// hostileRenderer renders the text of a lesson's body that holds
// bidirectional controls or invisible characters (see [hostile.Is]) with
// each of them shown as a visible marker naming it, so that a reader sees
// what the text holds rather than what it pretends to; other text is
// rendered as goldmark renders it. It renders text, strings and code
// spans, the nodes whose content is HTML text; attribute values (a link's
// title, an image's alternative text) never get markup.
type hostileRenderer struct {
	// text, str and code are goldmark's renderers of those nodes, which
	// render the parts between the characters.
	text, str, code renderer.NodeRendererFunc
}

// newHostileRenderer returns the renderer, borrowing goldmark's.
func newHostileRenderer() hostileRenderer {
	funcs := registered{}
	html.NewRenderer().RegisterFuncs(funcs)
	return hostileRenderer{text: funcs[ast.KindText], str: funcs[ast.KindString], code: funcs[ast.KindCodeSpan]}
}

func (r hostileRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindText, r.renderText)
	reg.Register(ast.KindString, r.renderString)
	reg.Register(ast.KindCodeSpan, r.renderCodeSpan)
}

// hostileParts calls part for each run of value without the characters,
// by its offsets, and marker for each character, in order; the last run,
// maybe empty, is part(..., true).
func hostileParts(value []byte, part func(start, end int, last bool) error, marker func(r rune) error) error {
	start := 0
	for i := 0; i < len(value); {
		r, size := utf8.DecodeRune(value[i:])
		if hostile.Is(r) {
			if start < i {
				if err := part(start, i, false); err != nil {
					return err
				}
			}
			if err := marker(r); err != nil {
				return err
			}
			start = i + size
		}
		i += size
	}
	return part(start, len(value), true)
}

// marked is s as HTML text, escaped, with each bidirectional control or
// invisible character shown as a visible marker, as body text shows it:
// templates show the text of headings with it ({{marked .Text}}). Text
// without them is s itself, which the template escapes as any other.
func marked(s string) any {
	if i, _ := hostile.Index(s); i < 0 {
		return s
	}
	return template.HTML(appendEscaped(nil, s))
}

// holdsHostile reports whether value holds a character hostile.Is reports.
func holdsHostile(value []byte) bool {
	i, _ := hostile.Index(string(value))
	return i >= 0
}

func writeMarker(w util.BufWriter) func(rune) error {
	return func(r rune) error {
		_, err := w.Write(hostile.AppendMarker(nil, r))
		return err
	}
}

func (r hostileRenderer) renderText(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Text)
	seg := n.Segment
	if !entering || !holdsHostile(seg.Value(src)) {
		return r.text(w, src, node, entering)
	}
	err := hostileParts(seg.Value(src), func(start, end int, last bool) error {
		p := ast.NewTextSegment(text.NewSegment(seg.Start+start, seg.Start+end))
		p.SetRaw(n.IsRaw())
		if last {
			p.SetSoftLineBreak(n.SoftLineBreak())
			p.SetHardLineBreak(n.HardLineBreak())
		}
		_, err := r.text(w, src, p, true)
		return err
	}, writeMarker(w))
	return ast.WalkContinue, err
}

func (r hostileRenderer) renderString(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.String)
	if !entering || n.IsCode() || !holdsHostile(n.Value) {
		return r.str(w, src, node, entering)
	}
	err := hostileParts(n.Value, func(start, end int, _ bool) error {
		p := ast.NewString(n.Value[start:end])
		p.SetRaw(n.IsRaw())
		_, err := r.str(w, src, p, true)
		return err
	}, writeMarker(w))
	return ast.WalkContinue, err
}

func (r hostileRenderer) renderCodeSpan(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	var value []byte // as goldmark writes it: a line end is a space
	for c := node.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			v := t.Segment.Value(src)
			if bytes.HasSuffix(v, []byte("\n")) {
				v = append(v[:len(v)-1:len(v)-1], ' ')
			}
			value = append(value, v...)
		}
	}
	if !entering || !holdsHostile(value) {
		return r.code(w, src, node, entering)
	}
	_, _ = w.WriteString("<code")
	if node.Attributes() != nil {
		html.RenderAttributes(w, node, html.CodeAttributeFilter)
	}
	_ = w.WriteByte('>')
	err := hostileParts(value, func(start, end int, _ bool) error {
		html.DefaultWriter.RawWrite(w, value[start:end])
		return nil
	}, writeMarker(w))
	return ast.WalkSkipChildren, err
}
