package generator_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/templates"
)

// TestBuildWithRemoteRunner builds a site whose blocks run on a runner
// service that alone holds the secret.
func TestBuildWithRemoteRunner(t *testing.T) {
	src := t.TempDir()
	lesson := "---\ntitle: Remote\n---\n\n```http id=who\nGET https://httpbin.org/bearer\nAuthorization: Bearer {{$env REMOTE_TOKEN}}\n```\n"
	if err := os.MkdirAll(filepath.Join(src, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "content/remote.md"), []byte(lesson), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := generator.DefaultConfig()
	rn, err := runner.Open(runner.Config{
		Hosts:  map[string]string{"httpbin.org": runner.Embedded},
		Getenv: func(name string) (string, bool) { return "only-on-the-runner", name == "REMOTE_TOKEN" },
	}, "")
	if err != nil {
		t.Fatal(err)
	}
	svc := &runner.Service{Runner: rn, Catalog: func(ref runner.BlockRef) ([]*runner.Request, runner.RunOptions, error) {
		blocks, err := generator.LoadBlocks(os.DirFS(src), &cfg, ref.File)
		if err != nil {
			return nil, runner.RunOptions{}, err
		}
		for _, b := range blocks {
			if b.ID == ref.Block {
				return b.Requests, b.RunOptions(src, ref.File), nil
			}
		}
		return nil, runner.RunOptions{}, fmt.Errorf("%w", runner.ErrUnknownBlock)
	}}
	srv := httptest.NewServer(svc.Handler())
	defer srv.Close()
	t.Setenv("REMOTE_TOKEN", "") // the build's own environment has no token
	res, err := generator.Build(context.Background(), generator.Options{
		Source: src, Theme: templates.FS,
		Runner: generator.RemoteRunner(&runner.Client{URL: srv.URL}),
	})
	if err != nil || res.Run != 1 || len(res.Warnings) != 0 {
		t.Fatalf("build: %v, %+v", err, res)
	}
	page, err := os.ReadFile(filepath.Join(src, "public/remote/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := os.ReadFile(filepath.Join(src, "snapshots/remote.snap"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(snap), "status 200") || !strings.Contains(string(page), "200 OK") {
		t.Errorf("the remote run did not authenticate:\n%s", snap)
	}
	if strings.Contains(string(snap)+string(page), "only-on-the-runner") {
		t.Errorf("the runner's secret reached the snapshot or the page")
	}
}
