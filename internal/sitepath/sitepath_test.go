package sitepath

import (
	"net/url"
	"testing"
)

func TestLocate(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ file, ref string }{
		"":                      {"index.html", ""},
		"python-cache-control/": {"python-cache-control/index.html", "python-cache-control/"},
		"tags/c-sharp/":         {"tags/c-sharp/index.html", "tags/c-sharp/"},
		"feed.xml":              {"feed.xml", "feed.xml"},
		"static/my file.css":    {"static/my file.css", "static/my%20file.css"},
		"кэш/":                  {"кэш/index.html", "%D0%BA%D1%8D%D1%88/"},
		"a#b?c%d/":              {"a#b?c%d/index.html", "a%23b%3Fc%25d/"},
		"/404.html":             {"404.html", "404.html"},
	}
	for p, want := range cases {
		file, ref := Locate(p)
		if file != want.file || ref != want.ref {
			t.Errorf("Locate(%q) = %q, %q; want %q, %q", p, file, ref, want.file, want.ref)
		}
	}
}

// A server maps the URL path back to the file: decoding the reference
// gives the file's path again.
func FuzzLocate(f *testing.F) {
	for _, s := range []string{"", "a/", "a b/c#d", "кэш/", "%41/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		file, ref := Locate(p)
		u, err := url.Parse("/" + ref)
		if err != nil {
			t.Fatalf("Locate(%q) ref %q: %v", p, ref, err)
		}
		got := u.Path
		if got == "" || got[len(got)-1] == '/' {
			got += "index.html"
		}
		if got[1:] != file {
			t.Errorf("Locate(%q) = %q, %q: the ref names %q", p, file, ref, got[1:])
		}
	})
}
