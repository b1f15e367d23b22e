package httpcache

import (
	"net/http"
	"net/url"
	"strings"
)

// requestInfo is what the cache needs to know about a request.
type requestInfo struct {
	cc CacheControl
	// noCache is set by Cache-Control: no-cache, or by Pragma: no-cache
	// when the request has no Cache-Control (RFC 9111, 5.4).
	noCache bool
	// conditional is set when the client sent its own validators.
	conditional bool
}

func parseRequest(req *http.Request) requestInfo {
	ccv := req.Header.Values("Cache-Control")
	r := requestInfo{cc: ParseCacheControl(ccv)}
	r.noCache = r.cc.Has("no-cache")
	if len(ccv) == 0 {
		for _, p := range req.Header.Values("Pragma") {
			if strings.Contains(strings.ToLower(p), "no-cache") {
				r.noCache = true
			}
		}
	}
	r.conditional = req.Header.Get("If-None-Match") != "" || req.Header.Get("If-Modified-Since") != ""
	return r
}

// collapsible reports whether a miss for this request may wait for an
// identical one in flight and then be answered from what it stored.
func (r requestInfo) collapsible() bool {
	return !r.noCache && !r.cc.Has("no-store") && !r.conditional
}

// forcesValidation reports whether the client asked for a response fresher
// than serving stale content in the background would give it.
func (r requestInfo) forcesValidation() bool {
	return r.noCache || r.cc.Has("max-age") || r.cc.Has("min-fresh")
}

// bypasses reports whether the cache must stay out of the exchange: range
// requests and preconditions other than the validators it understands.
func bypasses(req *http.Request) bool {
	h := req.Header
	return h.Get("Range") != "" || h.Get("If-Range") != "" || h.Get("If-Match") != "" || h.Get("If-Unmodified-Since") != ""
}

// cacheKey is the primary cache key: the target URI without fragment or
// user information. GET and HEAD share it.
func cacheKey(req *http.Request) string {
	return urlKey(req.URL, req.Host)
}

func urlKey(u *url.URL, host string) string {
	k := *u
	k.Fragment, k.RawFragment, k.User = "", "", nil
	if k.Host == "" {
		k.Host = host
	}
	return k.String()
}

// varyNames returns the field names listed in a response's Vary header,
// canonicalised, and whether one of them is "*".
func varyNames(h http.Header) (names []string, star bool) {
	for _, v := range h.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			f = strings.TrimSpace(f)
			switch f {
			case "":
			case "*":
				star = true
			default:
				names = append(names, http.CanonicalHeaderKey(f))
			}
		}
	}
	return names, star
}

// varyHeader captures the request fields a response varies on.
func varyHeader(req *http.Request, resp http.Header) http.Header {
	names, _ := varyNames(resp)
	if len(names) == 0 {
		return nil
	}
	h := make(http.Header, len(names))
	for _, n := range names {
		if vs := req.Header.Values(n); len(vs) > 0 {
			h[n] = append([]string(nil), vs...)
		}
	}
	return h
}

// varyMatches reports whether a stored response can answer req as far as
// Vary is concerned (RFC 9111, 4.1). Values are compared after removing
// whitespace around commas; an absent field matches only an absent one.
func varyMatches(e *Entry, req *http.Request) bool {
	names, star := varyNames(e.Header)
	if star {
		return false
	}
	for _, n := range names {
		stored, sok := e.VaryHeader[n]
		got, gok := req.Header[n]
		if sok != gok || normalizeList(stored) != normalizeList(got) {
			return false
		}
	}
	return true
}

func normalizeList(vs []string) string {
	if len(vs) == 1 && !strings.ContainsAny(vs[0], ", \t") {
		return vs[0]
	}
	var parts []string
	for _, v := range vs {
		for p := range strings.SplitSeq(v, ",") {
			parts = append(parts, strings.TrimSpace(p))
		}
	}
	return strings.Join(parts, ",")
}

// sameOrigin reports whether two absolute URLs share scheme and authority.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}
