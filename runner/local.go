package runner

import (
	"net/http"

	"github.com/snapdoc/snapdoc/runner/httpcache"
)

// sharedCacheBytes bounds the shared cache.
const sharedCacheBytes = 256 << 20

// Open returns a runner whose blocks each run through a private cache
// (so a lesson can show a cache hit and a revalidation) over one shared
// cache (so identical requests across lessons reach the origin once per
// freshness lifetime, and concurrent ones are collapsed). cacheDir keeps
// the shared cache across runs; "" keeps it in memory.
func Open(cfg Config, cacheDir string) (*Runner, error) {
	rt, err := Router(cfg)
	if err != nil {
		return nil, err
	}
	opts := []httpcache.Option{httpcache.WithTransport(rt), httpcache.WithName("snapdoc-shared")}
	if cfg.Now != nil {
		opts = append(opts, httpcache.WithClock(cfg.Now))
	}
	var store httpcache.Store = httpcache.NewMemoryStore(sharedCacheBytes)
	if cacheDir != "" {
		disk, err := httpcache.NewDiskStore(cacheDir, sharedCacheBytes)
		if err != nil {
			return nil, err
		}
		store = disk
	}
	shared := httpcache.New(store, opts...)
	cfg.Shared = shared
	return New(cfg, func(upstream http.RoundTripper) http.RoundTripper {
		opts := []httpcache.Option{httpcache.WithTransport(upstream)}
		if cfg.Now != nil {
			opts = append(opts, httpcache.WithClock(cfg.Now))
		}
		return httpcache.New(httpcache.NewMemoryStore(0), opts...)
	})
}

// Close releases the runner's resources.
func (r *Runner) Close() error { return nil }
