package snippet

import (
	"context"
	"errors"
	"go/format"
	"os"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// assertCases are the corpus requests with assertions.
func assertCases() []namedRequest {
	var out []namedRequest
	for _, c := range ownCorpus() {
		if len(c.req.Asserts) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// TestChecksRun runs the code of every request with assertions in every
// language: the generated checks hold against the echo server, which
// answers 200 with a JSON body. TestVerifyCorpus runs them too, with the
// rest of the corpus; this is the quick way to run only these.
func TestChecksRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real interpreters")
	}
	s := loadSet(t)
	cases := assertCases()
	var reqs []*httpfile.Request
	for _, c := range cases {
		reqs = append(reqs, c.req)
	}
	for _, lang := range s.Languages() {
		t.Run(lang.ID, func(t *testing.T) {
			t.Parallel()
			errs := s.VerifyAll(context.Background(), lang.ID, reqs, VerifyOptions{})
			for i, err := range errs {
				if errors.Is(err, ErrNoInterpreter) && os.Getenv("CI") != "true" {
					t.Skip(err)
				}
				if err != nil {
					t.Errorf("%s: %v", cases[i].name, err)
				}
			}
		})
	}
}

// TestChecksFail runs code whose checks do not hold: each language that
// states the check must fail, naming it; the others must still run.
func TestChecksFail(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real interpreters")
	}
	s := loadSet(t)
	const base = "https://api.test"
	bad := &httpfile.Request{Method: "POST", URL: base + "/orders", Headers: h("Content-Type", "application/json"), Body: "{not json"} // echo answers 400
	with := func(r *httpfile.Request, as ...string) *httpfile.Request {
		c := *r
		c.Asserts = asserts(as...)
		return &c
	}
	get := &httpfile.Request{Method: "GET", URL: base + "/items/1"}
	checking := []string{"python", "javascript", "go", "java"}
	for _, tc := range []struct {
		name string
		req  *httpfile.Request
		fail []string // the languages whose run must fail
		skip []string // the languages this case says nothing about
	}{
		{"wrong 2xx status", with(get, "status", "", "==", "201"), checking, nil},
		{"status below", with(get, "status", "", "<", "200"), checking, nil},
		{"wrong header", with(get, "header", "content-type", "includes", "xml"), checking, nil},
		{"header present", with(get, "header", "content-type", "isFalse", ""), checking, nil},
		{"header missing", with(get, "header", "x-nope", "exists", ""), checking, nil},
		{"header prefix", with(get, "header", "content-type", "startsWith", "text/"), checking, nil},
		// curl's --fail stands for a 2xx check, and catches the 400.
		{"error status", with(bad, "status", "", "==", "200"), append([]string{"curl"}, checking...), []string{"http"}},
		// A check of an error status replaces the usual failure on one.
		{"expected error status", with(bad, "status", "", "==", "400"), nil, []string{"http"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, lang := range s.Languages() {
				if strings.Contains(strings.Join(tc.skip, ","), lang.ID) {
					continue
				}
				t.Run(lang.ID, func(t *testing.T) {
					t.Parallel()
					err := s.Verify(context.Background(), lang.ID, tc.req, VerifyOptions{})
					if errors.Is(err, ErrNoInterpreter) && os.Getenv("CI") != "true" {
						t.Skip(err)
					}
					mustFail := strings.Contains(strings.Join(tc.fail, ","), lang.ID)
					switch {
					case mustFail && err == nil:
						t.Errorf("the program ran, want it to fail the check")
					case mustFail && lang.ID != "curl" && !strings.Contains(err.Error(), "check failed: "+tc.req.Asserts[0].String()):
						t.Errorf("err %v, want it to name the failed check", err)
					case !mustFail && err != nil:
						t.Errorf("err %v, want the program to run", err)
					}
				})
			}
		})
	}
}

