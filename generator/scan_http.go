package generator

import (
	"mime"
	"strings"
)

// HTTP messages, the HTTP tab of every example, are scanned a line at a
// time: a request (or status) line, header lines, a blank line and a
// body, which is highlighted as JSON when its Content-Type says so or it
// starts like JSON. Authors' own http blocks are in the REST Client
// dialect, which adds # and // comment lines, ### between requests,
// @name = value definitions, {{variables}}, query lines starting with ?
// or & after the request line, and "< ./file" bodies. The classes are
// those of chroma's http lexer, which knows none of the dialect.

// tokens is a list of tokens being built.
type tokens []token

// add appends code[start:end] as a token of class, extending the last
// token instead if it has the same class and ends at start.
func (t *tokens) add(class string, start, end int) {
	if start == end {
		return
	}
	if n := len(*t); n > 0 && (*t)[n-1].class == class && (*t)[n-1].end == start {
		(*t)[n-1].end = end
		return
	}
	*t = append(*t, token{class, start, end})
}

// addVars appends code[start:end] as a token of class, except for the
// {{variables}} in it, which are name variables.
func (t *tokens) addVars(code, class string, start, end int) {
	for start < end {
		open := strings.Index(code[start:end], "{{")
		if open < 0 {
			break
		}
		closing := strings.Index(code[start+open+2:end], "}}")
		if closing < 0 {
			break
		}
		t.add(class, start, start+open)
		t.add("nv", start+open, start+open+2+closing+2)
		start += open + 2 + closing + 2
	}
	t.add(class, start, end)
}

// The states of an HTTP message's scan.
const (
	httpStart   = iota // before the request line
	httpHeaders        // after it, before the blank line
	httpBody
)

// scanHTTP splits HTTP messages, one or more separated by ### lines, into
// tokens.
func scanHTTP(code string) []token {
	t := make(tokens, 0, len(code)/4)
	state := httpStart
	jsonBody := false // the Content-Type is JSON
	for i := 0; i < len(code); {
		end := len(code)
		if n := strings.IndexByte(code[i:], '\n'); n >= 0 {
			end = i + n
		}
		if state == httpBody && !strings.HasPrefix(code[i:], "###") {
			end = bodyEnd(code, i)
			body := code[i:end]
			if jsonBody || looksJSON(body) {
				for _, tok := range scanLangs["json"].scan(body, nil) {
					t.add(tok.class, i+tok.start, i+tok.end)
				}
			} else {
				t.scanHTTPText(code, i, end)
			}
			i = end
			continue
		}
		line := strings.TrimSuffix(code[i:end], "\r")
		trimmed := strings.TrimLeft(line, " \t")
		switch {
		case strings.HasPrefix(line, "###"):
			t.add("cs", i, i+len(line))
			state, jsonBody = httpStart, false
		case strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "//"):
			t.add("", i, i+len(line)-len(trimmed))
			t.add("c1", i+len(line)-len(trimmed), i+len(line))
		case trimmed == "":
			t.add("", i, i+len(line))
			if state == httpHeaders {
				state = httpBody
			}
		case state == httpStart && trimmed[0] == '@':
			t.scanHTTPDefinition(code, i, i+len(line))
		case state == httpStart:
			t.scanRequestLine(code, i, i+len(line))
			state = httpHeaders
		case trimmed[0] == '?' || trimmed[0] == '&':
			// The request line's query, continued.
			t.add("", i, i+len(line)-len(trimmed))
			t.addVars(code, "nn", i+len(line)-len(trimmed), i+len(line))
		case len(trimmed) < len(line):
			// A header value folded onto another line.
			t.add("", i, i+len(line)-len(trimmed))
			t.addVars(code, "l", i+len(line)-len(trimmed), i+len(line))
		default:
			if t.scanHeader(code, i, i+len(line)) {
				jsonBody = true
			}
		}
		t.add("", i+len(line), end) // a carriage return
		if end < len(code) {
			t.add("", end, end+1)
		}
		i = end + 1
	}
	return t
}

// bodyEnd is where the body starting at code[i:] ends: at the start of
// the next line starting with ###, or at the end of code.
func bodyEnd(code string, i int) int {
	if n := strings.Index(code[i:], "\n###"); n >= 0 {
		return i + n + 1
	}
	return len(code)
}

// looksJSON reports whether body starts like JSON (and not like a
// {{variable}}).
func looksJSON(body string) bool {
	body = strings.TrimLeft(body, " \t\r\n")
	return strings.HasPrefix(body, "[") || strings.HasPrefix(body, "{") && !strings.HasPrefix(body, "{{")
}

