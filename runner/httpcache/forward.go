package httpcache

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"time"
)

// forward sends req to the origin. With a stored entry sl.e and a client
// that sent no validators of its own, the request is made conditional on
// it; a 304 then refreshes it. stale-if-error may replace an error with it.
func (t *Transport) forward(req *http.Request, rq requestInfo, sl slot, st status) (*http.Response, error) {
	key, e := sl.key, sl.e
	out := req
	validating := e != nil && !rq.conditional
	if validating {
		out = conditionalRequest(req, e)
	}
	reqTime := t.now()
	resp, err := t.next.RoundTrip(out)
	respTime := t.now()
	if e != nil && (err != nil || isServerError(resp.StatusCode)) && varyMatches(e, req) {
		f := t.freshness(e, respTime)
		detail := ""
		switch {
		case !f.fresh() && f.withinSIE(rq):
			detail = "stale-if-error"
		case err != nil && disconnected(req, err) && f.withinOffline(rq, t.offline):
			detail = "disconnected"
		}
		if detail != "" {
			if err == nil {
				discard(resp)
			}
			return t.serveStored(req, rq, e, f.age, status{hit: true, ttl: f.ttl(), detail: detail}), nil
		}
	}
	if err != nil {
		return nil, err
	}
	st.fwdStatus = resp.StatusCode

	if e != nil && resp.StatusCode == http.StatusNotModified {
		// A 304 to our own validation refers to the one response whose
		// validators we sent; one to the client's validators must match
		// the stored response to update it (RFC 9111, 4.3.4).
		if !validating && !validatorsMatch(e.Header, resp.Header) {
			t.status(resp.Header, st)
			return resp, nil
		}
		updated := t.update(sl, req, e, resp.Header, reqTime, respTime)
		st.stored = updated != nil
		if updated == nil {
			updated = refreshed(req, e, resp.Header, t.policy(resp.Header), reqTime, respTime, t.shared)
		}
		if !validating {
			// The client's own conditional request: pass the 304 on.
			t.status(resp.Header, st)
			return resp, nil
		}
		discard(resp)
		return t.serveStored(req, rq, updated, currentAge(updated, t.now()), st), nil
	}

	if req.Method == http.MethodHead {
		if e != nil && resp.StatusCode == http.StatusOK {
			// A HEAD response freshens the stored GET response it
			// describes (RFC 9111, 4.3.5), and is answered from it.
			if validatorsMatch(e.Header, resp.Header) {
				if updated := t.update(sl, req, e, resp.Header, reqTime, respTime); updated != nil {
					discard(resp)
					st.stored = true
					return t.serveStored(req, rq, updated, currentAge(updated, t.now()), st), nil
				}
			} else {
				t.delete(sl.ekey)
			}
		}
		t.status(resp.Header, st)
		return resp, nil
	}

	respCC := t.policy(resp.Header)
	if t.storable(req, rq, resp, respCC) {
		st.stored = t.save(key, req, resp, respCC, reqTime, respTime)
	} else if e != nil && !sl.varyMiss && resp.StatusCode < 500 {
		t.delete(sl.ekey) // superseded by a response we may not keep
	}
	t.status(resp.Header, st)
	return resp, nil
}

func isServerError(code int) bool { return code >= 500 && code <= 599 }

// disconnected reports whether err, returned for req, says that the origin
// could not be reached: a network error (refused, reset, timed out, name
// not found) or a connection closed before a complete response. A client
// that gave up (req's context is done) does not make the cache
// disconnected, nor does a malformed response.
func disconnected(req *http.Request, err error) bool {
	if req.Context().Err() != nil {
		return false
	}
	var ne net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne)
}

// conditionalRequest copies req and adds validators from the stored entry.
func conditionalRequest(req *http.Request, e *Entry) *http.Request {
	out := req.Clone(req.Context())
	if etag := e.Header.Get("ETag"); etag != "" {
		out.Header.Set("If-None-Match", etag)
	}
	if lm := e.Header.Get("Last-Modified"); lm != "" {
		out.Header.Set("If-Modified-Since", lm)
	}
	return out
}

// validatorsMatch reports whether a 304 or HEAD response describes the
// stored response: their entity tags, and their Last-Modified dates, agree
// wherever both have one (RFC 9111, 4.3.4).
func validatorsMatch(stored, update http.Header) bool {
	if a, b := stored.Get("ETag"), update.Get("ETag"); a != "" && b != "" && a != b {
		return false
	}
	if a, b := stored.Get("Last-Modified"), update.Get("Last-Modified"); a != "" && b != "" && a != b {
		return false
	}
	return true
}

