package generator

import (
	"html/template"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/snapdoc/snapdoc/internal/hostile"
)

// A scanner highlights the languages snapdoc itself generates (the code
// tabs, the HTTP message among them, and JSON and text response bodies)
// some fifty times faster than chroma's regular-expression lexers, which
// dominated build time: every example has a tab per language. Its CSS
// classes are chroma's, so the one style sheet colours both. Code an
// author writes in other languages still goes through chroma's lexers,
// and their tokens are written as the scanner's are (see writeTokens).

// scanLang describes the lexical shape of a language.
type scanLang struct {
	lineComments []string          // such as "#" or "//"
	blockComment [2]string         // such as "/*", "*/"; empty for none
	quotes       string            // the characters that open a string
	triple       bool              // Python's triple-quoted strings
	words        map[string]string // keywords and builtins by class
	json         bool              // a string followed by ':' is a key
	shell        bool              // $NAME variables, backslash escapes outside strings

	opens [256]bool // the first bytes of comments and strings
}

// newScanLang returns l ready to scan.
func newScanLang(l scanLang) *scanLang {
	for _, p := range l.lineComments {
		l.opens[p[0]] = true
	}
	if l.blockComment[0] != "" {
		l.opens[l.blockComment[0][0]] = true
	}
	for i := 0; i < len(l.quotes); i++ {
		l.opens[l.quotes[i]] = true
	}
	return &l
}

func wordClasses(classes map[string]string) map[string]string {
	m := map[string]string{}
	for class, words := range classes {
		for _, w := range strings.Fields(words) {
			m[w] = class
		}
	}
	return m
}

var scanLangs = map[string]*scanLang{
	"python": newScanLang(scanLang{lineComments: []string{"#"}, quotes: `"'`, triple: true, words: wordClasses(map[string]string{
		"k":  "and as assert async await break class continue def del elif else except finally for global if in is lambda nonlocal not or pass raise return try while with yield",
		"kn": "import from",
		"kc": "True False None",
		"nb": "print len str int float dict list open isinstance range",
	})}),
	"javascript": newScanLang(scanLang{lineComments: []string{"//"}, blockComment: [2]string{"/*", "*/"}, quotes: "\"'`", words: wordClasses(map[string]string{
		"k":  "async await break case catch continue default do else for function if new of return switch throw try while",
		"kd": "const let var",
		"kc": "true false null undefined",
		"nb": "console fetch JSON process Error AbortSignal URLSearchParams FormData Blob",
	})}),
	"go": newScanLang(scanLang{lineComments: []string{"//"}, blockComment: [2]string{"/*", "*/"}, quotes: "\"'`", words: wordClasses(map[string]string{
		"k":  "break case chan continue default defer else for func go if import package range return select struct switch type var",
		"kc": "true false nil",
		"kt": "string int int64 byte error bool any",
		"nb": "make len append panic",
	})}),
	"java": newScanLang(scanLang{lineComments: []string{"//"}, blockComment: [2]string{"/*", "*/"}, quotes: `"'`, words: wordClasses(map[string]string{
		"k":  "catch class else extends final for if new private public return static throw throws try var void while",
		"kn": "import package",
		"kc": "true false null",
		"kt": "String int long boolean",
	})}),
	"bash": newScanLang(scanLang{lineComments: []string{"#"}, quotes: `"'`, shell: true, words: wordClasses(map[string]string{
		"nb": "curl echo export printf",
	})}),
	"json": newScanLang(scanLang{quotes: `"`, json: true, words: wordClasses(map[string]string{
		"kc": "true false null",
	})}),
}

// scanAliases maps lexer names to the scanner's languages.
var scanAliases = map[string]string{
	"python": "python", "python3": "python", "py": "python",
	"javascript": "javascript", "js": "javascript",
	"go": "go", "golang": "go",
	"java": "java",
	"bash": "bash", "sh": "bash", "shell": "bash", "curl": "bash",
	"json": "json",
	"http": "http",
	// Chroma's plaintext lexer, also what it uses for no language.
	"plaintext": "plaintext", "text": "plaintext", "plain": "plaintext",
	"no-highlight": "plaintext", "txt": "plaintext", "": "plaintext",
}

// token is a piece of code, code[start:end], and its CSS class ("" for
// plain text).
type token struct {
	class      string
	start, end int
}