// isJSONType reports whether a Content-Type is JSON's.
func isJSONType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// scanRequestLine splits code[start:end], a request line such as
// "GET /path HTTP/1.1" (the method and version are optional) or a status
// line such as "HTTP/1.1 200 OK", into tokens.
func (t *tokens) scanRequestLine(code string, start, end int) {
	i := t.addSpace(code, start, end)
	w := wordEnd(code, i, end)
	if strings.HasPrefix(code[i:w], "HTTP/") {
		t.addVersion(code, i, w)
		i = t.addSpace(code, w, end)
		w = wordEnd(code, i, end)
		if w-i == 3 && isDigit(code[i]) && isDigit(code[i+1]) && isDigit(code[i+2]) {
			t.add("m", i, w)
			i = t.addSpace(code, w, end)
		}
		t.add("ne", i, end)
		return
	}
	if isMethod(code[i:w]) {
		t.add("nf", i, w)
		i = t.addSpace(code, w, end)
		w = wordEnd(code, i, end)
	}
	t.addVars(code, "nn", i, w)
	i = t.addSpace(code, w, end)
	w = wordEnd(code, i, end)
	if strings.HasPrefix(code[i:w], "HTTP/") {
		t.addVersion(code, i, w)
		i = w
	}
	t.addVars(code, "", i, end)
}

// addVersion appends code[start:end], such as "HTTP/1.1", as tokens.
func (t *tokens) addVersion(code string, start, end int) {
	t.add("kr", start, start+4)
	t.add("o", start+4, start+5)
	t.add("m", start+5, end)
}

// isMethod reports whether w is a request method: a word in capitals.
func isMethod(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'A' || w[i] > 'Z' {
			return false
		}
	}
	return w != ""
}

// scanHeader splits code[start:end], a header line such as "Name: value",
// into tokens, and reports whether it gives a JSON Content-Type. A line
// that is not a header is text.
func (t *tokens) scanHeader(code string, start, end int) bool {
	colon := strings.IndexByte(code[start:end], ':')
	name := strings.TrimRight(code[start:start+max(colon, 0)], " \t")
	if colon <= 0 || name == "" || strings.ContainsAny(name, " \t") {
		t.addVars(code, "", start, end)
		return false
	}
	t.add("n", start, start+len(name))
	t.add("", start+len(name), start+colon)
	t.add("o", start+colon, start+colon+1)
	i := t.addSpace(code, start+colon+1, end)
	t.addVars(code, "l", i, end)
	return strings.EqualFold(name, "Content-Type") && isJSONType(code[i:end])
}

// scanHTTPDefinition splits code[start:end], a REST Client definition
// such as "@host = example.com", into tokens.
func (t *tokens) scanHTTPDefinition(code string, start, end int) {
	i := t.addSpace(code, start, end)
	eq := strings.IndexByte(code[i:end], '=')
	if eq < 0 {
		t.addVars(code, "nv", i, end)
		return
	}
	name := strings.TrimRight(code[i:i+eq], " \t")
	t.add("nv", i, i+len(name))
	t.add("", i+len(name), i+eq)
	t.add("o", i+eq, i+eq+1)
	i = t.addSpace(code, i+eq+1, end)
	t.addVars(code, "l", i, end)
}

// scanHTTPText splits code[start:end], a body that is not JSON, into
// tokens: text with {{variables}}, and lines such as "< ./file.json" that
// name a file holding the body.
func (t *tokens) scanHTTPText(code string, start, end int) {
	for i := start; i < end; {
		eol := end
		if n := strings.IndexByte(code[i:end], '\n'); n >= 0 {
			eol = i + n + 1
		}
		if strings.HasPrefix(code[i:eol], "< ") || strings.HasPrefix(code[i:eol], "<@") {
			op := wordEnd(code, i, eol)
			t.add("o", i, op)
			j := t.addSpace(code, op, eol)
			path := strings.TrimRight(code[j:eol], "\r\n")
			t.addVars(code, "s", j, j+len(path))
			t.add("", j+len(path), eol)
		} else {
			t.addVars(code, "", i, eol)
		}
		i = eol
	}
}

// addSpace appends the spaces and tabs at the start of code[start:end] as
// text and returns where they end.
func (t *tokens) addSpace(code string, start, end int) int {
	i := start
	for i < end && (code[i] == ' ' || code[i] == '\t') {
		i++
	}
	t.add("", start, i)
	return i
}

// wordEnd is where the word starting at code[start:end] ends: at a space,
// a tab, a line end, or end.
func wordEnd(code string, start, end int) int {
	i := start
	for i < end && code[i] != ' ' && code[i] != '\t' && code[i] != '\r' && code[i] != '\n' {
		i++
	}
	return i
}
