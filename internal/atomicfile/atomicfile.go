// Package atomicfile writes files that readers see whole: the old file or
// the new one, never a part.
package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
)

// Write writes data to the file at path, mode 0644, creating its
// directory. The data goes to a temporary file of its own beside path,
// which is renamed over path, so concurrent writers never share one; on
// failure the temporary file is removed and path is left as it was.
func Write(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
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
	return nil
}
