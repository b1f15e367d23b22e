package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/snapdoc/snapdoc/generator/serve"
	"github.com/snapdoc/snapdoc/templates"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", "[flags]", "Preview the site with live reload and a Run button on each example.\nIt answers only for the bind address (and localhost) or an --allow-host; beyond loopback\nit needs a token, read from $"+serve.TokenEnv+".")
	source := fs.String("source", ".", "the site's root `dir`")
	port := fs.Int("port", 1313, "the `port` to listen on; 0 picks a free one")
	bind := fs.String("bind", "127.0.0.1", "the `address` to bind to")
	drafts := fs.Bool("drafts", false, "include lessons marked draft")
	warnLinks := fs.Bool("warn-links", false, "show a link to a missing lesson, heading or file as a warning, not an error")
	open := fs.Bool("open", false, "open the site in the default browser")
	navigate := fs.Bool("navigate", false, "take open pages to a lesson when it is created")
	readyFile := fs.String("ready-file", "", "write the site's URL to `file` once listening")
	var hosts listFlag
	fs.Var(&hosts, "allow-host", "also answer for this host `name`, such as the one a reverse proxy forwards (repeatable)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return serve.Run(ctx, serve.Options{
		Source: *source, Addr: net.JoinHostPort(*bind, strconv.Itoa(*port)),
		Drafts: *drafts, WarnLinks: *warnLinks, Navigate: *navigate, Open: *open, ReadyFile: *readyFile,
		AllowHosts: hosts, Token: os.Getenv(serve.TokenEnv),
		Theme: templates.FS, Stdout: e.stdout, Stderr: e.stderr, Logger: e.logger(false),
	})
}
