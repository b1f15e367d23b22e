package snippet

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// InlineBodyFile returns a copy of r whose body is the content of
// r.BodyFile, or, for a body of parts with "< path" lines in it (such as
// a multipart file part), the parts with each file's content in place of
// its line: the bytes the runner sends. Files are read from fsys, the
// directory of the request's source file. A request whose body names no
// file is returned as is. The content must be UTF-8 text: the code on the
// page carries the body in a string literal, so other content is an error
// wrapping [ErrCannotExpress].
func InlineBodyFile(r *httpfile.Request, fsys fs.FS) (*httpfile.Request, error) {
	parts := r.Parts
	if parts == nil && r.BodyFile != "" {
		parts = []httpfile.BodyPart{{File: r.BodyFile, Pos: r.Pos}}
	}
	if parts == nil {
		return r, nil
	}
	var body strings.Builder
	for _, p := range parts {
		if p.File == "" {
			body.WriteString(p.Text)
			continue
		}
		data, err := readBodyFile(fsys, p.File, p.Pos)
		if err != nil {
			return nil, err
		}
		body.Write(data)
	}
	out := *r
	out.Body, out.BodyFile, out.Parts = body.String(), "", nil
	return &out, nil
}

// readBodyFile reads the UTF-8 text file a request's body names at pos.
func readBodyFile(fsys fs.FS, file string, pos fileerr.Pos) ([]byte, error) {
	name := path.Clean(file)
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("%s: body file %s is outside the source file's directory", pos, file)
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("%s: body file: %w", pos, err)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: %w: body file %s is not UTF-8 text", pos, ErrCannotExpress, file)
	}
	return data, nil
}
