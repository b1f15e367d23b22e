package generator

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// StateDir is where snapdoc keeps, under a site's root, what it reuses
// from one run to the next: the runner's HTTP cache, parsed lessons and
// build manifests. It is a cache: deleting it is safe.
const StateDir = ".snapdoc"

// stateIgnore is the .gitignore that stateDir writes into StateDir.
const stateIgnore = "# snapdoc's caches, which hold API responses: never commit them.\n*\n"

// stateDir makes the state directory of the site at root, holding a
// .gitignore that ignores all of it, so that the responses its HTTP cache
// keeps are not committed by mistake. A .gitignore already there is left
// as it is.
func stateDir(root string) error {
	dir := filepath.Join(root, StateDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, ".gitignore"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = f.WriteString(stateIgnore)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
