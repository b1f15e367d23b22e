package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// MinSearchLen is the length below which a secret value is not searched
// for in what comes back: a value as short as "a" occurs in any text, and
// replacing it everywhere would corrupt the body ("args" would become
// "[redacted]rgs"). Such a value is still redacted where the request
// places it.
const MinSearchLen = 8

// upperHex are the digits of a percent-encoded byte.
const upperHex = "0123456789ABCDEF"

// A Redactor keeps secrets out of every string snapdoc writes about a
// block: the exchanges it records, the texts of its errors, its logs. It
// is built for one run of a block from the secret values that run
// substitutes ([Redactor.AddSecret]), the strings it sends that carry them
// ([Redactor.AddPlaced]), and the site's and block's secret fields.
//
// A secret value is searched for in its raw form and in the forms in
// which APIs echo it: percent-encoded (as a query or a path encodes it,
// "+" or "%20" for a space, upper or lower case hex), base64 (standard
// and URL alphabets, with or without padding) and JSON-escaped (\/,
// \u002b...), and every combination of a JSON escape over the others. A
// value embedded in a larger base64 string cannot be found this way; the
// one place a request does that, a Basic credential, is known and
// searched for whole.
//
// A Redactor is not safe for concurrent use.
type Redactor struct {
	fields Redactions
	// pairs are the strings searched for and what replaces each.
	pairs map[string]string
	// short are the secrets too short to search for in bodies; error
	// texts replace them where they stand as a whole word.
	short map[string]string
	// shortNames are the names of the short environment secrets.
	shortNames []string
	rep        *strings.Replacer // of pairs, longest first; nil when stale
	maxLen     int
}

// New returns a redactor of the secret fields fields and of no
// secret value yet.
func New(fields Redactions) *Redactor {
	return &Redactor{fields: fields, pairs: map[string]string{}, short: map[string]string{}}
}

// AddSecret adds the value of the environment variable name, which the
// block substitutes; it is shown as the variable's reference ([httpfile.EnvRef]).
func (r *Redactor) AddSecret(name, value string) {
	if value == "" {
		return
	}
	if len(value) < MinSearchLen {
		if _, ok := r.short[value]; !ok && !slices.Contains(r.shortNames, name) {
			r.shortNames = append(r.shortNames, name)
		}
		r.short[value] = httpfile.EnvRef(name)
		return
	}
	r.maxLen = max(r.maxLen, r.add(value, httpfile.EnvRef(name)))
}

// AddValue adds a secret value that has no reference of its own, such as
// a Basic credential or the value of a secret field; it is shown as
// [Redacted]. A value shorter than [MinSearchLen] is left out.
func (r *Redactor) AddValue(value string) {
	if len(value) >= MinSearchLen {
		r.maxLen = max(r.maxLen, r.add(value, Redacted))
	}
}

// AddPlaced adds a string the block sent that carries secrets, such as
// an expanded URL, host or header value, and how it is shown (its text
// with secrets as references). It is searched for whatever the length of
// the secrets in it, since it is what the request placed them in.
func (r *Redactor) AddPlaced(sent, shown string) {
	if sent == shown || sent == "" {
		return
	}
	if len(sent) < MinSearchLen {
		r.short[sent] = shown
		return
	}
	r.add(sent, shown)
}

// Merge adds the secrets of o to r.
func (r *Redactor) Merge(o *Redactor) {
	for k, v := range o.pairs {
		if _, ok := r.pairs[k]; !ok {
			r.pairs[k] = v
			r.rep = nil
		}
	}
	for k, v := range o.short {
		r.short[k] = v
	}
	r.maxLen = max(r.maxLen, o.maxLen)
}

// ShortSecrets returns the names of the environment variables whose
// values are too short to be searched for in responses, in the order
// they were added.
func (r *Redactor) ShortSecrets() []string { return slices.Clone(r.shortNames) }

// MaxLen is the length of the longest form of a secret value the
// redactor searches for: a body read that far past a cut contains whole
// any secret that starts before it. (The strings that place secrets may
// be longer; the values in them are searched for on their own.)
func (r *Redactor) MaxLen() int { return r.maxLen }

// add searches for every form of value, shown as with (JSON-escaped
// where the form is), and returns the length of the longest form.
func (r *Redactor) add(value, with string) int {
	longest := 0
	for _, f := range secretForms(value) {
		w := with
		if f.json {
			w = jsonString(with, false)
		}
		if _, ok := r.pairs[f.text]; !ok || f.text == value {
			r.pairs[f.text] = w
		}
		longest = max(longest, len(f.text))
	}
	r.rep = nil
	return longest
}

