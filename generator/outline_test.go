package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/yuin/goldmark/parser"
)

// outlineOf is what parsing body with p makes of a lesson: its table of
// contents and http blocks, or the error.
func outlineOf(md *Markdown, p parser.Parser, body []byte) (toc []Heading, blocks []string, err error) {
	l := &Lesson{File: "content/x.md", src: body}
	if err := md.parseWith(p, l, 5); err != nil {
		return nil, nil, err
	}
	for _, b := range l.Blocks {
		blocks = append(blocks, fmt.Sprintf("%s line %d %q %q", b.ID, b.Line, b.Code, b.opts))
	}
	return l.TOC, blocks, nil
}

// outlineSamples are bodies whose paragraphs could change what a parse
// makes of their headings and blocks.
var outlineSamples = []string{
	"## A [ref] link\n\n[ref]: https://x/\n\n### And `code`, *em*, ~~del~~, https://auto.link/ and a note[^1]\n\n[^1]: A note\n    with ```http\n    GET /\n    ```\n",
	"Setext\n======\n\nTitle two\n---------\n\n## Same\n\n## Same\n",
	"| a | b |\n|---|---|\n| ## no | ```http |\n\n```http\nGET /a\n```\n",
	"> quote\n> ```http id=q\n> GET /q\n> ```\n\n- item\n\n  ```http norun\n  GET /i\n  ```\n- [x] task ## not a heading\n",
	"para\n```http\nGET /interrupts\n```\nlazy\n## H after para\n    indented code\n",
	"[^n]: footnote\n\n    ```http\n    GET /in-footnote\n    ```\n\n## Heading with [a link](u \"t\") and <b>html</b>\n",
	"```http id=a\nGET /1\n```\n\n```http id=a\nGET /2\n```\n",
	"```http timeout=nope\nGET /\n```\n",
}

// TestOutlineParse checks that the outline parser, which loading uses,
// finds the headings and blocks a full parse finds, in every sample and
// every lesson of the repository.
func TestOutlineParse(t *testing.T) {
	bodies := map[string][]byte{}
	for i, s := range outlineSamples {
		bodies[fmt.Sprint("sample ", i)] = []byte(s)
	}
	files, err := filepath.Glob("../content/*.md")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("testdata/render/site/content/*.md")
	for _, f := range append(files, more...) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		l, err := ParseLesson(f, src, NewMarkdown())
		if err != nil {
			t.Fatal(err)
		}
		bodies[f] = l.src
	}
	if len(bodies) < len(outlineSamples)+6 {
		t.Fatalf("%d bodies, want the samples and the repository's lessons", len(bodies))
	}
	md := NewMarkdown()
	for name, body := range bodies {
		checkOutline(t, md, name, body)
	}
}

func checkOutline(t *testing.T, md *Markdown, name string, body []byte) {
	t.Helper()
	toc, blocks, err := outlineOf(md, md.outline, body)
	wantTOC, wantBlocks, wantErr := outlineOf(md, md.md.Parser(), body)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Fatalf("%s: outline error %v, full parse error %v", name, err, wantErr)
	}
	if !reflect.DeepEqual(toc, wantTOC) {
		t.Errorf("%s: outline headings\n%+v\nfull parse\n%+v", name, toc, wantTOC)
	}
	if !reflect.DeepEqual(blocks, wantBlocks) {
		t.Errorf("%s: outline blocks\n%q\nfull parse\n%q", name, blocks, wantBlocks)
	}
}

func FuzzOutlineParse(f *testing.F) {
	for _, s := range outlineSamples {
		f.Add([]byte(s))
	}
	md := NewMarkdown()
	f.Fuzz(func(t *testing.T, body []byte) {
		checkOutline(t, md, "fuzz", body)
	})
}
