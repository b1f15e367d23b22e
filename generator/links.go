package generator

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/internal/sitepath"
	"github.com/yuin/goldmark/ast"
)

// StaticDir is the folder of the site whose files are published as they
// are at the root of the built site.
const StaticDir = "static"

// A link is a link or image of a lesson's Markdown whose destination is
// inside the site: a relative path, or a fragment of the page itself.
// The link stage ([resolveLinks]) checks it against the site and gives
// the href the page publishes.
type link struct {
	Dest      string // as written
	Line, Col int    // where, in the lesson's file
	Image     bool
}

// siteLink reports whether dest, a link's destination, names a file of
// the site, relative to the lesson's file, or a #fragment of the page,
// which the link stage resolves. Left as written are URLs with a scheme,
// //host/..., /site/paths, and paths relative to the page's URL, whose
// last segment has no extension ("../other-lesson/"), as lessons have
// linked to each other before the link stage.
func siteLink(dest string) bool {
	if dest == "" || strings.HasPrefix(dest, "/") {
		return false
	}
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return false
	}
	base := path.Base(u.Path)
	return u.Path == "" || strings.Contains(base, ".") && base != ".." && !strings.HasSuffix(u.Path, "/")
}

// linkPos is where the link or image n starts in the lesson's body src,
// whose first line is bodyLine of its file: its "[" (or "!["), found from
// the first text inside it, or the start of its block.
func linkPos(n ast.Node, src []byte, bodyLine int) (line, col int) {
	off := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			off = t.Segment.Start - 1
			if _, img := n.(*ast.Image); img {
				off--
			}
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if off < 0 {
		for p := n.Parent(); p != nil; p = p.Parent() {
			if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
				off = p.Lines().At(0).Start
				break
			}
		}
	}
	line, col = fileerr.LineCol(src, max(off, 0))
	return line + bodyLine - 1, col
}

// pageIDs are the ids a link's #fragment may name on a lesson's page: its
// headings' and its http blocks'.
func pageIDs(l *Lesson) []string {
	ids := slices.Clone(l.ids)
	for _, b := range l.Blocks {
		ids = append(ids, b.ID)
	}
	return ids
}

// resolveLinks is the link stage: it checks every site link of lessons
// against the site under source (a lesson file, a heading of it, a file
// beside the lessons) and sets each lesson's hrefs and assets. The
// problems, each at its file:line:col, are returned joined; all lessons
// are checked, not only up to the first bad one. base is the site's base
// path, under which hrefs are made.
func resolveLinks(source, base string, lessons []*Lesson) error {
	byFile := make(map[string]*Lesson, len(lessons))
	for _, l := range lessons {
		byFile[l.File] = l
	}
	root, err := os.OpenRoot(source)
	if err != nil {
		return err
	}
	defer root.Close()
	var errs []error
	for _, l := range lessons {
		l.hrefs, l.assets = nil, nil
		for _, k := range l.links {
			href, asset, err := resolveLink(root, l, k, byFile)
			if err != nil {
				errs = append(errs, fileerr.New(fileerr.Pos{File: l.File, Line: k.Line, Col: k.Col}, "links", "%s", err))
				continue
			}
			if href == "" {
				continue
			}
			if l.hrefs == nil {
				l.hrefs = map[string]string{}
			}
			l.hrefs[k.Dest] = underBase(base, href) + linkSuffix(k.Dest)
			if asset != "" && !slices.Contains(l.assets, asset) {
				l.assets = append(l.assets, asset)
			}
		}
	}
	return errors.Join(errs...)
}

// resolveLink resolves the link k of lesson l: the site path its href
// names ("" to keep it as written; the href keeps the link's ?query and
// #fragment) and, for a file beside the lessons, that file's path under
// the site's root.
func resolveLink(root *os.Root, l *Lesson, k link, byFile map[string]*Lesson) (href, asset string, err error) {
	what := "link"
	if k.Image {
		what = "image"
	}
	p, frag, _ := strings.Cut(k.Dest, "#")
	p, _, _ = strings.Cut(p, "?")
	if p == "" { // #fragment of the page itself
		if frag != "" && !hasID(l, frag) {
			return "", "", errors.New(what + " #" + frag + ": the page has no heading with that id")
		}
		return "", "", nil
	}
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	target := path.Join(path.Dir(l.File), p)
	if target != ContentDir && !strings.HasPrefix(target, ContentDir+"/") {
		return "", "", errors.New(what + " " + k.Dest + ": " + target + " is outside " + ContentDir + "/, which alone is published; put the file in " + ContentDir + "/ or " + StaticDir + "/")
	}
	if strings.HasSuffix(target, ".md") && !k.Image {
		t := byFile[target]
		if t == nil {
			if fi, err := root.Stat(filepath.FromSlash(target)); err == nil && fi.Mode().IsRegular() {
				return "", "", errors.New(what + " " + k.Dest + ": " + target + " is a draft, which is not published")
			}
			return "", "", errors.New(what + " " + k.Dest + ": no such lesson " + target)
		}
		if frag != "" && !hasID(t, frag) {
			return "", "", errors.New(what + " " + k.Dest + ": " + target + " has no heading with the id " + frag)
		}
		return t.URL(), "", nil
	}
	// os.Root follows no link out of the site.
	fi, err := root.Stat(filepath.FromSlash(target))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", "", errors.New(what + " " + k.Dest + ": no such file " + target)
	case err != nil:
		return "", "", errors.New(what + " " + k.Dest + ": " + target + " is not a file inside the site")
	case !fi.Mode().IsRegular():
		return "", "", errors.New(what + " " + k.Dest + ": " + target + " is not a regular file")
	}
	return strings.TrimPrefix(target, ContentDir+"/"), target, nil
}

