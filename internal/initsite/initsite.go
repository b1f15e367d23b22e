// Package initsite holds the starter site that `snapdoc init` writes: a
// commented snapdoc.yaml that answers the lessons' host with the embedded
// demo API, a section of two lessons that link to each other, an image
// beside a lesson, their recorded snapshots, a .gitignore and a GitHub
// Pages workflow. It builds offline at once, and with `--run replay` (as
// its workflow does in CI) it sends no request at all.
//
// The files live under site/ as they are written. After changing a
// request in a lesson there, record its snapshot again: write the site
// into a scratch directory with `snapdoc init`, run `snapdoc build` there,
// and copy its snapshots/ back under site/.
package initsite

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed all:site
var embedded embed.FS

// files returns the starter site, rooted at the site's root.
func files() fs.FS {
	sub, err := fs.Sub(embedded, "site")
	if err != nil {
		panic(err) // site/ is embedded above: it is there
	}
	return sub
}

// A File is one file of the starter site and what Write did with it.
type File struct {
	Path string // slash-separated, relative to the site's root
	Kept bool   // it was already there and was left as it was
}

// NotEmptyError is the refusal to write into a directory that holds
// something already.
type NotEmptyError struct {
	Dir string
}

func (e *NotEmptyError) Error() string {
	return fmt.Sprintf("%s is not empty", e.Dir)
}

// Write writes the starter site into dir, creating it if need be, and
// returns its files in order. A dir that exists and is not empty is
// refused with a *NotEmptyError unless force is set; then the site's files
// are added to it, and any file that exists already is kept as it is.
func Write(dir string, force bool) ([]File, error) {
	if !force {
		entries, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		if len(entries) > 0 {
			return nil, &NotEmptyError{Dir: dir}
		}
	}
	var written []File
	site := files()
	err := fs.WalkDir(site, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(site, path)
		if err != nil {
			return err
		}
		kept, err := create(filepath.Join(dir, filepath.FromSlash(path)), data)
		if err != nil {
			return err
		}
		written = append(written, File{Path: path, Kept: kept})
		return nil
	})
	return written, err
}

// create writes a new file at path with data and reports whether one was
// there already, which it leaves alone.
func create(path string, data []byte) (kept bool, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return false, err
}
