package snippet

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"text/template"

	"github.com/Masterminds/sprig/v3"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// ErrUnknownLanguage is returned for a language that has no template.
var ErrUnknownLanguage = errors.New("snippet: unknown language")

// ErrCannotExpress is returned for a request a language cannot express;
// the error's text says why.
var ErrCannotExpress = errors.New("snippet: cannot express")

// Set is the parsed language templates of a theme.
type Set struct {
	langs  []Language
	tmpl   map[string]*template.Template
	interp interpreters
}

// Load parses every snippets/*.tmpl of fsys, a theme file system (the
// embedded templates overlaid by a site's templates/ directory).
func Load(fsys fs.FS) (*Set, error) {
	names, err := fs.Glob(fsys, "snippets/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("snippet: %w", err)
	}
	if len(names) == 0 {
		return nil, errors.New("snippet: no templates in snippets/")
	}
	s := &Set{tmpl: map[string]*template.Template{}}
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("snippet: %w", err)
		}
		id := strings.TrimSuffix(path.Base(name), ".tmpl")
		t, err := template.New(id).Funcs(Funcs()).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("templates/%s: %w", name, err)
		}
		s.tmpl[id] = t
		s.langs = append(s.langs, language(id))
	}
	slices.SortFunc(s.langs, func(a, b Language) int {
		ia, ib := orderOf(a.ID), orderOf(b.ID)
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a.ID, b.ID)
	})
	return s, nil
}

// orderOf ranks built-in languages in [DefaultOrder], then the others.
func orderOf(id string) int {
	if i := slices.Index(DefaultOrder, id); i >= 0 {
		return i
	}
	return len(DefaultOrder)
}

// Languages returns the languages of the set: the built-in ones in
// [DefaultOrder], then those a site added, by ID.
func (s *Set) Languages() []Language { return slices.Clone(s.langs) }

// Render returns the code for r in the language lang, as the template
// wrote it. The built-in Go template writes gofmt'd code (a test checks it
// for the whole corpus); a site's own template is taken as written.
func (s *Set) Render(lang string, r *httpfile.Request) (string, error) {
	v, err := NewView(r)
	if err != nil {
		return "", err
	}
	return s.RenderView(lang, v)
}

// RenderView is [Set.Render] of a request already prepared with
// [NewView], for a caller that renders it in several languages.
func (s *Set) RenderView(lang string, v *View) (string, error) {
	t, ok := s.tmpl[lang]
	if !ok {
		return "", fmt.Errorf("%w %q", ErrUnknownLanguage, lang)
	}
	b := renderBuffers.Get().(*bytes.Buffer)
	defer func() {
		if b.Cap() <= 1<<20 { // not the buffer of an unusually large body
			renderBuffers.Put(b)
		}
	}()
	b.Reset()
	if err := t.Execute(b, v); err != nil {
		return "", fmt.Errorf("snippet %s: %w", lang, err)
	}
	return b.String(), nil
}

// renderBuffers recycle the buffers code is rendered into: a template
// writes many small pieces, and a buffer that starts empty for each of
// the six languages of each request grows through every size on the way.
var renderBuffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 4<<10)) }}

// Supports returns nil when the code in lang sends r as written, or an
// error wrapping [ErrCannotExpress] that says why it cannot. Languages a
// site added are assumed to express every request.
func (s *Set) Supports(lang string, r *httpfile.Request) error {
	if _, ok := s.tmpl[lang]; !ok {
		return fmt.Errorf("%w %q", ErrUnknownLanguage, lang)
	}
	v, err := NewView(r)
	if err != nil {
		return err
	}
	return s.SupportsView(lang, v)
}

// SupportsView is [Set.Supports] of a request already prepared with
// [NewView].
func (s *Set) SupportsView(lang string, v *View) error {
	if _, ok := s.tmpl[lang]; !ok {
		return fmt.Errorf("%w %q", ErrUnknownLanguage, lang)
	}
	if b, ok := builtins[lang]; ok && b.limit != nil {
		if why := b.limit(v); why != "" {
			return fmt.Errorf("%w: %s: %s", ErrCannotExpress, lang, why)
		}
	}
	return nil
}

// Funcs returns the functions language templates may call: sprig's
// hermetic text functions plus, for a string s that may hold secrets,
// python, javascript, golang, java (a string expression of that language
// that reads each secret from the environment) and shell (one POSIX shell
// word); golangArg (golang as gofmt writes it for an argument of a call
// with several arguments, with no spaces around +); pythonText, jsText and
// javaText (the same, a source line per line of s); pythonJSON and jsJSON
// (a JSON text as a native literal); combined (see [Combined]); for a
// [Check], pythonCheck (the condition Python asserts) and jsFails, goFails
// and javaFails (the condition under which it fails), each "" when the
// check is not [Check.Native]; javaComment (text made safe in a Java
// comment).
func Funcs() template.FuncMap {
	fm := sprig.HermeticTxtFuncMap()
	fm["python"] = pythonExpr.expr
	fm["javascript"] = jsExpr.expr
	fm["golang"] = goExpr.expr
	fm["golangArg"] = goArgExpr.expr
	fm["java"] = javaExpr.expr
	fm["shell"] = ShellWord
	fm["pythonJSON"] = pythonJSON.literal
	fm["jsJSON"] = jsJSON.literal
	fm["pythonText"] = pythonText
	fm["jsText"] = jsText
	fm["javaText"] = javaText
	fm["combined"] = Combined
	fm["pythonCheck"] = pythonCheck
	fm["jsFails"] = jsFails
	fm["goFails"] = goFails
	fm["javaFails"] = javaFails
	fm["javaComment"] = javaComment
	fm["pythonString"] = PythonString
	fm["jsString"] = JSString
	fm["goString"] = GoString
	fm["javaString"] = JavaString
	fm["shellQuote"] = ShellQuote
	return fm
}

// Language returns the language of the set with the given ID.
func (s *Set) Language(id string) (Language, bool) {
	i := slices.IndexFunc(s.langs, func(l Language) bool { return l.ID == id })
	if i < 0 {
		return Language{}, false
	}
	return s.langs[i], true
}
