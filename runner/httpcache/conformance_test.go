package httpcache_test

import (
	"testing"

	"github.com/snapdoc/snapdoc/runner/httpcache"
	"github.com/snapdoc/snapdoc/runner/httpcache/httpcachetest"
)

func memoryStore() httpcache.Store { return httpcache.NewMemoryStore(0) }

// TestConformance replays the HTTP caching test suite's private-cache
// selection against the Transport and fails when a score drops below its
// floor.
func TestConformance(t *testing.T) {
	httpcachetest.CheckFloors(t, httpcachetest.Run(t, httpcachetest.Private, memoryStore))
}

// TestConformanceShared replays the suite as its site runs proxies: a
// shared cache behind a reverse proxy, every test but the browser-only
// ones.
func TestConformanceShared(t *testing.T) {
	httpcachetest.CheckFloors(t, httpcachetest.Run(t, httpcachetest.Shared, memoryStore))
}

// TestConformanceSharedDiskStore runs the shared profile over one
// DiskStore for every test (their URLs differ), so entries go through the
// on-disk encoding as they would through any persistent store.
func TestConformanceSharedDiskStore(t *testing.T) {
	disk, err := httpcache.NewDiskStore(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	s := httpcachetest.Run(t, httpcachetest.Shared, func() httpcache.Store { return disk })
	httpcachetest.CheckFloors(t, s)
}
