package mdext

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// fences parses src as content/a.md of the site at root, whose body starts
// on line 5, and returns its fences, its includes and the parse's problems.
func fences(t *testing.T, root, src string) ([]*Fence, []Include, error) {
	t.Helper()
	ctx := NewContext(Source{Root: root, File: "content/a.md", Line: 5})
	doc := newMarkdown().Parser().Parse(text.NewReader([]byte(src)), parser.WithContext(ctx))
	var out []*Fence
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if f := FenceOf(n); entering && f != nil {
			out = append(out, f)
		}
		return ast.WalkContinue, nil
	})
	return out, Includes(ctx), Err(ctx)
}

func TestFenceInfo(t *testing.T) {
	for _, tc := range []struct {
		info string
		want Fence
	}{
		{"python", Fence{Lang: "python"}},
		{"Python title=\"my app.py\" {2,4-6} showLineNumbers", Fence{Lang: "python", Title: "my app.py", Lines: [][2]int{{2, 2}, {4, 6}}, LineNumbers: true}},
		{"js{1}", Fence{Lang: "js", Lines: [][2]int{{1, 1}}}},
		{"go title=main.go showlinenumbers", Fence{Lang: "go", Title: "main.go", LineNumbers: true}},
		{"  sh  title='run it'  ", Fence{Lang: "sh", Title: "run it"}},
		{"", Fence{}},
	} {
		src := "```" + tc.info + "\n1\n2\n3\n4\n5\n6\n```\n"
		fs, _, err := fences(t, "", src)
		if err != nil || len(fs) != 1 {
			t.Fatalf("%q: %v, %d fences", tc.info, err, len(fs))
		}
		got := *fs[0]
		got.Code = ""
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %+v, want %+v", tc.info, got, tc.want)
		}
		if fs[0].Code != "1\n2\n3\n4\n5\n6\n" {
			t.Errorf("%q: code %q", tc.info, fs[0].Code)
		}
	}
}

func TestFenceInfoErrors(t *testing.T) {
	for _, tc := range []struct{ info, want string }{
		{"python linenos", `content/a.md:6:11: code fence: unknown option "linenos"`},
		{"python lang=py", `content/a.md:6:11: code fence: unknown option "lang"`},
		{`python title="open`, `content/a.md:6:11: code fence: title: the quoted value is never closed`},
		{"python {2", `content/a.md:6:11: code fence: { without }`},
		{"python {0}", `content/a.md:6:11: code fence: {0}: want line numbers`},
		{"python {4-2}", `content/a.md:6:11: code fence: {4-2}: want line numbers`},
		{"python {3,1}", `content/a.md:6:11: code fence: {3,1}: give the lines in increasing order`},
		{"python {1} {2}", `content/a.md:6:15: code fence: the lines to highlight are given twice`},
		{"python {2-9}", `content/a.md:6:4: code fence: line 9 is highlighted, but the code has 3 lines`},
	} {
		// The fence is on the body's second line, the file's sixth.
		_, _, err := fences(t, "", "\n```"+tc.info+"\na\nb\nc\n```\n")
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %s…", tc.info, err, tc.want)
		}
		if _, ok := fileerr.As(err); !ok {
			t.Errorf("%q: %v is not a positioned error", tc.info, err)
		}
	}
	// An http fence's info string is its own.
	if fs, _, err := fences(t, "", "```http norun id=x\nGET /\n```\n"); err != nil || len(fs) != 0 {
		t.Errorf("http fence: %v, %d fences", err, len(fs))
	}
}

// site writes files (by slash path) under a new root.
func site(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestFenceIncludes(t *testing.T) {
	root := site(t, map[string]string{"content/examples/app.py": "import requests\nprint(1)\n", "examples/top.go": "package main\n"})
	fs, inc, err := fences(t, root, "```python title=\"app.py\" {2}\n<<< ./examples/app.py\n```\n\n```go\n<<< @/examples/top.go\n```\n\n```go\n<<< ../examples/top.go\n```\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 3 || fs[0].Code != "import requests\nprint(1)\n" || fs[0].Include != "content/examples/app.py" || fs[1].Code != "package main\n" || fs[2].Include != "examples/top.go" {
		t.Fatalf("fences %+v %+v %+v", fs[0], fs[1], fs[2])
	}
	if len(inc) != 3 || inc[0].File != "content/examples/app.py" || string(inc[1].Data) != "package main\n" {
		t.Errorf("includes %+v", inc)
	}
	// Without a root, nothing is read: the line is the code, and lines
	// highlighted in the file are not checked.
	fs, inc, err = fences(t, "", "```python {7}\n<<< ./examples/app.py\n```\n")
	if err != nil || fs[0].Code != "<<< ./examples/app.py\n" || inc != nil {
		t.Errorf("no root: %v %+v %v", err, fs[0], inc)
	}
	// A line among others is code.
	fs, _, _ = fences(t, root, "```python\nx = 1\n<<< ./examples/app.py\n```\n")
	if fs[0].Include != "" {
		t.Errorf("an include among other lines: %+v", fs[0])
	}
}

func TestFenceIncludeErrors(t *testing.T) {
	outside := site(t, map[string]string{"secret.txt": "s3cret\n"})
	root := site(t, map[string]string{"content/big.txt": strings.Repeat("x", MaxInclude+1), "content/ok.txt": "ok\n"})
	for _, link := range []struct{ name, to string }{{"content/out.txt", filepath.Join(outside, "secret.txt")}, {"content/outdir", outside}, {"content/in.txt", filepath.Join(root, "content/ok.txt")}} {
		if err := os.Symlink(link.to, filepath.Join(root, filepath.FromSlash(link.name))); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, "content", "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ target, want string }{
		{"./missing.py", "content/a.md:7:5: <<< ./missing.py: no such file (content/missing.py)"},
		{"../../x", "content/a.md:7:5: <<< ../../x: outside the site's root"},
		{"@/../x", "content/a.md:7:5: <<< @/../x: outside the site's root"},
		{"/etc/passwd", "content/a.md:7:5: <<< /etc/passwd: want a path relative to the lesson"},
		{"./out.txt", "content/a.md:7:5: <<< ./out.txt: content/out.txt leads outside the site's root"},
		{"./outdir/secret.txt", "content/a.md:7:5: <<< ./outdir/secret.txt: content/outdir/secret.txt leads outside the site's root"},
		{"./dir", "content/a.md:7:5: <<< ./dir: content/dir is not a regular file"},
		{"./big.txt", "content/a.md:7:5: <<< ./big.txt: content/big.txt has 1048577 bytes"},
	} {
		_, inc, err := fences(t, root, "\n```text\n<<< "+tc.target+"\n```\n")
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %s…", tc.target, err, tc.want)
		}
		var fe *fileerr.Error
		if !errors.As(err, &fe) || fe.Line != 7 || fe.Col != 5 {
			t.Errorf("%s: %#v is not at 7:5", tc.target, err)
		}
		if inc != nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: included %v", tc.target, inc)
		}
	}
	// A link that stays inside the root is followed.
	fs, _, err := fences(t, root, "```text\n<<< ./in.txt\n```\n")
	if err != nil || fs[0].Code != "ok\n" || fs[0].Include != "content/in.txt" {
		t.Errorf("a link inside the root: %v %+v", err, fs[0])
	}
}
