package generator

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sampleLessons returns the sample site's lessons (../content/*.md) by
// their paths from the site root, such as "content/etags.md".
func sampleLessons(tb testing.TB) map[string][]byte {
	tb.Helper()
	files, err := filepath.Glob("../content/*.md")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no sample lessons: %v", err)
	}
	srcs := map[string][]byte{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		srcs[ContentDir+"/"+filepath.Base(f)] = src
	}
	return srcs
}

// TestParseCache checks that a lesson taken from the parse cache, after
// a save and a reopen, is the lesson that parsing gives, and that a
// changed file or a damaged cache is parsed again.
func TestParseCache(t *testing.T) {
	root := t.TempDir()
	md := NewMarkdown()
	srcs := sampleLessons(t)
	// One with every fence option, and a front matter with repeats.
	srcs["content/options.md"] = []byte("---\ntitle: Options\ntags: [a, b, a]\nvars:\n  host: example.test\n---\n# Title\n\n## Step one\n\n```http id=first timeout=3s redact=header:ETag,body:id\nGET https://{{host}}/get\n```\n\n### Step two\n\n```http norun\nPOST https://example.test/post\n\n{\"a\": 1}\n```\n")

	fill := func(c *parseCache) {
		t.Helper()
		for file, src := range srcs {
			got, err := c.parse(file, src, md)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ParseLesson(file, src, md)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(emptyAsNil(got), emptyAsNil(want)) {
				t.Errorf("%s: from the cache:\n%+v\nparsed:\n%+v", file, got, want)
			}
		}
	}
	c := openParseCache(root)
	fill(c)
	if c.hits != 0 {
		t.Errorf("an empty cache had %d hits", c.hits)
	}
	if err := c.save(); err != nil {
		t.Fatal(err)
	}
	c = openParseCache(root)
	fill(c)
	if c.hits != len(srcs) {
		t.Errorf("a reopened cache had %d hits of %d lessons", c.hits, len(srcs))
	}

	// A changed file is parsed again.
	srcs["content/options.md"] = append(srcs["content/options.md"], "\nMore.\n"...)
	c = openParseCache(root)
	fill(c)
	if c.hits != len(srcs)-1 {
		t.Errorf("after one file changed: %d hits, want %d", c.hits, len(srcs)-1)
	}
	if err := c.save(); err != nil {
		t.Fatal(err)
	}

	// A damaged cache is an empty one.
	path := filepath.Join(root, filepath.FromSlash(parseCacheFile))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	c = openParseCache(root)
	fill(c)
	if c.hits != 0 {
		t.Errorf("a truncated cache had %d hits", c.hits)
	}
}

// FuzzParseLesson checks that parsing any file either fails with an error
// that names the file and a line, or gives a lesson that the parse cache
// encodes, decodes and gives back unchanged.
func FuzzParseLesson(f *testing.F) {
	// Small seeds: the fuzzer slows to a crawl on whole lessons.
	f.Add([]byte("---\ntitle: T\ndescription: D\ncategory: c\nlanguage: python\ntags: [a, b]\nupdated: 2025-01-02\nweight: 2\nslug: s/t\n---\nText *em* [l](u)[^1].\n\n[^1]: Note.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n"))
	f.Add([]byte("---\ntitle: T\ntags: []\nvars: {}\n---\n```http norun id=x\nGET /\n```\n"))
	f.Add([]byte("---\ntitle: T\n---\n## A\n### B\n```http\n```\n~~~http timeout=1s\nPOST http://x/\n~~~\n"))
	f.Add([]byte("---\ntitle: [\n---\n"))
	md := NewMarkdown()
	f.Fuzz(func(t *testing.T, src []byte) {
		const file = "content/fuzz.md"
		want, err := ParseLesson(file, src, md)
		if err != nil {
			if !strings.HasPrefix(err.Error(), file+":") {
				t.Fatalf("the error does not start with the file and line: %v", err)
			}
			return
		}
		var b bytes.Buffer
		if err := gob.NewEncoder(&b).Encode(parsed(want, len(src))); err != nil {
			t.Fatal(err)
		}
		var p parsedLesson
		if err := gob.NewDecoder(&b).Decode(&p); err != nil {
			t.Fatal(err)
		}
		got, err := p.lesson(file, src)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(emptyAsNil(got), emptyAsNil(want)) {
			t.Fatalf("from the cache:\n%+v\nparsed:\n%+v", got, want)
		}
		checkRenderedBody(t, md, want)
	})
}

// emptyAsNil makes the empty lists and maps of a lesson's front matter
// (its fields and the Meta they come from),
// and an empty body, nil, as the cache's encoding does: they mean the
// same. It drops the body rendered when the lesson was parsed, which the
// cache does not keep (TestRenderedBody checks that it makes no
// difference), and the text kept for the search index (see
// TestSearchTextFromCache).
func emptyAsNil(l *Lesson) *Lesson {
	c := *l
	c.body, c.search = nil, nil
	if len(c.src) == 0 {
		c.src = nil
	}
	if len(c.Tags) == 0 {
		c.Tags, c.meta.Tags = nil, nil
	}
	if len(c.Languages) == 0 {
		c.Languages, c.meta.Languages = nil, nil
	}
	if len(c.Vars) == 0 {
		c.Vars, c.meta.Vars = nil, nil
	}
	return &c
}

// FuzzCountWords checks that countWords counts as strings.Fields splits.
func FuzzCountWords(f *testing.F) {
	for _, s := range []string{"", " ", "a", " a  b\tc\n", "x\u00a0y\u2003z", "\xff \xfe", "é ü"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		if got, want := countWords(text), len(strings.Fields(string(text))); got != want {
			t.Fatalf("countWords(%q) = %d, want %d", text, got, want)
		}
	})
}

// TestRenderedBody checks that the body rendered when a lesson is parsed
// is the page body rendering it later makes, as for a lesson from the
// parse cache, http blocks included.
func TestRenderedBody(t *testing.T) {
	md := NewMarkdown()
	for f, src := range sampleLessons(t) {
		l, err := ParseLesson(f, src, md)
		if err != nil {
			t.Fatal(err)
		}
		checkRenderedBody(t, md, l)
	}
}

// checkRenderedBody renders l from the body its parse rendered and from
// its source, and fails if they differ.
func checkRenderedBody(t *testing.T, md *Markdown, l *Lesson) {
	t.Helper()
	if l.body == nil {
		t.Fatalf("%s: parsed without a rendered body", l.File)
	}
	render := func() string {
		var b strings.Builder
		err := md.render(&b, l, func(w io.Writer, b *Block) error {
			_, err := fmt.Fprintf(w, "<example of %s>", b.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	kept := render()
	body := l.body
	l.body = nil
	defer func() { l.body = body }()
	if again := render(); kept != again {
		t.Errorf("%s: the body kept from parsing\n%s\ndiffers from rendering it again\n%s", l.File, kept, again)
	}
	if n := strings.Count(kept, "<example of "); n != len(l.Blocks) {
		t.Errorf("%s: %d examples in the body, want %d", l.File, n, len(l.Blocks))
	}
}
