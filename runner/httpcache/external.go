package httpcache

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// This file holds what stores and coordinators outside this package need:
// the entry encoding, the remaining freshness of an entry (for stores that
// expire entries themselves) and the hook that collapses misses across
// processes sharing a store.

// EncodeEntry serialises key and e in the checksummed form [DiskStore]
// writes, for stores kept outside this package.
func EncodeEntry(key string, e *Entry) []byte { return encodeEntry(key, e) }

// DecodeEntry parses what [EncodeEntry] wrote, checking its length and
// checksum; damaged data gives an error wrapping [ErrNotExist]. The body
// shares data's memory.
func DecodeEntry(data []byte) (key string, e *Entry, err error) {
	key, e, err = decodeEntry(data)
	if err != nil {
		return "", nil, fmt.Errorf("httpcache: %w: %w", err, ErrNotExist)
	}
	return key, e, nil
}

// FreshFor returns how much longer e stays fresh at now: the longest of
// what a private and a shared cache compute, from Cache-Control and from
// each of the targeted fields (see [WithTargets]) the entry carries; 0
// when it is stale.
func FreshFor(e *Entry, now time.Time, targets ...string) time.Duration {
	policies := []CacheControl{ParseCacheControl(e.Header.Values("Cache-Control"))}
	for _, name := range targets {
		if cc, err := ParseTargeted(e.Header.Values(name)); err == nil && len(cc.list) > 0 {
			policies = append(policies, cc)
		}
	}
	var life time.Duration
	for _, cc := range policies {
		life = max(life, freshnessLifetime(e, cc, false), freshnessLifetime(e, cc, true))
	}
	return max(0, life-currentAge(e, now))
}

// Collapser collapses identical misses across processes that share a
// store, as a [Transport] collapses them within one process. Set one with
// [WithCollapser].
type Collapser interface {
	// Collapse is called on a miss for key, before the request goes to
	// the origin. When no other process is fetching key it returns a
	// function, which the caller calls once the response is stored (or
	// found not storable). When another is, it waits until that fetch
	// ends, its own deadline passes or ctx is done, and returns nil: the
	// caller then looks in the store again, and fetches itself on a miss.
	Collapse(ctx context.Context, key string) (done func())
}

// WithCollapser makes misses collapse across processes through c as well
// as within this one.
func WithCollapser(c Collapser) Option { return func(t *Transport) { t.collapser = c } }

// collapseAcross asks the collapser, if any, whether this process fetches
// key. It returns the function to call once the response is stored, or nil
// when another process fetched it meanwhile.
func (t *Transport) collapseAcross(req *http.Request, key string) (done func()) {
	if t.collapser == nil {
		return func() {}
	}
	return t.collapser.Collapse(req.Context(), key)
}
