package generator

import (
	"bytes"
	"compress/gzip"
	"slices"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/redact"
)

// A snapshot recorded before snapdoc kept the wire's order (sorted,
// canonical names, no reason phrase, the cache's Age) is no drift from the
// same response recorded as sent; a changed value, or a changed order of
// fields with one name, is.
func TestComparableIgnoresFieldOrderAndCase(t *testing.T) {
	old := []*httpfile.Exchange{{Method: "GET", URL: "/x", Status: 200, Cache: "hit", Headers: []httpfile.Header{
		{Name: "Age", Value: "3"}, {Name: "Etag", Value: `"v1"`}, {Name: "Set-Cookie", Value: "a=1"}, {Name: "Set-Cookie", Value: "b=2"}, {Name: "X-Ratelimit-Remaining", Value: "41"},
	}, Body: []byte("{}")}}
	wire := []*httpfile.Exchange{{Method: "GET", URL: "/x", Status: 200, Reason: "OK", Cache: "hit", Headers: []httpfile.Header{
		{Name: "X-RateLimit-Remaining", Value: "41"}, {Name: "set-cookie", Value: "a=1"}, {Name: "ETag", Value: `"v1"`}, {Name: "Set-Cookie", Value: "b=2"},
	}, Body: []byte("{}")}}
	if a, b := comparable(old, redact.Redactions{}), comparable(wire, redact.Redactions{}); !slices.Equal(a, b) {
		t.Errorf("order and case count as drift:\n%s", lineDiff(a, b))
	}
	changed := *wire[0]
	changed.Headers = slices.Clone(wire[0].Headers)
	changed.Headers[0].Value = "40"
	if slices.Equal(comparable(old, redact.Redactions{}), comparable([]*httpfile.Exchange{&changed}, redact.Redactions{})) {
		t.Error("a changed value is no drift")
	}
	changed.Headers = []httpfile.Header{{Name: "Set-Cookie", Value: "b=2"}, {Name: "ETag", Value: `"v1"`}, {Name: "Set-Cookie", Value: "a=1"}, {Name: "X-RateLimit-Remaining", Value: "41"}}
	if slices.Equal(comparable(old, redact.Redactions{}), comparable([]*httpfile.Exchange{&changed}, redact.Redactions{})) {
		t.Error("swapped Set-Cookie fields are no drift")
	}
}

// A body sent gzip-encoded is recorded as sent and decoded for the page,
// which says so; the reason phrase shown is the one the server sent.
func TestOutputDecodesContentEncoding(t *testing.T) {
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(`{"ok":true}`))
	w.Close()
	e := &httpfile.Exchange{Method: "GET", URL: "/x", Status: 200, Reason: "Fine", Cache: "miss", Body: gz.Bytes(),
		Headers: []httpfile.Header{{Name: "content-encoding", Value: "gzip"}, {Name: "Content-Type", Value: "application/json"}}}
	o := outputOf(e, nil, redact.Redactions{})
	if !strings.Contains(string(o.Body), "ok") || o.ContentEncoding != "gzip" || !strings.Contains(o.Note, "Content-Encoding: gzip") || o.StatusText != "Fine" {
		t.Errorf("output %+v", o)
	}
	if !bytes.Equal(e.Body, gz.Bytes()) {
		t.Error("the recorded body changed")
	}
}
