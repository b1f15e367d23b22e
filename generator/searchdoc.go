package generator

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"github.com/snapdoc/snapdoc/generator/search"
)

// searchIndex writes the site's full-text search index under search/:
// every lesson's title, tags, headings, prose and code (see package
// search).
func (r *builder) searchIndex() error {
	base := r.site.Config.basePath()
	bd := search.NewBuilder(func(name string, data []byte) error {
		return r.out.write(search.Name(name), data)
	})
	// Lessons parsed in this build kept where their text is; those from
	// the parse cache are parsed again. A chunk at a time, in parallel,
	// their text is put together, so that the text of only a chunk is
	// held at once.
	lessons := r.site.Lessons
	const chunk = 256
	docs := make([]search.Document, chunk)
	for at := 0; at < len(lessons); at += chunk {
		part := lessons[at:min(at+chunk, len(lessons))]
		parallel(len(part), func(i int) {
			l := part[i]
			t := l.search
			if t == nil {
				t = r.md.searchText(l)
			}
			text, code := t.strings(l)
			docs[i] = search.Document{URL: underBase(base, l.URL()), Title: l.Title, Tags: l.Tags, Headings: t.headings, Text: text, Code: code}
			l.search = nil
		})
		for i := range part {
			if err := bd.Add(docs[i]); err != nil {
				return err
			}
			docs[i] = search.Document{}
		}
	}
	_, err := bd.Finish()
	return err
}

// searchText is what the search index holds of a lesson's body: its
// headings, and where its prose and its code are. A site's lessons keep
// it from their parse until the index is built, so it names the bytes of
// the lesson's source (which the lesson keeps anyway) rather than
// copying them; [searchText.strings] puts the text together.
type searchText struct {
	headings []string
	// prose and code are the pieces of the prose and of the code, in
	// order.
	prose, code []span
	// extra holds what the pieces add to the source: spaces between
	// blocks and words, code blocks' newlines and indentation, and the
	// text of String nodes.
	extra []byte
}

// A span is a piece of a searchText: the bytes src[start:end] of the
// lesson's source or, when start is negative, extra[-start-1:end].
type span struct{ start, end int32 }

// searchText parses l's body again for its searchText.
func (m *Markdown) searchText(l *Lesson) *searchText {
	return newSearchText(l, m.md.Parser().Parse(text.NewReader(l.src)))
}

// newSearchText returns the searchText of lesson l, whose body parsed as
// doc: the text of its headings, its prose (paragraphs, lists, tables and
// inline code, as they read; the description comes first), and its code
// blocks.
func newSearchText(l *Lesson, doc ast.Node) *searchText {
	t := &searchText{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock || n.Kind() == extast.KindTableCell {
				t.prose = t.add(t.prose, " ")
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			t.headings = append(t.headings, plainText(n, l.src))
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := n.Lines()
			for i := range lines.Len() {
				t.code = t.segment(t.code, lines.At(i))
			}
			t.code = t.add(t.code, "\n")
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock, *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			t.prose = t.segment(t.prose, n.Segment)
			if n.SoftLineBreak() || n.HardLineBreak() {
				t.prose = t.add(t.prose, " ")
			}
		case *ast.String:
			t.prose = t.add(t.prose, string(n.Value))
		}
		return ast.WalkContinue, nil
	})
	t.extra = bytes.Clone(t.extra)
	return t
}

// segment appends to pieces the piece of the source seg is, with the
// spaces of its padding (a tab's expansion) before it, as seg.Value
// gives it.
func (t *searchText) segment(pieces []span, seg text.Segment) []span {
	if seg.Padding > 0 {
		pieces = t.add(pieces, string(bytes.Repeat([]byte{' '}, seg.Padding)))
	}
	if n := len(pieces); n > 0 && pieces[n-1].start >= 0 && pieces[n-1].end == int32(seg.Start) {
		pieces[n-1].end = int32(seg.Stop) // one piece with the one before
		return pieces
	}
	return append(pieces, span{int32(seg.Start), int32(seg.Stop)})
}

// add appends to pieces a piece of text s, kept in extra.
func (t *searchText) add(pieces []span, s string) []span {
	if n := len(pieces); n > 0 && pieces[n-1].start < 0 && int(pieces[n-1].end) == len(t.extra) {
		t.extra = append(t.extra, s...)
		pieces[n-1].end = int32(len(t.extra))
		return pieces
	}
	start := len(t.extra)
	t.extra = append(t.extra, s...)
	return append(pieces, span{int32(-start - 1), int32(len(t.extra))})
}

// strings returns the prose of lesson l as the index takes it, words
// separated by single spaces, and its code blocks, one after the other,
// less the spaces around them.
func (t *searchText) strings(l *Lesson) (prose, code string) {
	buf := make([]byte, 0, len(l.Description)+1+t.size(t.prose))
	buf = append(append(buf, l.Description...), ' ')
	buf = fields(t.appendTo(buf, t.prose, l.src))
	prose = string(buf)
	buf = t.appendTo(buf[:0], t.code, l.src)
	return prose, string(bytes.TrimSpace(buf))
}

// size is the number of bytes of pieces.
func (t *searchText) size(pieces []span) int {
	n := 0
	for _, p := range pieces {
		start := p.start
		if start < 0 {
			start = -start - 1
		}
		n += int(p.end - start)
	}
	return n
}

// appendTo appends the bytes of pieces to dst.
func (t *searchText) appendTo(dst []byte, pieces []span, src []byte) []byte {
	for _, p := range pieces {
		if p.start < 0 {
			dst = append(dst, t.extra[-p.start-1:p.end]...)
		} else {
			dst = append(dst, src[p.start:p.end]...)
		}
	}
	return dst
}

// fields rewrites text in place as strings.Join(strings.Fields(text),
// " ") would: its words, as Unicode's white space separates them, with a
// space between each two.
func fields(text []byte) []byte {
	w := 0
	word := false // whether text[i-1] is in a word
	for i := 0; i < len(text); {
		c, size := rune(text[i]), 1
		if c >= utf8.RuneSelf {
			c, size = utf8.DecodeRune(text[i:])
		}
		if unicode.IsSpace(c) {
			word = false
			i += size
			continue
		}
		if !word && w > 0 {
			text[w] = ' ' // a space was skipped, so w < i
			w++
		}
		word = true
		w += copy(text[w:], text[i:i+size])
		i += size
	}
	return text[:w]
}
