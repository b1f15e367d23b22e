package httpcache

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseCacheControl(t *testing.T) {
	cases := map[string]struct {
		in   []string
		want map[string]string
		dup  []string
	}{
		"simple":         {[]string{"max-age=60, public"}, map[string]string{"max-age": "60", "public": ""}, nil},
		"case":           {[]string{"Max-Age=5, NO-CACHE"}, map[string]string{"max-age": "5", "no-cache": ""}, nil},
		"quoted":         {[]string{`no-cache="Set-Cookie, X-A", max-age=1`}, map[string]string{"no-cache": "Set-Cookie, X-A", "max-age": "1"}, nil},
		"escaped quote":  {[]string{`ext="a\"b", x`}, map[string]string{"ext": `a"b`, "x": ""}, nil},
		"quoted max-age": {[]string{`extension="max-age=3600", max-age=1`}, map[string]string{"extension": "max-age=3600", "max-age": "1"}, nil},
		"two lines":      {[]string{"max-age=1", "max-age=2, private"}, map[string]string{"max-age": "1", "private": ""}, []string{"max-age"}},
		"empty members":  {[]string{" , ,max-age=3,,"}, map[string]string{"max-age": "3"}, nil},
		"space before =": {[]string{"max-age =3600"}, map[string]string{}, nil},
		"space after =":  {[]string{"max-age= 3600"}, map[string]string{"max-age": " 3600"}, nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cc := ParseCacheControl(tc.in)
			got := cc.Directives()
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseCacheControl(%q) = %v, want %v", tc.in, got, tc.want)
			}
			for _, d := range tc.dup {
				if !cc.Duplicated(d) {
					t.Errorf("%s not reported duplicated", d)
				}
			}
		})
	}
}

func TestSeconds(t *testing.T) {
	cases := map[string]struct {
		in        string
		n         int64
		ok, valid bool
	}{
		"plain":        {"max-age=60", 60, true, true},
		"leading zero": {"max-age=003600", 3600, true, true},
		"capped":       {"max-age=99999999999999999999", maxDelta, true, true},
		"decimal":      {"max-age=1.5", 0, true, false},
		"negative":     {"max-age=-1", 0, true, false},
		"empty":        {"max-age=", 0, true, false},
		"absent":       {"public", 0, false, false},
		"quoted":       {`max-age="60"`, 60, true, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			n, ok, valid := ParseCacheControl([]string{tc.in}).Seconds("max-age")
			if n != tc.n || ok != tc.ok || valid != tc.valid {
				t.Errorf("Seconds(%q) = %d, %v, %v; want %d, %v, %v", tc.in, n, ok, valid, tc.n, tc.ok, tc.valid)
			}
		})
	}
}

