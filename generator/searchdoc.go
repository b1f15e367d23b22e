package generator

import (
	"strings"

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
	// Lessons parsed in this build kept their text; those from the parse
	// cache are parsed again, a chunk at a time in parallel, so that the
	// text of only a chunk is held at once.
	lessons := r.site.Lessons
	const chunk = 256
	texts := make([]*searchText, chunk)
	for at := 0; at < len(lessons); at += chunk {
		part := lessons[at:min(at+chunk, len(lessons))]
		parallel(len(part), func(i int) {
			texts[i] = part[i].search
			if texts[i] == nil {
				texts[i] = r.md.searchText(part[i])
			}
		})
		for i, l := range part {
			t := texts[i]
			d := search.Document{URL: underBase(base, l.URL()), Title: l.Title, Tags: l.Tags, Headings: t.headings, Text: t.text, Code: t.code}
			if err := bd.Add(d); err != nil {
				return err
			}
			texts[i], l.search = nil, nil
		}
	}
	_, err := bd.Finish()
	return err
}

// searchText is what the search index holds of a lesson's body.
type searchText struct {
	headings   []string
	text, code string
}

// searchText parses l's body again for its searchText.
func (m *Markdown) searchText(l *Lesson) *searchText {
	return newSearchText(l, m.md.Parser().Parse(text.NewReader(l.src)))
}

// newSearchText returns the searchText of lesson l, whose body parsed as
// doc: the text of its headings, its prose (the description first, then
// paragraphs, lists, tables and inline code, as they read), and its code
// blocks.
func newSearchText(l *Lesson, doc ast.Node) *searchText {
	t := &searchText{}
	var prose, code strings.Builder
	prose.WriteString(l.Description)
	prose.WriteByte(' ')
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock || n.Kind() == extast.KindTableCell {
				prose.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			t.headings = append(t.headings, plainText(n, l.src))
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			code.WriteString(blockText(n, l.src))
			code.WriteByte('\n')
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock, *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			prose.Write(n.Segment.Value(l.src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				prose.WriteByte(' ')
			}
		case *ast.String:
			prose.Write(n.Value)
		}
		return ast.WalkContinue, nil
	})
	t.text = strings.Join(strings.Fields(prose.String()), " ")
	t.code = strings.TrimSpace(code.String())
	return t
}
