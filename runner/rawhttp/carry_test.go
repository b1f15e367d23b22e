package rawhttp

import (
	"net/http"
	"reflect"
	"testing"
)

func TestHeadAfterRevalidation(t *testing.T) {
	stored := []Field{{"ETag", `"v1"`}, {"Cache-Control", "max-age=1"}, {"X-RateLimit-Remaining", "41"}, {"Age", "3"}, {"Transfer-Encoding", "chunked"}}
	update := []Field{{"cache-control", "max-age=60"}, {"X-New", "n"}, {"Content-Length", "0"}, {"etag", `"v1"`}}
	// The header a cache makes of them: the 304's fields replace the
	// stored ones, except Content-Length; it dropped the hop-by-hop
	// Transfer-Encoding when storing, and sets its own Age.
	h := http.Header{
		"Etag": {`"v1"`}, "Cache-Control": {"max-age=60"}, "X-Ratelimit-Remaining": {"41"},
		"X-New": {"n"}, "Content-Length": {"7"}, "Age": {"12"}, "Cache-Status": {"snapdoc; hit"},
	}
	carry(h, headKey, "HTTP/1.1 200 Fine", stored)
	carry(h, updateKey, "HTTP/1.1 304 Not Modified", update)
	resp := &http.Response{Header: h}
	want := []Field{{"etag", `"v1"`}, {"cache-control", "max-age=60"}, {"X-RateLimit-Remaining", "41"}, {"X-New", "n"}}
	status, got, ok := Head(resp)
	if !ok || status != "HTTP/1.1 200 Fine" || !reflect.DeepEqual(got, want) {
		t.Errorf("Head = %q %q %v\nwant %q", status, got, ok, want)
	}
	// Folded into the stored head, the same fields come out, and a
	// second revalidation updates the folded head.
	folded, changed := FoldUpdate(h)
	if _, still := folded[updateKey]; !changed || still {
		t.Fatalf("FoldUpdate kept the update: %v", folded)
	}
	if _, got2, _ := Head(&http.Response{Header: folded}); !reflect.DeepEqual(got2, want) {
		t.Errorf("after folding: %q", got2)
	}
	if _, changed := FoldUpdate(folded); changed {
		t.Error("a folded header folds again")
	}
	folded["X-Ratelimit-Remaining"] = []string{"40"}
	carry(folded, updateKey, "HTTP/1.1 304 Not Modified", []Field{{"x-ratelimit-remaining", "40"}, {"Age", "2"}})
	folded["Age"] = []string{"2"}
	want = []Field{{"etag", `"v1"`}, {"cache-control", "max-age=60"}, {"x-ratelimit-remaining", "40"}, {"X-New", "n"}, {"Age", "2"}}
	if _, got3, _ := Head(&http.Response{Header: folded}); !reflect.DeepEqual(got3, want) {
		t.Errorf("second revalidation: %q\nwant %q", got3, want)
	}
}

func TestHeadWithoutCarrier(t *testing.T) {
	if _, _, ok := Head(&http.Response{Header: http.Header{"A": {"1"}}}); ok {
		t.Error("Head found a head in a response that never had one")
	}
	h := http.Header{"Etag": {"x"}}
	carry(h, updateKey, "HTTP/1.1 304 Not Modified", []Field{{"ETag", "x"}})
	if s, f, ok := Head(&http.Response{Header: h}); !ok || s != "HTTP/1.1 304 Not Modified" || len(f) != 1 {
		t.Errorf("a 304 passed on: %q %q %v", s, f, ok)
	}
	if !Reserved(headKey) || !Reserved(updateKey) || Reserved("Etag") {
		t.Error("Reserved")
	}
}
