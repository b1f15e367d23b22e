package redisstore

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/runner/httpcache"
)

// replicaPair writes through one replica and reads through another, whose
// local store is empty, so that every read comes from Redis.
type replicaPair struct{ w, r *Store }

func (p replicaPair) Get(k string) (*httpcache.Entry, error) {
	_ = p.r.cfg.Local.Delete(k)
	return p.r.Get(k)
}
func (p replicaPair) Set(k string, e *httpcache.Entry) error { return p.w.Set(k, e) }
func (p replicaPair) Delete(k string) error                  { return p.w.Delete(k) }

// acceptanceEntry returns a distinct, fully populated entry (as the
// httpcache store acceptance does).
func acceptanceEntry(i int) *httpcache.Entry {
	base := time.Date(2026, 11, 25, 10, 0, 0, 123456789, time.UTC)
	return &httpcache.Entry{
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

func sameEntry(t *testing.T, got, want *httpcache.Entry) {
	t.Helper()
	if got.URL != want.URL || got.StatusCode != want.StatusCode || string(got.Body) != string(want.Body) ||
		!got.RequestTime.Equal(want.RequestTime) || !got.ResponseTime.Equal(want.ResponseTime) ||
		!reflect.DeepEqual(got.Header, want.Header) || !reflect.DeepEqual(got.VaryHeader, want.VaryHeader) {
		t.Fatalf("entry mismatch:\n got %+v\nwant %+v", got, want)
	}
}

// TestStoreAcceptance is httpcache's store acceptance, through Redis.
func TestStoreAcceptance(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	n := 0
	newStore := func(t *testing.T) httpcache.Store {
		n++
		prefix := WithPrefix(fmt.Sprintf("acceptance%d:", n))
		return replicaPair{openClient(t, srv, prefix).Store(StoreConfig{}), openClient(t, srv, prefix).Store(StoreConfig{})}
	}
	t.Run("MissingKey", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.Get("nope"); !errors.Is(err, httpcache.ErrNotExist) {
			t.Fatalf("Get(missing) error = %v, want ErrNotExist", err)
		}
		if err := s.Delete("nope"); err != nil {
			t.Fatalf("Delete(missing) = %v", err)
		}
	})
	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		keys := []string{"https://example.org/", "with/slashes/../and spaces", "ünïcödé", strings.Repeat("k", 10000), ""}
		for i, k := range keys {
			if err := s.Set(k, acceptanceEntry(i)); err != nil {
				t.Fatalf("Set(%q): %v", k, err)
			}
		}
		for i, k := range keys {
			got, err := s.Get(k)
			if err != nil {
				t.Fatalf("Get(%q): %v", k, err)
			}
			sameEntry(t, got, acceptanceEntry(i))
		}
	})
	t.Run("ZeroValues", func(t *testing.T) {
		s := newStore(t)
		if err := s.Set("k", &httpcache.Entry{StatusCode: 204}); err != nil {
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
		s := newStore(t)
		for i := range 3 {
			if err := s.Set("k", acceptanceEntry(i)); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Get("k")
		if err != nil {
			t.Fatal(err)
		}
		sameEntry(t, got, acceptanceEntry(2))
		if err := s.Delete("k"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get("k"); !errors.Is(err, httpcache.ErrNotExist) {
			t.Fatalf("Get after Delete: %v, want ErrNotExist", err)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				for i := range 20 {
					k := fmt.Sprintf("key-%d", i%5)
					if err := s.Set(k, acceptanceEntry(w)); err != nil {
						t.Error(err)
						return
					}
					e, err := s.Get(k)
					if err != nil && !errors.Is(err, httpcache.ErrNotExist) {
						t.Error(err)
						return
					}
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

func wholeEntry(e *httpcache.Entry) bool {
	for w := range 8 {
		want := acceptanceEntry(w)
		if string(e.Body) == string(want.Body) && e.StatusCode == want.StatusCode && reflect.DeepEqual(e.Header, want.Header) {
			return true
		}
	}
	return false
}
