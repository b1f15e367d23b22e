package generator

import (
	"fmt"
	"os"
	"path/filepath"
)

// output is a build's destination directory under construction. Files are
// written into a temporary directory beside the destination; commit swaps
// it in, discard throws it away.
type output struct {
	dest string
	tmp  string
}

func newOutput(dest string) (*output, error) {
	dest = filepath.Clean(dest)
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+"-new-")
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	return &output{dest: dest, tmp: tmp}, nil
}

// write writes a file at the slash-separated path name. It is safe for
// concurrent use.
func (o *output) write(name string, data []byte) error {
	p := filepath.Join(o.tmp, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return nil
}

// commit replaces the destination with what was written. The old
// destination is moved aside first and removed last, so at every moment
// one complete site exists on disk.
func (o *output) commit() error {
	old := ""
	if _, err := os.Stat(o.dest); err == nil {
		old = o.tmp + "-old"
		if err := os.Rename(o.dest, old); err != nil {
			return fmt.Errorf("output: %w", err)
		}
	}
	if err := os.Rename(o.tmp, o.dest); err != nil {
		if old != "" {
			_ = os.Rename(old, o.dest)
		}
		return fmt.Errorf("output: %w", err)
	}
	o.tmp = ""
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// discard removes what was written, unless it was committed.
func (o *output) discard() {
	if o.tmp != "" {
		_ = os.RemoveAll(o.tmp)
	}
}
