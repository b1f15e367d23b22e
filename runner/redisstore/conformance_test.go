package redisstore

import (
	"testing"

	"github.com/snapdoc/snapdoc/runner/httpcache"
	"github.com/snapdoc/snapdoc/runner/httpcache/httpcachetest"
)

// TestConformanceShared replays the HTTP caching test suite's shared
// profile against caches over one Redis store (every test uses URLs of its
// own), collapsing across processes through it, and holds the score to
// the same floors as the memory store's.
func TestConformanceShared(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	s := openClient(t, srv).Store(StoreConfig{Targets: []string{"Snapdoc-Cache-Control", "CDN-Cache-Control"}})
	score := httpcachetest.Run(t, httpcachetest.Shared, func() httpcache.Store { return s }, httpcache.WithCollapser(s))
	httpcachetest.CheckFloors(t, score)
}
