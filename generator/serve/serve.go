// Package serve is snapdoc's live preview: it builds a site in memory,
// serves it, rebuilds what a change affects when a file is saved, reloads
// the open pages, shows build errors over the last good page, and runs
// examples again on request.
package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/generator/preview"
	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner/service"
)

// Options configure a preview.
type Options struct {
	// Source is the site's root directory.
	Source string
	// Addr is the address to listen on, such as 127.0.0.1:1313.
	Addr string
	// Drafts includes lessons marked draft.
	Drafts bool
	// WarnLinks makes a bad link a warning instead of an error.
	WarnLinks bool
	// Navigate takes open pages to a lesson when it is created.
	Navigate bool
	// Open opens the site in the desktop's browser.
	Open bool
	// ReadyFile, when set, receives the site's URL once listening.
	ReadyFile string
	// Theme is the default theme.
	Theme fs.FS
	// Stdout and Stderr receive progress and errors.
	Stdout, Stderr io.Writer
	// Logger receives the runner's warnings; nil discards them.
	Logger *slog.Logger
	// Ready, when set, is called with the site's URL once listening.
	Ready func(url string)
	// AllowHosts are more host names to answer for, besides the listen
	// address's (and, on loopback, localhost): any other Host is refused,
	// which defeats DNS rebinding.
	AllowHosts []string
	// Token, required when Addr is not loopback, must then come with every
	// request: as a bearer token, or in the cookie a browser gets by
	// opening any page once with ?token=TOKEN.
	Token string
	// Limits bound what callers may take; zero fields take
	// service.DefaultLimits.
	Limits service.Limits
}

// TokenEnv is the environment variable snapdoc serve reads its token from.
const TokenEnv = "SNAPDOC_SERVE_TOKEN"

// tokenCookie carries the token of a preview beyond loopback.
const tokenCookie = "snapdoc_token"

// runWait is how long a Run button's block waits for the one before it.
const runWait = 30 * time.Second

// Run builds the site, serves it until ctx is done, and rebuilds it as its
// files change.
func Run(ctx context.Context, opts Options) error {
	if err := generator.CheckSource(opts.Source); err != nil {
		return err
	}
	if err := service.CheckListen(opts.Addr, opts.Token, TokenEnv); err != nil {
		return err
	}
	if !service.IsLoopback(opts.Addr) {
		fmt.Fprintf(opts.Stderr, "WARNING: serving on %s, beyond this machine: anyone with the token can run this site's requests, with your credentials; open the site once with ?token=$%s\n", opts.Addr, TokenEnv)
	}
	session := generator.NewSession(generator.Options{Source: opts.Source, Drafts: opts.Drafts, WarnLinks: opts.WarnLinks, BaseURL: "/", Theme: opts.Theme, Logger: opts.Logger, Waiting: opts.Stderr})
	defer session.Close()
	srv := preview.NewServer(preview.ServerOptions{})
	p := &previewer{stdout: opts.Stdout, stderr: opts.Stderr, session: session, srv: srv, navigate: opts.Navigate, runs: service.NewGate(1, runWait)}
	p.rebuild(ctx, nil)

	w, err := preview.NewWatcher(opts.Source, []string{generator.ContentDir, "templates", generator.StaticDir, generator.SnapshotDir, generator.ConfigFile}, preview.WatchOptions{Quiet: 2 * time.Millisecond})
	if err != nil {
		return err
	}
	defer w.Close()
	go func() {
		for batch := range w.Batches() {
			p.rebuild(ctx, batch)
		}
	}()

	l, err := net.Listen("tcp", opts.Addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%s is in use, perhaps by another snapdoc serve: choose another with --port, or --port 0 for any free one", opts.Addr)
	}
	if err != nil {
		return err
	}
	url := "http://" + l.Addr().String() + "/"
	fmt.Fprintf(opts.Stdout, "Serving %s at %s (Ctrl+C stops)\n", opts.Source, url)
	if opts.ReadyFile != "" {
		if err := os.WriteFile(opts.ReadyFile, []byte(url+"\n"), 0o644); err != nil {
			return err
		}
	}
	if opts.Ready != nil {
		opts.Ready(url)
	}
	if opts.Open {
		openBrowser(url)
	}
	access := service.Access{Addr: opts.Addr, AllowHosts: append(opts.AllowHosts, l.Addr().(*net.TCPAddr).IP.String()), Token: opts.Token, Cookie: tokenCookie}
	hs := service.NewHTTPServer(handler(access, p, srv, opts.Logger), opts.Limits)
	hs.RegisterOnShutdown(srv.Close)
	l = service.LimitConns(l, hs, opts.Limits.MaxConns)
	done := make(chan error, 1)
	go func() { done <- hs.Serve(l) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}

// handler is the preview's: the site's pages and event stream, and the
// run endpoint, behind the checks of access. Refused requests are logged
// as warnings, the others at debug level.
func handler(access service.Access, p *previewer, srv *preview.Server, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /_snapdoc/run", access.Browser(http.HandlerFunc(p.run)))
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The Run and Update snapshot buttons must not be clickable
		// under another site's frame.
		w.Header().Set("Content-Security-Policy", "frame-ancestors 'self'")
		w.Header().Set("X-Frame-Options", "SAMEORIGIN")
		srv.ServeHTTP(w, r)
	}))
	return service.AccessLog(log, slog.LevelDebug, slog.LevelWarn, access.Wrap(mux))
}

