package runner

import (
	"net/http"

	"github.com/snapdoc/snapdoc/runner/httpcache"
	"github.com/snapdoc/snapdoc/runner/rawhttp"
)

// sharedCacheBytes bounds the shared cache.
const sharedCacheBytes = 256 << 20

// Open returns a runner whose blocks each run through a private cache
// (so a lesson can show a cache hit and a revalidation) over one shared
// cache (so identical requests across lessons reach the origin once per
// freshness lifetime, and concurrent ones are collapsed). cacheDir keeps
// the shared cache across runs; "" keeps it in memory; cfg.SharedStore,
// when set, replaces both.
func Open(cfg Config, cacheDir string) (*Runner, error) {
	cfg = cfg.withDefaults()
	logs := newLogRedactor()
	cfg.Logger = logs.wrap(cfg.Logger)
	rt, err := newRouter(cfg)
	if err != nil {
		return nil, err
	}
	store, err := sharedStore(cfg, cacheDir)
	if err != nil {
		return nil, err
	}
	var origin http.RoundTripper = rt
	if cfg.Origin != nil {
		origin = cfg.Origin(rt)
	}
	if secret := cfg.Redact.Secret(); !secret.Empty() {
		store = secretFieldStore{Store: store, fields: secret}
	}
	opts := []httpcache.Option{httpcache.WithTransport(origin), httpcache.WithName("snapdoc-shared"), httpcache.WithClock(cfg.Now), httpcache.WithShared(cfg.SharedCache)}
	if cfg.SharedCache {
		// An API can address a public runner's cache apart from browsers'
		// and CDNs' (RFC 9213).
		opts = append(opts, httpcache.WithTargets(SharedCacheTargets...))
	}
	if cfg.SharedCollapser != nil {
		opts = append(opts, httpcache.WithCollapser(cfg.SharedCollapser))
	}
	if cfg.Logger != nil {
		opts = append(opts, httpcache.WithLogger(cfg.Logger))
	}
	shared := httpcache.New(wireStore{store}, opts...)
	cfg.Shared = shared
	r, err := newRunner(cfg, func(upstream http.RoundTripper) http.RoundTripper {
		return httpcache.New(wireStore{httpcache.NewMemoryStore(0)}, httpcache.WithTransport(upstream), httpcache.WithClock(cfg.Now))
	}, logs)
	if err != nil {
		return nil, err
	}
	r.upstream = sharedOrDirect{shared: shared, direct: origin}
	r.close = func() {
		shared.Wait()
		rt.close()
	}
	return r, nil
}

// SharedCacheTargets are the targeted cache-control fields (RFC 9213) a
// shared runner cache ([Config.SharedCache]) obeys, most applicable
// first: Snapdoc-Cache-Control addresses snapdoc's public runners only.
var SharedCacheTargets = []string{"Snapdoc-Cache-Control", "CDN-Cache-Control"}

// sharedStore is the store of the shared cache: the config's, or one on
// disk in cacheDir, or in memory when cacheDir is "".
func sharedStore(cfg Config, cacheDir string) (httpcache.Store, error) {
	switch {
	case cfg.SharedStore != nil:
		return cfg.SharedStore, nil
	case cacheDir != "":
		return httpcache.NewDiskStore(cacheDir, sharedCacheBytes)
	}
	return httpcache.NewMemoryStore(sharedCacheBytes), nil
}

// wireStore keeps the head as received of each stored response one list
// through revalidations: the head of the 304 that refreshed an entry is
// folded into the entry's own (see [rawhttp.FoldUpdate]).
type wireStore struct{ httpcache.Store }

// Set stores e with its heads folded into one.
func (s wireStore) Set(key string, e *httpcache.Entry) error {
	if h, changed := rawhttp.FoldUpdate(e.Header); changed {
		folded := *e
		folded.Header = h
		e = &folded
	}
	return s.Store.Set(key, e)
}
