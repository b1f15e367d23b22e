package httpcache

import (
	"errors"
	"net/http"
	"slices"
	"strings"
)

// policy returns the directives that govern a response in this cache: those
// of the first field of the target list with a valid, non-empty value
// (RFC 9213, 2.2), in which case Cache-Control and Expires are ignored, or
// else those of Cache-Control.
func (t *Transport) policy(h http.Header) CacheControl {
	for _, name := range t.targets {
		if vs := h.Values(name); len(vs) > 0 {
			if cc, err := ParseTargeted(vs); err == nil && len(cc.list) > 0 {
				return cc
			}
		}
	}
	return ParseCacheControl(h.Values("Cache-Control"))
}

// Targeted reports whether the directives come from a targeted field
// (RFC 9213) rather than Cache-Control: Expires then does not apply.
func (cc CacheControl) Targeted() bool { return cc.targeted }

// errTargeted is any syntax error in a targeted field.
var errTargeted = errors.New("httpcache: invalid targeted cache-control field")

// ParseTargeted parses the field lines of a targeted cache-control field
// such as CDN-Cache-Control (RFC 9213, 2.1): a Structured Fields Dictionary
// (RFC 8941, 4.2.2) whose members are cache directives. Parameters are
// ignored. It fails on a syntax error and on a directive whose value has
// the wrong type for its semantics (an Integer for max-age and the like, a
// Boolean or String for no-cache and private, a Boolean for the others this
// package implements); the cache then ignores the field. When a key occurs
// twice, the last value wins, as in any Dictionary.
func ParseTargeted(values []string) (CacheControl, error) {
	p := sfParser{s: strings.Trim(strings.Join(values, ", "), " ")}
	cc := CacheControl{targeted: true}
	for p.s != "" {
		name, err := p.key()
		if err != nil {
			return CacheControl{}, err
		}
		val := sfItem{kind: sfBoolean, text: "?1"}
		if p.eat('=') {
			if val, err = p.itemOrInnerList(); err != nil {
				return CacheControl{}, err
			}
		}
		if err := p.parameters(); err != nil {
			return CacheControl{}, err
		}
		if err := setTargeted(&cc, name, val); err != nil {
			return CacheControl{}, err
		}
		p.ows()
		if p.s == "" {
			break
		}
		if !p.eat(',') {
			return CacheControl{}, errTargeted
		}
		p.ows()
		if p.s == "" {
			return CacheControl{}, errTargeted // trailing comma
		}
	}
	return cc, nil
}

// setTargeted records a directive, checking its value's type, and maps the
// value to the argument a Cache-Control directive would have.
func setTargeted(cc *CacheControl, name string, v sfItem) error {
	var arg string
	switch name {
	case "max-age", "s-maxage", "stale-while-revalidate", "stale-if-error":
		if v.kind != sfInteger || strings.HasPrefix(v.text, "-") {
			return errTargeted
		}
		arg = v.text
	case "no-cache", "private":
		switch v.kind {
		case sfString:
			arg = v.text
		case sfBoolean:
		default:
			return errTargeted
		}
	case "no-store", "must-revalidate", "proxy-revalidate", "public", "immutable", "must-understand", "no-transform":
		if v.kind != sfBoolean {
			return errTargeted
		}
	default:
		if v.kind != sfBoolean {
			arg = v.text
		}
	}
	if v.kind == sfBoolean && v.text == "?0" {
		cc.remove(name) // a false flag is an absent one
		return nil
	}
	for i := range cc.list {
		if cc.list[i].name == name {
			cc.list[i].value = arg
			return nil
		}
	}
	cc.list = append(cc.list, directive{name, arg})
	return nil
}

func (cc *CacheControl) remove(name string) {
	for i := range cc.list {
		if cc.list[i].name == name {
			cc.list = append(cc.list[:i], cc.list[i+1:]...)
			return
		}
	}
}

// Kinds of Structured Fields bare items (RFC 8941, 3.3), plus inner lists.
const (
	sfInteger = iota
	sfDecimal
	sfString
	sfToken
	sfBytes
	sfBoolean
	sfInnerList
)

// sfItem is a parsed member value: its kind and its text (the value of a
// String, the digits of a number, the source of anything else).
type sfItem struct {
	kind int
	text string
}

// sfParser consumes a Structured Fields value from the front of s.
type sfParser struct{ s string }

func (p *sfParser) eat(c byte) bool {
	if p.s != "" && p.s[0] == c {
		p.s = p.s[1:]
		return true
	}
	return false
}

func (p *sfParser) ows() { p.s = strings.TrimLeft(p.s, " \t") }

// key parses a Dictionary or Parameter key: lcalpha or "*", then lcalpha,
// DIGIT, "_", "-", "." or "*".
func (p *sfParser) key() (string, error) {
	if p.s == "" || !(isLower(p.s[0]) || p.s[0] == '*') {
		return "", errTargeted
	}
	i := 1
	for i < len(p.s) && (isLower(p.s[i]) || isDigit(p.s[i]) || strings.IndexByte("_-.*", p.s[i]) >= 0) {
		i++
	}
	k := p.s[:i]
	p.s = p.s[i:]
	return k, nil
}