// String returns s with every secret it contains, in any form searched
// for, replaced. Short secrets are left alone: s is a response's text.
func (r *Redactor) String(s string) string {
	if len(r.pairs) == 0 {
		return s
	}
	if r.rep == nil {
		olds := make([]string, 0, len(r.pairs))
		for old := range r.pairs {
			olds = append(olds, old)
		}
		// Longest first, so that at one position the longest form wins
		// (strings.Replacer tries its pairs in order).
		slices.SortFunc(olds, func(a, b string) int {
			if len(a) != len(b) {
				return len(b) - len(a)
			}
			return strings.Compare(a, b)
		})
		args := make([]string, 0, 2*len(olds))
		for _, old := range olds {
			args = append(args, old, r.pairs[old])
		}
		r.rep = strings.NewReplacer(args...)
	}
	return r.rep.Replace(s)
}

// Bytes is [Redactor.String] for a body.
func (r *Redactor) Bytes(b []byte) []byte {
	if len(r.pairs) == 0 {
		return b
	}
	s := string(b)
	if out := r.String(s); out != s {
		return []byte(out)
	}
	return b
}

// Text redacts a text snapdoc writes itself, such as an error message or
// a log line: as [Redactor.String], and short secrets too, where they
// stand as a whole word (not inside a longer one).
func (r *Redactor) Text(s string) string {
	s = r.String(s)
	if len(r.short) == 0 {
		return s
	}
	olds := make([]string, 0, len(r.short))
	for old := range r.short {
		olds = append(olds, old)
	}
	slices.SortFunc(olds, func(a, b string) int { return len(b) - len(a) })
	for _, old := range olds {
		s = replaceWord(s, old, r.short[old])
	}
	return s
}

// replaceWord replaces the occurrences of old in s that no letter or
// digit adjoins.
func replaceWord(s, old, with string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(old)
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[end:])
		b.WriteString(s[:i])
		if i > 0 && isWordRune(before) || end < len(s) && isWordRune(after) {
			b.WriteString(old)
		} else {
			b.WriteString(with)
		}
		s = s[end:]
	}
}

func isWordRune(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}

// Exchange redacts the recorded exchange in place: the values of the
// secret fields become [Redacted] (and are searched for elsewhere in the
// exchange too, unless the field is volatile by nature, such as a Date
// an older site lists as secret), then every secret value in its URL,
// header values and body is replaced.
func (r *Redactor) Exchange(e *httpfile.Exchange) {
	secret := r.fields.Secret()
	for i, h := range e.Headers {
		if r.fields.HasHeader(h.Name) {
			if secret.HasHeader(h.Name) {
				r.AddValue(h.Value)
			}
			e.Headers[i].Value = Redacted
		}
	}
	if len(secret.fields) > 0 {
		_, found := redactJSON(e.Body, secret.fields, Redacted, false)
		for _, raw := range found {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				s = string(raw)
			}
			r.AddValue(s)
		}
	}
	if len(r.fields.fields) > 0 {
		e.Body, _ = redactJSON(e.Body, r.fields.fields, Redacted, false)
	}
	e.URL = r.String(e.URL)
	for i, h := range e.Headers {
		e.Headers[i].Value = r.String(h.Value)
	}
	e.CacheStatus = r.String(e.CacheStatus)
	e.Reason = r.String(e.Reason)
	e.Body = r.contentBytes(e.Body, e.Header("Content-Encoding"))
}

// contentBytes redacts a body sent with the content codings named: a
// gzip or deflate body is searched decoded, since that is how the page
// shows it, and a body in which a secret was found is recorded encoded
// again, redacted. A body the runner cannot decode (br, an unknown
// coding) is searched as it is.
func (r *Redactor) contentBytes(b []byte, codings string) []byte {
	if len(r.pairs) == 0 || codings == "" || strings.EqualFold(strings.TrimSpace(codings), "identity") {
		return r.Bytes(b)
	}
	plain, err := httpfile.DecodeContent(b, codings)
	if err != nil {
		return r.Bytes(b)
	}
	redacted := r.Bytes(plain)
	if bytes.Equal(redacted, plain) {
		return r.Bytes(b)
	}
	if enc, err := httpfile.EncodeContent(redacted, codings); err == nil {
		return enc
	}
	return r.Bytes(b)
}

// form is one form of a secret, and whether it is JSON-escaped.
type form struct {
	text string
	json bool
}

// secretForms returns value in every form searched for: raw,
// percent-encoded, base64, and each of those JSON-escaped.
func secretForms(value string) []form {
	base := []string{value}
	for _, f := range []func(string) string{queryEscape, pathEscape, componentEscape, unreservedEscape} {
		e := f(value)
		base = append(base, e, lowerHex(e))
	}
	b := []byte(value)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		base = append(base, enc.EncodeToString(b))
	}
	seen := map[string]bool{}
	var out []form
	for _, f := range base {
		if !seen[f] {
			seen[f] = true
			out = append(out, form{text: f})
		}
	}
	for _, f := range base {
		for _, j := range jsonForms(f) {
			if !seen[j] {
				seen[j] = true
				out = append(out, form{text: j, json: true})
			}
		}
	}
	return out
}

