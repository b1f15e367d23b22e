package serve_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/generator/serve"
	"github.com/snapdoc/snapdoc/generator/sitegen"
	"github.com/snapdoc/snapdoc/templates"
)

// BenchmarkEditToReload measures what an author waits for: from saving a
// lesson to the reload event reaching the open page, on sites of 100 and
// 10,000 lessons (-short keeps the small one).
func BenchmarkEditToReload(b *testing.B) {
	for _, n := range []int{100, 10000} {
		if testing.Short() && n > 100 {
			continue
		}
		b.Run(fmt.Sprintf("lessons=%d", n), func(b *testing.B) {
			dir := filepath.Join(os.TempDir(), fmt.Sprintf("snapdoc-serve-bench-%d", n))
			if _, err := os.Stat(filepath.Join(dir, "snapshots")); err != nil {
				os.RemoveAll(dir)
				if err := sitegen.Write(dir, n, sitegen.Options{Seed: 1, Config: true}); err != nil {
					b.Fatal(err)
				}
				// Record the snapshots once, as a committed site has them.
				if _, err := generator.Build(context.Background(), generator.Options{Source: dir, Theme: templates.FS}); err != nil {
					b.Fatal(err)
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ready := make(chan string, 1)
			var log strings.Builder
			defer func() { b.Log(lastLine(log.String())) }()
			go serve.Run(ctx, serve.Options{Source: dir, Addr: "127.0.0.1:0", Theme: templates.FS, Stdout: &syncWriter{w: &log}, Stderr: io.Discard, Ready: func(u string) { ready <- u }})
			url := <-ready
			file := filepath.Join(dir, sitegen.LessonFile(1))
			original, err := os.ReadFile(file)
			if err != nil {
				b.Fatal(err)
			}
			defer os.WriteFile(file, original, 0o644)
			// Listen as the lesson's open page does.
			resp, err := http.Get(url + "_snapdoc/events?path=/lesson-00001/")
			if err != nil {
				b.Fatal(err)
			}
			defer resp.Body.Close()
			events := make(chan string, 16)
			go func() {
				sc := bufio.NewScanner(resp.Body)
				for sc.Scan() {
					if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
						events <- ev
					}
				}
			}()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				edited := strings.Replace(string(original), "\n## ", fmt.Sprintf("\nEdit %d.\n\n## ", i), 1)
				if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
					b.Fatal(err)
				}
				timeout := time.After(30 * time.Second)
			wait:
				for {
					select {
					case ev := <-events:
						if ev == "reload" {
							break wait
						}
					case <-timeout:
						b.Fatal("no reload event within 30s")
					}
				}
			}
		})
	}
}

// syncWriter serialises writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
