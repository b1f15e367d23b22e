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
	lexer := lexers.Get(lang)
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
