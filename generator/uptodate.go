package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// A build whose inputs and outputs are exactly as the last build left them
// has nothing to do, and does nothing. Its inputs are every file under the
// site's root (but the destination and hidden files such as .snapdoc/ and
// .git/), the theme, the snapdoc binary, and the options that shape the
// pages; they are compared by a stamp of each file's path, size, mode and
// modification time (a site with symbolic links is never taken as up to
// date, since what a link leads to can change unseen), and the outputs by
// the size and modification time of each file the last build left in the
// destination. Anything else builds as usual, rendering only the pages
// whose inputs changed.

// stampSlack is how much older than the build's start every input must
// be for the build to record a stamp: a file written in the same instant
// as the build read it may change again without changing its
// modification time on file systems that count whole seconds.
const stampSlack = 2 * time.Second

// inputStamp hashes the inputs of a build by their metadata. It reports
// whether every input is older than before by [stampSlack].
func inputStamp(opts *Options, before time.Time) (stamp string, settled bool, err error) {
	h := sha256.New()
	fmt.Fprintf(h, "drafts=%v\x00base=%s\x00run=%s\x00", opts.Drafts, opts.BaseURL, opts.Run)
	bin, err := binaryVersion()
	if err != nil {
		return "", false, err
	}
	fmt.Fprintf(h, "%s\x00", bin)
	var line []byte
	add := func(name string, fi fs.FileInfo) { // name, size, mode, time, each ended by NUL
		line = append(append(line[:0], name...), 0)
		line = append(strconv.AppendInt(line, fi.Size(), 10), 0)
		line = append(strconv.AppendUint(line, uint64(fi.Mode()), 10), 0)
		line = append(strconv.AppendInt(line, fi.ModTime().UnixNano(), 10), 0)
		h.Write(line)
	}
	settled = true
	// The default theme is in memory (embedded in the binary, or a test's).
	if opts.Theme != nil {
		err := fs.WalkDir(opts.Theme, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(opts.Theme, p)
			fmt.Fprintf(h, "theme:%s\x00%d\x00", p, len(data))
			h.Write(data)
			return err
		})
		if err != nil {
			return "", false, err
		}
	}
	root, err := filepath.Abs(opts.Source)
	if err != nil {
		return "", false, err
	}
	dest, err := filepath.Abs(opts.Dest)
	if err != nil {
		return "", false, err
	}
	// The walk only lists the files: their metadata, one system call
	// each, is read in parallel, as a large site has tens of thousands.
	var files []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root && (strings.HasPrefix(d.Name(), ".") || p == dest) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil // its files are what count
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// What a link leads to can change without the link changing.
			settled = false
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return "", false, err
	}
	infos := make([]fs.FileInfo, len(files))
	errs := make([]error, len(files))
	parallelFS(len(files), func(i int) { infos[i], errs[i] = os.Lstat(files[i]) })
	for i, p := range files {
		if errs[i] != nil {
			return "", false, errs[i]
		}
		add(p[len(root):], infos[i])
		if !infos[i].ModTime().Before(before.Add(-stampSlack)) {
			settled = false
		}
	}
	return hex.EncodeToString(h.Sum(nil)), settled, nil
}

// fileState is what a build remembers of a file it left in the
// destination.
type fileState struct {
	Size    int64 `json:"s"`
	ModTime int64 `json:"t"` // Unix nanoseconds
}

// outputsIntact reports whether the destination holds every file of
// files, unchanged.
func outputsIntact(dest string, files map[string]fileState) bool {
	for name, want := range files {
		fi, err := os.Stat(filepath.Join(dest, filepath.FromSlash(name)))
		if err != nil || fi.Size() != want.Size || fi.ModTime().UnixNano() != want.ModTime {
			return false
		}
	}
	return true
}
