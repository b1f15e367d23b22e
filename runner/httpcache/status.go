package httpcache

import (
	"net/http"
	"strconv"
	"strings"
)

// status describes how a response was obtained, for the Cache-Status
// header (RFC 9211).
type status struct {
	hit       bool
	fwd       string // why the request went to the origin
	fwdStatus int    // status the origin answered with
	stored    bool   // the response was stored or updated in the cache
	ttl       int64  // remaining freshness of a hit, negative when stale
	detail    string // why a stale response was served, and the like
}

// status appends this cache's member to the Cache-Status field, after any
// members added by caches nearer the origin.
func (t *Transport) status(h http.Header, st status) {
	var buf [96]byte
	b := append(buf[:0], t.name...)
	if st.hit {
		b = append(b, "; hit"...)
	}
	if st.fwd != "" {
		b = append(b, "; fwd="...)
		b = append(b, st.fwd...)
	}
	if st.fwdStatus != 0 {
		b = append(b, "; fwd-status="...)
		b = strconv.AppendInt(b, int64(st.fwdStatus), 10)
	}
	if st.stored {
		b = append(b, "; stored"...)
	}
	if st.hit {
		b = append(b, "; ttl="...)
		b = strconv.AppendInt(b, st.ttl, 10)
	}
	if st.detail != "" {
		b = append(b, "; detail="...)
		b = append(b, st.detail...)
	}
	h["Cache-Status"] = append(h["Cache-Status"], string(b))
}

// Outcomes reported by [Outcome].
const (
	// OutcomeMiss: the response came from the origin.
	OutcomeMiss = "miss"
	// OutcomeHit: a fresh stored response was served without contacting
	// the origin.
	OutcomeHit = "hit"
	// OutcomeRevalidated: a stored response was validated with the origin,
	// which answered 304 Not Modified.
	OutcomeRevalidated = "revalidated"
	// OutcomeStale: a stale stored response was served, because of
	// stale-while-revalidate, stale-if-error, the request's max-stale or
	// an origin that could not be reached.
	OutcomeStale = "stale"
)

// Outcome condenses the last member of a response's Cache-Status header
// (the cache nearest the client) into one of [OutcomeMiss], [OutcomeHit],
// [OutcomeRevalidated] or [OutcomeStale]. It returns "" when the response
// has no Cache-Status.
//
// The mapping: "hit" with a negative ttl or a detail naming why stale
// content was served is stale; other hits are hits; a forwarded request
// with "fwd-status=304" is revalidated; anything else is a miss.
func Outcome(resp *http.Response) string {
	vs := resp.Header.Values("Cache-Status")
	if len(vs) == 0 {
		return ""
	}
	last := vs[len(vs)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	var hit, revalidated, stale bool
	_, params, _ := strings.Cut(last, ";") // drop the cache's name
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		switch k {
		case "hit":
			hit = true
		case "fwd-status":
			revalidated = v == "304"
		case "ttl":
			stale = stale || strings.HasPrefix(v, "-")
		case "detail":
			stale = stale || v == "stale-while-revalidate" || v == "stale-if-error" || v == "max-stale" || v == "disconnected"
		}
	}
	switch {
	case hit && stale:
		return OutcomeStale
	case hit:
		return OutcomeHit
	case revalidated:
		return OutcomeRevalidated
	}
	return OutcomeMiss
}
