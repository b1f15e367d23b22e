package generator_test

import (
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/service"
	"github.com/snapdoc/snapdoc/templates"
)

// TestRemoteFailureInReaderTerms builds with a runner service whose route
// for the lesson's host is down: the warning names the request once, at
// its place, and the page says what failed as a reader sees the request,
// without the address the runner's machine dialled.
func TestRemoteFailureInReaderTerms(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	src := t.TempDir()
	writeSite(t, src, map[string]string{"content/remote.md": lesson("Remote", "x", "```http id=item\nGET https://api.test/item\n```")})
	cfg := generator.DefaultConfig()
	rn, err := runner.Open(runner.Config{Hosts: map[string]string{"api.test": "http://" + closed}}, "")
	if err != nil {
		t.Fatal(err)
	}
	svc := &service.Service{Runner: rn, Catalog: func(ref service.BlockRef) ([]*httpfile.Request, runner.RunOptions, error) {
		blocks, err := generator.LoadBlocks(os.DirFS(src), &cfg, ref.File)
		if err != nil {
			return nil, runner.RunOptions{}, err
		}
		for _, b := range blocks {
			if b.ID == ref.Block {
				return b.Requests, b.RunOptions(src, ref.File), nil
			}
		}
		return nil, runner.RunOptions{}, fmt.Errorf("%w", service.ErrUnknownBlock)
	}}
	srv := httptest.NewServer(svc.Handler())
	defer srv.Close()
	opts := generator.Options{Source: src, Theme: templates.FS, BaseURL: "https://docs.example.org/", Runner: generator.RemoteRunner(&service.Client{URL: srv.URL})}
	if _, err := generator.Build(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "block item has no snapshot, and could not be recorded") {
		t.Fatalf("build of a block that cannot be recorded: %v", err)
	}
	opts.KeepGoing = true
	res, err := generator.Build(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || res.Failed != 1 {
		t.Fatalf("warnings %v, %d failed", res.Warnings, res.Failed)
	}
	w := res.Warnings[0].Error()
	if !strings.HasPrefix(w, "content/remote.md:") || strings.Count(w, "content/remote.md") != 1 || !strings.Contains(w, "connection refused; block item is published as not recorded yet") {
		t.Errorf("warning %q", w)
	}
	page, err := os.ReadFile(filepath.Join(src, "public/remote/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "Not recorded yet: running it failed (connection refused by api.test).") || strings.Contains(string(page), "127.0.0.1") {
		t.Errorf("the page does not say the failure in a reader's terms:\n%s", page)
	}
}
