package generator

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/service"
)

// PublishedBlocks returns the http blocks of the lesson file (a
// slash-separated path relative to the site's root) as the site publishes
// them, for a caller that asks to run one: the file must be a lesson under
// content/, not a draft unless drafts is set, and must not resolve, after
// symbolic links, outside the site's root. Any other file is an error
// wrapping [ErrUnknownBlock], which says nothing of whether it exists.
func PublishedBlocks(root string, cfg *SiteConfig, file string, drafts bool) ([]*Block, error) {
	unknown := fmt.Errorf("%s: %w", file, ErrUnknownBlock)
	if !fs.ValidPath(file) || !strings.HasPrefix(file, ContentDir+"/") || path.Ext(file) != ".md" || strings.HasPrefix(path.Base(file), ".") {
		return nil, unknown
	}
	// os.Root follows symbolic links only while they stay inside root.
	site, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer site.Close()
	// Only a regular file: opening a FIFO would block.
	if fi, err := site.Stat(file); err != nil || !fi.Mode().IsRegular() {
		return nil, unknown
	}
	f, err := site.Open(file)
	if err != nil {
		return nil, unknown
	}
	defer f.Close()
	src, err := readAll(f)
	if err != nil {
		return nil, err
	}
	l, err := ParseLesson(file, src, NewMarkdown())
	if err != nil {
		return nil, err
	}
	if l.Draft && !drafts {
		return nil, unknown
	}
	if err := parseBlocks(cfg, []*Lesson{l}); err != nil {
		return nil, err
	}
	return l.Blocks, nil
}

// maxLesson bounds the lesson a caller may make the runner read.
const maxLesson = 8 << 20

func readAll(f *os.File) ([]byte, error) {
	src, err := io.ReadAll(io.LimitReader(f, maxLesson+1))
	if err == nil && len(src) > maxLesson {
		err = fmt.Errorf("%s: larger than %d MiB", f.Name(), maxLesson>>20)
	}
	return src, err
}

// SiteCatalog declares the blocks the site at root publishes (see
// [PublishedBlocks]), read afresh on each lookup so edits are seen, for
// the runner service. A norun block is unknown; the options of a block
// readers may run ([Block.ReadersMayRun]) say Try, for a public runner.
func SiteCatalog(root string, cfg *SiteConfig, drafts bool) service.Catalog {
	return func(ref service.BlockRef) ([]*httpfile.Request, runner.RunOptions, error) {
		blocks, err := PublishedBlocks(root, cfg, ref.File, drafts)
		if err != nil {
			return nil, runner.RunOptions{}, err
		}
		for _, b := range blocks {
			if b.ID == ref.Block && !b.NoRun {
				opts := b.RunOptions(root, ref.File)
				opts.Try = b.ReadersMayRun()
				return b.Requests, opts, nil
			}
		}
		return nil, runner.RunOptions{}, fmt.Errorf("%s block %s: %w", ref.File, ref.Block, ErrUnknownBlock)
	}
}
