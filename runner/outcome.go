package runner

import (
	"net/http"
	"strconv"
	"strings"
)

// Outcome says how a response was obtained, from the last entry of its
// Cache-Status header (RFC 9211), which the cache nearest the client
// appends: "hit" when it was served from the cache, "stale" when the
// served copy was stale (a negative ttl), "revalidated" when the cache
// forwarded a conditional request and the origin answered 304, and
// "miss" otherwise.
func Outcome(resp *http.Response) string {
	values := resp.Header.Values("Cache-Status")
	if len(values) == 0 {
		return "miss"
	}
	entries := strings.Split(values[len(values)-1], ",")
	params := strings.Split(entries[len(entries)-1], ";")
	var hit bool
	var fwd, fwdStatus string
	ttl := 0
	for _, p := range params[1:] {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		switch strings.ToLower(k) {
		case "hit":
			hit = true
		case "fwd":
			fwd = v
		case "fwd-status":
			fwdStatus = v
		case "ttl":
			ttl, _ = strconv.Atoi(v)
		}
	}
	switch {
	case hit && ttl < 0:
		return "stale"
	case hit:
		return "hit"
	case fwd != "" && fwdStatus == "304":
		return "revalidated"
	default:
		return "miss"
	}
}