// previewer rebuilds the site for the preview server. Rebuilds run one at
// a time, from the watcher's goroutine and the first build.
type previewer struct {
	stdout   io.Writer
	stderr   io.Writer
	session  *generator.Session
	srv      *preview.Server
	navigate bool
	// mu serialises the calls of the session, which is not safe for
	// concurrent use: a rebuild waits for a Run button's block to run.
	mu sync.Mutex
	// runs queues the Run buttons' blocks, one at a time.
	runs *service.Gate
}

func (p *previewer) rebuild(ctx context.Context, changed []string) {
	start := time.Now()
	p.mu.Lock()
	u, err := p.session.Update(ctx, changed)
	p.mu.Unlock()
	if err != nil {
		for _, line := range fileerr.Lines(err) {
			fmt.Fprintln(p.stderr, "error: "+line)
		}
		p.srv.SetError(buildError(err))
		return
	}
	for _, w := range u.Warnings {
		fmt.Fprintf(p.stderr, "warning: %v\n", w)
	}
	standing := make([]string, len(u.Standing))
	for i, w := range u.Standing {
		standing[i] = w.Error()
	}
	p.srv.SetWarnings(standing)
	if url := p.newLesson(changed, u); url != "" {
		p.srv.UpdateAndNavigate(u.Files, u.Changed, url)
	} else {
		p.srv.Update(u.Files, u.Changed)
	}
	if changed != nil {
		fmt.Fprintf(p.stdout, "Rebuilt in %s: %s changed\n", time.Since(start).Round(time.Millisecond), files(len(u.Changed)))
	}
}

// newLesson is the URL to take pages to under --navigate: the page of a
// lesson that this rebuild added.
func (p *previewer) newLesson(changed []string, u *generator.Update) string {
	if !p.navigate || changed == nil || len(u.Added) == 0 {
		return ""
	}
	return "/" + u.Added[0]
}

// maxRunBody bounds the body of a run request.
const maxRunBody = 4 << 10

// run serves the Run and "Update snapshot" buttons: it runs a block the
// site publishes and answers with its rendered output. Access.Browser has
// made sure it is JSON from one of the preview's own pages.
func (p *previewer) run(w http.ResponseWriter, r *http.Request) {
	var req struct {
		File   string `json:"file"`
		Block  string `json:"block"`
		Hash   string `json:"hash"`
		Record bool   `json:"record"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRunBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		status := http.StatusBadRequest
		if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
			status = http.StatusRequestEntityTooLarge
		}
		service.NoteRefused(r, "bad body")
		http.Error(w, `want a JSON body {"file": ..., "block": ..., "hash": ..., "record": ...}`, status)
		return
	}
	service.NoteBlock(r, req.File, req.Block)
	release, ok := p.runs.Enter(r.Context())
	if !ok {
		service.NoteRefused(r, "busy")
		w.Header().Set("Retry-After", "1")
		http.Error(w, "another block is still running; try again", http.StatusServiceUnavailable)
		return
	}
	defer release()
	p.mu.Lock()
	html, err := p.session.RunBlock(r.Context(), service.BlockRef{File: req.File, Block: req.Block, Hash: req.Hash}, req.Record)
	p.mu.Unlock()
	switch {
	case errors.Is(err, generator.ErrUnknownBlock):
		service.NoteRefused(r, "unknown block")
		http.Error(w, err.Error(), http.StatusNotFound)
	case errors.Is(err, generator.ErrHashMismatch):
		service.NoteRefused(r, "hash differs")
		http.Error(w, err.Error(), http.StatusConflict)
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadGateway)
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(html))
	}
}

// buildError is the first error of err with the position it names.
func buildError(err error) preview.BuildError {
	for {
		j, ok := err.(interface{ Unwrap() []error })
		if !ok || len(j.Unwrap()) == 0 {
			break
		}
		err = j.Unwrap()[0]
	}
	if fe, ok := fileerr.As(err); ok {
		msg := err.Error()
		if fe.Err != nil {
			msg = fe.Err.Error()
		}
		return preview.BuildError{Message: msg, File: fe.File, Line: fe.Line, Col: fe.Col}
	}
	return preview.BuildError{Message: err.Error()}
}

// openBrowser opens url in the desktop's browser, if there is one.
func openBrowser(url string) {
	cmd := "xdg-open"
	switch runtime.GOOS {
	case "darwin":
		cmd = "open"
	case "windows":
		cmd = "explorer"
	}
	_ = exec.Command(cmd, url).Start()
}

// files says "1 file" or "n files".
func files(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
}
