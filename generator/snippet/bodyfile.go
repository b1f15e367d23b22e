package snippet

import (
	"fmt"
	"io/fs"
	"path"
	"unicode/utf8"

	"github.com/snapdoc/snapdoc/runner"
)

// InlineBodyFile returns a copy of r whose body is the content of
// r.BodyFile, read from fsys, the directory of the request's source file.
// A request without a body file is returned as is. The content must be
// UTF-8 text: the code on the page carries the body in a string literal,
// so other content is an error wrapping [ErrCannotExpress].
func InlineBodyFile(r *runner.Request, fsys fs.FS) (*runner.Request, error) {
	if r.BodyFile == "" {
		return r, nil
	}
	name := path.Clean(r.BodyFile)
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("%s: body file %s is outside the source file's directory", r.Pos, r.BodyFile)
	}
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("%s: body file: %w", r.Pos, err)
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: %w: body file %s is not UTF-8 text", r.Pos, ErrCannotExpress, r.BodyFile)
	}
	out := *r
	out.Body, out.BodyFile = string(data), ""
	return &out, nil
}