// refreshed returns a copy of e updated by the header of a 304 or HEAD
// response to req received at respTime, whose directives are cc. The
// entry now answers req's values of the fields it varies on.
func refreshed(req *http.Request, e *Entry, update http.Header, cc CacheControl, reqTime, respTime time.Time, shared bool) *Entry {
	n := *e
	n.Header = mergeHeader(e.Header, update, cc, shared)
	n.RequestTime, n.ResponseTime = reqTime, respTime
	n.VaryHeader = varyHeader(req, n.Header)
	return &n
}

// update stores e refreshed by a 304 or HEAD response to req and returns
// the new entry, or nil when the update forbids storing (e is then
// deleted). The refreshed entry is stored as the variant req selects.
func (t *Transport) update(sl slot, req *http.Request, e *Entry, update http.Header, reqTime, respTime time.Time) *Entry {
	n := refreshed(req, e, update, t.policy(update), reqTime, respTime, t.shared)
	cc := t.policy(n.Header)
	if cc.Has("no-store") && !cc.Has("must-understand") {
		t.delete(sl.ekey)
		return nil
	}
	t.set(t.storeKey(sl.key, req, n.Header), n)
	return n
}

// storable reports whether a response to req may be stored (RFC 9111, 3).
func (t *Transport) storable(req *http.Request, rq requestInfo, resp *http.Response, cc CacheControl) bool {
	code := resp.StatusCode
	if code < 200 || code == http.StatusPartialContent || code == http.StatusNotModified {
		return false
	}
	switch req.Method {
	case http.MethodGet:
	case http.MethodPost:
		// A POST response answers later GETs when it says it is the
		// target's representation and how long it stays fresh (RFC 9110,
		// 9.3.3).
		if !hasExplicitExpiry(resp.Header, cc, t.shared) || !locatesTarget(req, resp.Header.Get("Content-Location")) {
			return false
		}
	default:
		return false
	}
	if rq.cc.Has("no-store") {
		return false
	}
	if cc.Has("must-understand") {
		if !understoodStatus(code) {
			return false
		}
	} else if cc.Has("no-store") {
		return false
	}
	if t.shared {
		if cc.Has("private") {
			return false
		}
		if req.Header.Get("Authorization") != "" && !cc.Has("must-revalidate") && !cc.Has("public") && !cc.Has("s-maxage") {
			return false
		}
	}
	if _, star := varyNames(resp.Header); star {
		return false
	}
	explicit := hasExplicitExpiry(resp.Header, cc, t.shared)
	if !explicit && !heuristicallyCacheable(code) && !cc.Has("public") && !(cc.Has("private") && !t.shared) {
		return false
	}
	// A response that can never be reused or revalidated is not worth
	// keeping.
	useful := explicit || resp.Header.Get("ETag") != "" || resp.Header.Get("Last-Modified") != ""
	return useful
}

// save reads the body of resp, stores the response and replaces the body
// with one that replays what was read. It reports whether it stored.
func (t *Transport) save(key string, req *http.Request, resp *http.Response, cc CacheControl, reqTime, respTime time.Time) bool {
	body, err := io.ReadAll(io.LimitReader(resp.Body, t.maxBody+1))
	switch {
	case err != nil:
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(body), errReader{err}), resp.Body}
		return false
	case int64(len(body)) > t.maxBody:
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
		return false
	}
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return t.set(t.storeKey(key, req, resp.Header), &Entry{
		URL:          key,
		StatusCode:   resp.StatusCode,
		Header:       storedHeader(resp.Header, cc, t.shared),
		Body:         body,
		RequestTime:  reqTime,
		ResponseTime: respTime,
		VaryHeader:   varyHeader(req, resp.Header),
	})
}

func (t *Transport) set(key string, e *Entry) bool {
	if err := t.store.Set(key, e); err != nil {
		t.storeFailed("cannot store a response", err)
		return false
	}
	return true
}

func (t *Transport) delete(key string) {
	if err := t.store.Delete(key); err != nil {
		t.storeFailed("cannot delete a stored response", err)
	}
}

// invalidate removes the stored responses an unsafe request may have
// changed: its target and the same-origin Location and Content-Location
// of the response (RFC 9111, 4.4).
func (t *Transport) invalidate(req *http.Request, resp *http.Response) {
	t.delete(cacheKey(req))
	for _, f := range [...]string{"Location", "Content-Location"} {
		v := resp.Header.Get(f)
		if v == "" {
			continue
		}
		u, err := req.URL.Parse(v)
		if err != nil || !sameOrigin(u, req.URL) {
			continue
		}
		t.delete(urlKey(u, req.Host))
	}
}

// locatesTarget reports whether a Content-Location value refers to the
// request's target URI.
func locatesTarget(req *http.Request, loc string) bool {
	if loc == "" {
		return false
	}
	u, err := req.URL.Parse(loc)
	return err == nil && urlKey(u, req.Host) == cacheKey(req)
}

func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
}

type readCloser struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
