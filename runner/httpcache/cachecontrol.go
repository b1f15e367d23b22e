package httpcache

import (
	"net/http"
	"slices"
	"strings"
)

// CacheControl holds the directives of Cache-Control header fields, keyed by
// lower-case directive name. A directive without an argument maps to "";
// quoted arguments are unquoted. When a directive occurs more than once the
// first occurrence wins and the name is recorded in the dup set, so callers
// can treat conflicting freshness information as stale (RFC 9111, 4.2.1).
type CacheControl struct {
	list     []directive // in order of first occurrence
	dup      []string
	targeted bool // parsed from a targeted field (RFC 9213)
}

type directive struct{ name, value string }

// ParseCacheControl parses the values of one or more Cache-Control field
// lines. It never fails: malformed members are skipped.
func ParseCacheControl(values []string) CacheControl {
	var cc CacheControl
	for _, v := range values {
		cc.parse(v)
	}
	return cc
}

func (cc *CacheControl) parse(s string) {
	for len(s) > 0 {
		// Directive name. Whitespace around "=" makes the member invalid.
		i := 0
		for i < len(s) && s[i] != ',' && s[i] != '=' {
			i++
		}
		name := strings.TrimLeft(s[:i], " \t")
		if i == len(s) || s[i] == ',' {
			name = strings.TrimRight(name, " \t")
		}
		name = strings.ToLower(name)
		s = s[i:]
		val := ""
		if len(s) > 0 && s[0] == '=' {
			s = s[1:]
			if len(s) > 0 && s[0] == '"' {
				var b strings.Builder
				j := 1
				for ; j < len(s) && s[j] != '"'; j++ {
					if s[j] == '\\' && j+1 < len(s) {
						j++
					}
					b.WriteByte(s[j])
				}
				val = b.String()
				s = s[min(j+1, len(s)):]
				// Skip anything up to the next comma.
				if k := strings.IndexByte(s, ','); k >= 0 {
					s = s[k:]
				} else {
					s = ""
				}
			} else {
				k := strings.IndexByte(s, ',')
				if k < 0 {
					k = len(s)
				}
				val = strings.TrimRight(s[:k], " \t")
				s = s[k:]
			}
		}
		if len(s) > 0 && s[0] == ',' {
			s = s[1:]
		}
		if name == "" || !isToken(name) {
			continue
		}
		if cc.Has(name) {
			cc.dup = append(cc.dup, name)
			continue
		}
		if cc.list == nil {
			cc.list = make([]directive, 0, 4)
		}
		cc.list = append(cc.list, directive{name, val})
	}
}

// Has reports whether the directive is present.
func (cc CacheControl) Has(name string) bool {
	_, ok := cc.Get(name)
	return ok
}

// Get returns the argument of the directive and whether it is present.
func (cc CacheControl) Get(name string) (string, bool) {
	for _, d := range cc.list {
		if d.name == name {
			return d.value, true
		}
	}
	return "", false
}

// Duplicated reports whether the directive occurred more than once.
func (cc CacheControl) Duplicated(name string) bool { return slices.Contains(cc.dup, name) }

// Directives returns the distinct directives as a map from name to
// argument.
func (cc CacheControl) Directives() map[string]string {
	m := make(map[string]string, len(cc.list))
	for _, d := range cc.list {
		m[d.name] = d.value
	}
	return m
}

// maxDelta is the largest delta-seconds value a cache must handle; larger
// values are treated as this one (RFC 9111, 1.2.2).
const maxDelta = 2147483648

// Seconds returns the delta-seconds argument of the directive. ok is false
// when the directive is absent; valid is false when its argument is not a
// non-negative decimal integer (the caller then treats the response as
// stale, RFC 9111, 1.2.2). Oversized values are capped at 2^31.
func (cc CacheControl) Seconds(name string) (secs int64, ok, valid bool) {
	v, ok := cc.Get(name)
	if !ok {
		return 0, false, false
	}
	n, valid := parseDelta(v)
	return n, true, valid
}

// parseDelta parses delta-seconds: one or more digits, capped at 2^31.
func parseDelta(v string) (int64, bool) {
	if v == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n < maxDelta {
			n = n*10 + int64(c-'0')
		}
	}
	return min(n, maxDelta), true
}

// String prints the directives in canonical form: sorted by name, arguments
// as tokens when possible and as quoted strings otherwise. Parsing the
// result yields the same directives.
func (cc CacheControl) String() string {
	list := slices.Clone(cc.list)
	slices.SortFunc(list, func(a, b directive) int { return strings.Compare(a.name, b.name) })
	var b strings.Builder
	for i, d := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.name)
		v := d.value
		if v == "" {
			continue
		}
		b.WriteByte('=')
		if isToken(v) {
			b.WriteString(v)
		} else {
			b.WriteString(quote(v))
		}
	}
	return b.String()
}

// fieldNames returns the comma-separated field names in a directive
// argument such as no-cache="Set-Cookie, X-Foo", canonicalised.
func fieldNames(arg string) []string {
	var out []string
	for f := range strings.SplitSeq(arg, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, http.CanonicalHeaderKey(f))
		}
	}
	return out
}

func quote(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' || v[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}

// isToken reports whether s is a non-empty RFC 9110 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
