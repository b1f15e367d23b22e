package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/snapdoc/snapdoc/generator/sitegen"
)

// writeHugoSite writes a Hugo site over the same n lessons as the snapdoc
// site: the same Markdown files, a config with the tags and category
// taxonomies, and a minimal theme of its own (baseof, single, list and
// home layouts) that renders every lesson with its table of contents,
// tags and highlighted code. It is less than the default snapdoc theme
// does, which flatters Hugo.
func writeHugoSite(dir string, n int, seed uint64) error {
	if err := sitegen.Write(dir, n, sitegen.Options{Seed: seed}); err != nil {
		return err
	}
	for name, text := range hugoFiles {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(strings.TrimLeft(text, "\n")), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// hugoFiles are the Hugo site's files besides its content.
var hugoFiles = map[string]string{
	"hugo.toml": `
baseURL = "https://example.org/"
title = "Synthetic API Tutorials"
languageCode = "en"

[taxonomies]
  tag = "tags"
  category = "category"

[frontmatter]
  date = ["updated", ":default"]
  lastmod = ["updated", ":default"]

[markup.highlight]
  noClasses = false
`,
	"layouts/_default/baseof.html": `
<!doctype html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ .Site.Title }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="canonical" href="{{ .Permalink }}">
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer>{{ .Site.Title }}</footer>
</body>
</html>
`,
	"layouts/_default/single.html": `
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ range .GetTerms "category" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .TableOfContents }}
{{ .Content }}
<ul class="tags">{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>
{{ end }}
`,
	"layouts/_default/list.html": `
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ end }}
`,
	"layouts/index.html": `
{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
<ul>{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Description }}</li>{{ end }}</ul>
{{ end }}
`,
}

// checkHugoOutput fails unless Hugo wrote a page for each of the n
// lessons, and the tag and category pages.
func checkHugoOutput(dest string, n int) error {
	for i := 1; i <= n; i++ {
		name := strings.TrimSuffix(filepath.Base(sitegen.LessonFile(i)), ".md")
		if _, err := os.Stat(filepath.Join(dest, name, "index.html")); err != nil {
			return fmt.Errorf("hugo did not render lesson %d: %w", i, err)
		}
	}
	for _, p := range []string{"index.html", "tags/index.html", "category/index.html"} {
		if _, err := os.Stat(filepath.Join(dest, p)); err != nil {
			return fmt.Errorf("hugo did not render %s: %w", p, err)
		}
	}
	return nil
}
