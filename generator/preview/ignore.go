package preview

import (
	"strconv"
	"strings"
)

// isEditorTemp reports whether the file name (a base name, not a path) is one
// that editors create and remove while saving, and so never a change the
// author means.
func isEditorTemp(name string) bool {
	switch {
	case name == "" || name == "." || name == "..":
		return false
	case strings.HasSuffix(name, "~"): // vim, emacs and nano backups
		return true
	case strings.HasPrefix(name, ".#"): // emacs lock files
		return true
	case strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"): // emacs auto-save
		return true
	case strings.HasSuffix(name, ".tmp"), strings.HasSuffix(name, ".TMP"):
		return true
	case strings.HasSuffix(name, "___jb_tmp___"), strings.HasSuffix(name, "___jb_old___"): // JetBrains safe write
		return true
	case strings.HasPrefix(name, ".goutputstream-"): // gedit and GIO
		return true
	case strings.HasPrefix(name, "."):
		return isVimSwap(name)
	}
	return isVimProbe(name)
}

// isVimSwap reports whether a dot file is a vim swap file: .name.swp, and
// .swo, .swn and so on down to .swa when the earlier ones exist, plus .swx,
// which vim creates to test whether a directory is writable.
func isVimSwap(name string) bool {
	i := strings.LastIndex(name, ".sw")
	if i <= 0 || len(name) != i+4 {
		return false
	}
	c := name[i+3]
	return c >= 'a' && c <= 'p' || c == 'x'
}

// isVimProbe reports whether name is the file vim creates, and removes at
// once, to learn whether it may write in a directory: "4913", or 4913 plus a
// multiple of 123 when that name is taken.
func isVimProbe(name string) bool {
	n, err := strconv.Atoi(name)
	return err == nil && n >= 4913 && (n-4913)%123 == 0 && name == strconv.Itoa(n)
}
