// Package sitepath turns the site path of a page or file into the two
// things made from it: the file of the output directory that holds it and
// the URL that links to it. Both come from [Locate], so that a link always
// names the file the build wrote, whatever characters the path holds.
package sitepath

import (
	"net/url"
	"strings"
)

// Locate returns, for the site path p of a page or file (slash-separated,
// not escaped, relative to the site's root: "" for the home page,
// "tags/c-sharp/" for a page of its own, "feed.xml" for a file), the file
// of the output directory that holds it and the URL path, relative to the
// site's base, that links to it. A path that ends with "/" (or is empty)
// is a directory whose page is its index.html. The URL path is
// percent-encoded segment by segment: "кэш/" → "%D0%BA%D1%8D%D1%88/".
func Locate(p string) (file, ref string) {
	p = strings.TrimLeft(p, "/")
	file = p
	if p == "" || strings.HasSuffix(p, "/") {
		file = p + "index.html"
	}
	return file, (&url.URL{Path: p}).EscapedPath()
}

// File is the file of the output directory that holds the page or file at
// site path p, as [Locate] returns it.
func File(p string) string {
	file, _ := Locate(p)
	return file
}

// Ref is the URL path, relative to the site's base, that links to the page
// or file at site path p, as [Locate] returns it.
func Ref(p string) string {
	_, ref := Locate(p)
	return ref
}
