package generator

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/internal/hostile"
	"github.com/snapdoc/snapdoc/internal/slug"
)

// ContentDir is the directory of a site's lessons.
const ContentDir = "content"

// Lesson is one lesson of a site: its front matter, its parsed Markdown,
// and the http blocks it declares.
type Lesson struct {
	// index is the lesson's position among the lessons of the site most
	// recently made from it (newSite sets it), newest first.
	index int

	// The front matter's fields, as [Meta] declares them (its slug is
	// Slug's source). They are the lesson's own, not an embedded Meta's:
	// templates look each field up by name, and a promoted field costs a
	// reflective search of the embedded structs on every lookup.
	Title       string
	Description string
	Category    string
	Language    string
	Languages   []string
	Tags        []string
	Updated     Date
	Draft       bool
	Weight      int
	Vars        map[string]string
	// Aliases are the lesson's old paths as the front matter writes them
	// ("/old/path/"); see [aliasPath].
	Aliases []string

	// File is the lesson's path relative to the site root.
	File string
	// Slug is the lesson's URL path without slashes, for example
	// "python-cache-control".
	Slug string
	// Blocks are the lesson's http blocks, in order.
	Blocks []*Block
	// TOC lists the lesson's second- and third-level headings.
	TOC []Heading
	// Words is the number of words of prose and code in the body.
	Words int

	meta Meta              // the front matter as decoded
	sum  [sha256.Size]byte // of the lesson file, which meta and src come from
	// includes are the files the lesson's code fences include, which
	// its page is made from as much as from the lesson's file.
	includes []include
	// links are the body's links and images into the site, ids the ids
	// of its headings; the link stage ([resolveLinks]) checks the links
	// and sets hrefs, the href each destination is published with, and
	// assets, the files beside lessons the page uses.
	links  []link
	ids    []string
	hrefs  map[string]string
	assets []string
	src    []byte        // the Markdown body
	body   *renderedBody // src as HTML, when loading parsed it; see Markdown.parse
	// search is the body's text for the search index, when loading
	// parsed it; the index's build drops it.
	search *searchText
}

// newLesson returns the lesson of file with front matter m, with its
// fields but no slug, body or blocks yet.
func newLesson(file string, m Meta) *Lesson {
	return &Lesson{
		Title: m.Title, Description: m.Description, Category: m.Category, Language: m.Language,
		Languages: m.Languages, Tags: m.Tags, Updated: m.Updated, Draft: m.Draft, Weight: m.Weight, Vars: m.Vars,
		Aliases: m.Aliases,
		File:    file, meta: m,
	}
}

// URL is the lesson's site path, for example "python-cache-control/".
func (l *Lesson) URL() string { return l.Slug + "/" }

// ReadingTime is the estimated reading time in whole minutes, at least 1.
func (l *Lesson) ReadingTime() int { return max(1, (l.Words+199)/200) }

// include is a file a lesson includes, and the hash of what it held.
type include struct {
	file string // relative to the site's root
	sum  [sha256.Size]byte
}

// Heading is an entry of a lesson's table of contents.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// loadOptions say which lessons to parse, and how.
type loadOptions struct {
	drafts bool // include lessons marked draft
	// root, when set, is the site's root directory, under which a cache
	// of parsed lessons is kept so that unchanged files are not parsed
	// again.
	root string
	// parsed, when set, is called after each file is parsed.
	parsed func()
}

// lessonFile is a lesson file as read: its path relative to the site
// root, and its content.
type lessonFile struct {
	name string
	src  []byte
}

// CheckSource reports a site root that is no directory, as build and
// serve are told with --source.
func CheckSource(dir string) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("--source %s: no such directory", dir)
	}
	return nil
}

// readLessons reads every lesson file under content/ in the site root
// fsys.
func readLessons(fsys fs.FS) ([]lessonFile, error) {
	if _, err := fs.Stat(fsys, ContentDir); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s/: no such directory: a site keeps its lessons there, and snapdoc new NAME writes the first", ContentDir)
	}
	var files []lessonFile
	err := fs.WalkDir(fsys, ContentDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") && !strings.HasPrefix(d.Name(), ".") {
			files = append(files, lessonFile{name: p})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load lessons: %w", err)
	}
	errs := make([]error, len(files))
	parallelFS(len(files), func(i int) {
		f := &files[i]
		if f.src, errs[i] = fs.ReadFile(fsys, f.name); errs[i] != nil {
			errs[i] = fmt.Errorf("read lesson: %w", errs[i])
		}
	})
	return files, errors.Join(errs...)
}

