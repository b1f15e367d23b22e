package generator

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/snapdoc/snapdoc/generator/mdext"
	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/redact"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Block is an http fenced code block of a lesson: the requests it declares
// and, once the build has asked the runner, what they returned.
type Block struct {
	// Index is the block's 0-based position among the lesson's http blocks.
	Index int
	// ID names the block: the fence's id=NAME option, or "http-N".
	ID string
	// NoRun is set by the fence's norun option: show, never execute.
	NoRun bool
	// Try and NoTry are set by the fence's try and notry options: readers
	// of the published page may, or may not, run the block (see
	// [Block.ReadersMayRun]).
	Try, NoTry bool
	// Timeout, from the fence's timeout=DURATION option, overrides the
	// site's per-request timeout when positive.
	Timeout time.Duration
	// redact is what the block redacts from its responses beyond the
	// site's redactions, from the fence's redact=SPEC,SPEC options, and
	// volatile the fields it ignores when outputs are compared beyond the
	// site's, from volatile=SPEC,SPEC.
	redact, volatile redact.Redactions
	// ignore are the fields ignored when the block's outputs are
	// compared: the site's volatile fields and the block's.
	ignore redact.Redactions
	// opts are the fence's options, which the above were made from.
	opts []string
	// Code is the block's text.
	Code string
	// Line is the line of the lesson file on which Code starts.
	Line int
	// Requests are the block's requests, parsed from Code.
	Requests []*httpfile.Request
	// Example is what the page shows for the block, set by the build
	// before the lesson is rendered.
	Example *Example
}

// Markdown converts lesson bodies to HTML with goldmark: GitHub Flavored
// Markdown, footnotes, definition lists, GitHub's callouts, heading
// anchors (with ids a heading may name), an allow-list of raw HTML (see
// package mdext), and code blocks highlighted with chroma, each with a
// copy button, a fence's title, highlighted lines and line numbers, and
// its code from a file. It is safe for concurrent use.
type Markdown struct {
	md goldmark.Markdown
	// root is the site's root directory, from which fences include
	// files; "" includes none (the fence shows its "<<<" line).
	root string
}

// NewMarkdown returns a converter that reads no files: enough for the
// http blocks of a lesson, which include none. It writes an http block as
// the block's HTML field.
func NewMarkdown() *Markdown { return newSiteMarkdown("") }

// newSiteMarkdown returns a converter of the lessons of the site at root,
// whose fences include files from it.
func newSiteMarkdown(root string) *Markdown {
	m := &Markdown{root: root}
	m.md = goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.DefinitionList,
			mdext.Callouts, mdext.HeadingIDs, mdext.SafeHTML, mdext.Fences("http")),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(
			util.Prioritized(codeRenderer{}, 100),
			util.Prioritized(newAccessibleRenderer(), 100),
			util.Prioritized(newHostileRenderer(), 100),
		)),
	)
	return m
}

// parse parses the lesson's body, which starts on line bodyLine of its
// file, and fills in its blocks, table of contents and word count. It
// renders the body too, but for its http blocks, whose examples come from
// the runner later: the page made from the lesson then needs no second
// parse.
func (m *Markdown) parse(l *Lesson, bodyLine int) error {
	ctx := mdext.NewContext(mdext.Source{Root: m.root, File: l.File, Line: bodyLine})
	doc := m.md.Parser().Parse(text.NewReader(l.src), parser.WithContext(ctx))
	if err := mdext.Err(ctx); err != nil {
		return err
	}
	l.includes = nil
	for _, inc := range mdext.Includes(ctx) {
		l.includes = append(l.includes, include{file: inc.File, sum: sha256.Sum256(inc.Data)})
	}
	l.links, l.ids = nil, nil
	seen := map[string]bool{}
	html := renderBuffers.get()
	defer renderBuffers.put(html)
	var splits []int
	split := func(io.Writer, *Block) error {
		splits = append(splits, html.Len())
		return nil
	}
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if dest := string(n.Destination); siteLink(dest) {
				line, col := linkPos(n, l.src, bodyLine)
				l.links = append(l.links, link{Dest: dest, Line: line, Col: col})
			}
		case *ast.Image:
			if dest := string(n.Destination); siteLink(dest) {
				line, col := linkPos(n, l.src, bodyLine)
				l.links = append(l.links, link{Dest: dest, Line: line, Col: col, Image: true})
			}
		case *ast.Heading:
			id, _ := n.AttributeString("id")
			idb, _ := id.([]byte)
			if len(idb) > 0 {
				l.ids = append(l.ids, string(idb))
			}
			if n.Level == 2 || n.Level == 3 {
				l.TOC = append(l.TOC, Heading{Level: n.Level, ID: string(idb), Text: plainText(n, l.src)})
			}
		case *ast.FencedCodeBlock:
			lang, opts := fenceInfo(n, l.src)
			if lang != "http" {
				return ast.WalkSkipChildren, nil
			}
			line := bodyLine
			if n.Lines().Len() > 0 {
				line, _ = fileerr.LineCol(l.src, n.Lines().At(0).Start)
				line += bodyLine - 1
			}
			if code := blockText(n, l.src); n.Lines().Len() == 1 && strings.HasPrefix(strings.TrimSpace(code), "<<< ") {
				return ast.WalkStop, errorf(l.File, line, 1, "http block: <<< includes a file into an ordinary code fence only; write the requests in the block (snapdoc run runs .http files as they are)")
			}
			b, err := newBlock(l.File, len(l.Blocks), blockText(n, l.src), line, opts)
			if err != nil {
				return ast.WalkStop, err
			}
			if seen[b.ID] {
				return ast.WalkStop, errorf(l.File, line-1, 1, "http block: duplicate id %q", b.ID)
			}
			seen[b.ID] = true
			l.Blocks = append(l.Blocks, b)
			n.SetAttributeString(blockAttr, blockWriter{b, split})
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		return err
	}
	l.Words = countWords(l.src)
	if err := m.md.Renderer().Render(unbuffered{html}, l.src, doc); err != nil {
		return fmt.Errorf("%s: render markdown: %w", l.File, err)
	}
	l.body = &renderedBody{html: html.String(), splits: splits}
	if rewritesLinks(l.links) {
		// The hrefs come from the link stage, once every lesson is
		// parsed: the page's render parses the body again to set them.
		l.body = nil
	}
	l.search = newSearchText(l, doc)
	return nil
}

