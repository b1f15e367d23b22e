package runner

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/runner/httpfile"

	"github.com/snapdoc/snapdoc/internal/fileerr"
)

func TestParseAssertions(t *testing.T) {
	src := "@want = 201\n" +
		"POST http://api.test/items\n" +
		"Content-Type: application/json\n" +
		"\n" +
		"{\"a\": 1}\n" +
		"\n" +
		"?? status == {{want}}\n" +
		"  ?? header content-type includes json\n" +
		"?? body $.id exists\n" +
		"?? body $['odd key'][0] == a b\n" +
		"?? body items[-1].name startsWith x\n" +
		"?? body == {\"a\":1}\n" +
		"?? duration < 500\n" +
		"?? status ==201\n" +
		"?? header ETag equals \"x\"\n" +
		"?? body contains slide\n" +
		"###\n" +
		"GET http://api.test/b\n" +
		"?? status < 300\n" +
		"Accept: text/plain\n"
	reqs, err := httpfile.Parse([]byte(src), httpfile.ParseOptions{File: "a.http"})
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 2 {
		t.Fatalf("got %d requests", len(reqs))
	}
	want := []string{
		"status == 201",
		"header content-type includes json",
		"body $.id exists",
		"body $['odd key'][0] == a b",
		"body items[-1].name startsWith x",
		"body == {\"a\":1}",
		"duration < 500",
		"status == 201",
		"header ETag == \"x\"",
		"body includes slide",
	}
	var got []string
	for _, a := range reqs[0].Asserts {
		got = append(got, a.String())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("assertions:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if reqs[0].Body != "{\"a\": 1}" {
		t.Errorf("body %q: the ?? lines must not be part of it", reqs[0].Body)
	}
	if p := reqs[0].Asserts[1].Pos; p.Line != 8 || p.Col != 3 {
		t.Errorf("second assertion at %v, want a.http:8:3", p)
	}
	// An assertion among the headers leaves the header section going on,
	// as in httpyac.
	if r := reqs[1]; len(r.Asserts) != 1 || len(r.Headers) != 1 || r.URL != "http://api.test/b" {
		t.Errorf("second request: %+v", r)
	}
}

func TestParseAssertionsUnsupported(t *testing.T) {
	reqs, err := httpfile.Parse([]byte("GET http://api.test/\n\n?? js response.parsedBody.a == 1\n?? xpath /a/b == c\n"), httpfile.ParseOptions{File: "a.http"})
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs[0].Asserts) != 0 || len(reqs[0].Unsupported) != 2 || !strings.HasPrefix(reqs[0].Unsupported[0], "assertion ?? js response.parsedBody.a == 1") {
		t.Errorf("asserts %v, unsupported %q", reqs[0].Asserts, reqs[0].Unsupported)
	}
}

func TestParseAssertionErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"?? status == 200\nGET http://a.test/\n", "a.http:1:1: assertion before any request"},
		{"GET http://a.test/\n\n??\n", "a.http:3:3: empty assertion"},
		{"GET http://a.test/\n\n?? stauts == 200\n", `a.http:3:4: unknown assertion subject "stauts"`},
		{"GET http://a.test/\n\n  ?? status is 200\n", `a.http:3:13: unknown operator "is"`},
		{"GET http://a.test/\n\n?? status\n", `a.http:3:10: want an operator after "status"`},
		{"GET http://a.test/\n\n?? status == ok\n", `a.http:3:14: status is a number: "ok" is not one`},
		{"GET http://a.test/\n\n?? status ==\n", `a.http:3:13: status is a number: "" is not one`},
		{"GET http://a.test/\n\n?? duration < soon\n", `a.http:3:15: < compares numbers: "soon" is not a number`},
		{"GET http://a.test/\n\n?? header\n", "a.http:3:10: want a header name after ?? header"},
		{"GET http://a.test/\n\n?? header a(b) exists\n", `a.http:3:11: bad header name "a(b)"`},
		{"GET http://a.test/\n\n?? header x exists now\n", `a.http:3:20: exists takes no value, but "now" follows it`},
		{"GET http://a.test/\n\n?? header x includes\n", "a.http:3:21: want a value after includes"},
		{"GET http://a.test/\n\n?? body $.a[*] exists\n", "a.http:3:13: bad JSON path: a path selects one value"},
		{"GET http://a.test/\n\n?? body $..a exists\n", "a.http:3:10: bad JSON path: a path selects one value"},
		{"GET http://a.test/\n\n?? body $.a[0 exists\n", "a.http:3:14: bad JSON path: want ]"},
		{"GET http://a.test/\n\n?? body $['a exists\n", "a.http:3:11: bad JSON path: unterminated quoted key"},
		{"GET http://a.test/\n\n?? body $x exists\n", `a.http:3:10: bad JSON path: want . or [ after "$"`},
		{"GET http://a.test/\n\n?? body $.a matches (\n", "a.http:3:21: bad regular expression"},
		{"GET http://a.test/\n\n?? body $.a == {{nope}}\n", `a.http:3:16: unknown variable "nope"`},
		{"GET http://a.test/\n\n?? body $.a == {{$env TOKEN}}\n", "a.http:3:16: an assertion cannot compare with a secret"},
		{"GET http://a.test/\n\n?? body $.a == {{$guid}}\n", "a.http:3:16: assertion uses {{$guid}}, which snapdoc cannot substitute"},
		{"@n = x\nGET http://a.test/\n\n?? status == {{n}}\n", `a.http:4:14: status is a number: "x" is not one`},
		{"GET http://a.test/\n\n?? body == a\x01\n", `a.http:3:13: assertion holds control character '\x01'`},
	} {
		_, err := httpfile.Parse([]byte(tc.src), httpfile.ParseOptions{File: "a.http"})
		var perr *fileerr.Error
		if !errors.As(err, &perr) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %s...", tc.src, err, tc.want)
		}
	}
}

