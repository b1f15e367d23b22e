package generator

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/internal/hostile"
	"github.com/snapdoc/snapdoc/internal/sitepath"
)

// aliasPath is the site path of the alias a, as front matter writes it:
// "/old/path/" is "old/path/", and "/old/path", which names no file, is
// the directory "old/path/" too; "/old.html" is the file "old.html".
func aliasPath(a string) string {
	p := strings.TrimPrefix(a, "/")
	if !strings.HasSuffix(p, "/") && !strings.HasSuffix(p, ".html") {
		p += "/"
	}
	return p
}

// checkAliases refuses the aliases of front matter fm (which starts on
// line fmLine of file) that are no absolute path inside the site: one that
// does not start with "/", names a host ("//host/"), climbs out with "..",
// has empty or "." segments, holds "?", "#", "\", control characters or
// hostile ones (see package hostile). The error is at the alias.
func checkAliases(file string, fm []byte, fmLine int, aliases []string) error {
	for _, a := range aliases {
		why := aliasProblem(a)
		if why == "" {
			continue
		}
		return fileerr.New(fmValuePos(file, fm, fmLine, "aliases", a), "parse", "front matter: aliases: %q %s; write an absolute path inside the site, such as /old/path/", a, why)
	}
	return nil
}

// aliasProblem says what is wrong with the alias a, or "" if nothing is.
func aliasProblem(a string) string {
	if i, r := hostile.Index(a); i >= 0 {
		return "holds " + hostile.Describe(r) + ", which makes it read differently from what it is"
	}
	if !strings.HasPrefix(a, "/") {
		return "does not start with /"
	}
	if i := strings.IndexFunc(a, func(r rune) bool { return unicode.IsControl(r) || strings.ContainsRune(`?#\`, r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(a[i:])
		return "holds " + strconv.QuoteRune(r) + ", which a site path cannot"
	}
	p := strings.TrimPrefix(a, "/")
	if p == "" {
		return "is the home page"
	}
	for seg := range strings.SplitSeq(strings.TrimSuffix(p, "/"), "/") {
		switch seg {
		case "":
			return "has an empty segment"
		case ".", "..":
			return "has a " + seg + " segment"
		}
	}
	return ""
}

// fmValuePos is where front matter fm, which starts on line fmLine of
// file, writes value for key: at value on or after the key's line, or at
// the key's line when it is not written as it is.
func fmValuePos(file string, fm []byte, fmLine int, key, value string) fileerr.Pos {
	keyLine := max(findKeyLine(fm, key), 1)
	off := 0
	for range keyLine - 1 {
		off += bytes.IndexByte(fm[off:], '\n') + 1
	}
	col := 1
	if i := bytes.Index(fm[off:], []byte(value)); i >= 0 && value != "" {
		off += i
		var line int
		line, col = fileerr.LineCol(fm, off)
		keyLine = line
	}
	return fileerr.Pos{File: file, Line: fmLine + keyLine - 1, Col: col}
}

// aliasPage is the page published at an alias: it sends the reader, and
// search engines, on to the lesson at once, with a link for those whose
// browser does not follow the refresh.
var aliasPage = template.Must(template.New("alias").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{{.Canonical}}">
<meta http-equiv="refresh" content="0; url={{.URL}}">
</head>
<body>
<main>
<p>This page has moved to <a href="{{.URL}}">{{.Title}}</a>.</p>
</main>
</body>
</html>
`))

// alias writes the page at the alias a of the lesson l.
func (r *builder) alias(l *Lesson, a string) error {
	cfg := &r.site.Config
	var buf bytes.Buffer
	err := aliasPage.Execute(&buf, struct{ Lang, Title, URL, Canonical string }{
		Lang: cfg.Language, Title: l.Title, URL: underBase(cfg.basePath(), l.URL()), Canonical: cfg.absURL(l.URL()),
	})
	if err != nil {
		return err
	}
	return r.out.write(sitepath.File(aliasPath(a)), buf.Bytes())
}
