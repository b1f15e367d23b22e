package snippet

import (
	"fmt"
	"strings"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// splitURL splits an absolute URL into its origin ("https://host:port")
// and its request target (path and query, fragment dropped). The target
// is "/" when the URL has no path.
func splitURL(raw string) (origin, target string, err error) {
	i := strings.Index(raw, "://")
	if i <= 0 || strings.ContainsAny(raw[:i], "/?#{") {
		return "", "", fmt.Errorf("URL %q is not absolute", raw)
	}
	rest := raw[i+3:]
	j := strings.IndexAny(rest, "/?#")
	if j < 0 {
		j = len(rest)
	}
	if j == 0 {
		return "", "", fmt.Errorf("URL %q has no host", raw)
	}
	origin, target = raw[:i+3+j], rest[j:]
	for _, seg := range httpfile.Segments(rest[:j]) {
		if k := strings.IndexFunc(seg.Text, notAuthority); k >= 0 {
			return "", "", fmt.Errorf("URL %q: host has %q, which a URL cannot carry there (write an IDN host in punycode)", raw, seg.Text[k:k+1])
		}
	}
	if k := strings.IndexByte(target, '#'); k >= 0 {
		target = target[:k]
	}
	if !strings.HasPrefix(target, "/") {
		target = "/" + target
	}
	return origin, target, nil
}

// NormalizeURL returns the absolute URL raw in the form every client sends
// unchanged: escapes are kept (never encoded twice), what a URL cannot
// carry is percent-encoded, escapes of unreserved characters are decoded,
// an empty query and the fragment are dropped. Environment references are
// kept as they are.
func NormalizeURL(raw string) (string, error) {
	origin, target, err := splitURL(raw)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(origin)
	inQuery := false
	for _, seg := range httpfile.Segments(target) {
		if seg.Env != "" {
			b.WriteString(httpfile.EnvRef(seg.Env))
			continue
		}
		inQuery = normalizeTarget(&b, seg.Text, inQuery)
	}
	out := b.String()
	if i := strings.IndexByte(out[len(origin):], '?'); i == len(out)-len(origin)-1 {
		out = out[:len(out)-1] // an empty query
	}
	return out, nil
}

// normalizeTarget writes the normal form of part of a request target and
// reports whether the part ends inside the query.
func normalizeTarget(b *strings.Builder, s string, inQuery bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			if d := unhex(s[i+1])<<4 | unhex(s[i+2]); isUnreserved(d) {
				b.WriteByte(d)
			} else {
				b.WriteString(s[i : i+3])
			}
			i += 2
		case c == '?' && !inQuery:
			inQuery = true
			b.WriteByte(c)
		case c == '\'' && inQuery:
			b.WriteString("%27")
		case isUnreserved(c) || strings.IndexByte("!$&'()*+,;=:@/?", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(b, "%%%02X", c)
		}
	}
	return inQuery
}

// notAuthority reports whether r cannot appear in a URL's authority.
func notAuthority(r rune) bool {
	return r >= 0x80 || !isUnreserved(byte(r)) && !strings.ContainsRune("!$&'()*+,;=:@[]", r)
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
