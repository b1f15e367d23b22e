//go:build !unix

package safeopen

import "os"

// openFile opens name for reading.
func openFile(r *os.Root, name string) (*os.File, error) {
	return r.Open(name)
}
