package generator

import (
	"html/template"
	"io"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// The chroma styles of the light and dark palettes.
const (
	lightStyle = "github"
	darkStyle  = "github-dark"
)

var formatter = chromahtml.New(chromahtml.WithClasses(true))

// Highlight returns code as HTML highlighted for lang with CSS classes
// (see [WriteHighlightCSS]). An unknown language is escaped as plain text.
func Highlight(code, lang string) template.HTML {
	if h, ok := scanHighlight(code, lang); ok {
		return h
	}
	return highlightChroma(code, lang)
}

// highlightChroma highlights code with chroma's lexer for lang.
func highlightChroma(code, lang string) template.HTML {
	var lexer chroma.Lexer
	if lang == "http-request" {
		lexer = httpLexer
	} else {
		lexer = lexers.Get(lang)
	}
	if lexer == nil {
		lexer = lexers.Fallback
	}
	lexer = chroma.Coalesce(lexer)
	var b strings.Builder
	it, err := lexer.Tokenise(nil, code)
	if err == nil {
		err = formatter.Format(&b, styles.Get(lightStyle), it)
	}
	if err != nil {
		return template.HTML(`<pre class="chroma"><code>` + template.HTMLEscapeString(code) + "</code></pre>")
	}
	return template.HTML(b.String())
}

// WriteHighlightCSS writes the style sheet of highlighted code: the light
// palette, and the dark one for readers who prefer a dark scheme.
func WriteHighlightCSS(w io.Writer) error {
	if err := formatter.WriteCSS(w, styles.Get(lightStyle)); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "@media (prefers-color-scheme: dark) {\n"); err != nil {
		return err
	}
	if err := formatter.WriteCSS(w, styles.Get(darkStyle)); err != nil {
		return err
	}
	_, err := io.WriteString(w, "}\n")
	return err
}

// httpLexer highlights the .http syntax of request blocks: comments,
// separators, request lines, headers, {{variables}} and bodies. chroma's
// own "http" lexer wants a raw HTTP message and marks the rest as errors.
var httpLexer = chroma.MustNewLexer(
	&chroma.Config{Name: "http-request", Aliases: []string{"http-request"}},
	func() chroma.Rules {
		variable := chroma.Rule{Pattern: `\{\{[^}\n]*\}\}`, Type: chroma.NameVariable}
		return chroma.Rules{
			"root": {
				{Pattern: `^###[^\n]*\n?`, Type: chroma.CommentPreproc},
				{Pattern: `^[ \t]*(#|//)[^\n]*\n?`, Type: chroma.CommentSingle},
				{Pattern: `^([A-Z]+)([ \t]+)`, Type: chroma.ByGroups(chroma.Keyword, chroma.TextWhitespace), Mutator: chroma.Push("url")},
				{Pattern: `^(?=[a-z]+://)`, Type: chroma.Text, Mutator: chroma.Push("url")},
				{Pattern: `^[ \t]*\n`, Type: chroma.TextWhitespace},
				{Pattern: `^`, Type: chroma.Text, Mutator: chroma.Push("url")},
			},
			"url": {
				variable,
				{Pattern: `[ \t]+HTTP/[0-9.]+`, Type: chroma.KeywordConstant},
				{Pattern: `[^{\s]+|\{`, Type: chroma.NameAttribute},
				{Pattern: `[ \t]+`, Type: chroma.TextWhitespace},
				{Pattern: `\n`, Type: chroma.TextWhitespace, Mutator: chroma.Mutators(chroma.Pop(1), chroma.Push("headers"))},
			},
			"headers": {
				{Pattern: `^###[^\n]*\n?`, Type: chroma.CommentPreproc, Mutator: chroma.Pop(1)},
				{Pattern: `^[ \t]*(#|//)[^\n]*\n?`, Type: chroma.CommentSingle},
				{Pattern: `^[ \t]*[?&][^\n]*\n?`, Type: chroma.NameAttribute},
				{Pattern: `^([^:\s]+)(:)`, Type: chroma.ByGroups(chroma.NameTag, chroma.Punctuation), Mutator: chroma.Push("value")},
				{Pattern: `^[ \t]*\n`, Type: chroma.TextWhitespace, Mutator: chroma.Mutators(chroma.Pop(1), chroma.Push("body"))},
				{Pattern: `[^\n]*\n?`, Type: chroma.Text},
			},
			"value": {
				variable,
				{Pattern: `[^{\n]+|\{`, Type: chroma.LiteralString},
				{Pattern: `\n`, Type: chroma.TextWhitespace, Mutator: chroma.Pop(1)},
			},
			"body": {
				{Pattern: `^###[^\n]*\n?`, Type: chroma.CommentPreproc, Mutator: chroma.Pop(1)},
				variable,
				{Pattern: `^<[ \t][^\n]*`, Type: chroma.CommentPreproc},
				{Pattern: `[^{\n]+|\{|\n`, Type: chroma.Text},
			},
		}
	},
)
