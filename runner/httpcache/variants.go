package httpcache

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
)

// Responses with a Vary header are stored as variants. The primary key then
// holds an index entry (status 0) whose Vary header lists the selecting
// fields, whose Body is a random generation, and whose URL is the key of the
// most recently stored variant. Each variant lives under a key made of the
// primary key, the generation and the request's values of those fields.
// Deleting the index (invalidation) makes every variant of that generation
// unreachable; they are evicted like any unused entry.

// slot says where a stored response was found and where responses to the
// request belong.
type slot struct {
	key  string // primary cache key
	ekey string // key of e: the primary key or a variant key
	e    *Entry // stored response to serve or validate, or nil
	// varyMiss is set when responses for the URL are stored but none
	// matches the request's selecting header fields.
	varyMiss bool
}

func isIndex(e *Entry) bool { return e.StatusCode == 0 }

// variantKey derives a variant's key from the request's values of the
// selecting fields, normalised as Vary matching compares them.
func variantKey(key, gen string, names []string, h http.Header) string {
	var b strings.Builder
	b.WriteString(key)
	b.WriteString("\x00")
	b.WriteString(gen)
	for _, n := range names {
		b.WriteString("\x00")
		b.WriteString(n)
		if vs, ok := h[n]; ok {
			b.WriteString("=")
			b.WriteString(normalizeList(n, vs))
		}
	}
	return b.String()
}

// load finds the stored response for req.
func (t *Transport) load(req *http.Request, key string) slot {
	s := slot{key: key, ekey: key, e: t.lookup(key)}
	if s.e == nil || !isIndex(s.e) {
		if s.e != nil && !varyMatches(s.e, req) {
			s.varyMiss = true
		}
		return s
	}
	idx := s.e
	names, _ := varyNames(idx.Header)
	s.ekey = variantKey(key, string(idx.Body), names, req.Header)
	if s.e = t.lookup(s.ekey); s.e != nil && varyMatches(s.e, req) {
		return s
	}
	// No variant for these values: offer the latest variant as a
	// candidate for validation (RFC 9111, 4.3.1).
	s.varyMiss = true
	s.e = nil
	if idx.URL != "" {
		s.e = t.lookup(idx.URL)
	}
	return s
}

// storeKey returns the key under which a response to req with header h is
// stored, writing the index entry when h varies.
func (t *Transport) storeKey(key string, req *http.Request, h http.Header) string {
	names, _ := varyNames(h)
	if len(names) == 0 {
		return key
	}
	slices.Sort(names)
	names = slices.Compact(names)
	vary := strings.Join(names, ", ")
	var gen string
	if idx := t.lookup(key); idx != nil && isIndex(idx) && idx.Header.Get("Vary") == vary {
		gen = string(idx.Body)
	} else {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		gen = hex.EncodeToString(b)
	}
	vk := variantKey(key, gen, names, req.Header)
	t.set(key, &Entry{URL: vk, Header: http.Header{"Vary": {vary}}, Body: []byte(gen)})
	return vk
}
