// Package hostile finds the characters that make text read differently
// from what it holds (the "Trojan Source" attack): bidirectional controls,
// which reorder what is shown, and invisible characters, which show
// nothing. Names (titles, tags, slugs) that hold them are refused, as go
// vet's bidichk refuses them in Go source; prose and code show them with a
// visible marker (see [AppendHTML]).
package hostile

import (
	"fmt"
	"unicode/utf8"
)

// names are the characters besides the tag characters (U+E0000 to
// U+E007F) that Is reports, with their Unicode names. The zero-width
// joiner and non-joiner (U+200D, U+200C) are not among them, though they
// show nothing: Persian, the Indic scripts and emoji sequences (👩‍💻)
// need them in ordinary names and prose, and they reorder nothing.
var names = map[rune]string{
	// Bidirectional controls.
	0x061C: "ARABIC LETTER MARK",
	0x200E: "LEFT-TO-RIGHT MARK",
	0x200F: "RIGHT-TO-LEFT MARK",
	0x202A: "LEFT-TO-RIGHT EMBEDDING",
	0x202B: "RIGHT-TO-LEFT EMBEDDING",
	0x202C: "POP DIRECTIONAL FORMATTING",
	0x202D: "LEFT-TO-RIGHT OVERRIDE",
	0x202E: "RIGHT-TO-LEFT OVERRIDE",
	0x2066: "LEFT-TO-RIGHT ISOLATE",
	0x2067: "RIGHT-TO-LEFT ISOLATE",
	0x2068: "FIRST STRONG ISOLATE",
	0x2069: "POP DIRECTIONAL ISOLATE",
	// Invisible characters.
	0x00AD: "SOFT HYPHEN",
	0x034F: "COMBINING GRAPHEME JOINER",
	0x115F: "HANGUL CHOSEONG FILLER",
	0x1160: "HANGUL JUNGSEONG FILLER",
	0x180E: "MONGOLIAN VOWEL SEPARATOR",
	0x200B: "ZERO WIDTH SPACE",
	0x2060: "WORD JOINER",
	0x2061: "FUNCTION APPLICATION",
	0x2062: "INVISIBLE TIMES",
	0x2063: "INVISIBLE SEPARATOR",
	0x2064: "INVISIBLE PLUS",
	0x3164: "HANGUL FILLER",
	0xFEFF: "ZERO WIDTH NO-BREAK SPACE",
	0xFFA0: "HALFWIDTH HANGUL FILLER",
}

// Is reports whether r is a bidirectional control or an invisible
// character.
func Is(r rune) bool {
	if r >= 0xE0000 && r <= 0xE007F {
		return true // tag characters
	}
	_, ok := names[r]
	return ok
}

// Describe names r, for example "U+202E RIGHT-TO-LEFT OVERRIDE".
func Describe(r rune) string {
	name, ok := names[r]
	if !ok && Is(r) {
		name = "TAG CHARACTER"
	}
	if name == "" {
		return fmt.Sprintf("U+%04X", r)
	}
	return fmt.Sprintf("U+%04X %s", r, name)
}

// Index returns the byte offset in s of the first character [Is] reports,
// and the character, or -1 and 0 when there is none.
func Index(s string) (int, rune) {
	for i, r := range s {
		if Is(r) {
			return i, r
		}
	}
	return -1, 0
}

// Escape returns s with each character [Is] reports written as a Go
// escape, "\u202e", so that a message that quotes s shows what it holds.
func Escape(s string) string {
	var b []byte
	for i, r := range s {
		if Is(r) {
			if b == nil {
				b = append(make([]byte, 0, len(s)+16), s[:i]...)
			}
			if r > 0xFFFF {
				b = fmt.Appendf(b, "\\U%08x", r)
			} else {
				b = fmt.Appendf(b, "\\u%04x", r)
			}
		} else if b != nil {
			b = utf8.AppendRune(b, r)
		}
	}
	if b == nil {
		return s
	}
	return string(b)
}

// Spell returns s with each character [Is] reports spelled as its code
// point in brackets, "[U+202E]": the marker for text that cannot hold
// markup, such as an attribute's value.
func Spell(s string) string {
	if i, _ := Index(s); i < 0 {
		return s
	}
	var b []byte
	for _, r := range s {
		if Is(r) {
			b = fmt.Appendf(b, "[U+%04X]", r)
		} else {
			b = utf8.AppendRune(b, r)
		}
	}
	return string(b)
}

// AppendMarker appends the visible marker that stands for r in HTML
// text, an element that shows the code point and names it on hover:
//
//	<span class="hostile" title="U+202E RIGHT-TO-LEFT OVERRIDE">U+202E</span>
//
// The marker is markup: it belongs where an element may be, not in an
// attribute value.
func AppendMarker(b []byte, r rune) []byte {
	return fmt.Appendf(b, `<span class="hostile" title="%s">U+%04X</span>`, Describe(r), r)
}
