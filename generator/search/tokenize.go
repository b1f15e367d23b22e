package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTermLen is the longest term indexed, in bytes; longer runs (hashes,
// base64) are left out, as no reader types them.
const maxTermLen = 64

// A token is a word of a text as the index sees it.
type token struct {
	// Term is the word, lowercased.
	Term string
	// Compound marks a term made of several words joined by connectors
	// ("max-age", "requests.get"): it is indexed beside its parts, which
	// follow it, but is not a position of its own for phrases.
	Compound bool
	// Start and End are the token's byte offsets in the text.
	Start, End int
}

// tokenize splits text into terms. A word is a run of letters, digits
// and marks; a Han, Hiragana or Katakana character is a word on its own,
// since those scripts put no spaces between words. Words joined by a
// single '-', '_' or '.' also make a compound term, so that `max-age`,
// `Cache-Control` and `nested_token` are found as typed and by their
// parts. Terms are lowercased with Unicode's simple case mapping, as
// JavaScript's toLowerCase does for all but a few characters; a final
// sigma is σ.
//
// templates/static/search.js implements the same rules; the two must
// change together.
func tokenize(text string, emit func(token)) {
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWord(r) {
			i += size
			continue
		}
		// A compound: words separated by single connectors.
		start := i
		var buf [8]token
		parts := buf[:0]
		for {
			ws := i
			alone := isIdeograph(r)
			if alone {
				i += size
			} else {
				for i < len(text) {
					r, size = utf8.DecodeRuneInString(text[i:])
					if !isWord(r) || isIdeograph(r) {
						break
					}
					i += size
				}
			}
			parts = append(parts, token{Start: ws, End: i})
			if alone {
				break // an ideograph is not part of a compound
			}
			if i+1 >= len(text) || !isConnector(text[i]) {
				break
			}
			next, nsize := utf8.DecodeRuneInString(text[i+1:])
			if !isWord(next) || isIdeograph(next) {
				break
			}
			i++
			r, size = next, nsize
		}
		if len(parts) > 1 {
			emitTerm(text, token{Start: start, End: i, Compound: true}, emit)
		}
		for _, p := range parts {
			emitTerm(text, p, emit)
		}
	}
}

// emitTerm lowercases t's text and emits it unless it is too long.
func emitTerm(text string, t token, emit func(token)) {
	if t.End-t.Start > maxTermLen {
		return
	}
	t.Term = strings.ToLower(text[t.Start:t.End])
	if strings.Contains(t.Term, "ς") {
		// JavaScript lowercases a final sigma as ς, Go as σ: both are σ.
		t.Term = strings.ReplaceAll(t.Term, "ς", "σ")
	}
	emit(t)
}

// isWord reports whether r belongs in a word.
func isWord(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// isIdeograph reports whether r is a word on its own.
func isIdeograph(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r))
}

// isConnector reports whether c joins words into a compound.
func isConnector(c byte) bool { return c == '-' || c == '_' || c == '.' }
