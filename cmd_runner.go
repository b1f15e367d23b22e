package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/runner"
)

// tokenEnv holds the runner service's token, kept out of argv.
const tokenEnv = "SNAPDOC_RUNNER_TOKEN"

func runRunner(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "runner", "[flags]", "Serve the runner's JSON API: it runs only the http blocks the site publishes, for callers\non this machine (or holding the token) whose Host is the listen address or an --allow-host.\nThe token, required when not bound to loopback, is read from $"+tokenEnv+".")
	source := fs.String("source", ".", "the site's root `dir`")
	listen := fs.String("listen", "127.0.0.1:7070", "the `address` to listen on")
	drafts := fs.Bool("drafts", false, "also run the blocks of lessons marked draft")
	var hosts, origins listFlag
	fs.Var(&hosts, "allow-host", "also answer for this host `name`, such as the one a reverse proxy forwards (repeatable)")
	fs.Var(&origins, "allow-origin", "let web pages of this `origin`, such as https://docs.example.org, call from a browser (repeatable)")
	def := runner.DefaultLimits()
	maxConns := fs.Int("max-conns", def.MaxConns, "the most open `connections`; beyond, the longest idle is closed")
	maxRuns := fs.Int("max-runs", def.MaxRuns, "the most blocks running at once; a run waits up to 10 s for a slot, then gets 503")
	rate := fs.Float64("rate", def.Rate, "runs per second for each caller without the token (429 beyond)")
	tokenRate := fs.Float64("token-rate", def.TrustedRate, "runs per second for the token holder, or for this machine's programs when there is no token")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if err := runner.CheckOrigins(origins); err != nil {
		return usageError{err.Error()}
	}
	token := os.Getenv(tokenEnv)
	if err := runner.CheckListen(*listen, token, tokenEnv); err != nil {
		return err
	}
	if !runner.IsLoopback(*listen) {
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
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	lim := def
	lim.MaxConns, lim.MaxRuns, lim.Rate, lim.TrustedRate = *maxConns, *maxRuns, *rate, *tokenRate
	lim.Burst, lim.TrustedBurst = max(def.Burst, int(2*lim.Rate)), max(1, int(2*lim.TrustedRate))
	svc := &runner.Service{
		Runner:  rn,
		Catalog: generator.SiteCatalog(*source, &cfg, *drafts),
		Access:  runner.Access{Addr: *listen, AllowHosts: append(hosts, l.Addr().(*net.TCPAddr).IP.String()), AllowOrigins: origins, Token: token},
		Limits:  lim,
		Log:     slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
	}
	fmt.Fprintf(e.stdout, "snapdoc runner listening on http://%s\n", l.Addr())
	return svc.Serve(ctx, l, 10*time.Second)
}

// listFlag is a flag that may be given more than once.
type listFlag []string

func (f *listFlag) String() string { return strings.Join(*f, ",") }

func (f *listFlag) Set(v string) error {
	*f = append(*f, v)
	return nil
}
