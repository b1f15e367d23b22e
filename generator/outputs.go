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
	kind string // who owns it: "site", "lesson", "tags", "categories", "search", "static"
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
// they come from, before anything is written. Paths that differ only by
// case clash too: on a case-insensitive file system, where a site is often
// checked out or served from, they are one file. A file clashes with a
// directory of the same name as well: feed.xml the file and feed.xml/ the
// lesson's directory cannot both be. The lessons' files are under source.
func checkOutputs(cfg *SiteConfig, lessons []*Lesson, source string) error {
	outs := append([]output{}, siteOutputs...)
	for _, l := range lessons {
		what := "the lesson's slug " + strconv.Quote(l.Slug)
		if l.meta.Slug == "" {
			what = "the lesson, named after its file,"
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
		if prev := byKey[key]; prev != nil {
			errs = append(errs, clash(o, prev))
			continue
		}
		// Every directory the file is in must be free of a file of that
		// name, and owned, if at all, by the file's owner.
		for dir := path.Dir(strings.TrimSuffix(key, "/")); dir != "."; dir = path.Dir(dir) {
			if prev := byKey[dir]; prev != nil {
				errs = append(errs, clash(o, prev))
				break
			}
			if prev := byKey[dir+"/"]; prev != nil && prev.kind != o.kind {
				errs = append(errs, clash(o, prev))
				break
			}
		}
		byKey[key] = o
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errors.Join(errs...)
}

// clash is the error of o, which would make a file that prev makes too,
// or is in the way of prev's.
func clash(o, prev *output) error {
	var pos fileerr.Pos
	if o.pos != nil {
		pos = o.pos()
	}
	by := prev.what
	if prev.pos != nil {
		by += " (" + prev.pos().String() + ")"
	}
	verb := "makes"
	if strings.HasSuffix(prev.file, "/") {
		verb = "owns"
	}
	return fileerr.New(pos, "output", "%s would make %s, where %s %s %s: two sources cannot publish one path; rename one",
		o.what, strings.TrimSuffix(o.file, "index.html"), by, verb, strings.TrimSuffix(prev.file, "index.html"))
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
