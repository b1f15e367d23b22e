package rawhttp

import (
	"bufio"
	"reflect"
	"strings"
	"testing"
)

// FuzzReadHead checks that the head parser never panics, keeps within its
// budget, yields only what can be written back, and that writing a parsed
// head and parsing it again gives the same head.
func FuzzReadHead(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nETag: \"v1\"\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.0 404 \r\nX-A: 1\r\n  folded\r\n\r\n",
		"HTTP/1.1 204\nset-cookie: a=1\nSet-Cookie: b\n\n",
		"HTTP/1.1 200 OK\r\nX-A : 1\r\n\r\n",
		"HTTP/1.1 999 \xff\xfe\r\nX: \x80\r\n\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		budget := 4096
		h, err := readHead(bufio.NewReader(strings.NewReader(in)), &budget)
		if err != nil {
			return
		}
		if budget < 0 {
			t.Fatalf("budget overdrawn: %d", budget)
		}
		var b strings.Builder
		b.WriteString(h.statusLine + "\r\n")
		for _, f := range h.fields {
			if !isToken(f.Name) || strings.ContainsAny(f.Value, "\r\n\x00") || trimOWS(f.Value) != f.Value {
				t.Fatalf("field %q", f)
			}
			b.WriteString(f.Name + ": " + f.Value + "\r\n")
		}
		b.WriteString("\r\n")
		budget = 1 << 20
		h2, err := readHead(bufio.NewReader(strings.NewReader(b.String())), &budget)
		if err != nil {
			t.Fatalf("written back %q: %v", b.String(), err)
		}
		if !reflect.DeepEqual(h, h2) {
			t.Fatalf("round trip: %+v != %+v", h, h2)
		}
	})
}
