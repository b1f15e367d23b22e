package snippet

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzNormalizeURL(f *testing.F) {
	for _, seed := range []string{"/a?b=c", "/caf%C3%A9?q=a b", "/%41%zz%", "?foo[bar]=1&x='\"#frag", "/ü/€?€=€", "?", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, rest string) {
		if strings.Contains(rest, "{{") {
			return // environment references are kept as written
		}
		if !strings.HasPrefix(rest, "/") && !strings.HasPrefix(rest, "?") {
			rest = "/" + rest // the host stays x.test
		}
		got, err := NormalizeURL("https://x.test" + rest)
		if err != nil {
			return
		}
		again, err := NormalizeURL(got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", rest, got, again, err)
		}
		target := strings.TrimPrefix(got, "https://x.test")
		for i := 0; i < len(target); i++ {
			c := target[i]
			if c == '%' {
				if i+2 >= len(target) || !isHex(target[i+1]) || !isHex(target[i+2]) {
					t.Fatalf("%q: lone %% at %d in %q", rest, i, got)
				}
				continue
			}
			if !isUnreserved(c) && !strings.ContainsRune("!$&'()*+,;=:@/?", rune(c)) {
				t.Fatalf("%q: byte %q left raw in %q", rest, c, got)
			}
		}
		if _, err := url.Parse(got); err != nil {
			t.Fatalf("%q: Go cannot parse %q: %v", rest, got, err)
		}
	})
}

func FuzzGoString(f *testing.F) {
	for _, seed := range awkwardStrings {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // bodies are UTF-8 text
		}
		lit := GoString(s)
		back, err := strconv.Unquote(lit)
		if err != nil || back != s {
			t.Fatalf("GoString(%q) = %s, which means %q (%v)", s, lit, back, err)
		}
	})
}
