package preview

import (
	"mime"
	"net/http"
	"path"
	"strings"
)

// site is one immutable version of the served files. Keys are slash-separated
// paths relative to the site root, such as "index.html" or "go/intro/index.html".
type site struct {
	files   map[string][]byte
	version string
}

// target is what a URL path resolves to in a site.
type target struct {
	key      string // the file to serve; empty when there is none
	status   int    // http.StatusOK, http.StatusFound or http.StatusNotFound
	location string // the redirect's target, for http.StatusFound
}

// resolve maps a URL path to a file with pretty URLs: /x/ serves
// x/index.html, /x redirects to /x/ when only x/index.html exists, and a
// missing file serves 404.html with status 404.
func (s *site) resolve(urlPath string) target {
	p := path.Clean("/" + urlPath)
	key := strings.TrimPrefix(p, "/")
	if key == "" || strings.HasSuffix(urlPath, "/") {
		if idx := path.Join(key, "index.html"); s.has(idx) {
			return target{key: idx, status: http.StatusOK}
		}
	} else {
		if s.has(key) {
			return target{key: key, status: http.StatusOK}
		}
		if s.has(key + "/index.html") {
			return target{status: http.StatusFound, location: p + "/"}
		}
	}
	if s.has("404.html") {
		return target{key: "404.html", status: http.StatusNotFound}
	}
	return target{status: http.StatusNotFound}
}

// has reports whether the site has a file at key.
func (s *site) has(key string) bool {
	_, ok := s.files[key]
	return ok
}

// contentTypes fixes the types of the files a site is made of, so that they
// do not depend on the machine's MIME database.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".xml":         "application/xml; charset=utf-8",
	".rss":         "application/rss+xml; charset=utf-8",
	".atom":        "application/atom+xml; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
	".md":          "text/markdown; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".ttf":         "font/ttf",
	".otf":         "font/otf",
	".wasm":        "application/wasm",
	".pdf":         "application/pdf",
}

// contentType returns the media type of the file key with contents body.
func contentType(key string, body []byte) string {
	ext := strings.ToLower(path.Ext(key))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return http.DetectContentType(body)
}

// pageWide reports whether a change to the file key may change how every
// page looks: a stylesheet, a script, an image or a font.
func pageWide(key string) bool {
	switch strings.ToLower(path.Ext(key)) {
	case ".css", ".js", ".mjs", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".woff", ".woff2", ".ttf", ".otf":
		return true
	}
	return false
}
