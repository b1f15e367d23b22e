package generator

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/generator/sitegen"
	"github.com/snapdoc/snapdoc/templates"
)

// BenchmarkLessonPage executes the default theme's lesson page, the chrome
// around a lesson's body, for the lessons of a synthetic site in turn.
func BenchmarkLessonPage(b *testing.B) {
	dir := b.TempDir()
	if err := sitegen.Write(dir, 1000, sitegen.Options{Seed: 1, Config: true}); err != nil {
		b.Fatal(err)
	}
	opts := Options{Source: dir, Theme: templates.FS}
	cfg, lessons, _, err := opts.content(NewMarkdown(), nil)
	if err != nil {
		b.Fatal(err)
	}
	theme, err := opts.theme(&cfg)
	if err != nil {
		b.Fatal(err)
	}
	site := newSite(cfg, lessons)
	body := template.HTML(strings.Repeat("<p>Prose of a lesson.</p>\n", 600))
	var buf bytes.Buffer
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l := site.Lessons[i%len(site.Lessons)]
		p := &Page{Site: site, Kind: "lesson", Title: l.Title, Description: l.Description, URL: l.URL(),
			Lesson: l, Body: body, Related: site.related(l, 3)}
		buf.Reset()
		if err := theme.Execute(&buf, "lesson.html", p); err != nil {
			b.Fatal(err)
		}
	}
}
