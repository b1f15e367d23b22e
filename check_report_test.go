package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner"
)

// sampleChecks has a block in every state, with text that XML, JSON and
// workflow commands must escape.
func sampleChecks() []generator.BlockCheck {
	reqErr := &runner.RequestError{Pos: fileerr.Pos{File: "content/a.md", Line: 12, Col: 1}, Method: "GET", URL: "https://api.test/x?a=1&b=2",
		Err: &runner.StatusError{Code: 429, Status: "429 Too Many Requests"}}
	assertErr := &runner.RequestError{Pos: fileerr.Pos{File: "content/b.md", Line: 4, Col: 1}, Method: "GET", URL: "https://api.test/y",
		Err: fmt.Errorf("%w: status == 200", runner.ErrAssertion)}
	return []generator.BlockCheck{
		{File: "content/a.md", Line: 6, Block: "ok", State: generator.CheckOK},
		{File: "content/a.md", Line: 9, Block: "drift", State: generator.CheckDrift, Diff: "@@ line 3 of the output @@\n- <b>old</b> & \x01 ]]>\n+ \"new\"\n"},
		{File: "content/a.md", Line: 11, Block: "busy", State: generator.CheckFailed, Err: reqErr, Failure: runner.Classify(reqErr)},
		{File: "content/a.md", Line: 20, Block: "new", State: generator.CheckUnrecorded},
		{File: "content/b.md", Line: 3, Block: "asserted", State: generator.CheckFailed, Err: assertErr, Failure: runner.Classify(assertErr)},
		{File: "content/b.md", Line: 8, Block: "changed", State: generator.CheckChanged},
		{File: "content/b.md", Line: 12, Block: "skip", State: generator.CheckNoRun},
		{File: "content/c.md", Line: 5, Block: "other", State: generator.CheckFailed, Err: errors.New("runner service: 409 Conflict"), Failure: runner.FailRequest},
	}
}

// TestCheckJUnitShape parses the JUnit report back and checks its shape:
// one suite per lesson and one case per block, totals that match the
// cases, and each problem as the element JUnit readers expect.
func TestCheckJUnitShape(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := writeCheckJUnit(&b, sampleChecks()); err != nil {
		t.Fatal(err)
	}
	type problem struct {
		Type    string `xml:"type,attr"`
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	type testcase struct {
		Name      string   `xml:"name,attr"`
		ClassName string   `xml:"classname,attr"`
		File      string   `xml:"file,attr"`
		Line      int      `xml:"line,attr"`
		Failure   *problem `xml:"failure"`
		Error     *problem `xml:"error"`
		Skipped   *problem `xml:"skipped"`
	}
	type counts struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	type suite struct {
		Name string `xml:"name,attr"`
		counts
		Cases []testcase `xml:"testcase"`
	}
	var got struct {
		XMLName xml.Name `xml:"testsuites"`
		counts
		Suites []suite `xml:"testsuite"`
	}
	if !strings.HasPrefix(b.String(), xml.Header) {
		t.Errorf("no XML declaration:\n%s", b.String())
	}
	if err := xml.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("the report is not XML: %v\n%s", err, b.String())
	}
	tally := func(cases []testcase) counts {
		var c counts
		for _, tc := range cases {
			c.Tests++
			if tc.Failure != nil {
				c.Failures++
			}
			if tc.Error != nil {
				c.Errors++
			}
			if tc.Skipped != nil {
				c.Skipped++
			}
		}
		return c
	}
	if got.counts != (counts{Tests: 8, Failures: 4, Errors: 2, Skipped: 1}) {
		t.Errorf("totals %+v", got.counts)
	}
	var names []string
	for _, s := range got.Suites {
		names = append(names, s.Name)
		if s.counts != tally(s.Cases) {
			t.Errorf("suite %s: totals %+v, cases %+v", s.Name, s.counts, tally(s.Cases))
		}
		for _, tc := range s.Cases {
			if tc.ClassName != s.Name || tc.File != s.Name || tc.Name == "" || tc.Line == 0 {
				t.Errorf("suite %s: case %+v", s.Name, tc)
			}
		}
	}
	if strings.Join(names, " ") != "content/a.md content/b.md content/c.md" {
		t.Errorf("suites %v", names)
	}
	a, bb := got.Suites[0].Cases, got.Suites[1].Cases
	if a[0].Failure != nil || a[0].Error != nil || a[0].Skipped != nil {
		t.Errorf("an ok block has a problem: %+v", a[0])
	}
	if f := a[1].Failure; f == nil || f.Type != "drift" || !strings.Contains(f.Text, "- <b>old</b> & \uFFFD ]]>\n+ \"new\"") {
		t.Errorf("drift: %+v", f)
	}
	if e := a[2].Error; e == nil || e.Type != "too-many-requests" || !strings.Contains(e.Message, "https://api.test/x?a=1&b=2") {
		t.Errorf("failed request: %+v", e)
	}
	if f := a[3].Failure; f == nil || f.Type != "unrecorded" {
		t.Errorf("unrecorded: %+v", f)
	}
	if f := bb[0].Failure; f == nil || f.Type != "assertion" || bb[0].Error != nil {
		t.Errorf("a failed assertion is a failure, not an error: %+v", bb[0])
	}
	if bb[2].Skipped == nil {
		t.Errorf("norun is not skipped: %+v", bb[2])
	}
}

// TestCheckJSONLines checks that --json prints one object a line per
// block, each with every field.
func TestCheckJSONLines(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	checks := sampleChecks()
	if err := writeCheckJSON(&b, checks); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(checks) {
		t.Fatalf("%d lines for %d blocks:\n%s", len(lines), len(checks), b.String())
	}
	for i, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, line)
		}
		for _, k := range []string{"file", "line", "block", "state", "diff", "error", "failure"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d has no %q: %s", i+1, k, line)
			}
		}
		if m["state"] != string(checks[i].State) || m["block"] != checks[i].Block {
			t.Errorf("line %d: %s", i+1, line)
		}
	}
}

// TestCheckGitHub checks the workflow commands: one per block that needs
// attention, at the failed request's line when known, with the message's
// newlines and the properties' separators escaped.
func TestCheckGitHub(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := writeCheckGitHub(&b, sampleChecks()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := []string{
		"::error file=content/a.md,line=9,title=snapdoc check%3A drift::block drift drifted from its snapshot%0A@@ line 3 of the output @@%0A- <b>old</b> & \x01 ]]>%0A+ \"new\"",
		"::error file=content/a.md,line=12,title=snapdoc check%3A failed (too-many-requests)::block busy failed (too-many-requests): content/a.md:12:1: GET https://api.test/x?a=1&b=2: the server answered 429 Too Many Requests with no Retry-After; not retried",
		"::error file=content/a.md,line=20,title=snapdoc check%3A unrecorded::block new has no snapshot; build to record one",
		"::error file=content/b.md,line=4,title=snapdoc check%3A failed (assertion)::block asserted failed (assertion): content/b.md:4:1: GET https://api.test/y: assertion failed: status == 200",
		"::error file=content/b.md,line=8,title=snapdoc check%3A changed::block changed: its requests changed since its snapshot was recorded; build to record it again",
		"::error file=content/c.md,line=5,title=snapdoc check%3A failed (request)::block other failed (request): runner service: 409 Conflict",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if got := ghProperty("a,b:c%\n"); got != "a%2Cb%3Ac%25%0A" {
		t.Errorf("ghProperty = %q", got)
	}
}
