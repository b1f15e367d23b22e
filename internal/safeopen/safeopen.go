// Package safeopen reads the files a site names, such as the body files of
// its requests and its templates, so that none reaches outside the site:
// a file must resolve, after symbolic links, inside the site's root, be a
// regular file (not a device such as /dev/zero, a FIFO, or a directory),
// and be at most a size cap.
//
// Opening is done through an [os.Root], which follows a symbolic link only
// while it stays inside the root, and without blocking, so that a FIFO
// cannot hang the caller; the checks are made on the opened file itself.
package safeopen

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// MaxFile is the size cap of a file a site names: 10 MiB. A request body
// or a template larger than that is a mistake.
const MaxFile = 10 << 20

// Error is a file that cannot be used, and why.
type Error struct {
	Name   string // the path as given, relative to the root
	Reason string
}

func (e *Error) Error() string { return e.Name + ": " + e.Reason }

// ReadFile reads the file name, a slash-separated path relative to the
// directory root, which must resolve inside root, be a regular file and
// hold at most max bytes; otherwise the error is an *Error, or wraps
// fs.ErrNotExist for a file that does not exist.
func ReadFile(root, name string, max int64) ([]byte, error) {
	f, err := open(root, name, max)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, ok := f.(*limited); !ok {
		return nil, &Error{name, "is a directory, not a file"}
	}
	return io.ReadAll(f)
}

// FS returns the directory dir (slash-separated, relative to root; "." for
// root itself) as a file system whose files are read as [ReadFile] reads
// them. Directories open as usual, so it can be walked.
func FS(root, dir string, max int64) fs.FS {
	return fsys{root: root, dir: dir, max: max}
}

type fsys struct {
	root, dir string
	max       int64
}

func (s fsys) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := open(s.root, path.Join(s.dir, name), s.max)
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		// Named as the caller named it, as an fs.FS does.
		return nil, &fs.PathError{Op: "open", Path: name, Err: pe.Err}
	}
	if err != nil {
		return nil, err
	}
	return f, nil
}

// limited is an open file that reads no more than its cap, in case it
// grows after it was checked.
type limited struct {
	*os.File
	left int64
	name string
	max  int64
}

func (l *limited) Read(p []byte) (int, error) {
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.File.Read(p)
	if int64(n) > l.left {
		return int(l.left), &Error{l.name, tooLarge(l.max)}
	}
	l.left -= int64(n)
	return n, err
}

func tooLarge(max int64) string {
	return fmt.Sprintf("larger than the limit of %d MiB", max>>20)
}

// open opens name under root, checking what it is; a directory is
// returned as it is, for walking.
func open(root, name string, max int64) (fs.File, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close() // files opened through it stay open
	f, err := openFile(r, filepath.FromSlash(name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		if escapes(root, name) {
			return nil, &Error{name, "resolves outside the site's root (a symbolic link?); a site may only use its own files"}
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	switch {
	case fi.IsDir():
		return f, nil
	case !fi.Mode().IsRegular():
		f.Close()
		return nil, &Error{name, "is not a regular file but " + kind(fi.Mode())}
	case fi.Size() > max:
		f.Close()
		return nil, &Error{name, fmt.Sprintf("is %d bytes, %s", fi.Size(), tooLarge(max))}
	}
	return &limited{File: f, left: max, name: name, max: max}, nil
}

// escapes reports whether name leads out of root, after symbolic links.
func escapes(root, name string) bool {
	absRoot, err1 := filepath.Abs(root)
	realRoot, err2 := filepath.EvalSymlinks(absRoot)
	if err1 != nil || err2 != nil {
		return false
	}
	p := filepath.Join(absRoot, filepath.FromSlash(name))
	if real, err := filepath.EvalSymlinks(p); err == nil {
		p = real
	} else if strings.HasPrefix(filepath.ToSlash(path.Clean(name)), "../") {
		return true
	} else {
		return false
	}
	rel, err := filepath.Rel(realRoot, p)
	return err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// kind names the type of a file that is not regular.
func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a special file"
}
