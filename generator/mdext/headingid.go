package mdext

import (
	"fmt"
	"strconv"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// HeadingIDs gives every heading an id: the one it names,
// "## Title {#custom-id}" (a class, {.name}, is kept too; other attributes
// are dropped), or else one made of its text as goldmark's
// parser.WithAutoHeadingID makes it, which it replaces. Ids stay unique:
// named ones are taken first, a second heading naming an id already taken
// gets "-1", "-2", ... after it, and a made one avoids every named one.
var HeadingIDs goldmark.Extender = headingIDExt{}

type headingIDExt struct{}

func (headingIDExt) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithAttribute(),
		parser.WithASTTransformers(util.Prioritized(headingIDTransformer{}, 200)))
}

type headingIDTransformer struct{}

func (headingIDTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	var headings []*ast.Heading
	all := map[string]bool{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			headings = append(headings, h)
			if id, ok := headingID(h); ok {
				all[id] = true
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	seen := map[string]bool{}
	for _, h := range headings {
		keepAttributes(h, "id", "class")
		id, ok := headingID(h)
		if !ok {
			continue // given one below, once every named one is known
		}
		if seen[id] {
			for i := 1; ; i++ {
				if c := id + "-" + strconv.Itoa(i); !all[c] && !seen[c] {
					id = c
					break
				}
			}
		}
		seen[id] = true
		h.SetAttributeString("id", []byte(id))
	}
	ids := pc.IDs()
	for id := range seen {
		ids.Put([]byte(id))
	}
	for _, h := range headings {
		if _, ok := h.AttributeString("id"); ok {
			continue
		}
		var line []byte
		if n := h.Lines().Len(); n > 0 {
			last := h.Lines().At(n - 1)
			line = last.Value(reader.Source())
		}
		h.SetAttributeString("id", ids.Generate(line, ast.KindHeading))
	}
}

// headingID is the id of h, as text.
func headingID(h *ast.Heading) (string, bool) {
	v, ok := h.AttributeString("id")
	if !ok {
		return "", false
	}
	switch v := v.(type) {
	case []byte:
		return string(v), len(v) > 0
	case string:
		return v, v != ""
	}
	return fmt.Sprint(v), true
}

// keepAttributes removes n's attributes but those named.
func keepAttributes(n ast.Node, names ...string) {
	var kept []ast.Attribute
	for _, a := range n.Attributes() {
		for _, name := range names {
			if string(a.Name) == name {
				kept = append(kept, a)
			}
		}
	}
	n.RemoveAttributes()
	for _, a := range kept {
		n.SetAttribute(a.Name, a.Value)
	}
}