// unbuffered is a buffer as the goldmark renderer's writer, which would
// otherwise add a buffer of its own: everything written is in the buffer
// at once, where the offsets of a body's http blocks are taken.
type unbuffered struct{ *bytes.Buffer }

func (unbuffered) Available() int { return 0 }
func (unbuffered) Buffered() int  { return 0 }
func (unbuffered) Flush() error   { return nil }

// renderedBody is a lesson's body as HTML, but for its http blocks: the
// i-th goes at the byte offset splits[i] of html.
type renderedBody struct {
	html   string
	splits []int
}

// countWords counts the words of text as strings.Fields splits them,
// without making the list.
func countWords(text []byte) int {
	n, inWord := 0, false
	for len(text) > 0 {
		space, size := asciiSpace[text[0]], 1
		if text[0] >= utf8.RuneSelf {
			var r rune
			r, size = utf8.DecodeRune(text)
			space = unicode.IsSpace(r)
		}
		text = text[size:]
		if space {
			inWord = false
		} else if !inWord {
			inWord = true
			n++
		}
	}
	return n
}

// asciiSpace marks the ASCII bytes that [unicode.IsSpace] reports as
// space; prose is mostly ASCII, which needs no decoding.
var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// newBlock makes the index-th http block of the lesson file, whose code
// starts on line and whose fence has the options opts.
func newBlock(file string, index int, code string, line int, opts []string) (*Block, error) {
	b := &Block{Index: index, Code: code, Line: line, opts: opts}
	b.ID = "http-" + itoa(b.Index+1)
	for _, o := range opts {
		switch k, v, _ := strings.Cut(o, "="); k {
		case "norun":
			b.NoRun = true
		case "try":
			b.Try = true
		case "notry":
			b.NoTry = true
		case "id":
			b.ID = v
		case "timeout":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return nil, errorf(file, line-1, 1, "http block: timeout=%s: want a positive duration such as 5s", v)
			}
			b.Timeout = d
		case "redact", "volatile":
			r, err := redact.Parse(strings.Split(v, ","))
			if err != nil {
				return nil, errorf(file, line-1, 1, "http block: %s %v", k, err)
			}
			if k == "redact" {
				b.redact = b.redact.Add(r)
			} else {
				b.volatile = b.volatile.Add(r)
			}
		default:
			return nil, errorf(file, line-1, 1, "http block: unknown option %q (known: norun, try, notry, id=NAME, timeout=DURATION, redact=header:NAME,body:KEY, volatile=header:NAME,body:KEY)", o)
		}
	}
	if b.Try && (b.NoTry || b.NoRun) {
		return nil, errorf(file, line-1, 1, "http block %s: try contradicts %s", b.ID, map[bool]string{true: "notry", false: "norun"}[b.NoTry])
	}
	return b, nil
}

