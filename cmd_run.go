package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/service"
)

func runRun(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "run", "[flags] FILE...", "Execute the http blocks of lessons or .http files and print the exchanges.")
	source := fs.String("source", ".", "the site's root `dir`, whose snapdoc.yaml routes hosts and defines vars (default: the nearest directory above each FILE with a snapdoc.yaml, else the current one)")
	asJSON := fs.Bool("json", false, "print one JSON array of exchanges")
	dryRun := fs.Bool("dry-run", false, "print the parsed requests without sending them")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"want at least one FILE"}
	}
	// Each file runs with the config and runner of its own site.
	type site struct {
		cfg generator.SiteConfig
		rn  *runner.Runner
	}
	sites := map[string]*site{}
	defer func() {
		for _, s := range sites {
			if s.rn != nil {
				s.rn.Close()
			}
		}
	}()
	var out []service.WireExchange
	var failed []error
	for _, file := range fs.Args() {
		f, err := locate(fs, *source, file)
		if err != nil {
			return err
		}
		st := sites[f.root]
		if st == nil {
			st = &site{}
			if st.cfg, err = generator.LoadConfig(os.DirFS(f.root)); err != nil {
				return err
			}
			for _, w := range st.cfg.Warnings() {
				fmt.Fprintf(e.stderr, "warning: %v\n", w)
			}
			if !*dryRun {
				if st.rn, err = openRunner(&st.cfg, f, e.logger(false)); err != nil {
					return err
				}
			}
			sites[f.root] = st
		}
		rel := f.rel
		blocks, err := generator.LoadBlocks(os.DirFS(f.root), &st.cfg, rel)
		if err != nil {
			return err
		}
		for _, b := range blocks {
			for _, r := range b.Requests {
				for _, w := range generator.RequestWarnings(r) {
					fmt.Fprintf(e.stderr, "warning: %v\n", w)
				}
			}
			if *dryRun {
				for _, r := range b.Requests {
					out = append(out, service.NewWireExchange(rel, b.ID, r, nil))
				}
				continue
			}
			if b.NoRun {
				continue
			}
			ropts := b.RunOptions(f.root, rel)
			ropts.Warn = func(w error) { fmt.Fprintf(e.stderr, "warning: %v\n", w) }
			ex, err := st.rn.Run(ctx, b.Requests, ropts)
			for i, r := range b.Requests {
				var j service.WireExchange
				switch {
				case i < len(ex):
					j = service.NewWireExchange(rel, b.ID, r, ex[i])
					var ae *runner.AssertionError
					if i == len(ex)-1 && errors.As(err, &ae) { // the exchange whose assertions failed
						msg := err.Error()
						j.Error = &msg
					}
				case i == len(ex) && err != nil:
					j = service.NewWireExchange(rel, b.ID, r, nil)
					msg := err.Error()
					j.Error = &msg
				default:
					continue // not sent: an earlier request of the block failed
				}
				out = append(out, j)
			}
			if err != nil {
				failed = append(failed, err)
			}
		}
	}
	if *asJSON || *dryRun {
		if err := printJSON(e.stdout, out, *dryRun); err != nil {
			return err
		}
	} else {
		printExchanges(e.stdout, out)
	}
	return errors.Join(failed...)
}

// printJSON prints the exchanges as one JSON array; a dry run keeps only
// file, block, name, line and request.
func printJSON(w io.Writer, out []service.WireExchange, dryRun bool) error {
	var v any = out
	if dryRun {
		type dry struct {
			File    string              `json:"file"`
			Block   string              `json:"block"`
			Name    string              `json:"name"`
			Line    int                 `json:"line"`
			Request service.WireRequest `json:"request"`
		}
		d := make([]dry, len(out))
		for i, x := range out {
			d[i] = dry{x.File, x.Block, x.Name, x.Line, x.Request}
		}
		v = d
	}
	if out == nil {
		v = []any{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// printExchanges prints the exchanges for a reader.
func printExchanges(w io.Writer, out []service.WireExchange) {
	for i, x := range out {
		if i > 0 {
			fmt.Fprintln(w)
		}
		name := x.Block
		if x.Name != "" {
			name += " · " + x.Name
		}
		fmt.Fprintf(w, "%s:%d (%s)\n%s %s\n", x.File, x.Line, name, x.Request.Method, x.Request.URL)
		if x.Error != nil && x.Response == nil {
			fmt.Fprintf(w, "error: %s\n", *x.Error)
			continue
		}
		fmt.Fprintf(w, "→ %d (%s, %d ms)\n", x.Response.Status, x.Cache, *x.DurationMS)
		for _, h := range x.Response.Headers {
			fmt.Fprintf(w, "%s: %s\n", h[0], h[1])
		}
		if x.Response.Body != "" {
			fmt.Fprintln(w)
			if x.Response.BodyEncoding == "base64" {
				fmt.Fprintf(w, "(binary body, %d bytes of base64)\n", len(x.Response.Body))
			} else {
				fmt.Fprintln(w, strings.TrimRight(x.Response.Body, "\n"))
			}
		}
		printAsserts(w, x.Asserts)
		if x.Error != nil {
			fmt.Fprintf(w, "error: %s\n", *x.Error)
		}
	}
}

// printAsserts prints the result of each assertion: "✓ pass  status ==
// 200", or "✗ FAIL  status == 200 (got 404)".
func printAsserts(w io.Writer, as []service.WireAssert) {
	if len(as) > 0 {
		fmt.Fprintln(w)
	}
	for _, a := range as {
		if a.Pass {
			fmt.Fprintf(w, "✓ pass  %s\n", a.Assertion)
		} else {
			fmt.Fprintf(w, "✗ FAIL  %s (got %s)\n", a.Assertion, a.Got)
		}
	}
}

// openRunner opens the runner of f's site, with the site's shared HTTP
// cache; a file outside any site gets a runner whose cache is in memory,
// leaving nothing in the file's directory.
func openRunner(cfg *generator.SiteConfig, f siteFile, log *slog.Logger) (*runner.Runner, error) {
	if !f.alone {
		return generator.OpenRunner(cfg, f.root, log)
	}
	rc, err := cfg.RunnerConfig()
	if err != nil {
		return nil, err
	}
	rc.Logger = log
	return runner.Open(rc, "")
}
