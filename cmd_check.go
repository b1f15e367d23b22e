package main

import (
	"context"
	"fmt"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/templates"
)

func runCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "check", "[flags]", "Run every http block again and report drift from its snapshot (exit 1 on drift).")
	source := fs.String("source", ".", "the site's root `dir`")
	drafts := fs.Bool("drafts", false, "include lessons marked draft")
	snippets := fs.Bool("snippets", false, "instead, run each example's code in every language shown, against a loopback echo server")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if *snippets {
		return checkSnippets(ctx, e, generator.Options{Source: *source, Drafts: *drafts, Theme: templates.FS})
	}
	drifts, err := generator.Check(ctx, generator.Options{Source: *source, Drafts: *drafts, Logger: e.logger(false)})
	for _, d := range drifts {
		fmt.Fprintf(e.stdout, "%s:%d: block %s drifted from its snapshot:\n%s\n", d.File, d.Line, d.Block, d.Diff)
	}
	if err != nil {
		return err
	}
	if len(drifts) > 0 {
		return fmt.Errorf("%s drifted; review the diffs, then `snapdoc build --run refresh` records the new outputs (a value that changes on every run, such as an id or a date, belongs in the fence's redact=body:KEY or redact=header:NAME)", plural(len(drifts), "block"))
	}
	fmt.Fprintln(e.stdout, "No drift: every block returns what its snapshot recorded.")
	return nil
}

func checkSnippets(ctx context.Context, e *env, opts generator.Options) error {
	failures, skipped, err := generator.CheckSnippets(ctx, opts)
	if err != nil {
		return err
	}
	for _, s := range skipped {
		fmt.Fprintf(e.stderr, "warning: %v\n", s)
	}
	for _, f := range failures {
		fmt.Fprintf(e.stdout, "%s: %s code does not work:\n%v\n\n", f.Pos, f.Lang, f.Err)
	}
	if len(failures) > 0 {
		return fmt.Errorf("%s failed", plural(len(failures), "code example"))
	}
	fmt.Fprintln(e.stdout, "Every code example sends its request and prints the response.")
	return nil
}
