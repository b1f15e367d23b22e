package httpcache

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// testEntry returns a distinct, fully populated entry.
func testEntry(i int) *Entry {
	base := time.Date(2026, 11, 25, 10, 0, 0, 123456789, time.UTC)
	return &Entry{
		URL:        fmt.Sprintf("https://example.org/item/%d?q=1", i),
		StatusCode: 200 + i%3,
		Header: http.Header{
			"Content-Type":  {"application/json"},
			"Cache-Control": {"max-age=60"},
			"Set-Cookie":    {"a=1", fmt.Sprintf("b=%d", i)},
		},
		Body:         []byte(strings.Repeat(fmt.Sprintf("body %d;", i), i+1)),
		RequestTime:  base.Add(time.Duration(i) * time.Second),
		ResponseTime: base.Add(time.Duration(i)*time.Second + 5*time.Millisecond),
		VaryHeader:   http.Header{"Accept": {"text/html"}},
	}
}

// sameEntry compares entries field by field, times with Equal.
func sameEntry(t *testing.T, got, want *Entry) {
	t.Helper()
	if got.URL != want.URL || got.StatusCode != want.StatusCode || string(got.Body) != string(want.Body) ||
		!got.RequestTime.Equal(want.RequestTime) || !got.ResponseTime.Equal(want.ResponseTime) ||
		!reflect.DeepEqual(got.Header, want.Header) || !reflect.DeepEqual(got.VaryHeader, want.VaryHeader) {
		t.Fatalf("entry mismatch:\n got %+v\nwant %+v", got, want)
	}
}

// runStoreAcceptance is the behaviour every Store must have.
func runStoreAcceptance(t *testing.T, newStore func(t *testing.T) Store) {
	t.Run("MissingKey", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		if _, err := s.Get("nope"); !errors.Is(err, ErrNotExist) {
			t.Fatalf("Get(missing) error = %v, want ErrNotExist", err)
		}
		if err := s.Delete("nope"); err != nil {
			t.Fatalf("Delete(missing) = %v", err)
		}
	})
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		keys := []string{"https://example.org/", "with/slashes/../and spaces", "ünïcödé", strings.Repeat("k", 10000), ""}
		for i, k := range keys {
			if err := s.Set(k, testEntry(i)); err != nil {
				t.Fatalf("Set(%q): %v", k, err)
			}
		}
		for i, k := range keys {
			got, err := s.Get(k)
			if err != nil {
				t.Fatalf("Get(%q): %v", k, err)
			}
			sameEntry(t, got, testEntry(i))
		}
	})
	t.Run("ZeroValues", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		want := &Entry{StatusCode: 204}
		if err := s.Set("k", want); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get("k")
		if err != nil {
			t.Fatal(err)
		}
		if got.StatusCode != 204 || len(got.Body) != 0 || len(got.Header) != 0 || !got.RequestTime.IsZero() || !got.ResponseTime.IsZero() {
			t.Fatalf("got %+v, want zero entry with status 204", got)
		}
	})
	t.Run("ReplaceAndDelete", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		for i := range 3 {
			if err := s.Set("k", testEntry(i)); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Get("k")
		if err != nil {
			t.Fatal(err)
		}
		sameEntry(t, got, testEntry(2))
		if err := s.Delete("k"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get("k"); !errors.Is(err, ErrNotExist) {
			t.Fatalf("Get after Delete: %v, want ErrNotExist", err)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				for i := range 20 {
					k := fmt.Sprintf("key-%d", i%5)
					if err := s.Set(k, testEntry(w)); err != nil {
						t.Error(err)
						return
					}
					e, err := s.Get(k)
					if err != nil && !errors.Is(err, ErrNotExist) {
						t.Error(err)
						return
					}
					// Whatever a reader sees must be a whole entry.
					if err == nil && !wholeEntry(e) {
						t.Errorf("torn entry: %+v", e)
						return
					}
				}
			})
		}
		wg.Wait()
	})
}

// wholeEntry reports whether e equals one of the entries the concurrent
// writers store.
func wholeEntry(e *Entry) bool {
	for w := range 8 {
		want := testEntry(w)
		if string(e.Body) == string(want.Body) && e.StatusCode == want.StatusCode && reflect.DeepEqual(e.Header, want.Header) {
			return true
		}
	}
	return false
}

func TestMemoryStore(t *testing.T) {
	runStoreAcceptance(t, func(*testing.T) Store { return NewMemoryStore(0) })
}

func TestMemoryStoreEvictsLeastRecentlyUsed(t *testing.T) {
	e := testEntry(0)
	s := NewMemoryStore(3 * e.Size())
	for _, k := range []string{"a", "b", "c"} {
		if err := s.Set(k, e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Get("a"); err != nil { // a is now the most recent
		t.Fatal(err)
	}
	if err := s.Set("d", e); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		_, err := s.Get(k)
		if got := err == nil; got != want {
			t.Errorf("after eviction, %q present = %v, want %v", k, got, want)
		}
	}
}
