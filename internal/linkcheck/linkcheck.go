// Package linkcheck finds the links of a built site that name no file of
// it: every href and src of every HTML page that points inside the site
// must name a file the site holds (or a directory with an index.html), and
// its fragment, if any, an id of that page.
//
// It reads the pages with a small tokenizer of its own, enough for the
// HTML a site generator writes: tags and their attributes, comments, and
// the raw text of script and style elements, which it skips.
package linkcheck

import (
	"fmt"
	"html"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Broken is a link that names no file of the site, or no id of its page.
type Broken struct {
	Page string // the page's file, slash-separated, relative to the site
	Line int    // where the link is
	Ref  string // the attribute's value, as the page has it, unescaped
	Why  string
}

func (b Broken) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", b.Page, b.Line, b.Ref, b.Why)
}

// Check checks the links of every HTML page under dir, the site built for
// the base URL base ("/" or "https://docs.example.org/api/"), and returns
// the broken ones, by page and line. Links to other hosts are not
// followed; links to base's host are the site's own.
func Check(dir, base string) ([]Broken, error) {
	b, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("linkcheck: base %q: %w", base, err)
	}
	if !strings.HasSuffix(b.Path, "/") {
		b.Path += "/"
	}
	pages := map[string]*page{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		pages[filepath.ToSlash(rel)] = parse(string(src))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("linkcheck: %w", err)
	}
	var broken []Broken
	names := slices.Sorted(func(yield func(string) bool) {
		for name := range pages {
			if !yield(name) {
				return
			}
		}
	})
	for _, name := range names {
		pg := pages[name]
		// The URL the page is served at: a directory's index.html at the
		// directory.
		at := b.ResolveReference(&url.URL{Path: strings.TrimSuffix(name, "index.html")})
		for _, l := range pg.links {
			if why := check(dir, b, at, name, l.ref, pages); why != "" {
				broken = append(broken, Broken{Page: name, Line: l.line, Ref: l.ref, Why: why})
			}
		}
	}
	return broken, nil
}

// check says what is wrong with the link ref of the page name, served at
// at, or "" when it resolves.
func check(dir string, base, at *url.URL, name, ref string, pages map[string]*page) string {
	u, err := url.Parse(ref)
	if err != nil {
		return "not a URL: " + err.Error()
	}
	switch {
	case u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https":
		return "" // mailto:, data:, javascript: ...
	case u.Host != "" && u.Host != base.Host:
		return "" // another site
	}
	target := at.ResolveReference(u)
	if !strings.HasPrefix(target.Path, base.Path) {
		return "outside the site's base path " + base.Path
	}
	file := strings.TrimPrefix(target.Path, base.Path)
	if file == "" || strings.HasSuffix(file, "/") {
		file += "index.html"
	}
	if u.Path == "" && u.RawQuery == "" && u.Host == "" {
		file = name // a fragment of the page itself
	}
	fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(file)))
	if err == nil && fi.IsDir() {
		file = path.Join(file, "index.html")
		_, err = os.Stat(filepath.Join(dir, filepath.FromSlash(file)))
	}
	if err != nil {
		return "no file " + file
	}
	if frag := target.Fragment; frag != "" && strings.HasSuffix(file, ".html") {
		if pg := pages[file]; pg != nil && !pg.ids[frag] {
			return "no id " + frag + " in " + file
		}
	}
	return ""
}

// page is what the checker reads of an HTML page.
type page struct {
	links []link
	ids   map[string]bool
}

// link is the value of an href or src attribute, unescaped.
type link struct {
	ref  string
	line int
}

// parse reads the links and ids of the HTML document src.
func parse(src string) *page {
	pg := &page{ids: map[string]bool{}}
	line := 1
	for i := 0; i < len(src); {
		lt := strings.IndexByte(src[i:], '<')
		if lt < 0 {
			break
		}
		line += strings.Count(src[i:i+lt], "\n")
		i += lt
		if strings.HasPrefix(src[i:], "<!--") {
			end := strings.Index(src[i:], "-->")
			if end < 0 {
				break
			}
			line += strings.Count(src[i:i+end], "\n")
			i += end + 3
			continue
		}
		name, attrs, n := tag(src[i:])
		if n == 0 {
			i++
			continue
		}
		for _, a := range attrs {
			switch a.name {
			case "href", "src":
				pg.links = append(pg.links, link{ref: a.value, line: line + a.line})
			case "id", "name":
				if a.name == "id" || name == "a" {
					pg.ids[a.value] = true
				}
			}
		}
		line += strings.Count(src[i:i+n], "\n")
		i += n
		if name == "script" || name == "style" {
			// Raw text, to the end tag.
			end := strings.Index(strings.ToLower(src[i:]), "</"+name)
			if end < 0 {
				break
			}
			line += strings.Count(src[i:i+end], "\n")
			i += end
		}
	}
	return pg
}

// attr is an attribute of a tag, its value unescaped, and the number of
// lines into the tag it is on.
type attr struct {
	name, value string
	line        int
}

// tag reads the tag at the start of s, which starts with "<": its name in
// lowercase (with a "/" before it for an end tag), its attributes, and its
// length; n is 0 when s does not start with a tag.
func tag(s string) (name string, attrs []attr, n int) {
	i := 1
	if i < len(s) && s[i] == '/' {
		i++
	}
	start := i
	for i < len(s) && isNameByte(s[i]) {
		i++
	}
	if i == start || !isLetter(s[start]) {
		return "", nil, 0
	}
	name = strings.ToLower(s[1:i])
	for i < len(s) {
		for i < len(s) && (isSpace(s[i]) || s[i] == '/') {
			i++
		}
		if i >= len(s) {
			return "", nil, 0
		}
		if s[i] == '>' {
			return name, attrs, i + 1
		}
		at := strings.Count(s[:i], "\n")
		ns := i
		for i < len(s) && !isSpace(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/' {
			i++
		}
		a := attr{name: strings.ToLower(s[ns:i]), line: at}
		j := i
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		if j < len(s) && s[j] == '=' {
			j++
			for j < len(s) && isSpace(s[j]) {
				j++
			}
			if j >= len(s) {
				return "", nil, 0
			}
			if q := s[j]; q == '"' || q == '\'' {
				end := strings.IndexByte(s[j+1:], q)
				if end < 0 {
					return "", nil, 0
				}
				a.value = s[j+1 : j+1+end]
				j += end + 2
			} else {
				vs := j
				for j < len(s) && !isSpace(s[j]) && s[j] != '>' {
					j++
				}
				a.value = s[vs:j]
			}
			i = j
		}
		a.value = html.UnescapeString(a.value)
		attrs = append(attrs, a)
	}
	return "", nil, 0
}

func isSpace(c byte) bool  { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameByte(c byte) bool {
	return isLetter(c) || c >= '0' && c <= '9' || c == '-' || c == ':'
}
