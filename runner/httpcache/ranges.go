package httpcache

import (
	"strconv"
	"strings"
)

// byteRange parses a Range header holding a single byte range (RFC 9110,
// 14.1.2) against a representation of size bytes. ok is false when the
// header is absent or not one byte range: the full response is served
// then. satisfiable is false for a range that selects nothing (416).
func byteRange(header string, size int64) (start, end int64, ok, satisfiable bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(header), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, false
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, false
	}
	if first == "" { // suffix-byte-range-spec
		n, valid := parseDelta(last)
		if !valid {
			return 0, 0, false, false
		}
		if n == 0 || size == 0 {
			return 0, 0, true, false
		}
		return max(0, size-n), size - 1, true, true
	}
	s, valid := parseDelta(first)
	if !valid {
		return 0, 0, false, false
	}
	e := size - 1
	if last != "" {
		n, valid := parseDelta(last)
		if !valid || n < s {
			return 0, 0, false, false
		}
		e = min(n, size-1)
	}
	if s >= size {
		return 0, 0, true, false
	}
	return s, e, true, true
}

func contentRange(start, end, size int64) string {
	return "bytes " + strconv.FormatInt(start, 10) + "-" + strconv.FormatInt(end, 10) + "/" + strconv.FormatInt(size, 10)
}
