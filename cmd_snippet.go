package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/generator/snippet"
)

func runSnippet(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "snippet", "[flags] FILE", "Print the code of each request of a lesson or .http file in one language.")
	source := fs.String("source", ".", "the site's root `dir`, whose templates/snippets/ may add languages")
	lang := fs.String("lang", "", "the `language`, such as python, curl, javascript, go, java or http")
	list := fs.Bool("list", false, "list the available languages")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	theme, err := generator.SiteTheme(*source, nil)
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
	if *lang == "" || fs.NArg() != 1 {
		return usageError{"want --lang LANG and one FILE (or --list)"}
	}
	if _, ok := set.Language(*lang); !ok {
		var ids []string
		for _, l := range set.Languages() {
			ids = append(ids, l.ID)
		}
		return usageError{fmt.Sprintf("--lang %s: unknown language; known: %s", *lang, strings.Join(ids, ", "))}
	}
	cfg, err := generator.LoadConfig(os.DirFS(*source))
	if err != nil {
		return err
	}
	rel, err := siteRelative(*source, fs.Arg(0))
	if err != nil {
		return err
	}
	blocks, err := generator.LoadBlocks(os.DirFS(*source), &cfg, rel)
	if err != nil {
		return err
	}
	dir := os.DirFS(filepath.Join(*source, filepath.Dir(filepath.FromSlash(rel))))
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
