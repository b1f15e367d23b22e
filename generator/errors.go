package generator

import (
	"github.com/snapdoc/snapdoc/internal/fileerr"
)

// errorf returns a problem with the site's content at a place in a file,
// as the one positioned error every phase, the CLI and the preview's
// overlay share ([fileerr.Error]). file is relative to the site root;
// line and col are 1-based, 0 when unknown.
func errorf(file string, line, col int, format string, args ...any) *fileerr.Error {
	return fileerr.New(fileerr.Pos{File: file, Line: line, Col: col}, "", format, args...)
}
