package rawhttp

import (
	"encoding/json"
	"net/http"
	"slices"
)

// The head as received travels in the response's Header under a name that
// is not a valid field name (it has spaces), so no server can send it and
// nothing can write it on the wire. Caches store and serve it with the
// other fields. A 304, or the answer to a HEAD, describes a stored
// response rather than being one (RFC 9111, 4.3.4 and 4.3.5): its head
// goes under updateKey, which a cache's update adds next to the stored
// headKey instead of replacing it.
const (
	headKey   = "Rawhttp Head"
	updateKey = "Rawhttp Update"
)

// Reserved reports whether name is one of the keys under which the head
// as received is carried in an [http.Header].
func Reserved(name string) bool { return name == headKey || name == updateKey }

type carried struct {
	Status string      `json:"s"`
	Fields [][2]string `json:"f"`
}

func carry(h http.Header, key, statusLine string, fields []Field) {
	c := carried{Status: statusLine, Fields: make([][2]string, len(fields))}
	for i, f := range fields {
		c.Fields[i] = [2]string{f.Name, f.Value}
	}
	b, _ := json.Marshal(c) // strings only: cannot fail
	h[key] = []string{string(b)}
}

func uncarry(h http.Header, key string) (string, []Field, bool) {
	vs := h[key]
	if len(vs) != 1 {
		return "", nil, false
	}
	var c carried
	if json.Unmarshal([]byte(vs[0]), &c) != nil {
		return "", nil, false
	}
	fields := make([]Field, len(c.Fields))
	for i, f := range c.Fields {
		fields[i] = Field{f[0], f[1]}
	}
	return c.Status, fields, true
}

// Head returns the head of resp as its server sent it: the status line and
// the header fields in wire order and spelling. ok is false when resp did
// not come through a [Transport] (or a cache holding such a response).
//
// After caches, fields is the stored response's: a field the response
// Header no longer has (a hop-by-hop field a cache does not store) is left
// out, and a field a cache added (Age, Cache-Status) is not shown unless
// the server sent it, with the value it sent. A stored response refreshed
// by a 304 has the 304's fields in place of the ones they update, in the
// stored order, and new ones after them (RFC 9111, 4.3.4).
func Head(resp *http.Response) (statusLine string, fields []Field, ok bool) {
	statusLine, fields, ok = uncarry(resp.Header, headKey)
	ustatus, update, uok := uncarry(resp.Header, updateKey)
	switch {
	case ok && uok:
		fields = merge(fields, update, resp.Header)
	case uok:
		statusLine, fields, ok = ustatus, update, true
	case !ok:
		return "", nil, false
	}
	kept := fields[:0:0]
	for _, f := range fields {
		if len(resp.Header[http.CanonicalHeaderKey(f.Name)]) > 0 {
			kept = append(kept, f)
		}
	}
	return statusLine, kept, true
}

// FoldUpdate returns h with the head of a 304 (or HEAD response) that
// refreshed it folded into the stored head, as [Head] would show it, so
// that a stored response keeps one head through any number of
// revalidations. It returns h itself and false when there is nothing to
// fold. A cache's store calls it on each entry it stores.
func FoldUpdate(h http.Header) (http.Header, bool) {
	if _, ok := h[updateKey]; !ok {
		return h, false
	}
	ustatus, update, uok := uncarry(h, updateKey)
	out := h.Clone()
	delete(out, updateKey)
	status, fields, ok := uncarry(h, headKey)
	switch {
	case ok && uok:
		carry(out, headKey, status, merge(fields, update, h))
	case uok:
		carry(out, headKey, ustatus, update)
	}
	return out, true
}

// merge updates the stored fields with those of update that the cache
// applied to h, the merged header: a field of update replaces all the
// stored fields of its name, at the place of the first; new ones follow.
// Age is always the update's, or none (as the cache does).
func merge(stored, update []Field, h http.Header) []Field {
	byName := map[string][]Field{}
	for _, f := range update {
		c := http.CanonicalHeaderKey(f.Name)
		byName[c] = append(byName[c], f)
	}
	applied := map[string]bool{"Age": true}
	for c, fs := range byName {
		vs := make([]string, len(fs))
		for i, f := range fs {
			vs[i] = f.Value
		}
		if slices.Equal(h[c], vs) {
			applied[c] = true
		}
	}
	var out []Field
	placed := map[string]bool{}
	place := func(c string) {
		if !placed[c] {
			placed[c] = true
			out = append(out, byName[c]...)
		}
	}
	for _, f := range stored {
		if c := http.CanonicalHeaderKey(f.Name); applied[c] {
			place(c)
		} else {
			out = append(out, f)
		}
	}
	for _, f := range update {
		if c := http.CanonicalHeaderKey(f.Name); applied[c] {
			place(c)
		}
	}
	return out
}
