package generator

import (
	"reflect"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
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

// TestFields checks fields against what it stands for, strings.Fields
// joined by spaces, on Unicode's white space and invalid UTF-8.
func TestFields(t *testing.T) {
	for _, s := range []string{
		"", " ", "a", "  a  b\t\nc ", "x\u00a0y\u0085z\u2003w", "\xff \xfe\xfd  é\u3000ü", "a\v\fb\r",
		"one  two   three", "\u00a0lead", "trail\u2028",
	} {
		want := strings.Join(strings.Fields(s), " ")
		if got := string(fields([]byte(s))); got != want {
			t.Errorf("fields(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestSearchTextCode checks that the code a searchText puts together is
// the code blocks' text as the page shows it, tabs expanded inside a list
// item's block too.
func TestSearchTextCode(t *testing.T) {
	src := "---\ntitle: T\n---\n- item\n\n  ```sh\n\tcurl -s \\\n\t  https://example.test/\n  ```\n\n- two\n\n\t\ttabbed code\n\n```\nplain\n```\n"
	md := NewMarkdown()
	l, err := ParseLesson("content/t.md", []byte(src), md)
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	doc := md.md.Parser().Parse(text.NewReader(l.src))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			if entering {
				want.WriteString(blockText(n, l.src) + "\n")
			}
		}
		return ast.WalkContinue, nil
	})
	if _, code := l.search.strings(l); code != strings.TrimSpace(want.String()) || !strings.Contains(code, "\n    https://example.test/") || !strings.Contains(code, "\n  tabbed code") {
		t.Errorf("code %q\nwant %q", code, strings.TrimSpace(want.String()))
	}
}
