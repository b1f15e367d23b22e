// Package fileerr holds snapdoc's one positioned error: a problem at a place
// in a file, found in a named phase of the work.
//
// Every stage that reads a file reports through it: the generator's phases
// (config, front matter, Markdown, validation, running blocks, rendering,
// writing), the runner's .http parser, the CLI, the preview's browser overlay
// and the runner service's JSON errors. Because one type travels the whole way,
// a position found deep in a phase cannot be lost on the way to the reader:
// any layer can recover it with [errors.As].
//
// It imports only the standard library, so both runner and generator may use
// it without depending on each other.
package fileerr

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Pos is a place in a file. Line and Col are 1-based; 0 means unknown.
type Pos struct {
	File string // path of the file, slash-separated, relative to the site root when inside one
	Line int
	Col  int
}

// String formats the position as file:line:col, leaving out what is unknown.
func (p Pos) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(p.Line))
		if p.Col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(p.Col))
		}
	}
	return b.String()
}

// Error is a problem at a place in a file.
type Error struct {
	Pos
	Phase string // the phase that found it, such as "config", "parse", "run"; may be empty
	Err   error  // what is wrong
}

// Error formats the error as "file:line:col: cause", the form editors and CI
// annotations understand.
func (e *Error) Error() string {
	msg := "<nil>"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	if e.File == "" && e.Line == 0 {
		return msg
	}
	return e.Pos.String() + ": " + msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error at pos, found in phase, with a formatted message.
func New(pos Pos, phase, format string, args ...any) *Error {
	return &Error{Pos: pos, Phase: phase, Err: fmt.Errorf(format, args...)}
}

// Wrap returns err at pos, found in phase. If err already carries a
// position it is returned unchanged, so the innermost, most exact position
// wins; a nil err gives nil.
func Wrap(pos Pos, phase string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := As(err); ok {
		return err
	}
	return &Error{Pos: pos, Phase: phase, Err: err}
}

// As returns the first positioned error in err's tree.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// LineCol converts a byte offset in src to a 1-based line and column; the
// column counts bytes.
func LineCol(src []byte, off int) (line, col int) {
	off = min(max(off, 0), len(src))
	line = 1 + bytes.Count(src[:off], []byte("\n"))
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return line, off - start + 1
}

// Lines are the messages of err, one per error it joins, in order, so that
// each bad file gets its own line.
func Lines(err error) []string {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var lines []string
		for _, e := range j.Unwrap() {
			lines = append(lines, Lines(e)...)
		}
		return lines
	}
	return []string{err.Error()}
}
