package generator

import (
	"html/template"
	"io"
	"strconv"
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

// formatter writes the style sheets of the palettes.
var formatter = chromahtml.New(chromahtml.WithClasses(true))

// Highlight returns code as HTML highlighted for lang with CSS classes
// (see [WriteHighlightCSS]). An unknown language is escaped as plain text.
func Highlight(code, lang string) template.HTML {
	if h, ok := scanHighlight(code, lang); ok {
		return h
	}
	return highlightChroma(code, lang)
}

// highlightChroma highlights code with chroma's lexer for lang, written
// as the scanner writes its tokens.
func highlightChroma(code, lang string) template.HTML {
	lexer := lexers.Get(lang)
	if lexer == nil {
		lexer = lexers.Fallback
	}
	it, err := lexer.Tokenise(nil, code)
	if err != nil {
		return plainHTML(code)
	}
	// The lexer may change the text (line ends, a final newline), so the
	// tokens index a text of their own.
	var text strings.Builder
	var toks []token
	for _, t := range it.Tokens() {
		start := text.Len()
		text.WriteString(t.Value)
		toks = append(toks, token{class: chromaClass(t.Type), start: start, end: text.Len()})
	}
	return writeTokens(text.String(), toks)
}

// highlightLines highlights code for lang with chroma's lexer, a line at
// a time, in the markup and class names of chroma's formatter with
// chromahtml.HighlightLines(ranges) and WithLineNumbers(numbers): each line
// a <span class="line">, "line hl" when in one of ranges (1-based,
// inclusive), holding its number <span class="ln"> when numbers is set and
// its code <span class="cl">. The text is written as [writeTokens] writes
// it (chroma's formatter would not mark hostile characters). Line numbers
// are not copied: the copy button leaves them out, and readers cannot
// select them.
func highlightLines(code, lang string, ranges [][2]int, numbers bool) template.HTML {
	lexer := lexers.Get(lang)
	if lexer == nil {
		lexer = lexers.Fallback
	}
	it, err := chroma.Coalesce(lexer).Tokenise(nil, code)
	if err != nil {
		return plainHTML(code)
	}
	b := []byte(`<pre class="chroma"><code>`)
	for i, line := range chroma.SplitTokensIntoLines(it.Tokens()) {
		n := i + 1
		b = append(b, `<span class="line`...)
		for _, r := range ranges {
			if n >= r[0] && n <= r[1] {
				b = append(b, ` hl`...)
				break
			}
		}
		b = append(b, `">`...)
		if numbers {
			b = append(b, `<span class="ln">`...)
			b = strconv.AppendInt(b, int64(n), 10)
			b = append(b, `</span>`...)
		}
		b = append(b, `<span class="cl">`...)
		for _, t := range line {
			class := shownClass(chromaClass(t.Type))
			if class != "" {
				b = append(append(append(b, `<span class="`...), class...), `">`...)
			}
			b = appendEscaped(b, t.Value)
			if class != "" {
				b = append(b, `</span>`...)
			}
		}
		b = append(b, `</span></span>`...)
	}
	b = append(b, "</code></pre>"...)
	return template.HTML(b)
}

// chromaClass is the CSS class of a token type, as chroma's HTML
// formatter names it: that of the type or of its nearest parent that has
// one.
func chromaClass(t chroma.TokenType) string {
	for ; t != 0; t = t.Parent() {
		if class, ok := chroma.StandardTypes[t]; ok {
			return class
		}
	}
	return chroma.StandardTypes[t]
}

// WriteHighlightCSS writes the style sheet of highlighted code: the light
// palette, and the dark one for readers who prefer a dark scheme. Each
// palette has a media query of its own: a class that only the light
// palette colours must not keep that colour on the dark background.
func WriteHighlightCSS(w io.Writer) error {
	for _, p := range []struct{ media, style string }{
		{"not all and (prefers-color-scheme: dark)", lightStyle},
		{"(prefers-color-scheme: dark)", darkStyle},
	} {
		if _, err := io.WriteString(w, "@media "+p.media+" {\n"); err != nil {
			return err
		}
		if err := formatter.WriteCSS(w, styles.Get(p.style)); err != nil {
			return err
		}
		if _, err := io.WriteString(w, "}\n"); err != nil {
			return err
		}
	}
	return nil
}
