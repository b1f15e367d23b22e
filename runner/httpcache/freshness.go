package httpcache

import (
	"math"
	"net/http"
	"strings"
	"time"
)

// heuristicFraction and maxHeuristic bound heuristic freshness: 10% of the
// time since Last-Modified (RFC 9111, 4.2.2), at most a week.
const (
	heuristicFraction = 10
	maxHeuristic      = 7 * 24 * time.Hour
)

// heuristicallyCacheable reports whether a status code is cacheable by
// default (RFC 9110, 15.1).
func heuristicallyCacheable(code int) bool {
	switch code {
	case 200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501:
		return true
	}
	return false
}

// understoodStatus reports whether the cache implements the semantics of a
// status code, as must-understand requires (RFC 9111, 5.2.2.3). Partial
// content (206) is not supported, so it is never stored.
func understoodStatus(code int) bool {
	switch code {
	case 200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501:
		return true
	}
	return false
}

// dateOf returns the Date of a stored response, or its response time when
// Date is missing or invalid.
func dateOf(h http.Header, responseTime time.Time) time.Time {
	if d, ok := ParseHTTPDate(h.Get("Date")); ok {
		return d
	}
	return responseTime
}

// ageValue parses the first member of the first Age field line; anything
// but delta-seconds (optionally followed by parameters) counts as absent.
func ageValue(h http.Header) time.Duration {
	v := h.Get("Age")
	if i := strings.IndexAny(v, ",;"); i >= 0 {
		v = v[:i]
	}
	n, ok := parseDelta(strings.TrimSpace(v))
	if !ok {
		return 0
	}
	return time.Duration(n) * time.Second
}

// currentAge computes the age of a stored response at now (RFC 9111, 4.2.3).
func currentAge(e *Entry, now time.Time) time.Duration {
	apparent := max(0, e.ResponseTime.Sub(dateOf(e.Header, e.ResponseTime)))
	corrected := ageValue(e.Header) + e.ResponseTime.Sub(e.RequestTime)
	return max(apparent, corrected) + now.Sub(e.ResponseTime)
}

// freshnessLifetime computes how long a stored response is fresh (RFC 9111,
// 4.2.1), using heuristics only when it has no explicit expiration time.
func freshnessLifetime(e *Entry, cc CacheControl, shared bool) time.Duration {
	if shared {
		if n, ok, valid := cc.Seconds("s-maxage"); ok {
			return seconds(n, valid && !cc.Duplicated("s-maxage"))
		}
	}
	if n, ok, valid := cc.Seconds("max-age"); ok {
		return seconds(n, valid)
	}
	if exp := e.Header.Values("Expires"); len(exp) > 0 && !cc.targeted {
		t, ok := ParseHTTPDate(exp[0])
		if !ok || len(exp) > 1 {
			return 0
		}
		return max(0, t.Sub(dateOf(e.Header, e.ResponseTime)))
	}
	if !heuristicallyCacheable(e.StatusCode) && !cc.Has("public") {
		return 0
	}
	lm, ok := ParseHTTPDate(e.Header.Get("Last-Modified"))
	if !ok {
		return 0
	}
	since := dateOf(e.Header, e.ResponseTime).Sub(lm)
	if since <= 0 {
		return 0
	}
	return min(since/heuristicFraction, maxHeuristic)
}

func seconds(n int64, valid bool) time.Duration {
	if !valid {
		return 0
	}
	return time.Duration(n) * time.Second
}

// hasExplicitExpiry reports whether a response states its own freshness
// lifetime (max-age, or s-maxage in a shared cache, or Expires unless a
// targeted field governs the response).
func hasExplicitExpiry(h http.Header, cc CacheControl, shared bool) bool {
	return cc.Has("max-age") || (shared && cc.Has("s-maxage")) || (len(h.Values("Expires")) > 0 && !cc.targeted)
}

// fresh is the freshness state of a stored response at one instant.
type fresh struct {
	age, life time.Duration
	cc        CacheControl // the stored response's Cache-Control
	shared    bool
}

func (t *Transport) freshness(e *Entry, now time.Time) fresh {
	cc := t.policy(e.Header)
	return fresh{age: currentAge(e, now), life: freshnessLifetime(e, cc, t.shared), cc: cc, shared: t.shared}
}

func (f fresh) fresh() bool { return f.life > f.age }

// staleness is how long the response has been stale (negative when fresh).
func (f fresh) staleness() time.Duration { return f.age - f.life }

// ttl is the remaining freshness in whole seconds, rounded down; a stale
// response always has a negative ttl.
func (f fresh) ttl() int64 {
	d := f.life - f.age
	if d > 0 {
		return int64(d / time.Second)
	}
	return min(-1, int64(math.Floor(d.Seconds())))
}

// mayServeStale reports whether the response's own directives allow serving
// it stale at all (RFC 9111, 5.2.2.2 and 5.2.2.8).
func (f fresh) mayServeStale() bool {
	return !f.cc.Has("must-revalidate") && !f.cc.Has("no-cache") &&
		!(f.shared && (f.cc.Has("proxy-revalidate") || f.cc.Has("s-maxage")))
}

// servable reports whether the stored response may answer the request
// without contacting the origin.
func (f fresh) servable(rq requestInfo) bool {
	if rq.noCache {
		return false
	}
	if v, ok := f.cc.Get("no-cache"); ok && v == "" {
		return false
	}
	immutable := f.cc.Has("immutable") && f.fresh()
	if n, ok, valid := rq.cc.Seconds("max-age"); ok && !immutable {
		if !valid || f.age > time.Duration(n)*time.Second {
			return false
		}
	}
	if n, ok, valid := rq.cc.Seconds("min-fresh"); ok {
		if !valid || f.life-f.age < time.Duration(n)*time.Second {
			return false
		}
	}
	if f.fresh() {
		return true
	}
	v, ok := rq.cc.Get("max-stale")
	if !ok || !f.mayServeStale() {
		return false
	}
	if v == "" {
		return true
	}
	n, valid := parseDelta(v)
	return valid && f.staleness() <= time.Duration(n)*time.Second
}

// withinSWR reports whether stale-while-revalidate lets the stale response
// be served while it is revalidated in the background (RFC 5861, 3).
func (f fresh) withinSWR() bool {
	n, ok, valid := f.cc.Seconds("stale-while-revalidate")
	return ok && valid && f.mayServeStale() && f.staleness() <= time.Duration(n)*time.Second
}

// withinOffline reports whether a cache disconnected from the origin may
// serve the response, at most limit stale (see [WithStaleIfDisconnected]).
func (f fresh) withinOffline(rq requestInfo, limit time.Duration) bool {
	return limit > 0 && f.mayServeStale() && !rq.forcesValidation() && f.staleness() <= limit
}

// withinSIE reports whether stale-if-error, in the response or the request,
// lets the stale response be served after an error (RFC 5861, 4).
func (f fresh) withinSIE(rq requestInfo) bool {
	if !f.mayServeStale() {
		return false
	}
	for _, cc := range [...]CacheControl{rq.cc, f.cc} {
		if n, ok, valid := cc.Seconds("stale-if-error"); ok && valid && f.staleness() <= time.Duration(n)*time.Second {
			return true
		}
	}
	return false
}