func TestChecksRender(t *testing.T) {
	s := loadSet(t)
	r := &httpfile.Request{Method: "GET", URL: "https://api.test/", Asserts: asserts(
		"status", "", "==", "0404", "header", "etag", "matches", "^W/", "body", "$.id", "exists", "")}
	for lang, want := range map[string][]string{
		"python":     {"assert response.status_code == 404, \"check failed: status == 0404\"\n", "# snapdoc checks: header etag matches ^W/\n", "# snapdoc checks: body $.id exists\n"},
		"javascript": {"if (response.status !== 404) {\n    throw new Error(\"check failed: status == 0404\");", "  // snapdoc checks: body $.id exists\n"},
		"go":         {"if resp.StatusCode != 404 {\n\t\tlog.Fatalf(\"check failed: %s (status %s)\", \"status == 0404\", resp.Status)", "\t// snapdoc checks: body $.id exists\n"},
		"java":       {"if (response.statusCode() != 404) {\n            throw new AssertionError(\"check failed: status == 0404\");", "        // snapdoc checks: body $.id exists\n"},
		"curl":       {"# snapdoc checks: status == 0404\n# snapdoc checks: header etag matches ^W/\n# snapdoc checks: body $.id exists\ncurl --url"},
		"http":       {"Host: api.test\n\n?? status == 0404\n?? header etag matches ^W/\n?? body $.id exists\n"},
	} {
		code, err := s.Render(lang, r)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(code, w) {
				t.Errorf("%s code lacks %q:\n%s", lang, w, code)
			}
		}
		// A check of the status replaces the usual failure on a 4xx.
		for _, generic := range []string{"raise_for_status", "response.ok", ">= 400"} {
			if strings.Contains(code, generic) {
				t.Errorf("%s code keeps %q though the status is checked:\n%s", lang, generic, code)
			}
		}
	}
}

func TestJavaComment(t *testing.T) {
	for in, want := range map[string]string{
		`a \u000a b`:   `a \\u000a b`,
		`a \\u000a b`:  `a \\u000a b`,
		`a \\\u000a b`: `a \\\\u000a b`,
		`\uuu0041 ok`:  `\\uuu0041 ok`,
		`plain`:        `plain`,
	} {
		if got := javaComment(in); got != want {
			t.Errorf("javaComment(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzChecks renders an assertion line, as the parser accepts it, in
// every language: the Go code must stay gofmt'd Go, and no language may
// get more lines than the check's own, so no text of the assertion can
// end a comment or a string and become code.
func FuzzChecks(f *testing.F) {
	for _, s := range []string{"status == 200", "header content-type includes json", "body $.id exists", "status < 0300",
		`header x == a"b\u000a`, "body $['a\\'b'] matches \\u000a*/", "duration < 5", "header etag isFalse", "status != 1e3"} {
		f.Add(s)
	}
	s := loadSet(f)
	f.Fuzz(func(t *testing.T, line string) {
		reqs, err := httpfile.Parse([]byte("GET https://x.test/\n\n?? "+line+"\n"), httpfile.ParseOptions{File: "a.http"})
		if err != nil || len(reqs) != 1 || len(reqs[0].Asserts) != 1 {
			return
		}
		with := reqs[0]
		without := *with
		without.Asserts = nil
		c := checksOf(with.Asserts)[0]
		for _, lang := range s.Languages() {
			code, err := s.Render(lang.ID, with)
			if err != nil {
				t.Fatalf("%s: %v", lang.ID, err)
			}
			plain, err := s.Render(lang.ID, &without)
			if err != nil {
				t.Fatal(err)
			}
			added := strings.Count(code, "\n") - strings.Count(plain, "\n")
			want := map[bool]int{true: 3, false: 1}[c.Native]
			switch lang.ID {
			case "python":
				want = 1
				if c.Native && c.Subject == "status" {
					want = 0 // the assert line replaces raise_for_status
				}
			case "curl":
				want = 1 // a comment, or --fail on a line of its own
			case "http":
				want = 2 // a blank line, then the ?? line
			case "javascript", "java":
				if c.Native && c.Subject == "status" {
					want = 0 // the check replaces the three lines of the usual one
				}
			case "go":
				if c.Native && c.Subject == "status" {
					want = 0
				}
				if c.Native && c.Subject == "header" && !strings.Contains(plain, `"strings"`) {
					want++ // the import
				}
			}
			if added != want {
				t.Fatalf("%s: %q added %d lines, want %d:\n%s", lang.ID, line, added, want, code)
			}
			if lang.ID == "go" {
				formatted, err := format.Source([]byte(code))
				if err != nil || string(formatted) != code {
					t.Fatalf("%q: Go code does not format (%v):\n%s", line, err, code)
				}
			}
		}
	})
}
