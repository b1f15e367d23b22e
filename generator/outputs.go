package generator

import (
	"bytes"
	"errors"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/snapdoc/snapdoc/generator/search"
	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/internal/sitepath"
)

// An output is a file, or a directory of files, of the built site, with
// what makes it.
type output struct {
	file string // the file, as sitepath gives it; a directory ends with "/"
	kind string // who owns it: "site", "lesson", "alias", "tags", "categories", "search", "static"
	what string // what makes it, for the reader: `the tag "C++"`
	// pos says where in the site's files it comes from; nil for the
	// site's own files. It is called only to report a clash, which reads
	// the lesson's file again.
	pos func() fileerr.Pos
}

// siteOutputs are the files and directories every build may make, which no
// lesson or term may take: the pages of snapdoc's own, the search index,
// the theme's static files, and the roots of the tag and category pages.
var siteOutputs = []output{
	{file: "index.html", kind: "site", what: "the home page"},
	{file: "404.html", kind: "site", what: "the page-not-found page"},
	{file: "feed.xml", kind: "site", what: "the site's feed"},
	{file: "sitemap.xml", kind: "site", what: "the site's sitemap"},
	{file: "robots.txt", kind: "site", what: "the site's robots.txt"},
	{file: DestManifest, kind: "site", what: "snapdoc's list of the files it wrote"},
	{file: search.Dir + "/", kind: "search", what: "the site's search index"},
	{file: "static/", kind: "static", what: "the theme's static files"},
	{file: "tags/", kind: "tags", what: "the tag pages"},
	{file: "categories/", kind: "categories", what: "the category pages"},
}

// checkOutputs reports every two sources that would make the same file of
// the built site (a lesson's slug equal to another's, two tags that slug
// alike, a lesson at a path of snapdoc's own, ...), naming both and where
// they come from, before anything is written. extra are further outputs,
// such as the files the lessons use and static/'s. Paths that differ only by
// case clash too: on a case-insensitive file system, where a site is often
// checked out or served from, they are one file. A file clashes with a
// directory of the same name as well: feed.xml the file and feed.xml/ the
// lesson's directory cannot both be. The lessons' files are under source.
func checkOutputs(cfg *SiteConfig, lessons []*Lesson, source string, extra ...output) error {
	outs := append([]output{}, siteOutputs...)
	for _, l := range lessons {
		what := "the slug " + strconv.Quote(l.Slug)
		if l.meta.Slug == "" {
			what = "the lesson"
		}
		outs = append(outs, output{file: sitepath.File(l.URL()), kind: "lesson", what: what, pos: func() fileerr.Pos {
			if l.meta.Slug == "" {
				return fileerr.Pos{File: l.File}
			}
			return frontMatterPos(source, l.File, "slug", l.meta.Slug)
		}})
	}
	tags := terms("tags", lessons, func(l *Lesson) []string { return l.Tags })
	cats := terms("categories", lessons, func(l *Lesson) []string {
		if l.Category == "" {
			return nil
		}
		return []string{l.Category}
	})
	for _, t := range append(tags, cats...) {
		key, what := "tags", "the tag "+strconv.Quote(t.Name)
		if t.Kind == "categories" {
			key, what = "category", "the category "+strconv.Quote(t.Name)
		}
		first := t.Lessons[len(t.Lessons)-1] // the oldest, which gave it first
		pos := func() fileerr.Pos { return frontMatterPos(source, first.File, key, t.Name) }
		for _, pg := range t.pages(cfg.Paginate) {
			outs = append(outs, output{file: sitepath.File(pg.URL), kind: t.Kind, what: what, pos: pos})
		}
	}
	outs = append(outs, extra...)
	// Aliases come last, so that a clash is reported at the alias: the
	// page it would hide was there first.
	for _, l := range lessons {
		for _, a := range l.Aliases {
			outs = append(outs, output{file: sitepath.File(aliasPath(a)), kind: "alias", what: "the alias " + strconv.Quote(a), pos: func() fileerr.Pos {
				return frontMatterPos(source, l.File, "aliases", a)
			}})
		}
	}
	return clashes(outs)
}

// clashes reports the outputs of outs that another before it already
// makes, or that lie where another makes a file or owns a directory.
func clashes(outs []output) error {
	byKey := make(map[string]*output, len(outs))
	var errs []error
	for i := range outs {
		o := &outs[i]
		key := strings.ToLower(o.file)
		if err := clash(o, key, byKey); err != nil {
			errs = append(errs, err)
			continue
		}
		byKey[key] = o
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errors.Join(errs...)
}

// clash is the error of o, whose file has the case-folded key, when an
// output of byKey makes its file too, or is in its way: a file where o
// needs a directory, or a directory of another owner's.
func clash(o *output, key string, byKey map[string]*output) error {
	at := func() fileerr.Pos {
		if o.pos == nil {
			return fileerr.Pos{}
		}
		return o.pos()
	}
	url := func(o *output) string { return strings.TrimSuffix(o.file, "index.html") }
	by := func(prev *output) string {
		if prev.pos == nil {
			return prev.what
		}
		return prev.what + " (" + prev.pos().String() + ")"
	}
	if prev := byKey[key]; prev != nil {
		also := ""
		if prev.file != o.file {
			also = " as " + url(prev) + ", the same path on a case-insensitive file system"
		}
		return fileerr.New(at(), "output", "%s would publish %s, which %s publishes%s: two sources cannot publish one path; rename one",
			o.what, url(o), by(prev), also)
	}
	for dir := path.Dir(strings.TrimSuffix(key, "/")); dir != "."; dir = path.Dir(dir) {
		if prev := byKey[dir]; prev != nil {
			return fileerr.New(at(), "output", "%s would publish %s, but %s is %s: rename it", o.what, url(o), prev.file, by(prev))
		}
		if prev := byKey[dir+"/"]; prev != nil && prev.kind != o.kind {
			return fileerr.New(at(), "output", "%s would publish %s, but %s holds %s: rename it", o.what, url(o), prev.file, by(prev))
		}
	}
	return nil
}

// frontMatterPos is where the front matter of the lesson file (under
// source) gives value to key: the line and column of value on or after the
// key's line, or the key's line when value is not written out as it is
// there, or the file alone when it cannot be read.
func frontMatterPos(source, file, key, value string) fileerr.Pos {
	src, err := os.ReadFile(filepath.Join(source, filepath.FromSlash(file)))
	if err != nil {
		return fileerr.Pos{File: file}
	}
	return valuePos(file, src, key, value)
}

// valuePos is frontMatterPos of the lesson file's bytes src.
func valuePos(file string, src []byte, key, value string) fileerr.Pos {
	fm, _, _, err := splitFrontMatter(file, src)
	if err != nil {
		return fileerr.Pos{File: file}
	}
	start := cap(src) - cap(fm) // fm is a part of src
	if start < 0 || start+len(fm) > len(src) {
		return fileerr.Pos{File: file}
	}
	keyLine := findKeyLine(fm, key)
	if keyLine == 0 {
		return fileerr.Pos{File: file}
	}
	off := start
	for range keyLine - 1 {
		off += bytes.IndexByte(src[off:], '\n') + 1
	}
	if i := bytes.Index(src[off:start+len(fm)], []byte(value)); i >= 0 && value != "" {
		off += i
	}
	line, col := fileerr.LineCol(src, off)
	return fileerr.Pos{File: file, Line: line, Col: col}
}