func TestParseHTTPDate(t *testing.T) {
	want := time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)
	valid := []string{
		"Sun, 06 Nov 1994 08:49:37 GMT",
		"SUN, 06 NOV 1994 08:49:37 gmt",
		"Sunday, 06-Nov-94 08:49:37 GMT",
		"Sun Nov  6 08:49:37 1994",
	}
	for _, s := range valid {
		got, ok := ParseHTTPDate(s)
		if !ok || !got.Equal(want) {
			t.Errorf("ParseHTTPDate(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	invalid := []string{
		"", "Sun, 06 Nov 1994 08:49:37 UTC", "Mon, 06 Nov 1994 08:49:37 GMT", // wrong weekday
		"Sun, 06 Nov 94 08:49:37 GMT", "Sun 06 Nov 1994 08:49:37 GMT", "Sun, 06-Nov-1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 8:49:37 GMT", "Sun, 06 Nov 1994 08.49.37 GMT", "Sun, 31 Nov 1994 08:49:37 GMT",
		"Sun, 06  Nov  1994 08:49:37 GMT",
	}
	for _, s := range invalid {
		if got, ok := ParseHTTPDate(s); ok {
			t.Errorf("ParseHTTPDate(%q) = %v, want invalid", s, got)
		}
	}
}

func TestFreshnessLifetime(t *testing.T) {
	date := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := map[string]struct {
		status int
		header http.Header
		shared bool
		want   time.Duration
	}{
		"max-age":           {200, http.Header{"Cache-Control": {"max-age=30"}, "Expires": {FormatHTTPDate(date.Add(time.Hour))}}, false, 30 * time.Second},
		"expires":           {200, http.Header{"Expires": {FormatHTTPDate(date.Add(time.Hour))}}, false, time.Hour},
		"invalid expires":   {200, http.Header{"Expires": {"0"}, "Last-Modified": {FormatHTTPDate(date.Add(-100 * time.Hour))}}, false, 0},
		"heuristic":         {200, http.Header{"Last-Modified": {FormatHTTPDate(date.Add(-100 * time.Hour))}}, false, 10 * time.Hour},
		"heuristic capped":  {200, http.Header{"Last-Modified": {FormatHTTPDate(date.Add(-1000 * 24 * time.Hour))}}, false, maxHeuristic},
		"no heuristic 500":  {500, http.Header{"Last-Modified": {FormatHTTPDate(date.Add(-100 * time.Hour))}}, false, 0},
		"s-maxage private":  {200, http.Header{"Cache-Control": {"s-maxage=5, max-age=50"}}, false, 50 * time.Second},
		"s-maxage shared":   {200, http.Header{"Cache-Control": {"s-maxage=5, max-age=50"}}, true, 5 * time.Second},
		"invalid max-age":   {200, http.Header{"Cache-Control": {"max-age=ten"}, "Expires": {FormatHTTPDate(date.Add(time.Hour))}}, false, 0},
		"two Expires lines": {200, http.Header{"Expires": {FormatHTTPDate(date.Add(time.Hour)), FormatHTTPDate(date.Add(time.Hour))}}, false, 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tc.header.Set("Date", FormatHTTPDate(date))
			e := &Entry{StatusCode: tc.status, Header: tc.header, ResponseTime: date}
			got := freshnessLifetime(e, ParseCacheControl(tc.header.Values("Cache-Control")), tc.shared)
			if got != tc.want {
				t.Errorf("lifetime = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCurrentAge(t *testing.T) {
	date := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := &Entry{
		Header:       http.Header{"Date": {FormatHTTPDate(date)}, "Age": {"100"}},
		RequestTime:  date.Add(1 * time.Second),
		ResponseTime: date.Add(3 * time.Second),
	}
	// corrected age = 100 + 2 (response delay) > apparent age 3; plus 10s resident.
	if got := currentAge(e, date.Add(13*time.Second)); got != 112*time.Second {
		t.Errorf("currentAge = %v, want 112s", got)
	}
	e.Header.Set("Age", "7200;foo=bar, 0")
	if got := ageValue(e.Header); got != 7200*time.Second {
		t.Errorf("ageValue with parameter = %v", got)
	}
	e.Header.Set("Age", "-5")
	if got := ageValue(e.Header); got != 0 {
		t.Errorf("negative Age = %v, want ignored", got)
	}
}

// FuzzCacheControl checks that parsing never panics and that printing the
// parsed directives and parsing again gives the same directives.
func FuzzCacheControl(f *testing.F) {
	for _, s := range []string{
		"max-age=60, public", `no-cache="Set-Cookie", max-age=0`, `ext="a\"b"`, "max-age =1",
		"max-age=1, max-age=2", ",,,", `x="unterminated`, "stale-while-revalidate=30, stale-if-error=60",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cc := ParseCacheControl([]string{s})
		printed := cc.String()
		again := ParseCacheControl([]string{printed})
		if !reflect.DeepEqual(cc.Directives(), again.Directives()) {
			t.Fatalf("round trip changed directives:\n in  %q -> %v\n out %q -> %v", s, cc.Directives(), printed, again.Directives())
		}
		for name := range cc.Directives() {
			if name != strings.ToLower(name) || !isToken(name) {
				t.Fatalf("directive name %q is not a lower-case token", name)
			}
			cc.Seconds(name)
		}
	})
}

// FuzzParseHTTPDate checks that parsing never panics, that whatever parses
// formats back to an IMF-fixdate that parses to the same instant, and that
// the fast path agrees with net/http on IMF-fixdates.
func FuzzParseHTTPDate(f *testing.F) {
	for _, s := range []string{
		"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
		"Thu, 18 Aug 2050 02:01:18 gMT", "Tue, 19 Jan 2038 03:14:08 GMT", "Sat, 29 Feb 2020 00:00:00 GMT", "garbage",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseHTTPDate(s)
		if !ok {
			return
		}
		printed := FormatHTTPDate(got)
		again, ok := ParseHTTPDate(printed)
		if !ok || !again.Equal(got) {
			t.Fatalf("%q -> %v -> %q -> %v, %v", s, got, printed, again, ok)
		}
		if fast, ok := parseIMFFixdate(s); ok {
			std, err := http.ParseTime(s)
			if err == nil && !std.Equal(fast) {
				t.Fatalf("%q: fast path %v, net/http %v", s, fast, std)
			}
		}
	})
}
