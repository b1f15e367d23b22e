package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/snapdoc/snapdoc/generator"
)

// siteFile is a source file named on the command line, and the site it
// belongs to.
type siteFile struct {
	root string // the site's root directory
	rel  string // the file, slash-separated, relative to root
	// alone is set for a file outside any site, whose root is its own
	// directory: nothing may be written there.
	alone bool
}

// locate finds the site of file, a lesson or .http file given relative to
// the working directory. With --source given, the file must be inside that
// site. Otherwise the site is the nearest directory above the file that
// holds a snapdoc.yaml; with none, the working directory when the file is
// inside it (a site needs no config), or else the file's own directory: a
// file outside any site runs with the defaults.
func locate(fset *flag.FlagSet, source, file string) (siteFile, error) {
	if flagSet(fset, "source") {
		rel, err := siteRelative(source, file)
		return siteFile{root: source, rel: rel}, err
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return siteFile{}, err
	}
	if fi, err := os.Stat(abs); err != nil {
		return siteFile{}, err
	} else if fi.IsDir() {
		return siteFile{}, fmt.Errorf("%s is a directory; want a lesson (.md) or a .http file", file)
	}
	root := ""
	for dir := filepath.Dir(abs); ; {
		if _, err := os.Stat(filepath.Join(dir, generator.ConfigFile)); err == nil {
			root = dir
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return siteFile{}, err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	alone := false
	if root == "" {
		if rel, err := siteRelative(source, file); err == nil {
			return siteFile{root: source, rel: rel}, nil
		}
		root, alone = filepath.Dir(abs), true
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return siteFile{}, err
	}
	return siteFile{root: relativeDir(root), rel: filepath.ToSlash(rel), alone: alone}, nil
}

// relativeDir is dir relative to the working directory when it is below
// it, for shorter messages, or else dir itself.
func relativeDir(dir string) string {
	wd, err := os.Getwd()
	if err != nil {
		return dir
	}
	rel, err := filepath.Rel(wd, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return dir
	}
	return rel
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fset *flag.FlagSet, name string) bool {
	set := false
	fset.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// siteRelative makes file, given relative to the working directory,
// relative to the site's root.
func siteRelative(root, file string) (string, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(absRoot, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is not inside the site at %s", file, root)
	}
	return filepath.ToSlash(rel), nil
}
