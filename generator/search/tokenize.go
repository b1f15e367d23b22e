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
	// Term is the word, lowercased, when tokenize made it; tokens only
	// leave it empty.
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
	tokens(text, func(t token) {
		t.Term = string(lower(nil, text[t.Start:t.End]))
		emit(t)
	})
}

// tokens is tokenize without the terms: it emits each token's place
// alone, for callers that lowercase into a buffer of their own.
func tokens(text string, emit func(token)) {
	i := 0
	for i < len(text) {
		r, size := decode(text, i)
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
					r, size = decode(text, i)
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
			next, nsize := decode(text, i+1)
			if !isWord(next) || isIdeograph(next) {
				break
			}
			i++
			r, size = next, nsize
		}
		if len(parts) > 1 {
			emitTerm(token{Start: start, End: i, Compound: true}, emit)
		}
		for _, p := range parts {
			emitTerm(p, emit)
		}
	}
}

// decode returns the rune at text[i:] and its size, without a call for
// ASCII.
func decode(text string, i int) (rune, int) {
	if c := text[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(text[i:])
}

// emitTerm emits t unless it is too long.
func emitTerm(t token, emit func(token)) {
	if t.End-t.Start <= maxTermLen {
		emit(t)
	}
}

// lower appends the term of word w to dst: w lowercased.
func lower(dst []byte, w string) []byte {
	start := len(dst)
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			t := strings.ToLower(w)
			// JavaScript lowercases a final sigma as ς, Go as σ: both are σ.
			return append(dst[:start], strings.ReplaceAll(t, "ς", "σ")...)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// isWord reports whether r belongs in a word.
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// asciiWord marks the ASCII letters and digits.
var asciiWord = func() (w [utf8.RuneSelf]bool) {
	for c := range w {
		w[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return w
}()

// isIdeograph reports whether r is a word on its own.
func isIdeograph(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r))
}

// isConnector reports whether c joins words into a compound.
func isConnector(c byte) bool { return c == '-' || c == '_' || c == '.' }
