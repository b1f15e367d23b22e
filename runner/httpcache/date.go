package httpcache

import (
	"strings"
	"time"
)

// The three date formats of RFC 9110, 5.6.7: IMF-fixdate, which senders
// must use, and the obsolete RFC 850 and asctime formats.
const (
	imfFixdate = "Mon, 02 Jan 2006 15:04:05 GMT"
	rfc850Date = "Monday, 02-Jan-06 15:04:05 GMT"
	asctimeFmt = "Mon Jan _2 15:04:05 2006"
)

// ParseHTTPDate parses an HTTP-date in any of the three formats RFC 9110
// allows. ok is false for anything else; callers then treat the field as
// invalid (an invalid Expires means "already expired").
func ParseHTTPDate(s string) (t time.Time, ok bool) {
	if t, ok := parseIMFFixdate(s); ok {
		return t, true
	}
	for _, layout := range [...]string{rfc850Date, asctimeFmt} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// FormatHTTPDate formats t as an IMF-fixdate.
func FormatHTTPDate(t time.Time) string {
	return t.UTC().Format(imfFixdate)
}

var (
	weekdays = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	months   = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
)

// parseIMFFixdate is a strict, allocation-free parser for the common case,
// "Sun, 06 Nov 1994 08:49:37 GMT". Names are matched case-insensitively
// and the weekday must match the date.
func parseIMFFixdate(s string) (time.Time, bool) {
	if len(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
		s[16] != ' ' || s[19] != ':' || s[22] != ':' || !strings.EqualFold(s[25:], " GMT") {
		return time.Time{}, false
	}
	wd := -1
	for i, w := range weekdays {
		if strings.EqualFold(s[:3], w) {
			wd = i
		}
	}
	mon := -1
	for i, m := range months {
		if strings.EqualFold(s[8:11], m) {
			mon = i
		}
	}
	day, ok1 := digits(s[5:7])
	year, ok2 := digits(s[12:16])
	hh, ok3 := digits(s[17:19])
	mm, ok4 := digits(s[20:22])
	ss, ok5 := digits(s[23:25])
	if wd < 0 || mon < 0 || !ok1 || !ok2 || !ok3 || !ok4 || !ok5 ||
		day < 1 || hh > 23 || mm > 59 || ss > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(mon+1), day, hh, mm, ss, 0, time.UTC)
	if t.Day() != day || int(t.Weekday()) != wd {
		return time.Time{}, false
	}
	return t, true
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}
