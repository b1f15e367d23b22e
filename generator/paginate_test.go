package generator_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/templates"
)

// TestPagination checks that long tag and category lists are split into
// linked pages, that the home page shows the newest of each category, and
// that pages a shorter list no longer needs go away, in a build and in
// the preview session.
func TestPagination(t *testing.T) {
	src := t.TempDir()
	files := map[string]string{"snapdoc.yaml": "paginate: 2\n"}
	for i := 1; i <= 7; i++ {
		files[fmt.Sprintf("content/l%d.md", i)] = fmt.Sprintf("---\ntitle: L%d\ncategory: guides\ntags: [x]\nupdated: 2025-01-%02d\n---\nText.\n", i, i)
	}
	writeSite(t, src, files)
	build := func() {
		t.Helper()
		if _, err := generator.Build(context.Background(), generator.Options{Source: src, Theme: templates.FS}); err != nil {
			t.Fatal(err)
		}
	}
	read := func(name string) string {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(src, "public", filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	cards := regexp.MustCompile(`<h3><a href="/(l\d)/">`)
	listed := func(page string) string {
		var s []string
		for _, m := range cards.FindAllStringSubmatch(page, -1) {
			s = append(s, m[1])
		}
		return strings.Join(s, " ")
	}
	build()
	for _, tc := range []struct{ page, lessons, prev, next string }{
		{"tags/x/index.html", "l7 l6", "", "/tags/x/page/2/"},
		{"tags/x/page/2/index.html", "l5 l4", "/tags/x/", "/tags/x/page/3/"},
		{"tags/x/page/4/index.html", "l1", "/tags/x/page/3/", ""},
		{"categories/guides/page/3/index.html", "l3 l2", "/categories/guides/page/2/", "/categories/guides/page/4/"},
	} {
		page := read(tc.page)
		if got := listed(page); got != tc.lessons {
			t.Errorf("%s lists %q, want %q", tc.page, got, tc.lessons)
		}
		for rel, want := range map[string]string{"prev": tc.prev, "next": tc.next} {
			m := regexp.MustCompile(`rel="` + rel + `" href="([^"]*)"`).FindStringSubmatch(page)
			if got := ""; m != nil {
				got = m[1]
				if got != want {
					t.Errorf("%s: rel=%s links to %q, want %q", tc.page, rel, got, want)
				}
			} else if want != "" {
				t.Errorf("%s: no rel=%s link, want one to %q", tc.page, rel, want)
			}
		}
		if !strings.Contains(page, "7 lessons") {
			t.Errorf("%s does not count every lesson of the list", tc.page)
		}
		if n := strings.Count(tc.page, "/"); n > 2 && !strings.Contains(page, " (page ") {
			t.Errorf("%s does not say its number in its title", tc.page)
		}
	}
	home := read("index.html")
	if got := listed(home); got != "l7 l6 l5 l4 l3 l2" {
		t.Errorf("the home page lists %q, want the newest six", got)
	}
	if !strings.Contains(home, `<a href="/categories/guides/">All 7 guides lessons →</a>`) {
		t.Errorf("the home page does not link to the whole category")
	}

	// A shorter list leaves no page behind, in the preview either.
	s := generator.NewSession(generator.Options{Source: src, Theme: templates.FS})
	defer s.Close()
	if _, err := s.Update(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	for i := 3; i <= 7; i++ {
		if err := os.Remove(filepath.Join(src, fmt.Sprintf("content/l%d.md", i))); err != nil {
			t.Fatal(err)
		}
	}
	u, err := s.Update(context.Background(), []string{"content/l3.md", "content/l4.md", "content/l5.md", "content/l6.md", "content/l7.md"})
	if err != nil {
		t.Fatal(err)
	}
	for name := range u.Files {
		if strings.Contains(name, "/page/") {
			t.Errorf("the preview still serves %s", name)
		}
	}
	build()
	if m, _ := filepath.Glob(filepath.Join(src, "public/tags/x/page")); len(m) != 0 {
		t.Errorf("the build left %v", m)
	}
	if got := listed(read("tags/x/index.html")); got != "l2 l1" {
		t.Errorf("tags/x/ lists %q, want l2 l1", got)
	}

	writeSite(t, src, map[string]string{"snapdoc.yaml": "title: T\npaginate: -1\n"})
	_, err = generator.Build(context.Background(), generator.Options{Source: src, Theme: templates.FS})
	if err == nil || !strings.Contains(err.Error(), "snapdoc.yaml:2:") {
		t.Errorf("a negative paginate gave %v, want an error at snapdoc.yaml:2", err)
	}
}
