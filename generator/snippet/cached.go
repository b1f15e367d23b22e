package snippet

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/redact"
)

// Cached is how the page's runner answered a request of a block from the
// block's cache, which a program sending the request on its own does not
// have: the code says so, and reproduces a revalidation with a
// conditional request.
type Cached struct {
	// Outcome is "hit" (served from the cache without asking the
	// server), "revalidated" (the server answered a conditional request
	// with 304 Not Modified) or "stale" (a stale stored response was
	// served); see [httpfile.Exchange].
	Outcome string
	// From is the name of the block's earlier request whose response
	// the cache stored ("fresh", or "request 1" for one without a
	// name), or "" when no earlier request has the same method and URL.
	From string
	// MaxAge is the freshness lifetime in seconds that the stored
	// response's Cache-Control gave (s-maxage, else max-age), or -1.
	MaxAge int
	// Validators are the conditional header fields the runner's cache
	// sent to revalidate, as it sends them: If-None-Match with the
	// stored response's ETag, If-Modified-Since with its Last-Modified.
	// A validator that is redacted is left out.
	Validators []httpfile.Header
}

// CachedSteps returns, for each recorded exchange of a block, how the
// runner's cache answered it, or nil for a response from the network.
func CachedSteps(xs []*httpfile.Exchange) []*Cached {
	out := make([]*Cached, len(xs))
	for i, x := range xs {
		switch x.Cache {
		case "hit", "revalidated", "stale":
		default:
			continue
		}
		c := &Cached{Outcome: x.Cache, MaxAge: -1}
		stored := x // a response from the cache has the stored fields
		for j := i - 1; j >= 0; j-- {
			if xs[j].URL == x.URL && xs[j].Method == x.Method {
				stored = xs[j]
				c.From = xs[j].Name
				if c.From == "" {
					c.From = "request " + strconv.Itoa(j+1)
				}
				break
			}
		}
		c.MaxAge = maxAge(stored.Header("Cache-Control"))
		if c.Outcome == "revalidated" {
			for _, v := range [...][2]string{{"ETag", "If-None-Match"}, {"Last-Modified", "If-Modified-Since"}} {
				if value := stored.Header(v[0]); value != "" && !strings.Contains(value, redact.Redacted) {
					c.Validators = append(c.Validators, httpfile.Header{Name: v[1], Value: value})
				}
			}
		}
		out[i] = c
	}
	return out
}

// maxAge returns the s-maxage, else the max-age, of a Cache-Control
// value, or -1.
func maxAge(cc string) int {
	found := map[string]int{}
	for _, d := range strings.Split(cc, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(d), "=")
		if n, err := strconv.Atoi(strings.Trim(value, `"`)); ok && err == nil && n >= 0 {
			found[strings.ToLower(name)] = n
		}
	}
	for _, name := range []string{"s-maxage", "max-age"} {
		if n, ok := found[name]; ok {
			return n
		}
	}
	return -1
}

// Conditional returns the conditional header fields the code sends to
// reproduce the runner's revalidation: the validators the runner's cache
// sent, but those the author already set.
func (v *View) Conditional() []httpfile.Header {
	if v.Cached == nil || v.Cached.Outcome != "revalidated" {
		return nil
	}
	var out []httpfile.Header
	for _, h := range v.Cached.Validators {
		if !v.HasHeader(h.Name) {
			out = append(out, h)
		}
	}
	return out
}

// Revalidates reports whether the code sends a conditional request the
// server may answer with 304 Not Modified: the author's own
// If-None-Match or If-Modified-Since, or the validators of
// [View.Conditional]. The code then prints the status alone for a 304,
// which has no body, and leaves the checks to the page.
func (v *View) Revalidates() bool {
	return len(v.Conditional()) > 0 || v.HasHeader("If-None-Match") || v.HasHeader("If-Modified-Since")
}

// CacheNote returns, as lines of a comment of at most 72 characters, what
// the page's runner did for the request that the code does not do, or
// nothing for a response from the network. Its text is printable ASCII
// with no backslash, safe in a comment of any language.
func (v *View) CacheNote() []string {
	c := v.Cached
	if c == nil {
		return nil
	}
	from := "a response it had stored"
	if c.From != "" {
		from = `its response to "` + commentSafe(c.From) + `"`
	}
	var text string
	switch c.Outcome {
	case "hit":
		why := "still fresh"
		if c.MaxAge >= 0 {
			why = fmt.Sprintf("fresh for %d s (max-age)", c.MaxAge)
		}
		text = fmt.Sprintf("The page's runner answered this request from its cache, with %s, which was %s; the server never saw it. This code has no cache: it sends the request again.", from, why)
	case "revalidated":
		if !v.Revalidates() {
			text = fmt.Sprintf("The page's runner revalidated %s with the server, which answered 304 Not Modified; the validator it sent is redacted, so this code sends the request unconditionally.", from)
			break
		}
		var names []string
		for _, h := range v.Conditional() {
			names = append(names, h.Name)
		}
		sent := "the same conditional request"
		if len(names) > 0 {
			sent = "the same conditional request, with " + strings.Join(names, " and ") + " from that response"
		}
		text = fmt.Sprintf("The page's runner revalidated %s: the server answered 304 Not Modified and the page shows the stored response. This code sends %s; on a 304, which has no body, it prints the status alone.", from, sent)
	default:
		text = fmt.Sprintf("The page's runner showed %s from its cache, stale: the server failed, or the response allowed a stale copy. This code sends the request again.", from)
	}
	return wrap(text, 72)
}

// commentSafe keeps the printable ASCII of s but backslashes, which some
// languages read in comments (Java's \u escapes), and turns double quotes
// into single ones.
func commentSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r > 0x7e || r == '\\':
			return '?'
		case r == '"':
			return '\''
		}
		return r
	}, s)
}

// wrap breaks text into lines of at most width characters, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
