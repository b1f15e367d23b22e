package httpcache

import (
	"errors"
	"net/http"
	"time"
)

// ErrNotExist is returned by [Store.Get] when no usable entry is stored
// under the key. Stores also return it for an entry they found damaged.
var ErrNotExist = errors.New("httpcache: entry does not exist")

// Entry is one stored response: its head, its body, when it was requested
// and received, and the request header fields its Vary header names.
//
// Entries are values shared between a [Store] and its callers: neither may
// modify an Entry after passing it to [Store.Set] or receiving it from
// [Store.Get].
type Entry struct {
	// URL is the request URL the response answers (for inspection; the
	// store key is what identifies the entry).
	URL string
	// StatusCode is the response status code, e.g. 200.
	StatusCode int
	// Header is the stored response header, without hop-by-hop fields.
	Header http.Header
	// Body is the complete response body.
	Body []byte
	// RequestTime is when the request that produced the response was sent.
	RequestTime time.Time
	// ResponseTime is when the response was received.
	ResponseTime time.Time
	// VaryHeader holds the values, in the request that produced the
	// response, of the request fields named by the response's Vary
	// header. A field absent from the request is absent here.
	VaryHeader http.Header
}

// Size is the approximate number of bytes the entry occupies.
func (e *Entry) Size() int64 {
	n := int64(len(e.URL) + len(e.Body) + 64)
	for _, h := range [...]http.Header{e.Header, e.VaryHeader} {
		for k, vs := range h {
			for _, v := range vs {
				n += int64(len(k) + len(v) + 4)
			}
		}
	}
	return n
}

// Store keeps entries by key. Implementations must be safe for concurrent
// use.
type Store interface {
	// Get returns the entry stored under key, or an error wrapping
	// ErrNotExist when there is none (or it was unreadable).
	Get(key string) (*Entry, error)
	// Set stores e under key, replacing any previous entry.
	Set(key string, e *Entry) error
	// Delete removes the entry stored under key. Deleting a missing key
	// is not an error.
	Delete(key string) error
}
