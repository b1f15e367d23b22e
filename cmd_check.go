package main

import (
	"context"
	"fmt"

	"github.com/snapdoc/snapdoc/generator"
)

func runCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "check", "[flags]", "Run every http block again and report drift from its snapshot (exit 1 on drift).")
	source := fs.String("source", ".", "the site's root `dir`")
	drafts := fs.Bool("drafts", false, "include lessons marked draft")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	drifts, err := generator.Check(ctx, generator.Options{Source: *source, Drafts: *drafts})
	for _, d := range drifts {
		fmt.Fprintf(e.stdout, "%s:%d: block %s drifted from its snapshot:\n%s\n", d.File, d.Line, d.Block, d.Diff)
	}
	if err != nil {
		return err
	}
	if len(drifts) > 0 {
		return fmt.Errorf("%s drifted; review the diffs, then `snapdoc build --run refresh` records the new outputs", plural(len(drifts), "block"))
	}
	fmt.Fprintln(e.stdout, "No drift: every block returns what its snapshot recorded.")
	return nil
}
