package runner

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/redact"
)

// TestOpenBlockDemonstratesCaching runs the sample caching lesson's block
// against the embedded demo API: the second GET of a max-age resource is
// a cache hit, and an ETag resource is revalidated with a 304.
func TestOpenBlockDemonstratesCaching(t *testing.T) {
	r, err := Open(Config{Hosts: map[string]string{"httpbin.org": Embedded}}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	get := func(url string) *httpfile.Request { return &httpfile.Request{Method: "GET", URL: url} }
	block := []*httpfile.Request{
		get("https://httpbin.org/cache/60"), get("https://httpbin.org/cache/60"),
		get("https://httpbin.org/etag/v1"), get("https://httpbin.org/etag/v1"),
	}
	ex, err := r.Run(context.Background(), block, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		status int
		cache  string
	}{{200, "miss"}, {200, "hit"}, {200, "miss"}, {200, "revalidated"}}
	for i, w := range want {
		if ex[i].Status != w.status || ex[i].Cache != w.cache {
			t.Errorf("request %d: %d %s (Cache-Status %q), want %d %s", i+1, ex[i].Status, ex[i].Cache, ex[i].CacheStatus, w.status, w.cache)
		}
	}
	// A second block has its own private cache, but the shared one
	// answers the max-age resource without the network.
	ex, err = r.Run(context.Background(), block[:1], RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ex[0].Cache != "miss" {
		t.Errorf("the next block's first request is %s; its private cache is fresh, so want miss", ex[0].Cache)
	}
	if !strings.HasPrefix(ex[0].CacheStatus, "snapdoc-shared; hit") {
		t.Errorf("Cache-Status %q: want a hit in the shared cache", ex[0].CacheStatus)
	}
}

// TestOpenSharedCachePersists checks that the shared cache in a directory
// answers a second runner, as the next build would be.
func TestOpenSharedCachePersists(t *testing.T) {
	dir := t.TempDir()
	block := []*httpfile.Request{{Method: "GET", URL: "https://httpbin.org/cache/60"}}
	for i, want := range []string{"snapdoc-shared; fwd=uri-miss", "snapdoc-shared; hit"} {
		r, err := Open(Config{Hosts: map[string]string{"httpbin.org": Embedded}}, dir)
		if err != nil {
			t.Fatal(err)
		}
		ex, err := r.Run(context.Background(), block, RunOptions{})
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(ex[0].CacheStatus, want) {
			t.Errorf("run %d: Cache-Status %q, want it to start with %q", i+1, ex[0].CacheStatus, want)
		}
	}
}

// TestOpenWarnsWhenSharedCacheCannotStore makes every entry file of the
// shared cache impossible to write: the block still runs, and the logger
// hears once why the next build will miss, naming no request.
func TestOpenWarnsWhenSharedCacheCannotStore(t *testing.T) {
	dir := t.TempDir()
	// The disk store keeps an entry under a directory named by its hash's
	// first byte; a file in each such place stops every write.
	for i := range 256 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02x", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var log bytes.Buffer
	r, err := Open(Config{
		Hosts:  map[string]string{"httpbin.org": Embedded},
		Logger: slog.New(slog.NewTextHandler(&log, nil)),
	}, dir)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := r.Run(context.Background(), []*httpfile.Request{{Method: "GET", URL: "https://httpbin.org/cache/60?key=k3y-in-the-url"}}, RunOptions{})
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	if ex[0].Status != 200 {
		t.Errorf("status %d, want 200: a cache that cannot store must not fail the request", ex[0].Status)
	}
	if n := strings.Count(log.String(), "level=WARN msg=\"httpcache: cannot "); n != 1 {
		t.Errorf("log %q: want one warning that the shared cache failed, got %d", log.String(), n)
	}
	if strings.Contains(log.String(), "k3y-in-the-url") {
		t.Errorf("the request reached the log: %s", log.String())
	}
}

// TestOpenKeepsSecretsOutOfTheSharedCache runs requests that carry a
// secret, and one whose response holds a secret field, through a shared
// cache on disk: no file under it holds the secrets in any form, and the
// block's own cache still answers its second request.
func TestOpenKeepsSecretsOutOfTheSharedCache(t *testing.T) {
	dir := t.TempDir()
	const secret = "s3cr+t/V4lue="
	fields, _ := redact.Parse([]string{"body:args.session"})
	r, err := Open(Config{
		Hosts:  map[string]string{"httpbin.org": Embedded},
		Redact: fields,
		Getenv: func(string) (string, bool) { return secret, true },
	}, dir)
	if err != nil {
		t.Fatal(err)
	}
	block := []*httpfile.Request{
		{Method: "GET", URL: "https://httpbin.org/cache/60?key=" + httpfile.EnvRef("KEY")},
		{Method: "GET", URL: "https://httpbin.org/cache/60?key=" + httpfile.EnvRef("KEY")},
		{Method: "GET", URL: "https://httpbin.org/cache/60", Headers: []httpfile.Header{{Name: "Authorization", Value: "Bearer " + httpfile.EnvRef("KEY")}}},
		{Method: "GET", URL: "https://httpbin.org/cache/60?session=sess-0123456789"},
		{Method: "GET", URL: "https://httpbin.org/cache/60?plain=1"},
	}
	ex, err := r.Run(context.Background(), block, RunOptions{})
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	if ex[1].Cache != "hit" {
		t.Errorf("second request: cache %s, want a hit from the block's own cache", ex[1].Cache)
	}
	var files int
	// A redactor that knows both secrets finds them in every form it
	// searches for: raw, percent-encoded, base64 and JSON-escaped.
	red := redact.New(redact.Redactions{})
	red.AddSecret("SECRET", secret)
	red.AddSecret("SESSION", "sess-0123456789")
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(p)
		if !bytes.Equal(red.Bytes(data), data) {
			t.Errorf("%s holds a secret in some form: %q", p, data)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if files != 1 {
		t.Errorf("the shared cache holds %d files, want 1: the request without a secret", files)
	}
}
