package generator

import (
	"github.com/snapdoc/snapdoc/generator/snippet"
	"github.com/snapdoc/snapdoc/internal/safeopen"
	"github.com/snapdoc/snapdoc/templates"

	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"reflect"
	"strings"
	"sync"

	"github.com/Masterminds/sprig/v3"
)

// Theme is a parsed set of page templates plus the static files that go
// with them. Templates are html/template files at the theme's root and
// under partials/, named by their path ("lesson.html",
// "partials/head.html"); static files live under static/.
type Theme struct {
	fsys     fs.FS
	t        *template.Template
	snippets *snippet.Set
	cards    sync.Map // *Lesson → template.HTML, see card
	onces    sync.Map // template name → onceHTML, see once
}

// onceHTML is what a template made of the pointer data, for once.
type onceHTML struct {
	data any
	html template.HTML
}

// overlayFS serves a file from top when it has one, else from base.
type overlayFS struct{ top, base fs.FS }

func (o overlayFS) Open(name string) (fs.File, error) {
	if o.top != nil {
		f, err := o.top.Open(name)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return o.base.Open(name)
}

// ReadDir merges the entries of both file systems, top first.
func (o overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	base, errBase := fs.ReadDir(o.base, name)
	if o.top == nil {
		return base, errBase
	}
	top, errTop := fs.ReadDir(o.top, name)
	if errTop != nil && errBase != nil {
		return nil, errBase
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range append(top, base...) {
		if !seen[e.Name()] {
			seen[e.Name()] = true
			out = append(out, e)
		}
	}
	return out, nil
}

// LoadTheme parses the templates of base, each overridden by a file at the
// same path in site (which may be nil). The funcs are sprig's hermetic
// function map, card (see [Theme.card]), once (see [Theme.once]), marked
// (see [marked]), plus extra.
func LoadTheme(base, site fs.FS, extra template.FuncMap) (*Theme, error) {
	fsys := overlayFS{top: site, base: base}
	th := &Theme{fsys: fsys}
	funcs := sprig.HermeticHtmlFuncMap()
	funcs["card"] = th.card
	funcs["once"] = th.once
	funcs["marked"] = marked
	for k, v := range extra {
		funcs[k] = v
	}
	t := template.New("").Funcs(funcs).Option("missingkey=error")
	for _, pattern := range []string{"*.html", "partials/*.html"} {
		names, err := fs.Glob(fsys, pattern)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			src, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, themeFileError(err)
			}
			if _, err := t.New(name).Parse(string(src)); err != nil {
				return nil, errorf(path.Join("templates", name), 0, 0, "%s", strings.TrimPrefix(err.Error(), "template: "))
			}
		}
	}
	snippets, err := snippet.Load(fsys)
	if err != nil {
		return nil, err
	}
	th.t, th.snippets = t, snippets
	return th, nil
}

// card returns the lesson as the theme's "card" partial shows it, in the
// lists of the site and among a lesson's related lessons. Each lesson's
// card is rendered once, since a large site shows tens of thousands: the
// partial must show the lesson alone, not the page it is on.
func (th *Theme) card(l *Lesson) (template.HTML, error) {
	if h, ok := th.cards.Load(l); ok {
		return h.(template.HTML), nil
	}
	h, err := th.html("card", l)
	if err == nil {
		th.cards.Store(l, h)
	}
	return h, err
}

// html returns the template called name as it shows data.
func (th *Theme) html(name string, data any) (template.HTML, error) {
	var b strings.Builder
	if err := th.t.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// once returns the template called name as it shows data, rendering it
// only when data is not the pointer it last rendered the template with: a
// page's header, made of the site alone, is rendered once per build rather
// than once per page. What data points to must not change while pages
// are rendered, as a build's Site does not. Data that is not a pointer is
// rendered every time.
func (th *Theme) once(name string, data any) (template.HTML, error) {
	pointer := data != nil && reflect.TypeOf(data).Kind() == reflect.Pointer
	if v, ok := th.onces.Load(name); ok && pointer && v.(onceHTML).data == data {
		return v.(onceHTML).html, nil
	}
	h, err := th.html(name, data)
	if err == nil && pointer {
		th.onces.Store(name, onceHTML{data, h})
	}
	return h, err
}

// forgetCards drops the cards of lessons that are gone or replaced.
func (th *Theme) forgetCards(lessons []*Lesson) {
	for _, l := range lessons {
		th.cards.Delete(l)
	}
}

// Execute renders the template called name with data into w.
func (th *Theme) Execute(w io.Writer, name string, data any) error {
	if err := th.t.ExecuteTemplate(w, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return nil
}

// Static calls fn for each file under the theme's static/ directory.
func (th *Theme) Static(fn func(name string, data []byte) error) error {
	return fs.WalkDir(th.fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == "static" {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		data, err := fs.ReadFile(th.fsys, p)
		if err != nil {
			return themeFileError(err)
		}
		return fn(p, data)
	})
}

// themeFileError is the error of a theme file that could not be read: at
// the file, when the site's own file is one it may not use (see
// [safeopen]).
func themeFileError(err error) error {
	if se, ok := errors.AsType[*safeopen.Error](err); ok {
		return errorf(se.Name, 0, 0, "%s", se.Reason)
	}
	return fmt.Errorf("theme: %w", err)
}

// Snippets are the theme's code snippet templates, one per language.
func (th *Theme) Snippets() *snippet.Set { return th.snippets }

// SiteTheme loads the theme of the site at root: base (the default theme;
// nil for the embedded one) overlaid by the site's templates/.
func SiteTheme(root string, base fs.FS) (*Theme, error) {
	if base == nil {
		base = templates.FS
	}
	o := &Options{Source: root, Theme: base}
	cfg, err := o.config()
	if err != nil {
		return nil, err
	}
	return o.theme(&cfg)
}
