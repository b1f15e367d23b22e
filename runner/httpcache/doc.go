// Package httpcache is an RFC 9111 HTTP cache in the form of an
// [http.RoundTripper].
//
// A [Transport] wraps another round tripper and answers requests from a
// [Store] when RFC 9111 and RFC 5861 allow it: freshness from max-age,
// Expires, Date and Age, heuristic freshness from Last-Modified, validation
// with If-None-Match and If-Modified-Since, Vary, request directives,
// stale-while-revalidate, stale-if-error, immutable and invalidation after
// unsafe methods. By default it behaves as a private (browser-like) cache;
// [WithShared] makes it a shared one, [WithTargets] has it honour targeted
// fields such as CDN-Cache-Control (RFC 9213), and [WithStaleIfDisconnected]
// lets it serve stale content when the origin cannot be reached.
//
// Every response it returns carries a Cache-Status header (RFC 9211) that
// says how it was obtained; [Outcome] condenses that header into one of
// "miss", "hit", "revalidated" or "stale".
//
// Two stores are provided: [MemoryStore] and the persistent [DiskStore].
// The package knows nothing of the programs that use it.
//
// Package httpcachetest replays the HTTP caching test suite against the
// Transport over any [Store].
package httpcache
