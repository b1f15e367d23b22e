package preview

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkUpdateToReload measures the time from Update to the reload event
// reaching a connected client over HTTP, for sites of several sizes.
func BenchmarkUpdateToReload(b *testing.B) {
	for _, pages := range []int{100, 10000} {
		b.Run(strconv.Itoa(pages)+"pages", func(b *testing.B) {
			s, ts := startServer(b, ServerOptions{})
			files := make(map[string][]byte, pages)
			for i := range pages {
				files[fmt.Sprintf("p%d/index.html", i)] = []byte(strings.Repeat("x", 4096))
			}
			s.Update(files, nil)
			st := openStream(b, ts, "/p0/", currentVersion(s), "")
			changed := []string{"p0/index.html"}
			for b.Loop() {
				s.Update(files, changed)
				st.expect(b, "reload")
			}
		})
	}
}

// BenchmarkWriteToReload measures the preview's own share of the time from
// saving a file to the reload event reaching an open page: the watcher's
// batch, Update and the event stream. The caller's rebuild comes on top.
func BenchmarkWriteToReload(b *testing.B) {
	base := b.TempDir()
	name := filepath.Join(base, "content", "lesson.md")
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		b.Fatal(err)
	}
	w, err := NewWatcher(base, []string{"content"}, WatchOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	s, ts := startServer(b, ServerOptions{})
	files := map[string][]byte{"lesson/index.html": []byte("<body>lesson</body>")}
	s.Update(files, nil)
	st := openStream(b, ts, "/lesson/", currentVersion(s), "")
	changed := []string{"lesson/index.html"}
	for b.Loop() {
		if err := os.WriteFile(name, []byte("x"), 0o644); err != nil {
			b.Fatal(err)
		}
		<-w.Batches()
		s.Update(files, changed)
		st.expect(b, "reload")
	}
}
