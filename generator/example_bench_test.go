package generator

import (
	"bytes"
	"context"
	"testing"

	"github.com/snapdoc/snapdoc/templates"
)

// BenchmarkExample renders the example of an http block, as the lesson
// pages of a build do: its code in every language, highlighted, and its
// recorded output, through the theme's example partial.
func BenchmarkExample(b *testing.B) {
	opts := Options{Source: "testdata/render/site", Theme: templates.FS, Run: RunReplay}
	cfg, lessons, _, err := opts.content(NewMarkdown(), nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, _, err := runBlocks(context.Background(), &opts, lessons, opts.now()); err != nil {
		b.Fatal(err)
	}
	theme, err := opts.theme(&cfg)
	if err != nil {
		b.Fatal(err)
	}
	r := &builder{site: newSite(cfg, lessons), theme: theme, source: opts.Source}
	for _, l := range lessons {
		if l.Slug != "cache-basics" {
			continue
		}
		blk := l.Blocks[0]
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := r.writeExample(&buf, l, blk); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	b.Fatal("no cache-basics lesson")
}
