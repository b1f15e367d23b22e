package httpcache

import (
	"net/http"
	"strings"
)

// hopByHop lists the connection-specific fields that are never stored
// (RFC 9110, 7.6.1; RFC 9111, 3.1), plus proxy authentication fields.
var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Te": true,
	"Transfer-Encoding": true, "Upgrade": true, "Trailer": true,
	"Proxy-Authenticate": true, "Proxy-Authentication-Info": true, "Proxy-Authorization": true,
}

// excludedFields returns the fields of h that must not be stored: the
// hop-by-hop ones, those named in Connection, and those named by
// no-cache="..." (and private="..." in a shared cache).
func excludedFields(h http.Header, cc CacheControl, shared bool) map[string]bool {
	var ex map[string]bool
	add := func(name string) {
		if ex == nil {
			ex = make(map[string]bool)
		}
		ex[http.CanonicalHeaderKey(strings.TrimSpace(name))] = true
	}
	for _, v := range h.Values("Connection") {
		for f := range strings.SplitSeq(v, ",") {
			add(f)
		}
	}
	if v, ok := cc.Get("no-cache"); ok && v != "" {
		for _, f := range fieldNames(v) {
			add(f)
		}
	}
	if v, ok := cc.Get("private"); shared && ok && v != "" {
		for _, f := range fieldNames(v) {
			add(f)
		}
	}
	return ex
}

// storedHeader copies the fields of a response header that may be stored.
func storedHeader(h http.Header, cc CacheControl, shared bool) http.Header {
	ex := excludedFields(h, cc, shared)
	out := make(http.Header, len(h))
	for k, vs := range h {
		if hopByHop[k] || ex[k] {
			continue
		}
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// mergeHeader updates a stored header with the fields of a 304 or HEAD
// response (RFC 9111, 3.2), whose directives are cc: each field present in the update replaces the
// stored one, except hop-by-hop fields and Content-Length. An Age the
// update lacks is dropped, since it described the old response.
func mergeHeader(stored, update http.Header, cc CacheControl, shared bool) http.Header {
	out := stored.Clone()
	ex := excludedFields(update, cc, shared)
	if _, ok := update["Age"]; !ok {
		delete(out, "Age")
	}
	for k, vs := range update {
		if hopByHop[k] || ex[k] || k == "Content-Length" || k == "Cache-Status" {
			continue
		}
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// etagMatch compares two entity tags with the weak comparison function
// (RFC 9110, 8.8.3.2).
func etagMatch(a, b string) bool {
	a, b = strings.TrimPrefix(a, "W/"), strings.TrimPrefix(b, "W/")
	return a != "" && a == b
}

// notModified evaluates a client's If-None-Match or, failing that,
// If-Modified-Since against a stored response (RFC 9111, 4.3.2).
func notModified(req *http.Request, stored http.Header, storedDate string) bool {
	if inm := req.Header.Values("If-None-Match"); len(inm) > 0 {
		etag := stored.Get("ETag")
		for _, v := range inm {
			for tag := range strings.SplitSeq(v, ",") {
				tag = strings.TrimSpace(tag)
				if tag == "*" || etagMatch(tag, etag) {
					return true
				}
			}
		}
		return false
	}
	ims, ok := ParseHTTPDate(req.Header.Get("If-Modified-Since"))
	if !ok {
		return false
	}
	lmv := stored.Get("Last-Modified")
	if lmv == "" {
		lmv = storedDate
	}
	lm, ok := ParseHTTPDate(lmv)
	return ok && !lm.After(ims)
}
