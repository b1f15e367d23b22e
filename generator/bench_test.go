package generator_test

import (
	"bytes"
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
	if _, err := os.Stat(filepath.Join(dir, "snapshots")); err != nil {
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
		if err := sitegen.Write(dir, n, sitegen.Options{Seed: 1, Config: true}); err != nil {
			b.Fatal(err)
		}
		if _, err := generator.Build(context.Background(), generator.Options{Source: dir, Theme: templates.FS}); err != nil {
			b.Fatal(err)
		}
	}
	ageSite(b, dir)
	return dir
}

// forSites runs bench as a sub-benchmark per site size (the smallest only
// under -short), with the site's root.
func forSites(b *testing.B, bench func(b *testing.B, n int, src string)) {
	for _, n := range benchSizes {
		if testing.Short() && n > benchSizes[0] {
			continue
		}
		b.Run(fmt.Sprintf("lessons=%d", n), func(b *testing.B) { bench(b, n, benchSite(b, n)) })
	}
}

// BenchmarkBuild is a cold build with --run replay: no caches, every
// lesson parsed, every page rendered and written into an empty
// destination.
func BenchmarkBuild(b *testing.B) {
	forSites(b, func(b *testing.B, _ int, src string) {
		b.ReportAllocs()
		for b.Loop() {
			if err := os.RemoveAll(filepath.Join(src, ".snapdoc", "builds")); err != nil {
				b.Fatal(err)
			}
			if err := os.RemoveAll(filepath.Join(src, ".snapdoc", "lessons.gob")); err != nil {
				b.Fatal(err)
			}
			dest := filepath.Join(b.TempDir(), "public")
			if _, err := generator.Build(context.Background(), generator.Options{Source: src, Dest: dest, Theme: templates.FS, Run: generator.RunReplay}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRebuildNoop is a build over an up-to-date destination from
// inputs that have not changed: it must find that out, and write nothing.
func BenchmarkRebuildNoop(b *testing.B) {
	forSites(b, func(b *testing.B, _ int, src string) {
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
			if res.Written != 0 || !res.UpToDate {
				b.Fatalf("a no-op rebuild wrote %d files (up to date: %v)", res.Written, res.UpToDate)
			}
		}
	})
}

// BenchmarkRebuildOneLesson is a build over an up-to-date destination
// after one lesson's body changed: every lesson is loaded, one page is
// rendered and written, the others are kept.
func BenchmarkRebuildOneLesson(b *testing.B) {
	forSites(b, func(b *testing.B, n int, src string) {
		file := filepath.Join(src, filepath.FromSlash(sitegen.LessonFile(n/2)))
		orig, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		fi, err := os.Stat(file)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			_ = os.WriteFile(file, orig, 0o644)
			_ = os.Chtimes(file, fi.ModTime(), fi.ModTime())
		})
		// Each edit has as many words as the others, so the lesson's
		// reading time, which other pages show, stays the same.
		edit := func(i int) {
			if err := os.WriteFile(file, fmt.Appendf(bytes.Clone(orig), "\nEdit %d.\n", i), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		edit(-1)
		dest := filepath.Join(b.TempDir(), "public")
		opts := generator.Options{Source: src, Dest: dest, Theme: templates.FS, Run: generator.RunReplay}
		if _, err := generator.Build(context.Background(), opts); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			edit(i)
			res, err := generator.Build(context.Background(), opts)
			if err != nil {
				b.Fatal(err)
			}
			if res.Written != 1 || res.Kept != res.Pages-1 {
				b.Fatalf("editing one lesson wrote %d files and kept %d of %d pages", res.Written, res.Kept, res.Pages)
			}
		}
	})
}
