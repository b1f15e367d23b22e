package snippet

import (
	"fmt"
	"strings"
)

// Language is one code tab: a template snippets/<ID>.tmpl.
type Language struct {
	// ID is the template's base name, as used in site config
	// ("python").
	ID string
	// Label is the tab's title ("Python").
	Label string
	// Lexer is the name of the syntax highlighter's lexer for the code.
	Lexer string
}

// builtin is what snapdoc knows about a language beyond its template.
type builtin struct {
	label, lexer string
	// combines is set when the program sends repeated header fields as
	// one combined field (see [Combined]).
	combines bool
	// limit returns why the language cannot express the request, or "".
	limit func(v *View) string
}

// DefaultOrder is the order of the built-in languages' tabs.
var DefaultOrder = []string{"python", "curl", "javascript", "go", "java", "http"}

var builtins = map[string]builtin{
	"python": {label: "Python", lexer: "python", combines: true, limit: func(v *View) string {
		if nonASCIIHeader(v) {
			return "http.client sends header values as Latin-1, not UTF-8"
		}
		if n := pythonJSON.inexactNumber(v.jsonBody()); n != "" {
			return fmt.Sprintf("the JSON number %s does not fit a Python float", n)
		}
		return ""
	}},
	"curl": {label: "curl", lexer: "bash", limit: func(v *View) string {
		if strings.ContainsRune(v.Body, 0) {
			return "a shell argument cannot hold a NUL byte"
		}
		return ""
	}},
	"javascript": {label: "JavaScript", lexer: "javascript", combines: true, limit: func(v *View) string {
		if nonASCIIHeader(v) {
			return "fetch takes header values as Latin-1 byte strings"
		}
		if v.HasHeader("Host") {
			return "fetch does not let a program set the Host header"
		}
		if v.Body != "" && (v.Method == "GET" || v.Method == "HEAD") {
			return "fetch refuses a body on GET and HEAD"
		}
		if n := jsJSON.inexactNumber(v.jsonBody()); n != "" {
			return fmt.Sprintf("the JSON number %s does not fit a JavaScript number", n)
		}
		return ""
	}},
	"go": {label: "Go", lexer: "go", limit: func(v *View) string {
		if cl, ok := v.Header("Content-Length"); ok && cl != fmt.Sprint(len(v.Body)) {
			return "net/http computes Content-Length from the body"
		}
		return ""
	}},
	"java": {label: "Java", lexer: "java", limit: func(v *View) string {
		if nonASCIIHeader(v) {
			return "java.net.http refuses header values outside ASCII"
		}
		for _, h := range v.Headers {
			switch strings.ToLower(h.Name) {
			case "connection", "content-length", "expect", "host", "upgrade":
				return fmt.Sprintf("java.net.http refuses to set the restricted header %s", h.Name)
			}
		}
		return ""
	}},
	"http": {label: "HTTP", lexer: "http", limit: func(v *View) string {
		if strings.Contains(v.Body, "{{$env ") {
			return "a raw message cannot state the Content-Length of a body holding a secret"
		}
		for _, h := range v.Conditional() {
			if strings.Contains(h.Value, "{{") {
				return "the validator the server sent holds \"{{\", which a raw message reads as a secret's reference"
			}
		}
		if v.Basic != nil {
			return "a raw message cannot show Basic credentials made of secrets, which are sent base64-encoded"
		}
		return ""
	}},
}

// nonASCIIHeader reports whether a header field of v holds a byte outside
// ASCII.
func nonASCIIHeader(v *View) bool {
	for _, h := range v.Headers {
		for i := 0; i < len(h.Value); i++ {
			if h.Value[i] >= 0x80 {
				return true
			}
		}
	}
	return false
}

// jsonBody returns the body when it is sent from a native JSON literal.
func (v *View) jsonBody() string {
	if v.JSON {
		return v.Body
	}
	return ""
}

// language describes the template id, with defaults for one a site added.
func language(id string) Language {
	if b, ok := builtins[id]; ok {
		return Language{ID: id, Label: b.label, Lexer: b.lexer}
	}
	return Language{ID: id, Label: id, Lexer: id}
}
