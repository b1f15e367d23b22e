package generator

import (
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// LoadBlocks reads the http blocks of one source file of the site at
// fsys: a lesson (.md), whose blocks are its http fences, or a .http
// file, which is one block called "file". Their requests are parsed with
// the site's vars, overridden by a lesson's own.
func LoadBlocks(fsys fs.FS, cfg *SiteConfig, file string) ([]*Block, error) {
	file = path.Clean(strings.TrimPrefix(file, "./"))
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, err
	}
	switch path.Ext(file) {
	case ".md":
		l, err := ParseLesson(file, src, NewMarkdown())
		if err != nil {
			return nil, err
		}
		if err := parseBlocks(cfg, []*Lesson{l}); err != nil {
			return nil, err
		}
		return l.Blocks, nil
	case ".http", ".rest":
		reqs, err := httpfile.Parse(src, httpfile.ParseOptions{File: file, Vars: cfg.Vars})
		if err != nil {
			return nil, err
		}
		return []*Block{{ID: "file", Code: string(src), Line: 1, Requests: reqs}}, nil
	}
	return nil, fmt.Errorf("%s: want a lesson (.md) or a .http file", file)
}

// RunOptions are the options to run block b of the source file (relative
// to the site's root dir) with: its directory for "< ./file" bodies, and
// the block's own timeout and redactions.
func (b *Block) RunOptions(root, file string) runner.RunOptions {
	return runner.RunOptions{Dir: filepath.Join(root, filepath.Dir(filepath.FromSlash(file))), Root: root, Redact: b.redact, Timeout: b.Timeout}
}
