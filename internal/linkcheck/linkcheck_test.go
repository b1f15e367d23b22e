package linkcheck

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"index.html": `<!doctype html>
<link rel="stylesheet" href="/docs/static/style.css">
<a href="/docs/my%20lesson/">ok</a> <a href="/docs/кэш/">ok, not escaped</a>
<a href="/docs/%D0%BA%D1%8D%D1%88/#intro">ok, escaped</a>
<a href="/docs/c#-basics/">broken: the fragment cuts the path</a>
<a href='/docs/missing/'>broken</a>
<!-- <a href="/docs/in-a-comment/"> -->
<script>document.write('<a href="/docs/in-a-script/">')</script>
<a href="https://example.org/elsewhere/">another site</a>
<a href="https://docs.example.org/docs/missing-too/">this site, absolute</a>
<a href="mailto:a@example.org">mail</a>
<a href="#top">broken: no such id</a> <a href="#here" id="here">ok</a>
<img
  src="img/a&amp;b.png">
<a href="/elsewhere/">outside the base</a>
<a href="/docs/my%20lesson/#nope">broken: no such id there</a>`,
		"my lesson/index.html": `<h2 id="x">x</h2><a href="../">up</a> <a href="../кэш">a directory</a>`,
		"кэш/index.html":       `<h2 id="intro">Intro</h2>`,
		"c#-basics/index.html": `basics`,
		"static/style.css":     `body {}`,
		"img/a&b.png":          `png`,
	})
	broken, err := Check(dir, "https://docs.example.org/docs/")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range broken {
		got = append(got, b.String())
	}
	want := []string{
		"index.html:5: /docs/c#-basics/: no file c",
		"index.html:6: /docs/missing/: no file missing/index.html",
		"index.html:10: https://docs.example.org/docs/missing-too/: no file missing-too/index.html",
		"index.html:12: #top: no id top in index.html",
		"index.html:15: /elsewhere/: outside the site's base path /docs/",
		"index.html:16: /docs/my%20lesson/#nope: no id nope in my lesson/index.html",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Check:\n%s\nwant:\n%s", join(got), join(want))
	}
}

func join(s []string) string {
	out := ""
	for _, l := range s {
		out += "\t" + l + "\n"
	}
	return out
}
