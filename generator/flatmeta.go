package generator

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// decodeFlatMeta decodes front matter written the way nearly every lesson
// writes it, one "key: value" line per field, without a YAML parser, which
// costs several times more than the rest of loading a lesson's metadata.
// A value is a plain or double-quoted scalar, or for a list a flow
// sequence of them: "tags: [python, http-caching]".
//
// It reports false for anything else (comments, block lists, vars,
// escapes other than \" and \\, unknown or repeated keys, values YAML
// would read as null or another type, and anything it is unsure about),
// and the caller gives that front matter to yaml.v3, which also writes the
// errors. FuzzFlatMeta checks that wherever it reports true, yaml.v3
// decodes the same Meta.
func decodeFlatMeta(fm []byte) (m Meta, ok bool) {
	var seen uint16
	for len(fm) > 0 {
		line, rest, _ := bytes.Cut(fm, []byte("\n"))
		fm = rest
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.TrimRight(line, " ")) == 0 {
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || colon+1 < len(line) && line[colon+1] != ' ' {
			return m, false
		}
		key := string(line[:colon])
		value := string(bytes.Trim(line[colon+1:], " "))
		bit := flatKeys[key]
		if bit == 0 || seen&bit != 0 || value == "" {
			return m, false
		}
		seen |= bit
		switch key {
		case "title":
			m.Title, ok = flatScalar(value, false)
		case "description":
			m.Description, ok = flatScalar(value, false)
		case "category":
			m.Category, ok = flatScalar(value, false)
		case "language":
			m.Language, ok = flatScalar(value, false)
		case "slug":
			m.Slug, ok = flatScalar(value, false)
		case "tags":
			m.Tags, ok = flatList(value)
		case "languages":
			m.Languages, ok = flatList(value)
		case "aliases":
			m.Aliases, ok = flatList(value)
		case "updated":
			var s string
			if s, ok = flatScalar(value, false); ok {
				var err error
				m.Updated.Time, err = time.Parse(time.DateOnly, s)
				ok = err == nil
			}
		case "draft":
			m.Draft, ok = value == "true", value == "true" || value == "false"
		case "weight":
			m.Weight, ok = flatInt(value)
		}
		if !ok {
			return m, false
		}
	}
	return m, true
}

// flatKeys gives each key decodeFlatMeta decodes a bit, to find repeats.
var flatKeys = map[string]uint16{
	"title": 1 << 0, "description": 1 << 1, "category": 1 << 2, "language": 1 << 3,
	"slug": 1 << 4, "tags": 1 << 5, "languages": 1 << 6, "updated": 1 << 7,
	"draft": 1 << 8, "weight": 1 << 9, "aliases": 1 << 10,
}

// flatScalar decodes a double-quoted scalar using no escapes but \" and
// \\, or a plain scalar YAML reads as a string, in a flow sequence when
// inFlow is set. Plain scalars are held to a safe subset: no indicator
// first, no ": " or " #", and in a sequence only word characters (see
// isFlowWordRune).
func flatScalar(s string, inFlow bool) (string, bool) {
	if !safeText(s) {
		return "", false
	}
	if s[0] == '"' {
		return flatQuoted(s)
	}
	if strings.IndexByte(`-?:,[]{}#&*!|>'"%@`+"`", s[0]) >= 0 {
		return "", false
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") || strings.ContainsAny(s, "\t") {
		return "", false
	}
	if inFlow && strings.ContainsFunc(s, func(r rune) bool { return !isFlowWordRune(r) }) {
		return "", false
	}
	switch s {
	case "~", "null", "Null", "NULL":
		return "", false
	}
	return s, true
}

// isFlowWordRune reports whether r may be in a plain scalar of a flow
// list that decodeFlatMeta takes: yaml.v3 rejects some punctuation there
// ("[0?]"), so only letters, digits, spaces and "-_./+" are.
func isFlowWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" -_./+", r)
}

// flatQuoted decodes a double-quoted scalar whose only escapes are \" and
// \\.
func flatQuoted(s string) (string, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), i == len(s)-1
		case '\\':
			if i+1 >= len(s) || s[i+1] != '"' && s[i+1] != '\\' {
				return "", false
			}
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", false
}

// flatList decodes a one-line flow sequence of scalars: "[a, b, c]".
func flatList(s string) ([]string, bool) {
	inner, open := strings.CutPrefix(s, "[")
	inner, closed := strings.CutSuffix(inner, "]")
	if !open || !closed {
		return nil, false
	}
	list := []string{}
	if strings.Trim(inner, " ") == "" {
		return list, true
	}
	for item := range strings.SplitSeq(inner, ",") {
		item = strings.Trim(item, " ")
		if item == "" || strings.Contains(item, `"`) && item[0] != '"' {
			return nil, false
		}
		v, ok := flatScalar(item, true)
		if !ok {
			return nil, false
		}
		list = append(list, v)
	}
	return list, true
}

// flatInt decodes a decimal int of at most nine digits.
func flatInt(s string) (int, bool) {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || len(digits) > 9 || digits[0] == '0' && len(digits) > 1 || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// safeText reports whether s is valid UTF-8 of characters YAML prints as
// they are, without the ones it reads as line breaks or byte order marks.
func safeText(s string) bool {
	for _, r := range s {
		switch {
		case r == utf8.RuneError, r == '\u2028', r == '\u2029', r == '\ufeff':
			return false
		case r >= 0x20 && r <= 0x7e, r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd, r >= 0x10000:
		default:
			return false
		}
	}
	return true
}
