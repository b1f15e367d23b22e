package httpcache

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// fakeCollapser plays the other processes sharing a store.
type fakeCollapser struct {
	collapse func(key string) func()
	calls    int
}

func (c *fakeCollapser) Collapse(_ context.Context, key string) func() {
	c.calls++
	return c.collapse(key)
}

func TestCollapserWaitThenServeWhatAnotherProcessStored(t *testing.T) {
	store := NewMemoryStore(0)
	o := newOrigin(t, store, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		_, _ = w.Write([]byte("fetched once"))
	})
	// The other process fetches and stores the response while this one
	// waits.
	other := New(store, WithTransport(o.srv.Client().Transport), WithClock(o.clock.Now))
	c := &fakeCollapser{collapse: func(key string) func() {
		req, _ := http.NewRequest(http.MethodGet, o.srv.URL+"/x", nil)
		resp, err := other.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		discard(resp)
		return nil
	}}
	o.tr = New(store, WithTransport(o.srv.Client().Transport), WithClock(o.clock.Now), WithCollapser(c))
	resp, body := o.do(t, http.MethodGet, "/x")
	wantOutcome(t, resp, OutcomeHit)
	if body != "fetched once" || o.hits.Load() != 1 || c.calls != 1 {
		t.Fatalf("body %q, origin hits %d, Collapse calls %d; want the other process's response, 1, 1", body, o.hits.Load(), c.calls)
	}
}

func TestCollapserFetchAfterWaitingInVain(t *testing.T) {
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		_, _ = w.Write([]byte("fetched here"))
	})
	c := &fakeCollapser{collapse: func(string) func() { return nil }}
	o.tr.collapser = c
	resp, body := o.do(t, http.MethodGet, "/x")
	wantOutcome(t, resp, OutcomeMiss)
	if body != "fetched here" || o.hits.Load() != 1 || c.calls != 1 {
		t.Fatalf("body %q, origin hits %d, Collapse calls %d", body, o.hits.Load(), c.calls)
	}
}

func TestCollapserDoneCalledOnceStored(t *testing.T) {
	store := NewMemoryStore(0)
	o := newOrigin(t, store, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=60")
		_, _ = w.Write([]byte("hello"))
	})
	stored := false
	c := &fakeCollapser{collapse: func(key string) func() {
		return func() {
			_, err := store.Get(key)
			stored = err == nil
		}
	}}
	o.tr.collapser = c
	o.do(t, http.MethodGet, "/x")
	if !stored {
		t.Fatal("done was called before the response was stored")
	}
	o.do(t, http.MethodGet, "/x") // a hit asks no one
	if c.calls != 1 {
		t.Fatalf("Collapse calls = %d, want 1", c.calls)
	}
}

func TestEncodeDecodeEntry(t *testing.T) {
	want := testEntry(3)
	data := EncodeEntry("k", want)
	key, got, err := DecodeEntry(data)
	if err != nil || key != "k" {
		t.Fatalf("DecodeEntry: %q, %v", key, err)
	}
	sameEntry(t, got, want)
	data[len(data)-1] ^= 1
	if _, _, err := DecodeEntry(data); !errors.Is(err, ErrNotExist) {
		t.Fatalf("damaged: err = %v, want ErrNotExist", err)
	}
}

func TestFreshFor(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	e := func(cc string) *Entry {
		return &Entry{StatusCode: 200, Header: http.Header{"Cache-Control": {cc}, "Date": {FormatHTTPDate(now.Add(-10 * time.Second))}},
			RequestTime: now.Add(-10 * time.Second), ResponseTime: now.Add(-10 * time.Second)}
	}
	for cc, want := range map[string]time.Duration{
		"max-age=60":              50 * time.Second,
		"max-age=5":               0,
		"max-age=5, s-maxage=100": 90 * time.Second,
		"no-store":                0,
	} {
		if got := FreshFor(e(cc), now); got != want {
			t.Errorf("FreshFor(%s) = %v, want %v", cc, got, want)
		}
	}
	targeted := e("max-age=5")
	targeted.Header.Set("CDN-Cache-Control", "max-age=600")
	if got := FreshFor(targeted, now); got != 0 {
		t.Errorf("FreshFor without targets = %v, want 0 (CDN-Cache-Control ignored)", got)
	}
	if got := FreshFor(targeted, now, "CDN-Cache-Control"); got != 590*time.Second {
		t.Errorf("FreshFor with CDN-Cache-Control targeted = %v, want 590s", got)
	}
}
