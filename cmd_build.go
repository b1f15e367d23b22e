package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/runner/service"
	"github.com/snapdoc/snapdoc/templates"
)

func runBuild(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "build", "[flags]", "Build the site into public/ (atomically: a failed build leaves the old site).")
	source := fs.String("source", ".", "the site's root `dir`")
	dest := fs.String("dest", "", "the output `dir` (default SOURCE/public)")
	drafts := fs.Bool("drafts", false, "include lessons marked draft")
	warnLinks := fs.Bool("warn-links", false, "warn about a link to a missing lesson, heading or file, instead of failing")
	baseURL := fs.String("base-url", "", "the `URL` the site is served from, e.g. https://docs.example.org/api/")
	verbose := fs.Bool("verbose", false, "log what the build does")
	run := fs.String("run", "auto", "when to execute http blocks: `auto` (blocks without a matching snapshot), refresh (all), replay (none; a missing snapshot is an error)")
	remote := fs.String("runner", "", "run blocks on the runner service at `URL` (its token from $"+tokenEnv+")")
	strict := fs.Bool("strict", false, "fail when a block cannot be run, instead of keeping its previous snapshot of the same requests as stale")
	keepGoing := fs.Bool("keep-going", false, "publish a new or changed block that cannot be recorded as \"not recorded yet\", with a warning, instead of failing")
	noWait := fs.Bool("no-wait", false, "fail at once when another snapdoc build is writing the site, instead of waiting for it")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the build to `file`, for go tool pprof")
	memProfile := fs.String("memprofile", "", "write a heap profile to `file` after the build, for go tool pprof")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	mode, err := generator.ParseRunMode(*run)
	if err != nil {
		return usageError{"--run: " + err.Error()}
	}
	opts := generator.Options{
		Source: *source, Dest: *dest, Drafts: *drafts, BaseURL: *baseURL, WarnLinks: *warnLinks,
		Theme: templates.FS, Logger: e.logger(*verbose),
		Run: mode, Strict: *strict, KeepGoing: *keepGoing, Progress: e.terminal(),
		NoWait: *noWait, Waiting: e.stderr,
	}
	if *remote != "" {
		opts.Runner = generator.RemoteRunner(&service.Client{URL: *remote, Token: os.Getenv(tokenEnv)})
	}
	prof, err := startProfiles(*cpuProfile, *memProfile)
	if err != nil {
		return err
	}
	res, err := generator.Build(ctx, opts)
	if perr := prof.stop(); perr != nil {
		err = errors.Join(err, perr)
	}
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stderr, "warning: %v\n", w)
	}
	rel := res.Dest
	if r, err := filepath.Rel(".", res.Dest); err == nil {
		rel = r
	}
	if res.UpToDate {
		fmt.Fprintf(e.stdout, "%s/ is up to date: %s (%d pages), nothing changed since the last build (checked in %s)\n", rel, plural(res.Lessons, "lesson"), res.Pages, res.Elapsed.Round(time.Millisecond))
		return nil
	}
	fmt.Fprintf(e.stdout, "Built %s (%d pages) into %s/ in %s", plural(res.Lessons, "lesson"), res.Pages, rel, res.Elapsed.Round(time.Millisecond))
	if n := res.Run + res.Replayed + res.Failed; n > 0 {
		fmt.Fprintf(e.stdout, "; %s: %d run, %d from snapshots", plural(n, "http block"), res.Run, res.Replayed)
		if res.Failed > 0 {
			fmt.Fprintf(e.stdout, ", %d failed (see the warnings above)", res.Failed)
		}
	}
	fmt.Fprintln(e.stdout)
	return nil
}
