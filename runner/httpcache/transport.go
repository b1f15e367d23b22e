package httpcache

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Transport is an [http.RoundTripper] that caches responses in a [Store]
// following RFC 9111. Create one with [New]; it is safe for concurrent use.
type Transport struct {
	next    http.RoundTripper
	store   Store
	now     func() time.Time
	shared  bool
	name    string
	log     *slog.Logger
	warned  atomic.Bool // a store failure was logged as a warning
	maxBody int64
	targets []string      // targeted cache-control fields, in priority order
	offline time.Duration // how stale a response served when disconnected may be
	// collapser collapses misses across processes; nil: within this one only
	collapser Collapser

	mu           sync.Mutex
	inflight     map[string]chan struct{} // misses being fetched, by cache key
	revalidating map[string]bool          // stored responses being revalidated in the background
	bg           sync.WaitGroup           // background revalidations
}

var _ http.RoundTripper = (*Transport)(nil)

// Option configures a [Transport].
type Option func(*Transport)

// WithTransport sets the round tripper that reaches the origin; the default
// is [http.DefaultTransport].
func WithTransport(rt http.RoundTripper) Option { return func(t *Transport) { t.next = rt } }

// WithClock sets the clock used for ages and freshness; the default is
// [time.Now]. Tests inject a fake clock so that they need no sleeps.
func WithClock(now func() time.Time) Option { return func(t *Transport) { t.now = now } }

// WithShared makes the cache behave as a shared cache (honouring s-maxage,
// private, proxy-revalidate and Authorization rules) instead of a private
// one.
func WithShared(shared bool) Option { return func(t *Transport) { t.shared = shared } }

// WithTargets sets the cache's target list (RFC 9213, 2.2): targeted
// cache-control fields such as "CDN-Cache-Control", most applicable first.
// The first of them that a response carries with a valid, non-empty value
// governs how the response is cached instead of Cache-Control and Expires.
// Targeted fields are forwarded and stored like any other field. The
// default is none; targeted fields address shared caches, such as a CDN
// or a public runner, never a client's private cache.
func WithTargets(names ...string) Option {
	return func(t *Transport) { t.targets = canonicalTargets(names) }
}

// WithStaleIfDisconnected lets the cache serve a stored response up to
// limit past its freshness lifetime when the origin cannot be reached: the
// connection is refused, fails, times out or is closed before a response
// arrives (RFC 9111, 4.2.4: a disconnected cache may serve stale content).
// Directives that forbid stale content still do (must-revalidate,
// no-cache, and in a shared cache proxy-revalidate and s-maxage), and so
// do requests asking for a validated or fresher response (no-cache,
// max-age, min-fresh). An origin that answers, even with an error status
// or a malformed response, is not disconnected. Zero, the default,
// disables it.
func WithStaleIfDisconnected(limit time.Duration) Option {
	return func(t *Transport) { t.offline = limit }
}

// WithName sets the cache name used in Cache-Status; the default is
// "snapdoc".
func WithName(name string) Option { return func(t *Transport) { t.name = name } }

// WithLogger sets the logger for the store's failures, which cost hits,
// not correctness; the default discards. The first is a warning, the rest
// are debug messages: a disk that fails once usually fails for every
// entry. The messages name no request: a cache key is a URL, which can
// carry a secret.
func WithLogger(l *slog.Logger) Option { return func(t *Transport) { t.log = l } }

// WithMaxBodySize sets the largest body that is stored; larger responses
// are passed through without being stored. The default is 32 MiB.
func WithMaxBodySize(n int64) Option { return func(t *Transport) { t.maxBody = n } }

// New returns a caching transport over store. A nil store means a fresh
// unbounded [MemoryStore].
func New(store Store, opts ...Option) *Transport {
	t := &Transport{
		next:         http.DefaultTransport,
		store:        store,
		now:          time.Now,
		name:         "snapdoc",
		log:          slog.New(slog.DiscardHandler),
		maxBody:      32 << 20,
		inflight:     make(map[string]chan struct{}),
		revalidating: make(map[string]bool),
	}
	for _, o := range opts {
		o(t)
	}
	if t.store == nil {
		t.store = NewMemoryStore(0)
	}
	return t
}

// Wait blocks until background revalidations started for
// stale-while-revalidate have finished, so that their results are stored.
func (t *Transport) Wait() { t.bg.Wait() }

// RoundTrip answers req from the cache or the origin, and adds a
// Cache-Status header saying which (see [Outcome]).
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		return t.cached(req, true)
	}
	reqTime := t.now()
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if !safeMethod(req.Method) && resp.StatusCode >= 200 && resp.StatusCode < 400 {
		t.invalidate(req, resp)
	}
	st := status{fwd: "method", fwdStatus: resp.StatusCode}
	if req.Method == http.MethodPost {
		rq := parseRequest(req)
		respCC := t.policy(resp.Header)
		if t.storable(req, rq, resp, respCC) {
			st.stored = t.save(cacheKey(req), req, resp, respCC, reqTime, t.now())
		}
	}
	t.status(resp.Header, st)
	return resp, nil
}

func safeMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// storeFailed logs a failure of the store: the first as a warning, the
// rest at debug level.
func (t *Transport) storeFailed(msg string, err error) {
	level := slog.LevelDebug
	if t.warned.CompareAndSwap(false, true) {
		level = slog.LevelWarn
	}
	t.log.Log(context.Background(), level, "httpcache: "+msg, "err", err)
}

// lookup returns the entry stored under key, or nil.
func (t *Transport) lookup(key string) *Entry {
	e, err := t.store.Get(key)
	if err != nil {
		if !errors.Is(err, ErrNotExist) {
			t.storeFailed("cannot read a stored response", err)
		}
		return nil
	}
	return e
}

// cached handles GET and HEAD. wait says whether a miss may wait for an
// identical request already in flight (request collapsing).
func (t *Transport) cached(req *http.Request, wait bool) (*http.Response, error) {
	now := t.now()
	rq := parseRequest(req)
	if bypasses(req) {
		resp, err := t.next.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		t.status(resp.Header, status{fwd: "bypass", fwdStatus: resp.StatusCode})
		return resp, nil
	}
	key := cacheKey(req)
	sl := t.load(req, key)
	if sl.varyMiss {
		// Another variant is stored: validating with its validators may
		// show that it is also the one selected for this request (RFC
		// 9111, 4.3.1).
		if rq.cc.Has("only-if-cached") {
			return t.gatewayTimeout(req), nil
		}
		return t.forward(req, rq, sl, status{fwd: "vary-miss"})
	}
	e := sl.e
	if e == nil {
		if rq.cc.Has("only-if-cached") {
			return t.gatewayTimeout(req), nil
		}
		if wait && rq.collapsible() {
			done, leader := t.join(key)
			if !leader {
				select {
				case <-done:
				case <-req.Context().Done():
					return nil, req.Context().Err()
				}
				return t.cached(req, false)
			}
			defer t.leave(key, done)
			release := t.collapseAcross(req, key)
			if release == nil {
				return t.cached(req, false)
			}
			defer release()
		}
		return t.forward(req, rq, sl, status{fwd: "uri-miss"})
	}

	f := t.freshness(e, now)
	if f.servable(rq) {
		st := status{hit: true, ttl: f.ttl()}
		if !f.fresh() {
			st.detail = "max-stale"
		}
		return t.serveStored(req, rq, e, f.age, st), nil
	}
	if rq.cc.Has("only-if-cached") {
		return t.gatewayTimeout(req), nil
	}
	fwd := "stale"
	if f.fresh() {
		fwd = "request"
	}
	if !f.fresh() && f.withinSWR() && !rq.forcesValidation() {
		t.revalidateInBackground(req, sl)
		return t.serveStored(req, rq, e, f.age, status{hit: true, ttl: f.ttl(), detail: "stale-while-revalidate"}), nil
	}
	return t.forward(req, rq, sl, status{fwd: fwd})
}

// join registers a miss for key. The first caller becomes the leader and
// must call leave; the others get the channel that leave closes.
func (t *Transport) join(key string) (done chan struct{}, leader bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c, ok := t.inflight[key]; ok {
		return c, false
	}
	c := make(chan struct{})
	t.inflight[key] = c
	return c, true
}

func (t *Transport) leave(key string, done chan struct{}) {
	t.mu.Lock()
	delete(t.inflight, key)
	t.mu.Unlock()
	close(done)
}

// revalidateInBackground validates the stored response in sl without
// making the client wait (stale-while-revalidate), at most once at a time
// per stored response.
func (t *Transport) revalidateInBackground(req *http.Request, sl slot) {
	t.mu.Lock()
	if t.revalidating[sl.ekey] {
		t.mu.Unlock()
		return
	}
	t.revalidating[sl.ekey] = true
	t.mu.Unlock()

	bgReq := req.Clone(context.WithoutCancel(req.Context()))
	bgReq.Method = http.MethodGet
	bgReq.Body = nil
	for _, h := range [...]string{"If-None-Match", "If-Modified-Since", "Range"} {
		bgReq.Header.Del(h)
	}
	t.bg.Add(1)
	go func() {
		defer t.bg.Done()
		defer func() {
			t.mu.Lock()
			delete(t.revalidating, sl.ekey)
			t.mu.Unlock()
		}()
		// A failure leaves the stale entry, which the next request
		// revalidates. It is not logged: its error may name the request,
		// and a request can carry a secret.
		resp, err := t.forward(bgReq, parseRequest(bgReq), sl, status{fwd: "stale"})
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}()
}

// gatewayTimeout is the answer to only-if-cached when nothing stored can be
// used (RFC 9111, 5.2.1.7).
func (t *Transport) gatewayTimeout(req *http.Request) *http.Response {
	h := http.Header{"Content-Length": {"0"}}
	t.status(h, status{detail: "only-if-cached"})
	return &http.Response{
		Status: "504 Gateway Timeout", StatusCode: http.StatusGatewayTimeout,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: http.NoBody, Request: req,
	}
}
