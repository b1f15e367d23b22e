package main

import (
	"context"
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/generator/snippet"
	"github.com/snapdoc/snapdoc/internal/safeopen"
)

func runSnippet(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "snippet", "[flags] FILE", "Print the code of each request of a lesson or .http file in one language.")
	source := fs.String("source", ".", "the site's root `dir`, whose templates/snippets/ may add languages (default: the nearest directory above FILE with a snapdoc.yaml, else the current one)")
	lang := fs.String("lang", "", "the `language`, such as python, curl, javascript, go, java or http")
	list := fs.Bool("list", false, "list the available languages")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !*list && (*lang == "" || fs.NArg() != 1) {
		return usageError{"want --lang LANG and one FILE (or --list)"}
	}
	// The file's own site, whose templates/snippets/ may add languages.
	f := siteFile{root: *source}
	if !*list {
		var err error
		if f, err = locate(fs, *source, fs.Arg(0)); err != nil {
			return err
		}
	}
	theme, err := generator.SiteTheme(f.root, nil)
	if err != nil {
		return err
	}
	set := theme.Snippets()
	if *list {
		for _, l := range set.Languages() {
			fmt.Fprintf(e.stdout, "%-12s %s\n", l.ID, l.Label)
		}
		return nil
	}
	if _, ok := set.Language(*lang); !ok {
		var ids []string
		for _, l := range set.Languages() {
			ids = append(ids, l.ID)
		}
		return usageError{fmt.Sprintf("--lang %s: unknown language; known: %s", *lang, strings.Join(ids, ", "))}
	}
	cfg, err := generator.LoadConfig(os.DirFS(f.root))
	if err != nil {
		return err
	}
	rel := f.rel
	blocks, err := generator.LoadBlocks(os.DirFS(f.root), &cfg, rel)
	if err != nil {
		return err
	}
	dir := safeopen.FS(f.root, path.Dir(rel), safeopen.MaxFile)
	first := true
	for _, b := range blocks {
		for _, r := range b.Requests {
			r, err := snippet.InlineBodyFile(r, dir)
			if err != nil {
				return err
			}
			if err := set.Supports(*lang, r); err != nil {
				return fmt.Errorf("%s: %w", r.Pos, err)
			}
			code, err := set.Render(*lang, r)
			if err != nil {
				return fmt.Errorf("%s: %w", r.Pos, err)
			}
			if !first {
				fmt.Fprintln(e.stdout)
			}
			first = false
			fmt.Fprint(e.stdout, code)
		}
	}
	return nil
}
