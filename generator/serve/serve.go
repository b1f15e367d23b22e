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
	"github.com/snapdoc/snapdoc/runner"
)

// Options configure a preview.
type Options struct {
	// Source is the site's root directory.
	Source string
	// Addr is the address to listen on, such as 127.0.0.1:1313.
	Addr string
	// Drafts includes lessons marked draft.
	Drafts bool
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
}

// Run builds the site, serves it until ctx is done, and rebuilds it as its
// files change.
func Run(ctx context.Context, opts Options) error {
	if err := generator.CheckSource(opts.Source); err != nil {
		return err
	}
	if !runner.IsLoopback(opts.Addr) {
		fmt.Fprintf(opts.Stderr, "WARNING: serving on %s, beyond this machine: anyone who can reach it can run this site's requests, with your credentials\n", opts.Addr)
	}
	session := generator.NewSession(generator.Options{Source: opts.Source, Drafts: opts.Drafts, BaseURL: "/", Theme: opts.Theme, Logger: opts.Logger})
	defer session.Close()
	srv := preview.NewServer(preview.ServerOptions{})
	p := &previewer{stdout: opts.Stdout, stderr: opts.Stderr, session: session, srv: srv, navigate: opts.Navigate}
	p.rebuild(ctx, nil)

	w, err := preview.NewWatcher(opts.Source, []string{generator.ContentDir, "templates", generator.SnapshotDir, generator.ConfigFile}, preview.WatchOptions{Quiet: 2 * time.Millisecond})
	if err != nil {
		return err
	}
	defer w.Close()
	go func() {
		for batch := range w.Batches() {
			p.rebuild(ctx, batch)
		}
	}()

	mux := http.NewServeMux()
	mux.HandleFunc("POST /_snapdoc/run", p.run)
	mux.Handle("/", srv)
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
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	hs.RegisterOnShutdown(srv.Close)
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
}

func (p *previewer) rebuild(ctx context.Context, changed []string) {
	start := time.Now()
	p.mu.Lock()
	u, err := p.session.Update(ctx, changed)
	p.mu.Unlock()
	if err != nil {
		for _, line := range generator.ErrorLines(err) {
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

// run serves the Run and "Update snapshot" buttons: it runs a block the
// site declares and answers with its rendered output.
func (p *previewer) run(w http.ResponseWriter, r *http.Request) {
	var req struct {
		File   string `json:"file"`
		Block  string `json:"block"`
		Record bool   `json:"record"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&req); err != nil {
		http.Error(w, "want a JSON body {\"file\": ..., \"block\": ...}", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	html, err := p.session.RunBlock(r.Context(), req.File, req.Block, req.Record)
	p.mu.Unlock()
	switch {
	case errors.Is(err, generator.ErrUnknownBlock):
		http.Error(w, err.Error(), http.StatusNotFound)
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
	var ge *generator.Error
	if errors.As(err, &ge) {
		return preview.BuildError{Message: ge.Msg, File: ge.File, Line: ge.Line, Col: ge.Col}
	}
	var pe *runner.ParseError
	if errors.As(err, &pe) {
		return preview.BuildError{Message: pe.Msg, File: pe.Pos.File, Line: pe.Pos.Line, Col: pe.Pos.Col}
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
