package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/templates"
)

func runCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "check", "[flags] [FILE...]", "Run every http block again (or those of the lessons or .http files named) and report drift from its snapshot, and blocks that fail (exit 1 on either).")
	source := fs.String("source", ".", "the site's root `dir` (default: for a FILE, the nearest directory above it with a snapdoc.yaml, else the current one)")
	drafts := fs.Bool("drafts", false, "include lessons marked draft")
	snippets := fs.Bool("snippets", false, "instead, run each example's code in every language shown, against a loopback echo server")
	asJSON := fs.Bool("json", false, "print one JSON object a line per block: file, line, block, state, diff, error, failure (--format json)")
	format := fs.String("format", "text", "how to print the report: `text`, json, or github (workflow annotations at each block's line)")
	junit := fs.String("junit", "", "also write the report as JUnit XML to `file`, one test case per block")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *asJSON {
		if *format != "text" && *format != "json" {
			return usageError{fmt.Sprintf("--json and --format %s ask for two formats; give one", *format)}
		}
		*format = "json"
	}
	write, ok := map[string]func(io.Writer, []generator.BlockCheck) error{"text": writeCheckText, "json": writeCheckJSON, "github": writeCheckGitHub}[*format]
	if !ok {
		return usageError{fmt.Sprintf("--format: want text, json or github, not %q", *format)}
	}
	if *snippets {
		if fs.NArg() > 0 {
			return usageError{"--snippets checks the whole site; name no FILE"}
		}
		return checkSnippets(ctx, e, generator.Options{Source: *source, Drafts: *drafts, Theme: templates.FS})
	}
	var checks []generator.BlockCheck
	var err error
	if fs.NArg() == 0 {
		checks, err = generator.Check(ctx, generator.Options{Source: *source, Drafts: *drafts, Theme: templates.FS, Logger: e.logger(false)})
	} else {
		checks, err = checkFiles(ctx, e, fs, *source, fs.Args())
	}
	if err != nil {
		return err
	}
	if err := write(e.stdout, checks); err != nil {
		return err
	}
	if *junit != "" {
		var b bytes.Buffer
		if err := writeCheckJUnit(&b, checks); err != nil {
			return err
		}
		if err := os.WriteFile(*junit, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("--junit: %w", err)
		}
	}
	return checkVerdict(e, *format, checks)
}

// checkFiles checks the blocks of the files named, each against the
// snapshots of its own site.
func checkFiles(ctx context.Context, e *env, fset *flag.FlagSet, source string, files []string) ([]generator.BlockCheck, error) {
	var checks []generator.BlockCheck
	for _, file := range files {
		f, err := locate(fset, source, file)
		if err != nil {
			return nil, err
		}
		opts := generator.Options{Source: f.root, Logger: e.logger(false)}
		if f.alone {
			cfg, err := generator.LoadConfig(os.DirFS(f.root))
			if err != nil {
				return nil, err
			}
			rn, err := openRunner(&cfg, f, opts.Logger)
			if err != nil {
				return nil, err
			}
			defer rn.Close()
			opts.Runner = generator.LocalRunner(rn)
		}
		c, err := generator.CheckFile(ctx, opts, f.rel)
		if err != nil {
			return nil, err
		}
		checks = append(checks, c...)
	}
	return checks, nil
}

// writeCheckText prints, for people, each block that needs attention.
func writeCheckText(w io.Writer, checks []generator.BlockCheck) error {
	for i := range checks {
		if _, err := io.WriteString(w, checkText(&checks[i])); err != nil {
			return err
		}
	}
	return nil
}

// checkVerdict is the error that ends a check with blocks that drifted or
// failed; in the text format, a check where every block passed says so.
func checkVerdict(e *env, format string, checks []generator.BlockCheck) error {
	drifted, failed := 0, 0
	for i := range checks {
		switch checks[i].State {
		case generator.CheckFailed:
			failed++
		case generator.CheckDrift, generator.CheckUnrecorded, generator.CheckChanged:
			drifted++
		}
	}
	var parts []string
	if drifted > 0 {
		parts = append(parts, plural(drifted, "block")+" drifted from the snapshots; review the diffs, then `snapdoc build --run refresh` records the new outputs (a value that changes on every run, such as an id or a date, belongs in the fence's volatile=body:KEY or volatile=header:NAME, or the site's runner.volatile)")
	}
	if failed > 0 {
		parts = append(parts, plural(failed, "block")+" could not be run, so could not be checked; their snapshots stand")
	}
	if len(parts) > 0 {
		return errors.New(strings.Join(parts, "; "))
	}
	if format == "text" {
		fmt.Fprintln(e.stdout, "No drift: every block returns what its snapshot recorded.")
	}
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
