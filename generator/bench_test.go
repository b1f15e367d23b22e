package generator_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/generator/sitegen"
	"github.com/snapdoc/snapdoc/templates"
)

// benchSizes are the site sizes the build benchmarks run at; -short
// keeps the smallest.
var benchSizes = []int{1000, 10000}

// benchSite writes a synthetic site of n lessons and records its
// snapshots against the embedded demo API, once per process.
func benchSite(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("snapdoc-bench-%d", n))
	if _, err := os.Stat(filepath.Join(dir, "snapshots")); err == nil {
		return dir
	}
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	if err := sitegen.Write(dir, n, sitegen.Options{Seed: 1, Config: true}); err != nil {
		b.Fatal(err)
	}
	if _, err := generator.Build(context.Background(), generator.Options{Source: dir, Theme: templates.FS}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkBuild is a cold build with --run replay: every page rendered
// and written into an empty destination.
func BenchmarkBuild(b *testing.B) {
	for _, n := range benchSizes {
		if testing.Short() && n > benchSizes[0] {
			continue
		}
		b.Run(fmt.Sprintf("lessons=%d", n), func(b *testing.B) {
			src := benchSite(b, n)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				dest := filepath.Join(b.TempDir(), "public")
				if _, err := generator.Build(context.Background(), generator.Options{Source: src, Dest: dest, Theme: templates.FS, Run: generator.RunReplay}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRebuildNoop is a build over an up-to-date destination, which
// must write nothing.
func BenchmarkRebuildNoop(b *testing.B) {
	for _, n := range benchSizes {
		if testing.Short() && n > benchSizes[0] {
			continue
		}
		b.Run(fmt.Sprintf("lessons=%d", n), func(b *testing.B) {
			src := benchSite(b, n)
			dest := filepath.Join(b.TempDir(), "public")
			opts := generator.Options{Source: src, Dest: dest, Theme: templates.FS, Run: generator.RunReplay}
			if _, err := generator.Build(context.Background(), opts); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				res, err := generator.Build(context.Background(), opts)
				if err != nil {
					b.Fatal(err)
				}
				if res.Written != 0 {
					b.Fatalf("a no-op rebuild wrote %d files", res.Written)
				}
			}
		})
	}
}
