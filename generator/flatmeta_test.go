package generator

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/snapdoc/snapdoc/generator/sitegen"
)

// flatMetaSeeds are front matter texts at the edges of what
// decodeFlatMeta takes, most of which it must leave to yaml.v3.
var flatMetaSeeds = []string{
	"title: Plain title - with a dash, and a comma\n",
	"title: \"Quoted \\\"title\\\" with \\\\ a backslash\"\ntags: [a, \"b c\", d]\n",
	"title: x\ntags: []\nlanguages: [python, go]\n",
	"title: x\nupdated: 2025-02-28\ndraft: true\nweight: -12\n",
	"title: x\r\ncategory: http-caching\r\n",
	"title:   spaced   \n\n\nslug: my-slug\n",
	"title: x\nupdated: \"2025-02-28\"\n",
	"title: Ünïcödé — “quotes”\n",
	"title: What? Why! (a) [b] {c}, 50% off & C# | x > y * z ? w\n",
	"title: x\ntags: [c++, node.js, a_b, v1/v2, über]\n",
	"title: x\naliases: [/old/path/, /a.html, \"/q?\"]\n", "title: x\naliases:\n  - /old/\n",
	// For yaml.v3:
	"title: null\n", "title: ~\n", "title:\n", "title: 'single'\n",
	"title: a: b\n", "title: a #comment\n", "# comment\ntitle: x\n",
	"title: x\ntitle: y\n", "title: x\nunknown: y\n", "  title: x\n",
	"title: x\n  more\n", "title: \"a\\nb\"\n", "title: \"open\n",
	"title: x\ntags:\n  - a\n", "title: x\ntags: [a, [b]]\n", "title: x\ntags: [a:b]\n", "tags: [0?]\n",
	"title: x\ndraft: yes\n", "title: x\nweight: 010\n", "title: x\nweight: 0x1F\n",
	"title: x\nupdated: 2025-2-28\n", "title: x\nvars: {a: b}\n", "title: |\n  x\n",
	"title: &a x\n", "title: *a\n", "title: !!str x\n", "title: x\ttab\n", "title:x\n",
	"title: 1e3\n", "title: true\n", "title: 0o17\n", "title: .inf\n", "title: -x\n",
	"title: x\u2028y\n", "title: \ufeffx\n", "title: x\x00\n", "---\ntitle: x\n",
}

// FuzzFlatMeta checks that wherever decodeFlatMeta decodes front matter,
// yaml.v3 decodes it too, into the same Meta.
func FuzzFlatMeta(f *testing.F) {
	for _, s := range flatMetaSeeds {
		f.Add([]byte(s))
	}
	for name, src := range sampleLessons(f) {
		fm, _, _, err := splitFrontMatter(name, src)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(fm)
	}
	var buf bytes.Buffer
	for i := 1; i <= 3; i++ {
		buf.Reset()
		sitegen.Lesson(&buf, i, 1)
		fm, _, _, err := splitFrontMatter("lesson.md", buf.Bytes())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(fm)
	}
	f.Fuzz(func(t *testing.T, fm []byte) {
		got, ok := decodeFlatMeta(fm)
		if !ok {
			return
		}
		want, err := decodeYAMLMeta("lesson.md", fm, 2)
		if err != nil {
			t.Fatalf("decodeFlatMeta took front matter yaml.v3 rejects (%v):\n%s", err, fm)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("front matter:\n%s\ndecodeFlatMeta: %#v\nyaml.v3:        %#v", fm, got, want)
		}
	})
}

// TestFlatMetaTakesTheUsualForm checks that the front matter of the
// sample lessons without vars, and of generated ones, takes the fast way,
// and that what it must not take goes to yaml.v3.
func TestFlatMetaTakesTheUsualForm(t *testing.T) {
	var buf bytes.Buffer
	sitegen.Lesson(&buf, 7, 1)
	texts := map[string][]byte{"generated lesson": buf.Bytes()}
	for name, src := range sampleLessons(t) {
		if !bytes.Contains(src, []byte("\nvars:")) {
			texts[name] = src
		}
	}
	if len(texts) < 3 {
		t.Fatalf("only %d lessons to try", len(texts))
	}
	for name, src := range texts {
		fm, _, _, err := splitFrontMatter(name, src)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := decodeFlatMeta(fm); !ok {
			t.Errorf("%s: front matter not taken by decodeFlatMeta:\n%s", name, fm)
		}
	}
	for _, s := range []string{"title: null\n", "title: x\ntitle: y\n", "title: x\nunknown: y\n", "title: x\ndraft: yes\n", "title: a #comment\n", "title: x\nvars: {a: b}\n"} {
		if m, ok := decodeFlatMeta([]byte(s)); ok {
			t.Errorf("decodeFlatMeta took %q as %#v; yaml.v3 must decode it", s, m)
		}
	}
}
