package generator

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/generator/sitegen"
)

// discardSink counts the bytes written to it.
type discardSink struct{ bytes, files int }

func (d *discardSink) write(_ string, data []byte) error {
	d.bytes += len(data)
	d.files++
	return nil
}

// BenchmarkSearchIndex times making the search index of a synthetic site
// (its lessons loaded and parsed once, outside the loop), to compare with
// BenchmarkBuild of the same size: the index is one job of a build's
// render. -short keeps 1k lessons.
func BenchmarkSearchIndex(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		if testing.Short() && n > 1000 {
			continue
		}
		b.Run(fmt.Sprintf("lessons=%d", n), func(b *testing.B) {
			src := filepath.Join(b.TempDir(), "site")
			if err := sitegen.Write(src, n, sitegen.Options{Seed: 1, Config: true}); err != nil {
				b.Fatal(err)
			}
			md := NewMarkdown()
			opts := Options{Source: src}
			cfg, lessons, _, err := opts.content(md, &phases{log: slog.New(slog.DiscardHandler), start: time.Now(), last: time.Now()})
			if err != nil {
				b.Fatal(err)
			}
			out := &discardSink{}
			r := &builder{site: newSite(cfg, lessons), md: md, out: out}
			// Each op starts from lessons as a cold build parses them,
			// with the text their parse kept.
			texts := make([]*searchText, len(lessons))
			for i, l := range lessons {
				texts[i] = l.search
			}
			b.ReportAllocs()
			for b.Loop() {
				*out = discardSink{}
				for i, l := range lessons {
					l.search = texts[i]
				}
				if err := r.searchIndex(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(out.bytes), "index-B")
			b.ReportMetric(float64(out.files), "index-files")
		})
	}
}
