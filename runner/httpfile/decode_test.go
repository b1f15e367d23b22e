package httpfile

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"strings"
	"testing"
)

func TestDecodeContent(t *testing.T) {
	var gz, zl, raw bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("hello"))
	w.Close()
	z := zlib.NewWriter(&zl)
	z.Write(gz.Bytes())
	z.Close()
	f, _ := flate.NewWriter(&raw, flate.BestSpeed)
	f.Write([]byte("raw"))
	f.Close()
	for _, tc := range []struct {
		body   []byte
		coding string
		want   string
	}{
		{gz.Bytes(), "gzip", "hello"},
		{gz.Bytes(), "X-Gzip", "hello"},
		{zl.Bytes(), "gzip, deflate", "hello"},
		{raw.Bytes(), "deflate", "raw"},
		{[]byte("as is"), "identity", "as is"},
	} {
		got, err := DecodeContent(tc.body, tc.coding)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %q, %v", tc.coding, got, err)
		}
	}
	if _, err := DecodeContent([]byte("x"), "br"); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("br: %v", err)
	}
	if _, err := DecodeContent(gz.Bytes()[:10], "gzip"); err == nil {
		t.Error("a truncated gzip body decoded")
	}
}