// parseLessons parses the lesson files, leaving out drafts unless opts
// include them, and sorts them newest first. It reports every bad
// lesson, one error each.
func parseLessons(files []lessonFile, md *Markdown, opts loadOptions) ([]*Lesson, error) {
	var cache *parseCache
	if opts.root != "" {
		cache = openParseCache(opts.root)
	}
	lessons := make([]*Lesson, len(files))
	errs := make([]error, len(files))
	parallel(len(files), func(i int) {
		f := files[i]
		if cache != nil {
			lessons[i], errs[i] = cache.parse(f.name, f.src, md)
		} else {
			lessons[i], errs[i] = ParseLesson(f.name, f.src, md)
		}
		if opts.parsed != nil {
			opts.parsed()
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cache != nil {
		// A cache that cannot be written costs speed, not correctness.
		_ = cache.save()
	}
	kept := lessons[:0]
	for _, l := range lessons {
		if opts.drafts || !l.Draft {
			kept = append(kept, l)
		}
	}
	sortLessons(kept)
	return kept, nil
}

// ParseLesson parses the lesson file (a path relative to the site root)
// whose content is src.
func ParseLesson(file string, src []byte, md *Markdown) (*Lesson, error) {
	return parseLesson(file, src, sha256.Sum256(src), md)
}

// parseLesson is [ParseLesson] of src whose SHA-256 hash is sum.
func parseLesson(file string, src []byte, sum [sha256.Size]byte, md *Markdown) (*Lesson, error) {
	fm, body, bodyLine, err := splitFrontMatter(file, src)
	if err != nil {
		return nil, err
	}
	meta, err := decodeMeta(file, fm, 2)
	if err != nil {
		return nil, err
	}
	l := newLesson(file, meta)
	l.src, l.sum, l.Slug = body, sum, meta.Slug
	if l.Slug == "" {
		name := strings.TrimSuffix(strings.TrimPrefix(file, ContentDir+"/"), ".md")
		if i, r := hostile.Index(name); i >= 0 {
			return nil, fileerr.New(fileerr.Pos{File: hostile.Escape(file)}, "parse", "the file's name holds %s, which makes it read differently from what it is; rename the file", hostile.Describe(r))
		}
		if l.IsSection() { // content/guide/_index.md is the page of guide/
			name = path.Dir(name)
		}
		l.Slug = slug.Path(name)
	} else if !slug.Valid(l.Slug) {
		return nil, errorf(file, findKeyLine(fm, "slug")+1, 1, "front matter: slug %q: use lowercase letters, digits, - and / only (%q would do)", l.Slug, slug.Make(l.Slug))
	}
	if err := md.parse(l, bodyLine); err != nil {
		return nil, err
	}
	return l, nil
}

// findKeyLine returns the 1-based line of key in front matter fm, or 0.
func findKeyLine(fm []byte, key string) int {
	for i, l := range bytes.Split(fm, []byte("\n")) {
		if bytes.HasPrefix(l, []byte(key+":")) {
			return i + 1
		}
	}
	return 0
}

// sortLessons orders lessons newest first, then by weight, then by title.
func sortLessons(ls []*Lesson) {
	sort.SliceStable(ls, func(i, j int) bool {
		a, b := ls[i], ls[j]
		if !a.Updated.Equal(b.Updated.Time) {
			return a.Updated.After(b.Updated.Time)
		}
		if a.Weight != b.Weight {
			return a.Weight < b.Weight
		}
		return a.Title < b.Title
	})
}

// taxonomyURL is the site path of the page listing a tag or category.
func taxonomyURL(kind, name string) string { return kind + "/" + slug.Make(name) + "/" }

// listing is what pages that list the lesson show of it: a lesson whose
// listing is unchanged needs only its own page rendered again.
func (l *Lesson) listing() string {
	var b strings.Builder
	b.WriteString(l.Title + "\x00" + l.Description + "\x00" + l.Category + "\x00" + l.Language + "\x00" + l.Slug + "\x00" + l.Updated.String())
	for _, t := range l.Tags {
		b.WriteString("\x00t" + t)
	}
	for _, h := range l.TOC {
		b.WriteString("\x00h" + h.Text)
	}
	fmt.Fprintf(&b, "\x00%d\x00%d\x00%v", l.Weight, l.ReadingTime(), l.Draft)
	return b.String()
}