// percentEscape encodes every byte of s that keep does not accept, with
// upper case hex; space as "+" when plus is set.
func percentEscape(s string, keep func(byte) bool, plus bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case keep(c):
			b.WriteByte(c)
		case c == ' ' && plus:
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&15])
		}
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0
}

// queryEscape encodes s as a form or query value: "+" for a space, as
// url.QueryEscape and most clients do.
func queryEscape(s string) string { return percentEscape(s, isUnreserved, true) }

// pathEscape encodes s as a path segment keeps it, "%20" for a space.
func pathEscape(s string) string {
	return percentEscape(s, func(c byte) bool { return isUnreserved(c) || strings.IndexByte("!$&'()*+,;=:@", c) >= 0 }, false)
}

// componentEscape encodes s as JavaScript's encodeURIComponent does.
func componentEscape(s string) string {
	return percentEscape(s, func(c byte) bool { return isUnreserved(c) || strings.IndexByte("!*'()", c) >= 0 }, false)
}

// unreservedEscape encodes every byte but RFC 3986's unreserved ones.
func unreservedEscape(s string) string { return percentEscape(s, isUnreserved, false) }

// lowerHex writes the hex digits of the percent-escapes of s in lower
// case.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1] = lower(b[i+1])
			b[i+2] = lower(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// jsonForms returns s as the content of a JSON string, in the escapes
// encoders use: the minimal one, Go's (which escapes <, > and &), PHP's
// (which escapes /), Python's (which escapes every non-ASCII character),
// and every character but letters and digits as \u escapes, in lower and
// upper case hex.
func jsonForms(s string) []string {
	minimal := jsonString(s, false)
	forms := []string{
		minimal,
		jsonString(s, true),
		strings.ReplaceAll(minimal, "/", `\/`),
		asciiEscape(minimal, func(c rune) bool { return c >= utf8.RuneSelf }, "%04x"),
		asciiEscape(s, func(c rune) bool { return !isAlnum(c) }, "%04x"),
		asciiEscape(s, func(c rune) bool { return !isAlnum(c) }, "%04X"),
	}
	return forms
}

func isAlnum(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// jsonString is s encoded as a JSON string, without its quotes.
func jsonString(s string, escapeHTML bool) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	_ = enc.Encode(s) // a string always encodes
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

// asciiEscape writes the characters of s that esc selects as \u escapes
// (UTF-16, in the given format), the others as they are. s is either raw
// text or the minimal JSON form, whose escapes are ASCII and kept.
func asciiEscape(s string, esc func(rune) bool, format string) string {
	var b strings.Builder
	for _, c := range s {
		if !esc(c) {
			b.WriteRune(c)
			continue
		}
		if c > 0xffff {
			c -= 0x10000
			fmt.Fprintf(&b, `\u`+format+`\u`+format, 0xd800+(c>>10), 0xdc00+(c&0x3ff))
			continue
		}
		fmt.Fprintf(&b, `\u`+format, c)
	}
	return b.String()
}

// maxPlacedBody bounds the request bodies searched for whole in what
// comes back (an API that echoes the body it received).
const maxPlacedBody = 64 << 10

// PlaceRequest adds the strings req sends that carry secrets, with the
// secret values value gives: its URL and the host and path in it, its
// header values and its body. (The forms the request encoding gives them,
// such as a Basic credential in base64, are its [httpfile.Outgoing.Derived].)
func (r *Redactor) PlaceRequest(req *httpfile.Request, value func(string) string) {
	r.placeURL(req.URL, value)
	for _, h := range req.Headers {
		r.AddPlaced(httpfile.Expand(h.Value, value), h.Value)
	}
	if len(req.Body) <= maxPlacedBody {
		r.AddPlaced(httpfile.Expand(req.Body, value), req.Body)
	}
}

// placeURL adds the URL ref (with secret references) as sent, and its
// host and path where they hold a secret.
func (r *Redactor) placeURL(ref string, value func(string) string) {
	r.AddPlaced(httpfile.Expand(ref, value), ref)
	// Parse the URL with each secret replaced by a mark that any URL
	// part may hold, to find the parts that hold one.
	var names []string
	marked := httpfile.Expand(ref, func(name string) string {
		names = append(names, name)
		return fmt.Sprintf("snapdocsecret%dz", len(names)-1)
	})
	if len(names) == 0 {
		return
	}
	var sent, shown []string
	for i, name := range names {
		m := fmt.Sprintf("snapdocsecret%dz", i)
		sent = append(sent, m, value(name))
		shown = append(shown, m, httpfile.EnvRef(name))
	}
	toSent, toShown := strings.NewReplacer(sent...), strings.NewReplacer(shown...)
	u, err := url.Parse(marked)
	if err != nil {
		return
	}
	for _, part := range []string{u.Host, u.Hostname(), u.EscapedPath(), u.Path} {
		if strings.Contains(part, "snapdocsecret") {
			r.AddPlaced(toSent.Replace(part), toShown.Replace(part))
		}
	}
}
