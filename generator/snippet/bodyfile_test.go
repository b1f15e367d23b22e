package snippet

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner/httpfile"
)

func TestInlineBodyFile(t *testing.T) {
	fsys := fstest.MapFS{
		"data/order.json": {Data: []byte(`{"qty": 2}`)},
		"blob.bin":        {Data: []byte{0xff, 0x00}},
	}
	r := &httpfile.Request{Method: "POST", URL: "https://x.test/", BodyFile: "./data/order.json", Pos: fileerr.Pos{File: "a.http", Line: 3}}
	got, err := InlineBodyFile(r, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got.Body != `{"qty": 2}` || got.BodyFile != "" || r.BodyFile == "" {
		t.Errorf("got body %q file %q (original file %q)", got.Body, got.BodyFile, r.BodyFile)
	}

	tests := map[string]struct {
		file string
		is   error
		text string
	}{
		"missing": {"./nope.json", fs.ErrNotExist, "a.http:3: body file"},
		"outside": {"../secret.txt", nil, "a.http:3: body file ../secret.txt is outside"},
		"binary":  {"blob.bin", ErrCannotExpress, "a.http:3: snippet: cannot express: body file blob.bin is not UTF-8 text"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			bad := *r
			bad.BodyFile = tc.file
			_, err := InlineBodyFile(&bad, fsys)
			if err == nil || !strings.Contains(err.Error(), tc.text) || tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err %v, want one containing %q", err, tc.text)
			}
		})
	}
}

// TestInlineBodyFileParts checks that a body with a "< path" line among
// its text, as in a multipart part, gets the file's content in place of
// the line, as the runner sends it, not the line itself.
func TestInlineBodyFileParts(t *testing.T) {
	fsys := fstest.MapFS{"a.txt": {Data: []byte("file bytes\n")}, "blob.bin": {Data: []byte{0xff}}}
	r := &httpfile.Request{Method: "POST", URL: "https://x.test/", Pos: fileerr.Pos{File: "a.http", Line: 1},
		Body:  "--B\r\n< ./a.txt\r\n--B--\r\n",
		Parts: []httpfile.BodyPart{{Text: "--B\r\n"}, {File: "./a.txt", Pos: fileerr.Pos{File: "a.http", Line: 5}}, {Text: "\r\n--B--\r\n"}}}
	got, err := InlineBodyFile(r, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if want := "--B\r\nfile bytes\n\r\n--B--\r\n"; got.Body != want || got.Parts != nil {
		t.Errorf("body %q parts %v, want %q and no parts", got.Body, got.Parts, want)
	}
	bad := *r
	bad.Parts = []httpfile.BodyPart{{Text: "x"}, {File: "blob.bin", Pos: fileerr.Pos{File: "a.http", Line: 5}}}
	if _, err := InlineBodyFile(&bad, fsys); !errors.Is(err, ErrCannotExpress) || !strings.Contains(err.Error(), "a.http:5: ") {
		t.Errorf("binary part: err %v, want a positioned ErrCannotExpress", err)
	}
}
