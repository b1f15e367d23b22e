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
	docs := make([]search.Document, len(r.site.Lessons))
	parallel(len(docs), func(i int) {
		docs[i] = r.md.searchDocument(r.site.Lessons[i], underBase(base, r.site.Lessons[i].URL()))
	})
	bd := search.NewBuilder(func(name string, data []byte) error {
		return r.out.write(search.Name(name), data)
	})
	for i := range docs {
		if err := bd.Add(docs[i]); err != nil {
			return err
		}
		docs[i] = search.Document{} // its text is no longer needed
	}
	_, err := bd.Finish()
	return err
}

// searchDocument returns what the search index holds of lesson l, whose
// page is at url. It parses the body again rather than keep its text from
// loading: the parse cache would have to hold every lesson's text, and a
// parse costs a few percent of a build.
func (m *Markdown) searchDocument(l *Lesson, url string) search.Document {
	d := search.Document{URL: url, Title: l.Title, Tags: l.Tags}
	var prose, code strings.Builder
	prose.WriteString(l.Description)
	doc := m.md.Parser().Parse(text.NewReader(l.src))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock || n.Kind() == extast.KindTableCell {
				prose.WriteByte('\n')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			d.Headings = append(d.Headings, plainText(n, l.src))
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
	d.Text = strings.Join(strings.Fields(prose.String()), " ")
	d.Code = strings.TrimSpace(code.String())
	return d
}
