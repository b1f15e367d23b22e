//go:build !unix

package generator

import (
	"path/filepath"
)

// sameDevice reports whether the directories a and b are on one file
// system, so that a file renames from one into the other: here, whether
// they are on one volume.
func sameDevice(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && filepath.VolumeName(aa) == filepath.VolumeName(ab)
}