// scanHighlight highlights code in lang with a scanner, if there is one
// for lang.
func scanHighlight(code, lang string) (template.HTML, bool) {
	switch scanAliases[lang] {
	case "http":
		return writeTokens(code, scanHTTP(code)), true
	case "plaintext":
		return plainHTML(code), true
	}
	l := scanLangs[scanAliases[lang]]
	if l == nil {
		return "", false
	}
	buf := tokenBuffers.Get().(*[]token)
	defer tokenBuffers.Put(buf)
	*buf = l.scan(code, *buf)
	return writeTokens(code, *buf), true
}

// tokenBuffers recycles the token lists of scans: a build highlights
// tens of thousands of code tabs.
var tokenBuffers = sync.Pool{New: func() any { return new([]token) }}

// plainHTML is code as plain text: carriage returns become line ends, as
// in chroma's plain text, and NUL becomes U+FFFD, as html/template escapes
// it.
func plainHTML(code string) template.HTML {
	if strings.IndexByte(code, '\r') >= 0 {
		code = strings.ReplaceAll(code, "\r\n", "\n")
		code = strings.ReplaceAll(code, "\r", "\n")
	}
	return writeTokens(code, []token{{"", 0, len(code)}})
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scan splits code into tokens, which it returns in the space of toks.
func (l *scanLang) scan(code string, toks []token) []token {
	toks = toks[:0]
	i := 0
	// emit adds the token text, which starts at i.
	emit := func(class, text string) {
		if text == "" {
			return
		}
		if n := len(toks); n > 0 && toks[n-1].class == class && toks[n-1].end == i {
			toks[n-1].end += len(text)
			return
		}
		toks = append(toks, token{class, i, i + len(text)})
	}
	for i < len(code) {
		c := code[i]
		rest := code[i:]
		if l.opens[c] {
			if l.blockComment[0] != "" && strings.HasPrefix(rest, l.blockComment[0]) {
				end := strings.Index(rest[len(l.blockComment[0]):], l.blockComment[1])
				n := len(rest)
				if end >= 0 {
					n = len(l.blockComment[0]) + end + len(l.blockComment[1])
				}
				emit("cm", rest[:n])
				i += n
				continue
			}
			if l.lineCommentAt(rest, i == 0 || code[i-1] == ' ' || code[i-1] == '\t' || code[i-1] == '\n') {
				n := strings.IndexByte(rest, '\n')
				if n < 0 {
					n = len(rest)
				}
				emit("c1", rest[:n])
				i += n
				continue
			}
			if strings.IndexByte(l.quotes, c) >= 0 {
				n := l.stringLen(rest)
				class := "s2"
				switch {
				case c == '\'':
					class = "s1"
				case c == '`':
					class = "sb"
				case l.json && isKey(code[i+n:]):
					class = "nt"
				}
				emit(class, rest[:n])
				i += n
				continue
			}
		}
		if l.shell && c == '$' && i+1 < len(code) && (isWordByte(code[i+1]) || code[i+1] == '{') {
			n := 1
			if code[i+1] == '{' {
				if end := strings.IndexByte(rest, '}'); end > 0 {
					n = end + 1
				}
			} else {
				for n < len(rest) && isWordByte(rest[n]) {
					n++
				}
			}
			emit("nv", rest[:n])
			i += n
			continue
		}
		if isDigit(c) || c == '-' && l.json && i+1 < len(code) && isDigit(code[i+1]) {
			n := 1
			for n < len(rest) {
				ch := rest[n]
				if isDigit(ch) || ch == '.' || ch == '_' || ch == 'x' || ch == 'X' || ch >= 'a' && ch <= 'f' || ch >= 'A' && ch <= 'F' ||
					(ch == '+' || ch == '-') && (rest[n-1] == 'e' || rest[n-1] == 'E') {
					n++
					continue
				}
				break
			}
			class := "mi"
			if strings.ContainsAny(rest[:n], ".eE") && !strings.HasPrefix(rest, "0x") {
				class = "mf"
			}
			emit(class, rest[:n])
			i += n
			continue
		}
		if isWordByte(c) {
			n := 1
			for n < len(rest) && isWordByte(rest[n]) {
				n++
			}
			w := rest[:n]
			class := l.words[w]
			if class == "" {
				class = "n"
				if afterImport(code, toks) {
					class = "nn" // the name of a module being imported
				}
			}
			emit(class, w)
			i += n
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			n := 1
			for n < len(rest) && (rest[n] == ' ' || rest[n] == '\t' || rest[n] == '\n' || rest[n] == '\r') {
				n++
			}
			emit("", rest[:n])
			i += n
			continue
		case ':':
			if strings.HasPrefix(rest, ":=") {
				emit("o", rest[:2])
				i += 2
				continue
			}
			emit("p", rest[:1])
		case '(', ')', '[', ']', '{', '}', ',', ';', '.':
			emit("p", rest[:1])
		default:
			emit("o", rest[:1])
		}
		i++
	}
	return toks
}

// afterImport reports whether the last token other than spaces is an
// import keyword.
func afterImport(code string, toks []token) bool {
	for i := len(toks) - 1; i >= 0; i-- {
		if toks[i].class == "" && strings.Trim(code[toks[i].start:toks[i].end], " \t") == "" {
			continue
		}
		return toks[i].class == "kn"
	}
	return false
}

// lineCommentAt reports whether a line comment starts at s. In a shell, #
// starts a comment only at the start of a word.
func (l *scanLang) lineCommentAt(s string, wordStart bool) bool {
	for _, p := range l.lineComments {
		if strings.HasPrefix(s, p) && (!l.shell || wordStart) {
			return true
		}
	}
	return false
}

// stringLen is the length of the string literal at the start of s, up to
// and including its closing quote (or the end of the line or, for
// backquoted and triple-quoted strings, of s).
func (l *scanLang) stringLen(s string) int {
	q := s[0]
	if l.triple && (strings.HasPrefix(s, `"""`) || strings.HasPrefix(s, `'''`)) {
		if end := strings.Index(s[3:], s[:3]); end >= 0 {
			return 3 + end + 3
		}
		return len(s)
	}
	escapes := q != '`' && !(l.shell && q == '\'')
	for i := 1; i < len(s); i++ {
		switch {
		case escapes && s[i] == '\\':
			i++
		case s[i] == q:
			return i + 1
		case s[i] == '\n' && q != '`' && !l.shell:
			return i
		}
	}
	return len(s)
}

// isKey reports whether a JSON string followed by s is an object key.
func isKey(s string) bool {
	s = strings.TrimLeft(s, " \t\r\n")
	return strings.HasPrefix(s, ":")
}

// writeTokens writes code as highlighted HTML: a span with its CSS class
// for each run of text in a coloured class, and the rest as text. Spans
// may hold line ends; there are no per-line wrappers.
func writeTokens(code string, toks []token) template.HTML {
	buf := htmlBuffers.Get().(*[]byte)
	defer htmlBuffers.Put(buf)
	b := append((*buf)[:0], `<pre class="chroma"><code>`...)
	next := ""
	if len(toks) > 0 {
		next = shownClass(toks[0].class)
	}
	for i := 0; i < len(toks); {
		class := next
		start, end := toks[i].start, toks[i].end
		// A run goes on through contiguous tokens shown alike.
		for i++; i < len(toks); i++ {
			next = shownClass(toks[i].class)
			if toks[i].start != end || next != class {
				break
			}
			end = toks[i].end
		}
		if class != "" {
			b = append(b, `<span class="`...)
			b = append(b, class...)
			b = append(b, `">`...)
		}
		b = appendEscaped(b, code[start:end])
		if class != "" {
			b = append(b, `</span>`...)
		}
	}
	b = append(b, "</code></pre>"...)
	*buf = b
	return template.HTML(b) // a copy of the size it needs
}

// htmlBuffers recycles the space highlighted code is written in.
var htmlBuffers = sync.Pool{New: func() any { return new([]byte) }}

// shownClass is the CSS class a token is written with, "" for plain text:
// none for the classes that both palettes show in the text colour
// (TestPlainClassesLookPlain checks it), nor for whitespace. Names and
// punctuation are most of the tokens of code, and a span each for them
// made up a third of a lesson page.
func shownClass(class string) string {
	switch class {
	case "", "n", "nx", "na", "p", "w":
		return ""
	}
	return class
}

// appendEscaped appends s to b escaped as html/template escapes text,
// with each bidirectional control or invisible character shown as a
// visible marker (see [hostile.AppendMarker]).
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case 0:
			esc = "\uFFFD"
		default:
			if s[i] < utf8.RuneSelf {
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if !hostile.Is(r) {
				i += size - 1
				continue
			}
			b = append(b, s[last:i]...)
			b = hostile.AppendMarker(b, r)
			i += size - 1
			last = i + 1
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}