func TestHashCoversAssertions(t *testing.T) {
	parse := func(src string) []*httpfile.Request {
		reqs, err := httpfile.Parse([]byte(src), httpfile.ParseOptions{File: "a.http"})
		if err != nil {
			t.Fatal(err)
		}
		return reqs
	}
	plain := Hash(parse("GET http://a.test/\n"))
	if plain != Hash([]*httpfile.Request{{Method: "GET", URL: "http://a.test/"}}) {
		t.Error("a request without assertions must hash as before assertions existed")
	}
	a := Hash(parse("GET http://a.test/\n\n?? status == 200\n"))
	b := Hash(parse("GET http://a.test/\n\n?? status == 201\n"))
	if a == plain || a == b {
		t.Errorf("hashes %s %s %s: a changed assertion must change the hash", plain, a, b)
	}
	if a != Hash(parse("GET http://a.test/\n\n?? status ===  200\n")) {
		t.Error("the same assertion spelled with an alias must hash the same")
	}
}

// TestRunChecksAssertions runs requests against a real server: passing
// assertions are recorded on the exchange; a failing one fails the run
// with an *AssertionError that names the assertion and what came back,
// and the block stops there.
func TestRunChecksAssertions(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/item":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Count", "12")
			w.Write([]byte(`{"id": 7, "name": "Zoë", "tags": ["a", "b"], "ok": true, "none": null, "zero": 0, "obj": {"k": [1, 2.50]}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	r := newTestRunner(t, Config{})
	src := "GET " + srv.URL + "/item\n\n" +
		"?? status == 200\n?? status != 404\n?? status >= 200\n?? status < 300\n?? status <= 200\n?? status > 199\n" +
		"?? status isNumber\n?? status startsWith 20\n?? status endsWith 00\n?? status matches ^2\\d\\d$\n" +
		"?? header content-type includes json\n?? header Content-Type == application/json\n?? header x-count > 11\n" +
		"?? header x-count isString\n?? header x-missing isFalse\n" +
		"?? body $.id == 7\n?? body $.id == 7.0\n?? body id exists\n?? body $.name == Zoë\n?? body $.tags isArray\n" +
		"?? body $.tags includes b\n?? body $.tags.length == 2\n?? body $.tags[-1] == b\n?? body $['obj'].k[1] == 2.5\n" +
		"?? body $.obj == {\"k\":[1,2.5]}\n?? body $.ok isBoolean\n?? body $.ok == true\n?? body $.none == null\n" +
		"?? body $.zero isFalse\n?? body $.gone == undefined\n?? body $.name isString\n?? body $.id isNumber\n" +
		"?? body includes \"tags\"\n?? body startsWith {\n?? body endsWith }\n?? body matches \"name\": \"Z\n" +
		"?? body sha256 " + sha256Of(`{"id": 7, "name": "Zoë", "tags": ["a", "b"], "ok": true, "none": null, "zero": 0, "obj": {"k": [1, 2.50]}}`) + "\n" +
		"?? duration < 60000\n?? duration >= 0\n"
	reqs, err := httpfile.Parse([]byte(src), httpfile.ParseOptions{File: "a.http"})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := r.Run(ctx, reqs, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ex[0].Asserts) != len(reqs[0].Asserts) {
		t.Fatalf("%d results for %d assertions", len(ex[0].Asserts), len(reqs[0].Asserts))
	}
	for _, a := range ex[0].Asserts {
		if !a.Pass {
			t.Errorf("%s: failed, got %s", a.Text, a.Got)
		}
	}

	// Each of these fails on the same response.
	for _, line := range []string{
		"status == 201", "status != 200", "status < 200", "status > 200", "status startsWith 3",
		"header content-type includes xml", "header x-missing exists", "header x-count < 5",
		"body $.id == 8", "body $.id == seven", "body $.gone exists", "body $.zero exists", "body $.none exists",
		"body $.tags includes c", "body $.tags[2] exists", "body $.name isNumber", "body $.obj == {\"k\":[1]}",
		"body $.name matches ^z", "body sha256 AAAA", "body md5 AAAA", "body sha512 AAAA", "duration > 60000",
	} {
		reqs, err := httpfile.Parse([]byte("GET "+srv.URL+"/item\n\n?? status == 200\n?? "+line+"\n"), httpfile.ParseOptions{File: "a.http"})
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		ex, err := r.Run(ctx, reqs, RunOptions{})
		var ae *AssertionError
		if !errors.As(err, &ae) {
			t.Errorf("%s: error %v, want an *AssertionError", line, err)
			continue
		}
		if len(ex) != 1 || len(ex[0].Asserts) != 2 || !ex[0].Asserts[0].Pass || ex[0].Asserts[1].Pass {
			t.Errorf("%s: exchanges %+v", line, ex)
		}
		if ae.Pos.Line != 4 || len(ae.Failed) != 1 || ae.Failed[0].Got == "" {
			t.Errorf("%s: error %+v", line, ae)
		}
	}

	// The block stops at the failing request; the message says what came back.
	reqs, err = httpfile.Parse([]byte("GET "+srv.URL+"/nope\n\n?? status == 200\n?? header content-type includes json\n\n###\nGET "+srv.URL+"/item\n"), httpfile.ParseOptions{File: "a.http", LineOffset: 10})
	if err != nil {
		t.Fatal(err)
	}
	ex, err = r.Run(ctx, reqs, RunOptions{})
	want := "a.http:13:1: GET " + srv.URL + `/nope: 2 assertions failed: status == 200 (got 404); header content-type includes json (got "text/plain; charset=utf-8")`
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v\nwant\n%s", err, want)
	}
	if len(ex) != 1 || ex[0].Status != 404 {
		t.Errorf("exchanges %+v, want the failed one only", ex)
	}
}

// sha256Of is the base64 SHA-256 digest of s, as httpyac's sha256 wants it.
func sha256Of(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func TestCheckAssertionsOnRecordedValues(t *testing.T) {
	e := &httpfile.Exchange{Status: 200, Duration: 1500 * time.Millisecond, Body: []byte(`{"id":`), Truncated: true,
		Headers: []httpfile.Header{{Name: "Vary", Value: "Accept"}, {Name: "vary", Value: "Origin"}}}
	reqs, err := httpfile.Parse([]byte("GET http://a.test/\n\n?? duration < 1000\n?? body $.id exists\n?? header vary == Accept, Origin\n"), httpfile.ParseOptions{File: "a.http"})
	if err != nil {
		t.Fatal(err)
	}
	err = CheckAssertions(reqs[0], e)
	var ae *AssertionError
	if !errors.As(err, &ae) || len(ae.Failed) != 2 {
		t.Fatalf("error %v", err)
	}
	if ae.Failed[0].Got != "1500" || ae.Failed[1].Got != "a body cut at the size cap, not JSON" || !e.Asserts[2].Pass {
		t.Errorf("results %+v", e.Asserts)
	}
}

func TestSnapshotKeepsAssertResults(t *testing.T) {
	s := &Snapshot{Source: "content/a.md", Blocks: []*Record{{Block: "b", Hash: "sha256:1", Recorded: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Exchanges: []*httpfile.Exchange{{Method: "GET", URL: "http://a.test/", Status: 200, Cache: "miss",
			Asserts: []httpfile.AssertResult{{Text: "status == 200", Pass: true, Got: "not recorded", Pos: fileerr.Pos{Line: 3}}, {Text: "body $['a b'] == x y", Pass: false}}}}}}}
	data := s.Marshal()
	if !strings.Contains(string(data), "assert pass status == 200\nassert fail body $['a b'] == x y\n") {
		t.Errorf("snapshot:\n%s", data)
	}
	back, err := UnmarshalSnapshot("a.snap", data)
	if err != nil {
		t.Fatal(err)
	}
	got := back.Blocks[0].Exchanges[0].Asserts
	if len(got) != 2 || got[0] != (httpfile.AssertResult{Text: "status == 200", Pass: true}) || got[1] != (httpfile.AssertResult{Text: "body $['a b'] == x y"}) {
		t.Errorf("read back %+v", got)
	}
	if _, err := UnmarshalSnapshot("a.snap", []byte(strings.Replace(string(data), "assert pass", "assert maybe", 1))); err == nil || !strings.Contains(err.Error(), "a.snap:11: want assert pass|fail") {
		t.Errorf("bad assert line: %v", err)
	}
}

// FuzzParseAssertion checks that an assertion line never panics the
// parser, that an error lies on the line, and that what parses prints
// back to text that parses to the same assertion.
func FuzzParseAssertion(f *testing.F) {
	for _, s := range []string{"?? status == 200", "?? header content-type includes json", "?? body $.id exists",
		"?? duration < 500", "?? body $['a b'][0].c matches ^x+$", "?? body items[-1] == {\"a\":[1]}", "?? status ==200",
		"?? header x isFalse", "?? body sha256 abc=", "?? js a == 1", "?? body $.a[", "?? body == "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\n\r") {
			return
		}
		src := "GET http://a.test/\n\n" + line + "\n"
		reqs, err := httpfile.Parse([]byte(src), httpfile.ParseOptions{File: "a.http"})
		if err != nil {
			var perr *fileerr.Error
			if !errors.As(err, &perr) || perr.Pos.Line < 1 || perr.Pos.Line > 3 || perr.Pos.Col < 1 || perr.Pos.Col > len(line)+1 && perr.Pos.Line == 3 {
				t.Fatalf("error %v at a bad position", err)
			}
			return
		}
		for _, a := range reqs[0].Asserts {
			again, err := httpfile.Parse([]byte("GET http://a.test/\n\n?? "+a.String()+"\n"), httpfile.ParseOptions{File: "a.http"})
			if err != nil {
				t.Fatalf("%q prints as %q, which does not parse: %v", line, a.String(), err)
			}
			b := again[0].Asserts[0]
			b.Pos = a.Pos
			if b != a {
				t.Fatalf("%q prints as %q, which parses to %+v, not %+v", line, a.String(), b, a)
			}
			CheckAssertions(reqs[0], &httpfile.Exchange{Status: 200, Body: []byte(`{"a":[1,{"b":null}]}`), Headers: []httpfile.Header{{Name: "X", Value: "y"}}})
		}
	})
}

func TestAssertionErrorClassAndReaderText(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", &AssertionError{Pos: fileerr.Pos{File: "a.md", Line: 9, Col: 1}, Method: "GET", URL: "http://a.test/x: assertion",
		Failed: []httpfile.AssertResult{{Text: "status == 200", Got: "404"}, {Text: "body $.id exists", Got: "missing"}}})
	if c := Classify(err); c != FailAssertion {
		t.Errorf("class %q, want %q", c, FailAssertion)
	}
	if got, want := ReaderText(err), "2 assertions failed: status == 200 (got 404); body $.id exists (got missing)"; got != want {
		t.Errorf("reader text %q, want %q", got, want)
	}
}
