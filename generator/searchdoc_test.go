package generator

import (
	"reflect"
	"strings"
	"testing"
)

// TestSearchTextFromCache checks that the text a lesson's parse keeps for
// the search index is the text parsing it again gives, as for a lesson
// from the parse cache.
func TestSearchTextFromCache(t *testing.T) {
	md := NewMarkdown()
	for f, src := range sampleLessons(t) {
		l, err := ParseLesson(f, src, md)
		if err != nil {
			t.Fatal(err)
		}
		if l.search == nil {
			t.Fatalf("%s: parsed without search text", f)
		}
		if text, code := l.search.strings(l); text == "" || len(l.search.headings) == 0 || code == "" {
			t.Fatalf("%s: parsed with search text %+v", f, l.search)
		}
		if again := md.searchText(l); !reflect.DeepEqual(again, l.search) {
			t.Errorf("%s: search text from the parse\n%+v\nparsed again\n%+v", f, l.search, again)
		}
	}
}

// TestSearchText checks what the index holds of a body: headings apart,
// code blocks (http ones too) as code, prose and inline code as text,
// raw HTML left out as the page leaves it out.
func TestSearchText(t *testing.T) {
	src := "---\ntitle: T\ndescription: The description.\n---\nIntro with `max-age` and *emphasis*\nover two lines.\n\n## First <b>step</b>\n\n| a | b |\n|---|---|\n| one | two |\n\n<div>raw block</div>\n\n```http\nGET https://example.test/\n```\n\n    indented code\n"
	l, err := ParseLesson("content/t.md", []byte(src), NewMarkdown())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"First step"}; !reflect.DeepEqual(l.search.headings, want) {
		t.Errorf("headings %q, want %q", l.search.headings, want)
	}
	text, code := l.search.strings(l)
	if want := "The description. Intro with max-age and emphasis over two lines. a b one two"; text != want {
		t.Errorf("text %q\nwant %q", text, want)
	}
	if !strings.Contains(code, "GET https://example.test/") || !strings.Contains(code, "indented code") {
		t.Errorf("code %q", code)
	}
}
