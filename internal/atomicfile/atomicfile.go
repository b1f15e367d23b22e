// Package atomicfile writes files that readers see whole: the old file or
// the new one, never a part.
package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Write writes data to the file at path, mode 0644, creating its
// directory. The data goes to a temporary file of its own beside path,
// synced to disk and then renamed over path, so concurrent writers never
// share one, and once Write returns the new file survives a crash; on
// failure (a full disk) the temporary file is removed and path is left as
// it was.
func Write(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), tempPrefix+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes the entries of dir durable, such as a file just renamed
// into it. A file system that cannot sync a directory is not an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, errors.ErrUnsupported) || errors.Is(err, syscall.EINVAL) {
		return nil
	}
	return err
}

// IsTemp reports whether name, a file's base name, is that of a temporary
// file Write makes, which a process killed while it wrote leaves behind.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, tempPrefix)
}

// tempPrefix begins the name of every temporary file Write makes.
const tempPrefix = ".tmp-"