// parameters parses and discards ";key[=item]" parameters.
func (p *sfParser) parameters() error {
	for p.eat(';') {
		p.s = strings.TrimLeft(p.s, " ")
		if _, err := p.key(); err != nil {
			return err
		}
		if p.eat('=') {
			if _, err := p.bareItem(); err != nil {
				return err
			}
		}
	}
	return nil
}

// itemOrInnerList parses a member value; the caller parses the
// parameters that follow it.
func (p *sfParser) itemOrInnerList() (sfItem, error) {
	if !p.eat('(') {
		return p.bareItem()
	}
	for p.s != "" {
		p.s = strings.TrimLeft(p.s, " ")
		if p.eat(')') {
			return sfItem{kind: sfInnerList}, nil
		}
		if _, err := p.bareItem(); err != nil {
			return sfItem{}, err
		}
		if err := p.parameters(); err != nil {
			return sfItem{}, err
		}
		if p.s != "" && p.s[0] != ' ' && p.s[0] != ')' {
			return sfItem{}, errTargeted
		}
	}
	return sfItem{}, errTargeted
}

func (p *sfParser) bareItem() (sfItem, error) {
	if p.s == "" {
		return sfItem{}, errTargeted
	}
	switch c := p.s[0]; {
	case c == '-' || isDigit(c):
		return p.number()
	case c == '"':
		return p.str()
	case c == ':':
		return p.bytes()
	case c == '?':
		if len(p.s) < 2 || (p.s[1] != '0' && p.s[1] != '1') {
			return sfItem{}, errTargeted
		}
		it := sfItem{kind: sfBoolean, text: p.s[:2]}
		p.s = p.s[2:]
		return it, nil
	case isAlpha(c) || c == '*':
		i := 1
		for i < len(p.s) && (isTchar(p.s[i]) || p.s[i] == ':' || p.s[i] == '/') {
			i++
		}
		it := sfItem{kind: sfToken, text: p.s[:i]}
		p.s = p.s[i:]
		return it, nil
	}
	return sfItem{}, errTargeted
}

// number parses an Integer (at most 15 digits) or a Decimal (at most 12
// integer and 3 fractional digits).
func (p *sfParser) number() (sfItem, error) {
	i := 0
	if p.s[0] == '-' {
		i++
	}
	start := i
	for i < len(p.s) && isDigit(p.s[i]) {
		i++
	}
	n := i - start
	if n == 0 || n > 15 {
		return sfItem{}, errTargeted
	}
	kind := sfInteger
	if i < len(p.s) && p.s[i] == '.' {
		j := i + 1
		for j < len(p.s) && isDigit(p.s[j]) {
			j++
		}
		if n > 12 || j-i-1 < 1 || j-i-1 > 3 {
			return sfItem{}, errTargeted
		}
		kind, i = sfDecimal, j
	}
	it := sfItem{kind: kind, text: p.s[:i]}
	p.s = p.s[i:]
	return it, nil
}

// str parses a String: printable ASCII in quotes, with \" and \\ escapes.
func (p *sfParser) str() (sfItem, error) {
	var b strings.Builder
	for i := 1; i < len(p.s); i++ {
		c := p.s[i]
		switch {
		case c == '\\':
			i++
			if i == len(p.s) || (p.s[i] != '"' && p.s[i] != '\\') {
				return sfItem{}, errTargeted
			}
			b.WriteByte(p.s[i])
		case c == '"':
			p.s = p.s[i+1:]
			return sfItem{kind: sfString, text: b.String()}, nil
		case c < 0x20 || c > 0x7e:
			return sfItem{}, errTargeted
		default:
			b.WriteByte(c)
		}
	}
	return sfItem{}, errTargeted
}

// bytes parses a Byte Sequence, :base64:, keeping its source.
func (p *sfParser) bytes() (sfItem, error) {
	end := strings.IndexByte(p.s[1:], ':')
	if end < 0 {
		return sfItem{}, errTargeted
	}
	for _, c := range []byte(p.s[1 : 1+end]) {
		if !isAlpha(c) && !isDigit(c) && c != '+' && c != '/' && c != '=' {
			return sfItem{}, errTargeted
		}
	}
	it := sfItem{kind: sfBytes, text: p.s[:end+2]}
	p.s = p.s[end+2:]
	return it, nil
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return isLower(c) || (c >= 'A' && c <= 'Z') }
func isTchar(c byte) bool {
	return isAlpha(c) || isDigit(c) || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// canonicalTargets canonicalises a target list, dropping duplicates and
// Cache-Control itself.
func canonicalTargets(names []string) []string {
	var out []string
	for _, n := range names {
		n = http.CanonicalHeaderKey(strings.TrimSpace(n))
		if n == "" || n == "Cache-Control" || slices.Contains(out, n) {
			continue
		}
		out = append(out, n)
	}
	return out
}
