// Package slug makes the URL path segments of a site's pages from the names
// authors write: tags, categories and lesson file names.
//
// A slug is stable (the same name always gives the same slug, whatever else
// the site holds), Unicode-aware (letters, digits and combining marks of
// every script are kept as they are, not transliterated) and safe in a URL
// once percent-encoded, which [Href] does. Two symbols that name programming
// languages are spelled out so that names which differ only by them stay
// apart: "+" is "plus" and "#" is "sharp", so C, C++ and C# are "c",
// "c-plus-plus" and "c-sharp". Everything else that is neither a letter, a
// digit nor a mark separates words with a single "-".
package slug

import (
	"fmt"
	"strings"
	"unicode"
)

// Make returns the slug of a name such as a tag or a category: lowercased,
// with words joined by single dashes and no dash at either end, for example
// "Cache Control" → "cache-control", "C++" → "c-plus-plus", "Кэш" → "кэш".
// A name with no letter or digit at all (an emoji) is spelled as its code
// points, "🚀" → "u1f680", so that it still has a page of its own; only the
// empty name has the empty slug.
func Make(name string) string {
	return segment(strings.ToLower(name), false)
}

// Path returns the slug of a file's path, slash-separated and without its
// extension, segment by segment: as [Make] does, but with the case of the
// letters kept, and with "-", ".", "_" and "~" (the punctuation a URL takes
// as it is) kept where they are, so that a path that is already safe in a
// URL, such as "guide/Intro_v1.2", is its own slug. "my lesson" →
// "my-lesson", "c#-basics" → "c-sharp-basics".
func Path(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = segment(s, true)
	}
	return strings.Join(segs, "/")
}

// Valid reports whether s is a slug an author may write: segments joined
// by "/", each of lowercase letters, digits, marks and dashes, starting
// with a letter or a digit. Every slug [Make] gives is valid.
func Valid(s string) bool {
	for seg := range strings.SplitSeq(s, "/") {
		for i, r := range seg {
			word := unicode.IsLetter(r) || unicode.IsDigit(r)
			if !word && (i == 0 || r != '-' && !unicode.IsMark(r)) || unicode.ToLower(r) != r {
				return false
			}
		}
		if seg == "" {
			return false
		}
	}
	return true
}

// words are the symbols spelled out rather than taken for separators.
var words = map[rune]string{'+': "plus", '#': "sharp"}

// segment is the slug of one path segment s; path keeps the punctuation
// URLs take as is.
func segment(s string, path bool) string {
	var b strings.Builder
	sep := false // a separator is due before what comes next
	// put writes text, after a dash if one is due and the slug does not
	// already end with one.
	put := func(text string) {
		if sep && b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
			b.WriteByte('-')
		}
		sep = false
		b.WriteString(text)
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) && b.Len() > 0 && !sep:
			put(string(r))
		case path && r == '-':
			if !sep || !strings.HasSuffix(b.String(), "-") {
				sep = false
				b.WriteByte('-')
			}
		case path && (r == '.' || r == '_' || r == '~'):
			put(string(r))
		case words[r] != "":
			sep = true
			put(words[r])
			sep = true
		default:
			sep = true
		}
	}
	if b.Len() == 0 && s != "" {
		return codePoints(s)
	}
	return b.String()
}

// codePoints spells s as its code points, "u1f680-u1f4a5".
func codePoints(s string) string {
	var parts []string
	for _, r := range s {
		parts = append(parts, fmt.Sprintf("u%x", r))
	}
	return strings.Join(parts, "-")
}
