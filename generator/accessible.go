package generator

import (
	"html/template"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"

	"github.com/snapdoc/snapdoc/internal/hostile"
)

// accessibleRenderer renders the nodes whose default HTML an assistive
// technology cannot use as is: headings get a link to themselves beside
// them, a task list's check box is labelled by its item, and the empty
// corner cell of a table's header row is a data cell, not a header
// without a name.
type accessibleRenderer struct {
	// table and cell are the GFM extension's table and table cell
	// renderers, which render every table in its box and every cell but
	// the empty header ones.
	table, cell renderer.NodeRendererFunc
}

// newAccessibleRenderer returns the renderer, borrowing the GFM table
// cell renderer.
func newAccessibleRenderer() accessibleRenderer {
	funcs := registered{}
	extension.NewTableHTMLRenderer().RegisterFuncs(funcs)
	return accessibleRenderer{table: funcs[east.KindTable], cell: funcs[east.KindTableCell]}
}

// registered collects the functions a node renderer registers.
type registered map[ast.NodeKind]renderer.NodeRendererFunc

func (r registered) Register(k ast.NodeKind, f renderer.NodeRendererFunc) { r[k] = f }

func (r accessibleRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, r.renderHeading)
	reg.Register(east.KindTaskCheckBox, r.renderTaskCheckBox)
	reg.Register(east.KindTable, r.renderTable)
	reg.Register(east.KindTableCell, r.renderTableCell)
}

// renderTable writes a table in a box that scrolls sideways on narrow
// screens, which keyboards can reach and screen readers name by the
// table's column headings.
func (r accessibleRenderer) renderTable(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		label := "Table"
		if head := node.FirstChild(); head != nil && head.Kind() == east.KindTableHeader {
			var cols []string
			for c := head.FirstChild(); c != nil; c = c.NextSibling() {
				if t := plainText(c, src); t != "" {
					cols = append(cols, t)
				}
			}
			if len(cols) > 0 {
				label = "Table of " + strings.Join(cols, ", ")
			}
		}
		_, _ = w.WriteString(`<div class="scroll table" tabindex="0" role="group" aria-label="` + attrText(label) + `">` + "\n")
		return r.table(w, src, node, entering)
	}
	st, err := r.table(w, src, node, entering)
	_, _ = w.WriteString("</div>\n")
	return st, err
}

// renderHeading writes a heading that has an id inside a div with a link
// to it, named after the heading, after it: readers copy the link, and
// the heading's own name stays its text.
func (r accessibleRenderer) renderHeading(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	id, _ := n.AttributeString("id")
	idb, _ := id.([]byte)
	level := "0123456"[n.Level : n.Level+1]
	if entering {
		if len(idb) > 0 {
			_, _ = w.WriteString(`<div class="heading">`)
		}
		_, _ = w.WriteString("<h" + level)
		if n.Attributes() != nil {
			html.RenderAttributes(w, node, html.HeadingAttributeFilter)
		}
		_ = w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString("</h" + level + ">")
	if len(idb) > 0 {
		_, _ = w.WriteString(`<a class="anchor" href="#` + template.HTMLEscapeString(string(idb)) + `" aria-label="Link to the section ` +
			attrText(plainText(n, src)) + `">#</a></div>`)
	}
	_ = w.WriteByte('\n')
	return ast.WalkContinue, nil
}

// renderTaskCheckBox writes a task's check box, read-only as GFM makes
// it, labelled by the text of its item.
func (r accessibleRenderer) renderTaskCheckBox(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*east.TaskCheckBox)
	checked := ""
	if n.IsChecked {
		checked = ` checked=""`
	}
	label := "Task"
	if p := n.Parent(); p != nil {
		if t := plainText(p, src); t != "" {
			label = t
		}
	}
	_, _ = w.WriteString(`<input type="checkbox" disabled=""` + checked + ` aria-label="` + attrText(label) + `"> `)
	return ast.WalkContinue, nil
}

// renderTableCell writes an empty cell of the header row as a data cell
// and every other cell as GFM does.
func (r accessibleRenderer) renderTableCell(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if node.Parent().Kind() == east.KindTableHeader && node.ChildCount() == 0 {
		if entering {
			_, _ = w.WriteString("<td></td>\n")
		}
		return ast.WalkContinue, nil
	}
	return r.cell(w, src, node, entering)
}

// attrText is text escaped for an attribute's value, with each
// bidirectional control or invisible character spelled as its code point
// (see [hostile.Spell]): an attribute cannot hold the marker body text
// shows.
func attrText(s string) string { return template.HTMLEscapeString(hostile.Spell(s)) }
