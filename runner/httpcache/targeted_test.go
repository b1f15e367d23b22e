package httpcache

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseTargeted(t *testing.T) {
	cases := []struct {
		in   string
		want string // CacheControl.String(), or "error"
	}{
		{"max-age=60", "max-age=60"},
		{"max-age=60, no-store", "max-age=60, no-store"},
		{"foobar, max-age=3600", "foobar, max-age=3600"},
		{`no-cache="Set-Cookie, X-Foo"`, `no-cache="Set-Cookie, X-Foo"`},
		{"private", "private"},
		{"max-age=60;a=1;b, public", "max-age=60, public"}, // parameters ignored
		{"max-age=1, max-age=2", "max-age=2"},              // last value wins
		{"ext=(a b), ext2=:AQID:, ext3=1.5, ext4=tok/en", `ext, ext2=":AQID:", ext3=1.5, ext4="tok/en"`},
		{"no-store=?0, max-age=5", "max-age=5"}, // a false flag is absent
		{"max-age=99999999999", "max-age=99999999999"},
		{"  max-age=60  ", "max-age=60"},
		{"max-age=60,\tpublic", "max-age=60, public"},
		{"max-age =100", "error"},
		{"max-age= 100", "error"},
		{"MaX-aGe=3600", "error"},
		{"max-age=10000, &&&&&", "error"},
		{`max-age="10000"`, "error"},          // wrong type
		{"max-age=-1", "error"},               // negative delta
		{"max-age=1.5", "error"},              // a Decimal is not delta-seconds
		{"no-store=1", "error"},               // flags are Booleans
		{"private=tok", "error"},              // a field list is a String
		{"max-age=1234567890123456", "error"}, // 16 digits
		{"max-age=60,", "error"},
		{"max-age=60 public", "error"},
		{`ext="unterminated`, "error"},
		{`ext="\x"`, "error"},
		{"ext=(a b", "error"},
		{"ext=?2", "error"},
		{"ext=1.2345", "error"},
	}
	for _, tc := range cases {
		cc, err := ParseTargeted([]string{tc.in})
		got := cc.String()
		if err != nil {
			got = "error"
		} else if !cc.Targeted() {
			t.Errorf("ParseTargeted(%q) not marked targeted", tc.in)
		}
		if got != tc.want {
			t.Errorf("ParseTargeted(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Field lines are one Dictionary.
	if cc, err := ParseTargeted([]string{"max-age=60", "public"}); err != nil || cc.String() != "max-age=60, public" {
		t.Errorf("two lines: %q, %v", cc.String(), err)
	}
}

func FuzzParseTargeted(f *testing.F) {
	for _, s := range []string{"max-age=60", `no-cache="a", x=(1 2);p=?1`, "a=:AQ==:, b=-1.5", "max-age =1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cc, err := ParseTargeted([]string{s})
		if err != nil {
			return
		}
		// What parses is a set of directives Cache-Control can carry.
		again := ParseCacheControl([]string{cc.String()})
		if again.String() != cc.String() {
			t.Fatalf("%q: %q reparses as %q", s, cc.String(), again.String())
		}
	})
}

// targetedOrigin serves fixed response fields through a shared cache with
// the given target list.
func targetedOrigin(t *testing.T, fields map[string]string, opts ...Option) *origin {
	t.Helper()
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		for k, v := range fields {
			if k == "Expires" && v == "+1h" {
				v = FormatHTTPDate(o.clock.Now().Add(time.Hour))
			}
			w.Header().Set(k, v)
		}
		io.WriteString(w, "body")
	})
	o.tr = New(NewMemoryStore(0), append([]Option{WithTransport(o.srv.Client().Transport), WithClock(o.clock.Now), WithShared(true)}, opts...)...)
	return o
}

