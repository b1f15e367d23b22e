package generator_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/templates"
)

func TestReadersMayRun(t *testing.T) {
	cfg := generator.DefaultConfig()
	fsys := map[string]string{
		"content/a.md": "---\ntitle: A\n---\n\n" +
			"```http id=get\nGET https://api.test/a\n###\nHEAD https://api.test/a\n###\nOPTIONS https://api.test/a\n```\n\n" +
			"```http id=post\nGET https://api.test/a\n###\nPOST https://api.test/a\n```\n\n" +
			"```http id=posttry try\nDELETE https://api.test/a\n```\n\n" +
			"```http id=notry notry\nGET https://api.test/a\n```\n\n" +
			"```http id=norun norun\nGET https://api.test/a\n```\n\n" +
			"```http id=secret\nGET https://api.test/a?key={{$env KEY}}\n```\n",
	}
	dir := t.TempDir()
	for name, text := range fsys {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
	}
	blocks, err := generator.LoadBlocks(os.DirFS(dir), &cfg, "content/a.md")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"get": true, "post": false, "posttry": true, "notry": false, "norun": false, "secret": false}
	for _, b := range blocks {
		if got := b.ReadersMayRun(); got != want[b.ID] {
			t.Errorf("block %s: ReadersMayRun = %v, want %v", b.ID, got, want[b.ID])
		}
	}
}

// TestTryConnectSrc checks that a theme's Content-Security-Policy, written
// with the page's ConnectSrc, lets a page with a Run button reach the
// runner's origin, and no other page any.
func TestTryConnectSrc(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"snapdoc.yaml":                 "try:\n  runner: https://run.example.org/api/\n",
		"content/get.md":               "---\ntitle: Get\n---\n\n```http id=get norun\nGET https://api.test/a\n```\n\n```http id=get2 norun\nGET https://api.test/b\n```\n",
		"content/none.md":              "---\ntitle: None\n---\n\nText.\n",
		"templates/partials/csp.html":  "{{define \"csp\"}}<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; connect-src {{.ConnectSrc}}\">{{end}}",
		"templates/partials/head.html": "{{define \"head\"}}<meta charset=\"utf-8\">{{template \"csp\" .}}<title>{{.Title}}</title>{{template \"try-head\" .}}{{end}}",
	} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
	}
	// norun blocks: nothing to run at build time, and no Run button.
	if _, err := generator.Build(context.Background(), generator.Options{Source: dir, Theme: templates.FS}); err != nil {
		t.Fatal(err)
	}
	page := func(p string) string {
		b, err := os.ReadFile(filepath.Join(dir, "public", p))
		if err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(string(b), "&#39;", "'")
	}
	if got := page("get/index.html"); !strings.Contains(got, "connect-src 'self'\"") || strings.Contains(got, "run.example.org") {
		t.Errorf("a page whose blocks are norun: %s", got)
	}
	os.WriteFile(filepath.Join(dir, "content/get.md"), []byte("---\ntitle: Get\n---\n\n```http id=get\nGET https://httpbin.org/get\n```\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "snapdoc.yaml"), []byte("try:\n  runner: https://run.example.org/api/\nrunner:\n  hosts:\n    httpbin.org: embedded\n"), 0o644)
	if _, err := generator.Build(context.Background(), generator.Options{Source: dir, Theme: templates.FS}); err != nil {
		t.Fatal(err)
	}
	got := page("get/index.html")
	if !strings.Contains(got, "connect-src 'self' https://run.example.org\"") {
		t.Errorf("the page with a Run button does not allow exactly the runner's origin:\n%s", got)
	}
	if !strings.Contains(got, `content="https://run.example.org/api"`) {
		t.Errorf("the runner URL is not on the page")
	}
	if got := page("none/index.html"); strings.Contains(got, "run.example.org") || strings.Contains(got, "try.js") {
		t.Errorf("a page without blocks names the runner: %s", got)
	}
}
