package mdext

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Source says where a document comes from: the site's root, for the files
// its fences include, and its file, for the positions of errors.
type Source struct {
	// Root is the site's root directory; when empty, no file is included
	// and a "<<<" fence shows its line as code.
	Root string
	// File is the document's path relative to Root, slash-separated.
	File string
	// Line is the line of File on which the parsed text starts; 0 is 1.
	Line int
}

// MaxInclude is the size of the largest file a fence may include.
const MaxInclude = 1 << 20

var stateKey = parser.NewContextKey()

// state is what parsing a document with [Fences] found.
type state struct {
	src      Source
	errs     []error
	includes []Include
}

// Include is a file a fence included.
type Include struct {
	File string // relative to the site's root, slash-separated
	Data []byte
}

// NewContext returns a parser context for a document from src. After the
// parse, [Err] and [Includes] say what its fences found.
func NewContext(src Source) parser.Context {
	ctx := parser.NewContext()
	ctx.Set(stateKey, &state{src: src})
	return ctx
}

func stateOf(pc parser.Context) *state {
	if s, ok := pc.Get(stateKey).(*state); ok {
		return s
	}
	s := &state{}
	pc.Set(stateKey, s)
	return s
}

// Err returns the problems the fences of the document parsed with ctx
// have, each a [fileerr.Error], joined; nil if none.
func Err(ctx parser.Context) error { return errors.Join(stateOf(ctx).errs...) }

// Includes returns the files the fences of the document parsed with ctx
// included, in order.
func Includes(ctx parser.Context) []Include { return stateOf(ctx).includes }

// Fence is what an ordinary fenced code block's info string and content
// say, attached to its node (see [FenceOf]).
type Fence struct {
	Lang  string // lower case; "" for none
	Title string // from title="..."
	// Lines are the ranges of lines to highlight, 1-based and inclusive,
	// from {2,4-6}.
	Lines [][2]int
	// LineNumbers is set by showLineNumbers.
	LineNumbers bool
	// Code is the block's text, or the included file's.
	Code string
	// Include is the included file, relative to the site's root; "" for
	// none.
	Include string
	// Err is what is wrong with the fence, a [fileerr.Error]; its Code is
	// then the block's text.
	Err error
}

const fenceAttr = "snapdoc-fence"

// FenceOf returns the fence attached to n by [Fences], or nil.
func FenceOf(n ast.Node) *Fence {
	v, ok := n.AttributeString(fenceAttr)
	if !ok {
		return nil
	}
	f, _ := v.(*Fence)
	return f
}

// Fences reads the info strings of fenced code blocks, and the files that
// fences whose only line is "<<< ./path" include, and attaches a [Fence]
// to each block node. The fences of the languages skip are left alone:
// their info strings mean something else. A fence's problems are in its
// Fence and in [Err].
func Fences(skip ...string) goldmark.Extender {
	t := fenceTransformer{skip: map[string]bool{}}
	for _, s := range skip {
		t.skip[s] = true
	}
	return fenceExt{t}
}

type fenceExt struct{ t fenceTransformer }

func (e fenceExt) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(e.t, 400)))
}

type fenceTransformer struct{ skip map[string]bool }

// includeLine is a fence's line that includes a file.
var includeLine = regexp.MustCompile(`^[ \t]*<<<[ \t]+(\S+)[ \t]*\r?\n?$`)

func (t fenceTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st := stateOf(pc)
	src := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		fb, ok := n.(*ast.FencedCodeBlock)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		var info []byte
		infoAt := 0
		if fb.Info != nil {
			info, infoAt = fb.Info.Segment.Value(src), fb.Info.Segment.Start
		}
		if w := strings.Fields(string(info)); len(w) > 0 && t.skip[strings.ToLower(w[0])] {
			return ast.WalkSkipChildren, nil
		}
		f := &Fence{Code: blockText(fb, src)}
		fb.SetAttributeString(fenceAttr, f)
		fail := func(at int, format string, args ...any) {
			line, col := fileerr.LineCol(src, at)
			f.Err = fileerr.New(fileerr.Pos{File: st.src.File, Line: line + max(st.src.Line, 1) - 1, Col: col}, "parse", format, args...)
			st.errs = append(st.errs, f.Err)
		}
		if err := parseInfo(string(info), f); err != nil {
			var ie *infoError
			errors.As(err, &ie)
			fail(infoAt+ie.at, "code fence: %s", ie.msg)
			return ast.WalkSkipChildren, nil
		}
		if fb.Lines().Len() == 1 {
			seg := fb.Lines().At(0)
			if m := includeLine.FindSubmatchIndex(seg.Value(src)); m != nil {
				if st.src.Root == "" { // the code is unknown
					return ast.WalkSkipChildren, nil
				}
				target := string(seg.Value(src)[m[2]:m[3]])
				rel, data, err := readInclude(st.src.Root, st.src.File, target)
				if err != nil {
					fail(seg.Start+m[2], "<<< %s: %v", target, err)
					return ast.WalkSkipChildren, nil
				}
				f.Code, f.Include = string(data), rel
				st.includes = append(st.includes, Include{File: rel, Data: data})
			}
		}
		if n := lineCount(f.Code); len(f.Lines) > 0 && f.Lines[len(f.Lines)-1][1] > n {
			fail(infoAt, "code fence: line %d is highlighted, but the code has %d lines", f.Lines[len(f.Lines)-1][1], n)
		}
		return ast.WalkSkipChildren, nil
	})
}

// blockText is the content of a code block.
func blockText(n ast.Node, src []byte) string {
	var b bytes.Buffer
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		b.Write(seg.Value(src))
	}
	return b.String()
}