func TestTargetedFieldPrecedence(t *testing.T) {
	both := WithTargets("Snapdoc-Cache-Control", "CDN-Cache-Control")
	cases := []struct {
		name    string
		fields  map[string]string
		opts    []Option
		wantHit bool // after 10 minutes
	}{
		{"CDN-Cache-Control overrides a short Cache-Control",
			map[string]string{"Cache-Control": "max-age=1", "CDN-Cache-Control": "max-age=3600"}, []Option{both}, true},
		{"CDN-Cache-Control overrides a long Cache-Control",
			map[string]string{"Cache-Control": "max-age=3600", "CDN-Cache-Control": "max-age=1"}, []Option{both}, false},
		{"Expires is ignored under a targeted field",
			map[string]string{"Expires": "+1h", "CDN-Cache-Control": "must-revalidate"}, []Option{both}, false},
		{"Expires gives no freshness to a stored response under a targeted field",
			map[string]string{"Expires": "+1h", "CDN-Cache-Control": "public", "ETag": `"x"`}, []Option{both}, false},
		{"Cache-Control no-store is ignored under a targeted field",
			map[string]string{"Cache-Control": "no-store", "CDN-Cache-Control": "max-age=3600"}, []Option{both}, true},
		{"targeted no-store forbids storing",
			map[string]string{"Cache-Control": "max-age=3600", "CDN-Cache-Control": "no-store"}, []Option{both}, false},
		{"targeted private keeps it out of a shared cache",
			map[string]string{"Cache-Control": "max-age=3600", "CDN-Cache-Control": "private"}, []Option{both}, false},
		{"the first target wins",
			map[string]string{"Snapdoc-Cache-Control": "max-age=3600", "CDN-Cache-Control": "max-age=1"}, []Option{both}, true},
		{"the first target wins, even when shorter",
			map[string]string{"Snapdoc-Cache-Control": "max-age=1", "CDN-Cache-Control": "max-age=3600"}, []Option{both}, false},
		{"an invalid first target falls to the next",
			map[string]string{"Snapdoc-Cache-Control": "max-age = 1", "CDN-Cache-Control": "max-age=3600"}, []Option{both}, true},
		{"an empty first target falls to the next",
			map[string]string{"Snapdoc-Cache-Control": "", "CDN-Cache-Control": "max-age=3600"}, []Option{both}, true},
		{"all targets invalid: Cache-Control applies",
			map[string]string{"Cache-Control": "max-age=3600", "CDN-Cache-Control": `max-age="1"`}, []Option{both}, true},
		{"all targets invalid: Cache-Control no-store applies",
			map[string]string{"Cache-Control": "no-store", "CDN-Cache-Control": `max-age="3600"`}, []Option{both}, false},
		{"a field off the target list changes nothing",
			map[string]string{"Cache-Control": "max-age=1", "CDN-Cache-Control": "max-age=3600"}, []Option{WithTargets("Snapdoc-Cache-Control")}, false},
		{"no target list: CDN-Cache-Control is ignored",
			map[string]string{"Cache-Control": "max-age=1", "CDN-Cache-Control": "max-age=3600"}, nil, false},
		{"Cache-Control on the target list is just Cache-Control",
			map[string]string{"Cache-Control": "public", "Expires": "+1h"}, []Option{WithTargets("cache-control")}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := targetedOrigin(t, tc.fields, tc.opts...)
			first, _ := o.do(t, "GET", "/t")
			for k, v := range tc.fields {
				if k != "Expires" && first.Header.Get(k) != v {
					t.Errorf("%s forwarded as %q, want %q", k, first.Header.Get(k), v)
				}
			}
			o.clock.Advance(10 * time.Minute)
			resp, _ := o.do(t, "GET", "/t")
			if got := Outcome(resp) == OutcomeHit; got != tc.wantHit {
				t.Errorf("hit = %v, want %v (Cache-Status %q)", got, tc.wantHit, resp.Header.Get("Cache-Status"))
			}
		})
	}
}

func TestTargetedFieldIsStoredAndServed(t *testing.T) {
	o := targetedOrigin(t, map[string]string{"Cache-Control": "max-age=1", "CDN-Cache-Control": "max-age=3600"}, WithTargets("CDN-Cache-Control"))
	o.do(t, "GET", "/t")
	o.clock.Advance(time.Minute)
	resp, _ := o.do(t, "GET", "/t")
	wantOutcome(t, resp, OutcomeHit)
	if got := resp.Header.Get("CDN-Cache-Control"); got != "max-age=3600" {
		t.Errorf("stored response's CDN-Cache-Control = %q", got)
	}
	// Cache-Control is still the downstream caches' policy; Age tells
	// them how old the response is.
	if resp.Header.Get("Cache-Control") != "max-age=1" || resp.Header.Get("Age") != "60" {
		t.Errorf("Cache-Control %q, Age %q", resp.Header.Get("Cache-Control"), resp.Header.Get("Age"))
	}
}

func TestTargetedFieldInUpdate(t *testing.T) {
	// A 304 that brings a targeted field makes it govern the stored
	// response.
	o := newOrigin(t, nil, func(o *origin, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"1"`)
		w.Header().Set("Cache-Control", "max-age=1")
		if r.Header.Get("If-None-Match") != "" {
			w.Header().Set("CDN-Cache-Control", "max-age=3600")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		io.WriteString(w, "body")
	})
	o.tr = New(NewMemoryStore(0), WithTransport(o.srv.Client().Transport), WithClock(o.clock.Now), WithShared(true), WithTargets("CDN-Cache-Control"))
	o.do(t, "GET", "/u")
	o.clock.Advance(time.Minute)
	resp, _ := o.do(t, "GET", "/u")
	wantOutcome(t, resp, OutcomeRevalidated)
	o.clock.Advance(time.Minute)
	resp, body := o.do(t, "GET", "/u")
	wantOutcome(t, resp, OutcomeHit)
	if body != "body" || !strings.Contains(resp.Header.Get("CDN-Cache-Control"), "3600") {
		t.Errorf("body %q, CDN-Cache-Control %q", body, resp.Header.Get("CDN-Cache-Control"))
	}
}

func TestTargetedFieldIgnoresExpiresForStoring(t *testing.T) {
	// Under a targeted field without freshness, Expires does not make a
	// response without validators worth storing: a later max-stale
	// request finds nothing.
	o := targetedOrigin(t, map[string]string{"Expires": "+1h", "CDN-Cache-Control": "public"}, WithTargets("CDN-Cache-Control"))
	if resp, _ := o.do(t, "GET", "/e"); strings.Contains(resp.Header.Get("Cache-Status"), "stored") {
		t.Errorf("stored: %q", resp.Header.Get("Cache-Status"))
	}
	resp, _ := o.do(t, "GET", "/e", "Cache-Control", "max-stale")
	wantOutcome(t, resp, OutcomeMiss)
}
