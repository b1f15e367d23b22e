package httpfile

import (
	"strings"
	"time"

	"github.com/snapdoc/snapdoc/internal/fileerr"
)

// Exchange is one request of a block and the response it got.
type Exchange struct {
	// Name is the request's name; may be empty.
	Name string
	// Method and URL are the request as declared, with secrets kept as
	// references.
	Method string
	URL    string
	// Status is the response's status code, and Reason the reason phrase
	// its server sent with it; Reason is empty when unknown (snapshots
	// recorded before snapdoc kept it, a status a cache made up).
	Status int
	Reason string
	// Cache says how the response was obtained: "miss" (from the
	// network), "hit" (from the cache), "revalidated" (the cache asked
	// the origin, which answered 304 Not Modified) or "stale" (the cache
	// served a stale response).
	Cache string
	// CacheStatus is the response's Cache-Status header (RFC 9211).
	CacheStatus string
	// Headers are the response header fields as the server sent them, in
	// its order and spelling (snapshots recorded before snapdoc kept the
	// wire's order have them sorted), volatile and secret values
	// redacted. A response from a cache has the fields of the stored
	// response (see rawhttp.Head).
	Headers []Header
	// Body is the response body, redacted, possibly cut at the size cap.
	Body []byte
	// Truncated is set when Body was cut at the size cap.
	Truncated bool
	// Asserts are the results of the request's assertions, in source
	// order; see the runner's CheckAssertions.
	Asserts []AssertResult
	// Duration is how long the request took; it is not recorded in
	// snapshots, which must not change from run to run.
	Duration time.Duration
}

// Header returns the value of the exchange's first response header field
// with the given name, compared case-insensitively.
func (e *Exchange) Header(name string) string {
	for _, h := range e.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// AssertResult is the outcome of one assertion on a response.
type AssertResult struct {
	// Text is the assertion, as [Assertion.String] formats it.
	Text string
	// Pass reports whether the response satisfied it.
	Pass bool
	// Got says what the response held, for a failed assertion, for
	// example "404" or "missing". Snapshots do not record it.
	Got string
	// Pos is where the assertion is written. Snapshots do not record it.
	Pos fileerr.Pos
}
