package httpcache

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// requestInfo is what the cache needs to know about a request.
type requestInfo struct {
	cc CacheControl
	// noCache is set by Cache-Control: no-cache. Pragma is ignored: RFC
	// 9111, 5.4 deprecates it.
	noCache bool
	// conditional is set when the client sent its own validators.
	conditional bool
}

func parseRequest(req *http.Request) requestInfo {
	r := requestInfo{cc: ParseCacheControl(req.Header.Values("Cache-Control"))}
	r.noCache = r.cc.Has("no-cache")
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

// bypasses reports whether the cache must stay out of the exchange:
// preconditions other than the validators it understands. (Ranges of a
// stored complete response are served; partial responses are not stored.)
func bypasses(req *http.Request) bool {
	h := req.Header
	return h.Get("If-Range") != "" || h.Get("If-Match") != "" || h.Get("If-Unmodified-Since") != ""
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
		if sok != gok || normalizeList(n, stored) != normalizeList(n, got) {
			return false
		}
	}
	return true
}

// normalizeList joins field values into one list without optional
// whitespace. For the proactive negotiation fields, whose members are
// case-insensitive and unordered (RFC 9110, 12.5), members are also
// lower-cased and sorted.
func normalizeList(name string, vs []string) string {
	if len(vs) == 1 && !strings.ContainsAny(vs[0], ", \t") && !negotiation[name] {
		return vs[0]
	}
	var parts []string
	for _, v := range vs {
		for p := range strings.SplitSeq(v, ",") {
			p = strings.ReplaceAll(strings.TrimSpace(p), " ", "")
			if negotiation[name] {
				p = strings.ToLower(p)
			}
			parts = append(parts, p)
		}
	}
	if negotiation[name] {
		slices.Sort(parts)
	}
	return strings.Join(parts, ",")
}

var negotiation = map[string]bool{"Accept": true, "Accept-Charset": true, "Accept-Encoding": true, "Accept-Language": true}

// sameOrigin reports whether two absolute URLs share scheme and authority.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}
