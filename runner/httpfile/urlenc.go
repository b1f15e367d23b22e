package httpfile

import (
	"fmt"
	"strings"
)

// runKind says where a piece of a URL comes from, which decides how it is
// percent-encoded.
type runKind int

const (
	// runLiteral is text the author wrote: its reserved characters keep
	// their meaning.
	runLiteral runKind = iota
	// runValue is the value of a {{variable}}: in the query it is data,
	// so its reserved characters are encoded.
	runValue
	// runVerbatim is copied unchanged: an environment reference, or a
	// variable snapdoc does not expand, kept as written.
	runVerbatim
	// runSecret is the value of an environment variable, at send time:
	// data everywhere, its % included.
	runSecret
)

// run is a piece of a URL and where it comes from.
type run struct {
	text string
	kind runKind
	env  string // the environment variable of a runSecret
}

// urlPart is the part of a URL a byte is in.
type urlPart int

const (
	partAuthority urlPart = iota
	partPath
	partQuery
	partFragment
)

const upperHex = "0123456789ABCDEF"

// encodeRuns returns the URL made of runs, percent-encoded as httpyac's
// WHATWG URL parser does after variable substitution, except that a
// value cannot change the URL's shape in the query; see the README's
// ".http syntax" section for the rules. A run of kind runVerbatim is
// copied as is. The error says what a URL cannot carry in its host.
func encodeRuns(runs []run) (string, error) {
	s, _, err := encodeSecretRuns(runs)
	return s, err
}

// encodeSecretRuns is encodeRuns, and also returns the encoded form of
// each secret where it differs from the secret's value: a secret in that
// form too must be redacted wherever it comes back.
func encodeSecretRuns(runs []run) (string, []DerivedSecret, error) {
	var forms []DerivedSecret
	var b strings.Builder
	part := partPath
	var all strings.Builder
	for _, r := range runs {
		all.WriteString(r.text)
	}
	if m := schemeRE.FindString(all.String()); m != "" {
		part = partAuthority
		// The scheme is written by the author or a variable as a
		// whole; skip its bytes.
		n := len(m)
		var rest []run
		for _, r := range runs {
			switch {
			case n >= len(r.text):
				b.WriteString(r.text)
				n -= len(r.text)
			case n > 0:
				b.WriteString(r.text[:n])
				rest = append(rest, run{r.text[n:], r.kind, r.env})
				n = 0
			default:
				rest = append(rest, r)
			}
		}
		runs = rest
	}
	for _, r := range runs {
		start := b.Len()
		var err error
		if part, err = encodeRun(&b, r, part); err != nil {
			return "", nil, err
		}
		if enc := b.String()[start:]; r.kind == runSecret && enc != r.text {
			forms = append(forms, DerivedSecret{Value: enc, Shown: EnvRef(r.env)})
		}
	}
	return b.String(), forms, nil
}

// encodeRun writes run r, which starts in the given part of a URL,
// encoded to b, and returns the part it ends in.
func encodeRun(b *strings.Builder, r run, part urlPart) (urlPart, error) {
	if r.kind == runVerbatim {
		b.WriteString(r.text)
		return part, nil
	}
	kind := r.kind
	for i := 0; i < len(r.text); i++ {
		c := r.text[i]
		if part == partAuthority {
			switch {
			case c == '/':
				part = partPath
			case c == '?':
				part = partQuery
			case c == '#':
				part = partFragment
			case c <= ' ' || c >= 0x7f:
				return part, fmt.Errorf("the URL's host holds %q, which a URL cannot carry there (write an IDN host in punycode)", r.text[i:i+1])
			}
			b.WriteByte(c)
			continue
		}
		if c == '%' && kind != runSecret && i+2 < len(r.text) && isHexDigit(r.text[i+1]) && isHexDigit(r.text[i+2]) {
			b.WriteString(r.text[i : i+3])
			i += 2
			continue
		}
		switch {
		case c == '?' && part == partPath && kind != runSecret:
			// A value that opens the query, such as a whole URL, is
			// structure up to its end.
			part, kind = partQuery, runLiteral
			b.WriteByte(c)
		case c == '#' && kind == runLiteral && part != partFragment:
			part = partFragment
			b.WriteByte(c)
		case keep(c, part, kind):
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&15])
		}
	}
	return part, nil
}

// keep reports whether byte c of a run of the given kind stays as it is
// in the given part of a URL.
func keep(c byte, part urlPart, kind runKind) bool {
	if c <= ' ' || c >= 0x7f || c == '%' || c == '#' {
		return false
	}
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
		return true
	}
	switch {
	case part == partQuery && kind != runLiteral:
		// A value is data: as encodeURIComponent, but ' is encoded as
		// the URL parser would encode it in a query.
		return strings.IndexByte("!*()", c) >= 0
	case part == partQuery:
		// The WHATWG special-query percent-encode set.
		return strings.IndexByte(`"<>'`, c) < 0
	case part == partPath && kind == runSecret:
		// A secret is data, but may hold a base URL's "/" and ":".
		return strings.IndexByte("!$&'()*+,;=:@/", c) >= 0
	case part == partPath:
		// What Go's URL parser keeps in a path: the WHATWG path set,
		// and | and \ too.
		return strings.IndexByte("!$&'()*+,;=:@/[]", c) >= 0
	}
	// The fragment, which is never sent.
	return strings.IndexByte("\"<>`", c) < 0
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// expandURL replaces every environment reference in the URL u, as found
// in a parsed [Request], with getenv(name), percent-encoded as data for
// where it stands: in the query every byte but the unreserved ones, so a
// token with "+", "/" or "=" reaches the API unchanged; before the query
// what a path cannot carry, "?" and "#" included. It also returns the
// encoded forms of the secrets. The error says what a URL cannot carry in
// its host; it never quotes a secret.
func expandURL(u string, getenv func(string) string) (string, []DerivedSecret, error) {
	if !strings.Contains(u, envOpen) {
		return u, nil, nil
	}
	var runs []run
	for _, seg := range Segments(u) {
		if seg.Env != "" {
			runs = append(runs, run{getenv(seg.Env), runSecret, seg.Env})
		} else {
			runs = append(runs, run{seg.Text, runLiteral, ""})
		}
	}
	s, forms, err := encodeSecretRuns(runs)
	if err != nil {
		return "", nil, fmt.Errorf("an environment variable in the URL's host holds a character a URL cannot carry there")
	}
	return s, forms, nil
}
