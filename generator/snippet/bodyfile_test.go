package snippet

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/snapdoc/snapdoc/runner"
)

func TestInlineBodyFile(t *testing.T) {
	fsys := fstest.MapFS{
		"data/order.json": {Data: []byte(`{"qty": 2}`)},
		"blob.bin":        {Data: []byte{0xff, 0x00}},
	}
	r := &runner.Request{Method: "POST", URL: "https://x.test/", BodyFile: "./data/order.json", Pos: runner.Position{File: "a.http", Line: 3}}
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
