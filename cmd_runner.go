package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"time"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/runner"
)

// tokenEnv holds the runner service's token, kept out of argv.
const tokenEnv = "SNAPDOC_RUNNER_TOKEN"

func runRunner(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "runner", "[flags]", "Serve the runner's JSON API: it runs only the http blocks the site declares.\nThe token, required when not bound to loopback, is read from $"+tokenEnv+".")
	source := fs.String("source", ".", "the site's root `dir`")
	listen := fs.String("listen", "127.0.0.1:7070", "the `address` to listen on")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	token := os.Getenv(tokenEnv)
	if !runner.IsLoopback(*listen) {
		if token == "" {
			return fmt.Errorf("refusing to listen on %s, which is not loopback, without a token: set $%s", *listen, tokenEnv)
		}
		fmt.Fprintf(e.stderr, "WARNING: the runner service listens on %s, beyond this machine; every caller needs the token\n", *listen)
	}
	site := os.DirFS(*source)
	cfg, err := generator.LoadConfig(site)
	if err != nil {
		return err
	}
	rn, err := generator.OpenRunner(&cfg, *source, e.logger(false))
	if err != nil {
		return err
	}
	defer rn.Close()
	svc := &runner.Service{Runner: rn, Catalog: siteCatalog(site, &cfg, *source), Token: token}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "snapdoc runner listening on http://%s\n", l.Addr())
	return svc.Serve(ctx, l, 10*time.Second)
}

// siteCatalog declares the http blocks of the site's lessons and .http
// files, read afresh on each lookup so edits are seen.
func siteCatalog(site fs.FS, cfg *generator.SiteConfig, root string) runner.Catalog {
	return func(ref runner.BlockRef) ([]*runner.Request, runner.RunOptions, error) {
		if !fs.ValidPath(ref.File) {
			return nil, runner.RunOptions{}, fmt.Errorf("%s: %w", ref.File, runner.ErrUnknownBlock)
		}
		blocks, err := generator.LoadBlocks(site, cfg, ref.File)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, runner.RunOptions{}, fmt.Errorf("%s: %w", ref.File, runner.ErrUnknownBlock)
		}
		if err != nil {
			return nil, runner.RunOptions{}, err
		}
		for _, b := range blocks {
			if b.ID == ref.Block && !b.NoRun {
				return b.Requests, b.RunOptions(root, ref.File), nil
			}
		}
		return nil, runner.RunOptions{}, fmt.Errorf("%s block %s: %w", ref.File, ref.Block, runner.ErrUnknownBlock)
	}
}
