package generator_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/generator/sitegen"
	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/service"
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
	t.Setenv("REMOTE_TOKEN", "") // the build's own environment has no token
	res, err := generator.Build(context.Background(), generator.Options{
		Source: src, Theme: templates.FS, BaseURL: "https://docs.example.org/",
		Runner: generator.RemoteRunner(&service.Client{URL: srv.URL}),
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

// BenchmarkBuildRemoteRunner builds a generated site of 2,000 lessons,
// one request each to a loopback origin, from scratch: once with the
// blocks run in process, once through a runner service on 127.0.0.1 with
// a token, as build --runner does. It reports both times and their
// ratio, and fails unless every block ran and every snapshot was
// written, with no failed block.
func BenchmarkBuildRemoteRunner(b *testing.B) {
	const n = 2000
	var hits atomic.Int64
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintf(w, "{\"path\": %q, \"query\": %q}\n", r.URL.Path, r.URL.RawQuery)
	}))
	defer origin.Close()
	dir := b.TempDir()
	if err := sitegen.Write(dir, n, sitegen.Options{Seed: 1}); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "snapdoc.yaml"), []byte("runner:\n  hosts:\n    httpbin.org: "+origin.URL+"\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg, err := generator.LoadConfig(os.DirFS(dir))
	if err != nil {
		b.Fatal(err)
	}
	rn, err := generator.OpenRunner(&cfg, dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer rn.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	svc := &service.Service{Runner: rn, Catalog: generator.SiteCatalog(dir, &cfg, false), Access: service.Access{Addr: l.Addr().String(), Token: "bench-token"}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Serve(ctx, l, time.Second) }()
	defer func() { cancel(); <-done }()
	client := &service.Client{URL: "http://" + l.Addr().String(), Token: "bench-token"}

	build := func(remote bool) time.Duration {
		for _, d := range []string{"snapshots", "public", ".snapdoc/builds", ".snapdoc/lessons.gob"} {
			if err := os.RemoveAll(filepath.Join(dir, d)); err != nil {
				b.Fatal(err)
			}
		}
		opts := generator.Options{Source: dir, Theme: templates.FS}
		if remote {
			opts.Runner = generator.RemoteRunner(client)
		}
		before := hits.Load()
		start := time.Now()
		res, err := generator.Build(context.Background(), opts)
		took := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		snaps, _ := filepath.Glob(filepath.Join(dir, "snapshots", "*.snap"))
		if res.Run != n || res.Failed != 0 || len(res.Warnings) != 0 || len(snaps) != n || hits.Load()-before != n {
			b.Fatalf("remote %v: %d run, %d failed, %d warnings (%v), %d snapshots, %d requests at the origin", remote, res.Run, res.Failed, len(res.Warnings), res.Warnings, len(snaps), hits.Load()-before)
		}
		return took
	}
	var local, remote time.Duration
	for b.Loop() {
		local += build(false)
		remote += build(true)
	}
	b.ReportMetric(local.Seconds()/float64(b.N), "local-s/op")
	b.ReportMetric(remote.Seconds()/float64(b.N), "remote-s/op")
	b.ReportMetric(remote.Seconds()/local.Seconds(), "remote/local")
}