// hasID reports whether the page of lesson l has an element with id.
// Footnotes' ids, which goldmark numbers, are taken as they are.
func hasID(l *Lesson, id string) bool {
	if u, err := url.PathUnescape(id); err == nil {
		id = u
	}
	return strings.HasPrefix(id, "fn:") || strings.HasPrefix(id, "fnref:") || slices.Contains(pageIDs(l), id)
}

// assetOutputs are the files beside lessons that their pages use, each
// published at its path under content/, and the files of static/, each
// published at its path under static/, as outputs of the site. The
// static files are listed by walking source/static.
func assetOutputs(source string, lessons []*Lesson) ([]output, error) {
	var outs []output
	seen := map[string]bool{}
	for _, l := range lessons {
		for _, a := range l.assets {
			if seen[a] {
				continue
			}
			seen[a] = true
			outs = append(outs, output{file: strings.TrimPrefix(a, ContentDir+"/"), kind: "asset", what: "the file " + a, pos: func() fileerr.Pos { return fileerr.Pos{File: l.File} }})
		}
	}
	files, err := staticFiles(source)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		outs = append(outs, output{file: strings.TrimPrefix(f, StaticDir+"/"), kind: "asset", what: "the file " + f, pos: func() fileerr.Pos { return fileerr.Pos{File: f} }})
	}
	return outs, nil
}

// staticFiles lists the files of source/static, as paths from source.
// Each must be a regular file inside the site.
func staticFiles(source string) ([]string, error) {
	root, err := os.OpenRoot(source)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	if fi, err := root.Stat(StaticDir); err != nil || !fi.IsDir() {
		return nil, nil
	}
	var files []string
	err = fs.WalkDir(root.FS(), StaticDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := root.Stat(filepath.FromSlash(p))
		if err != nil || !fi.Mode().IsRegular() {
			return fileerr.New(fileerr.Pos{File: p}, "static", "not a regular file inside the site: only such files are published")
		}
		files = append(files, p)
		return nil
	})
	return files, err
}

// copyAssets writes the files (paths from source, under content/ or
// static/) to out, each at its path under that folder.
func copyAssets(source string, files []string, out sink) error {
	root, err := os.OpenRoot(source)
	if err != nil {
		return err
	}
	defer root.Close()
	for _, f := range files {
		data, err := root.ReadFile(filepath.FromSlash(f))
		if err != nil {
			return fileerr.Wrap(fileerr.Pos{File: f}, "write", err)
		}
		name := strings.TrimPrefix(strings.TrimPrefix(f, ContentDir+"/"), StaticDir+"/")
		if err := out.write(sitepath.File(name), data); err != nil {
			return err
		}
	}
	return nil
}

// siteAssets are the files the site publishes as they are: those the
// lessons use and those of static/.
func siteAssets(source string, lessons []*Lesson) ([]string, error) {
	var files []string
	seen := map[string]bool{}
	for _, l := range lessons {
		for _, a := range l.assets {
			if !seen[a] {
				seen[a] = true
				files = append(files, a)
			}
		}
	}
	static, err := staticFiles(source)
	return append(files, static...), err
}

// rewritesLinks reports whether any of links has an href of its own to
// be given, which a page's #fragment has not.
func rewritesLinks(links []link) bool {
	return slices.ContainsFunc(links, func(k link) bool { return !strings.HasPrefix(k.Dest, "#") })
}

// linkSuffix is the ?query and #fragment of dest, which its href keeps
// as written.
func linkSuffix(dest string) string {
	if i := strings.IndexAny(dest, "?#"); i >= 0 {
		return dest[i:]
	}
	return ""
}