// lineCount is the number of lines of code.
func lineCount(code string) int {
	n := strings.Count(code, "\n")
	if code != "" && !strings.HasSuffix(code, "\n") {
		n++
	}
	return n
}

// infoError is a problem at byte at of an info string.
type infoError struct {
	at  int
	msg string
}

func (e *infoError) Error() string { return e.msg }

// parseInfo reads an info string such as
//
//	python title="app.py" {2,4-6} showLineNumbers
//
// into f. The language may carry the line ranges, VitePress's python{2}.
func parseInfo(info string, f *Fence) error {
	i := 0
	skipSpace := func() {
		for i < len(info) && (info[i] == ' ' || info[i] == '\t') {
			i++
		}
	}
	skipSpace()
	start := i
	for i < len(info) && info[i] != ' ' && info[i] != '\t' && info[i] != '{' {
		i++
	}
	f.Lang = strings.ToLower(info[start:i])
	for {
		skipSpace()
		if i >= len(info) {
			break
		}
		start = i
		if info[i] == '{' {
			end := strings.IndexByte(info[i:], '}')
			if end < 0 {
				return &infoError{start, "{ without }: write the lines to highlight as {2,4-6}"}
			}
			if f.Lines != nil {
				return &infoError{start, "the lines to highlight are given twice"}
			}
			lines, err := parseRanges(info[i+1 : i+end])
			if err != nil {
				return &infoError{start, err.Error()}
			}
			f.Lines, i = lines, i+end+1
			continue
		}
		for i < len(info) && info[i] != ' ' && info[i] != '\t' && info[i] != '=' {
			i++
		}
		key := info[start:i]
		if i < len(info) && info[i] == '=' {
			i++
			var value string
			if i < len(info) && (info[i] == '"' || info[i] == '\'') {
				end := strings.IndexByte(info[i+1:], info[i])
				if end < 0 {
					return &infoError{start, fmt.Sprintf("%s: the quoted value is never closed", key)}
				}
				value, i = info[i+1:i+1+end], i+end+2
			} else {
				v := i
				for i < len(info) && info[i] != ' ' && info[i] != '\t' {
					i++
				}
				value = info[v:i]
			}
			if key != "title" {
				return &infoError{start, fmt.Sprintf("unknown option %q (known: title=\"NAME\", {2,4-6}, showLineNumbers)", key)}
			}
			f.Title = value
			continue
		}
		if !strings.EqualFold(key, "showLineNumbers") {
			return &infoError{start, fmt.Sprintf("unknown option %q (known: title=\"NAME\", {2,4-6}, showLineNumbers)", key)}
		}
		f.LineNumbers = true
	}
	return nil
}

// parseRanges reads line ranges such as "2,4-6", in increasing order.
func parseRanges(s string) ([][2]int, error) {
	var out [][2]int
	for _, r := range strings.Split(s, ",") {
		a, b, isRange := strings.Cut(strings.TrimSpace(r), "-")
		from, err1 := strconv.Atoi(strings.TrimSpace(a))
		to, err2 := from, error(nil)
		if isRange {
			to, err2 = strconv.Atoi(strings.TrimSpace(b))
		}
		if err1 != nil || err2 != nil || from < 1 || to < from {
			return nil, fmt.Errorf("{%s}: want line numbers and ranges from 1 up, such as {2,4-6}", s)
		}
		if len(out) > 0 && from <= out[len(out)-1][1] {
			return nil, fmt.Errorf("{%s}: give the lines in increasing order, each once", s)
		}
		out = append(out, [2]int{from, to})
	}
	return out, nil
}

// readInclude reads the file target names, relative to the document file
// or, as @/path, to the site's root: a regular file inside root once
// symbolic links are followed, of at most MaxInclude bytes. It returns
// the file's path relative to root.
func readInclude(root, file, target string) (string, []byte, error) {
	var rel string
	switch {
	case strings.HasPrefix(target, "@/"):
		rel = path.Clean(target[2:])
	case path.IsAbs(target) || filepath.IsAbs(target):
		return "", nil, errors.New("want a path relative to the lesson (./examples/app.py) or to the site's root (@/examples/app.py)")
	default:
		rel = path.Join(path.Dir(file), target)
	}
	if rel == ".." || strings.HasPrefix(rel, "../") {
		return "", nil, errors.New("outside the site's root")
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", nil, err
	}
	real, err := filepath.EvalSymlinks(filepath.Join(root, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil, fmt.Errorf("no such file (%s)", rel)
	}
	if err != nil {
		return "", nil, err
	}
	if r, err := filepath.Rel(realRoot, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", nil, fmt.Errorf("%s leads outside the site's root", rel)
	}
	// os.Root keeps the read inside root, should a link change meanwhile.
	r, err := os.OpenRoot(realRoot)
	if err != nil {
		return "", nil, err
	}
	defer r.Close()
	name, _ := filepath.Rel(realRoot, real)
	fi, err := r.Stat(name)
	if err != nil {
		return "", nil, err
	}
	if !fi.Mode().IsRegular() {
		return "", nil, fmt.Errorf("%s is not a regular file", rel)
	}
	if fi.Size() > MaxInclude {
		return "", nil, fmt.Errorf("%s has %d bytes; a fence includes at most %d", rel, fi.Size(), MaxInclude)
	}
	fh, err := r.Open(name)
	if err != nil {
		return "", nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxInclude+1))
	if err != nil {
		return "", nil, err
	}
	if len(data) > MaxInclude {
		return "", nil, fmt.Errorf("%s has more than %d bytes; a fence includes at most that", rel, MaxInclude)
	}
	return rel, data, nil
}