// render writes the lesson's body as HTML, each http block as block
// writes it.
func (m *Markdown) render(w io.Writer, l *Lesson, block func(io.Writer, *Block) error) error {
	if b := l.body; b != nil {
		last := 0
		for i, at := range b.splits {
			if _, err := io.WriteString(w, b.html[last:at]); err != nil {
				return err
			}
			if err := block(w, l.Blocks[i]); err != nil {
				return err
			}
			last = at
		}
		_, err := io.WriteString(w, b.html[last:])
		return err
	}
	// A lesson from the parse cache has no rendered body. The body is
	// parsed again rather than its tree kept: the trees of a large site's
	// lessons would take more memory than all else. (A lesson that
	// includes files is never taken from the cache.)
	doc := m.md.Parser().Parse(text.NewReader(l.src), parser.WithContext(mdext.NewContext(mdext.Source{Root: m.root, File: l.File})))
	k := 0
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if href, ok := l.hrefs[string(n.Destination)]; ok {
				n.Destination = []byte(href)
			}
		case *ast.Image:
			if href, ok := l.hrefs[string(n.Destination)]; ok {
				n.Destination = []byte(href)
			}
		}
		fb, ok := n.(*ast.FencedCodeBlock)
		if !ok {
			return ast.WalkContinue, nil
		}
		if lang, _ := fenceInfo(fb, l.src); lang == "http" && k < len(l.Blocks) {
			fb.SetAttributeString(blockAttr, blockWriter{l.Blocks[k], block})
			k++
		}
		return ast.WalkSkipChildren, nil
	})
	if err != nil {
		return err
	}
	return m.md.Renderer().Render(w, l.src, doc)
}

// blockAttr is the attribute that ties an http fenced code block to its
// [Block], as a blockWriter.
const blockAttr = "snapdoc-block"

// blockWriter writes what the page shows for an http block.
type blockWriter struct {
	b     *Block
	write func(io.Writer, *Block) error
}

// codeRenderer renders fenced and indented code blocks.
type codeRenderer struct{}

func (r codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.renderFenced)
	reg.Register(ast.KindCodeBlock, r.renderIndented)
}

func (r codeRenderer) renderFenced(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	fb := n.(*ast.FencedCodeBlock)
	if v, ok := fb.AttributeString(blockAttr); ok {
		bw := v.(blockWriter)
		return ast.WalkSkipChildren, bw.write(w, bw.b)
	}
	f := mdext.FenceOf(fb)
	if f == nil {
		f = &mdext.Fence{Code: blockText(fb, src)}
	}
	if f.Err != nil {
		return ast.WalkStop, f.Err
	}
	_, err := io.WriteString(w, string(fenceHTML(f)))
	return ast.WalkSkipChildren, err
}

func (r codeRenderer) renderIndented(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	_, err := io.WriteString(w, string(codeBlockHTML("", blockText(n, src))))
	return ast.WalkSkipChildren, err
}

// codeBlockHTML is a highlighted code block with its copy button.
func codeBlockHTML(lang, code string) template.HTML {
	return fenceHTML(&mdext.Fence{Lang: lang, Code: code})
}

// fenceHTML is a highlighted code block with its copy button, and the
// fence's title, highlighted lines and line numbers. The button is hidden
// until the page's script shows it, so a page without JavaScript shows no
// dead control.
func fenceHTML(f *mdext.Fence) template.HTML {
	var b strings.Builder
	b.WriteString(`<div class="code-block">`)
	b.WriteString(`<div class="code-head">`)
	if f.Title != "" {
		b.WriteString(`<span class="code-title">`)
		b.Write(appendEscaped(nil, f.Title))
		b.WriteString(`</span>`)
	}
	b.WriteString(`<span class="code-lang">`)
	b.WriteString(template.HTMLEscapeString(f.Lang))
	b.WriteString(`</span><button type="button" class="copy" hidden>Copy</button></div>`)
	// The code scrolls inside a box that keyboards can reach and that
	// screen readers name.
	label := "Code"
	switch {
	case f.Title != "":
		label = f.Title
	case f.Lang != "":
		label = f.Lang + " code"
	}
	b.WriteString(`<div class="scroll" tabindex="0" role="group" aria-label="`)
	b.WriteString(attrText(label))
	b.WriteString(`">`)
	if len(f.Lines) > 0 || f.LineNumbers {
		b.WriteString(string(highlightLines(f.Code, f.Lang, f.Lines, f.LineNumbers)))
	} else {
		b.WriteString(string(Highlight(f.Code, f.Lang)))
	}
	b.WriteString("</div></div>\n")
	return template.HTML(b.String())
}

// fenceInfo splits a fenced code block's info string into its language and
// options.
func fenceInfo(n *ast.FencedCodeBlock, src []byte) (lang string, opts []string) {
	if n.Info == nil {
		return "", nil
	}
	f := strings.Fields(string(n.Info.Segment.Value(src)))
	switch len(f) {
	case 0:
		return "", nil
	case 1:
		return strings.ToLower(f[0]), nil
	}
	return strings.ToLower(f[0]), f[1:]
}

// blockText is the content of a code block.
func blockText(n ast.Node, src []byte) string {
	var b bytes.Buffer
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		b.Write(seg.Value(src))
	}
	return b.String()
}

// plainText is the text of an inline container such as a heading.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if tt, ok := t.(*ast.Text); ok {
					b.Write(tt.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}
