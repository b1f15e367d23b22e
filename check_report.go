package main

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/runner"
)

// checkText is what `snapdoc check` prints for a block that needs
// attention, for people; "" for one that does not.
func checkText(c *generator.BlockCheck) string {
	switch c.State {
	case generator.CheckDrift:
		return fmt.Sprintf("%s:%d: block %s drifted from its snapshot:\n%s\n", c.File, c.Line, c.Block, c.Diff)
	case generator.CheckUnrecorded:
		return fmt.Sprintf("%s:%d: block %s has no snapshot; build to record one\n", c.File, c.Line, c.Block)
	case generator.CheckChanged:
		return fmt.Sprintf("%s:%d: block %s: its requests changed since its snapshot was recorded; build to record it again\n", c.File, c.Line, c.Block)
	case generator.CheckFailed:
		return failureText(c) + "\n"
	}
	return ""
}

// failureText says why a failed block could not be checked, at the
// failed request when the error knows it.
func failureText(c *generator.BlockCheck) string {
	msg := c.Err.Error()
	if !generator.Positioned(c.Err) {
		msg = fmt.Sprintf("%s:%d: %s", c.File, c.Line, msg)
	}
	return fmt.Sprintf("%s; block %s failed (%s), which says nothing of drift", msg, c.Block, c.Failure)
}

// summary is one line for each block that needs attention, naming it.
func summary(c *generator.BlockCheck) string {
	switch c.State {
	case generator.CheckDrift:
		return fmt.Sprintf("block %s drifted from its snapshot", c.Block)
	case generator.CheckUnrecorded:
		return fmt.Sprintf("block %s has no snapshot; build to record one", c.Block)
	case generator.CheckChanged:
		return fmt.Sprintf("block %s: its requests changed since its snapshot was recorded; build to record it again", c.Block)
	case generator.CheckFailed:
		return fmt.Sprintf("block %s failed (%s): %v", c.Block, c.Failure, c.Err)
	}
	return ""
}

// checkJSON is one block as `snapdoc check --json` prints it.
type checkJSON struct {
	File    string  `json:"file"`
	Line    int     `json:"line"`
	Block   string  `json:"block"`
	State   string  `json:"state"`
	Diff    *string `json:"diff"`
	Error   *string `json:"error"`
	Failure *string `json:"failure"`
}

// writeCheckJSON prints one JSON object per block, one a line.
func writeCheckJSON(w io.Writer, checks []generator.BlockCheck) error {
	enc := json.NewEncoder(w)
	for i := range checks {
		c := &checks[i]
		j := checkJSON{File: c.File, Line: c.Line, Block: c.Block, State: string(c.State)}
		if c.Diff != "" {
			j.Diff = &c.Diff
		}
		if c.Err != nil {
			msg, class := c.Err.Error(), string(c.Failure)
			j.Error, j.Failure = &msg, &class
		}
		if err := enc.Encode(j); err != nil {
			return err
		}
	}
	return nil
}

// writeCheckGitHub prints a GitHub Actions workflow command for each
// block that needs attention, so that the workflow shows it at the
// block's line (a failed request's line, when known) in the lesson.
func writeCheckGitHub(w io.Writer, checks []generator.BlockCheck) error {
	for i := range checks {
		c := &checks[i]
		if c.Passed() {
			continue
		}
		line, title, msg := c.Line, "snapdoc check: "+string(c.State), summary(c)
		switch c.State {
		case generator.CheckDrift:
			msg += "\n" + c.Diff
		case generator.CheckFailed:
			title += " (" + string(c.Failure) + ")"
			var re *runner.RequestError
			if errors.As(c.Err, &re) && re.Pos.Line > 0 {
				line = re.Pos.Line
			}
		}
		if _, err := fmt.Fprintf(w, "::error file=%s,line=%d,title=%s::%s\n", ghProperty(c.File), line, ghProperty(title), ghData(strings.TrimRight(msg, "\n"))); err != nil {
			return err
		}
	}
	return nil
}

// ghData escapes the message of a workflow command.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a property value of a workflow command.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// JUnit XML, in the shape Jenkins, GitLab and GitHub test reporters read:
// one test suite per lesson, one test case per block.
type (
	junitSuites struct {
		XMLName xml.Name `xml:"testsuites"`
		Name    string   `xml:"name,attr"`
		junitCounts
		Suites []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name string `xml:"name,attr"`
		junitCounts
		Cases []junitCase `xml:"testcase"`
	}
	// junitCounts are the totals of a suite.
	junitCounts struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		ClassName string        `xml:"classname,attr"`
		File      string        `xml:"file,attr"`
		Line      int           `xml:"line,attr"`
		Failure   *junitProblem `xml:"failure"`
		Error     *junitProblem `xml:"error"`
		Skipped   *junitProblem `xml:"skipped"`
	}
	junitProblem struct {
		Type    string `xml:"type,attr,omitempty"`
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
)

// add counts one case.
func (c *junitCounts) add(tc *junitCase) {
	c.Tests++
	switch {
	case tc.Failure != nil:
		c.Failures++
	case tc.Error != nil:
		c.Errors++
	case tc.Skipped != nil:
		c.Skipped++
	}
}

// writeCheckJUnit writes the checks as a JUnit XML report: drift, a block
// not recorded and a failed assertion are failures; a request that could
// not be run is an error; a norun block is skipped.
func writeCheckJUnit(w io.Writer, checks []generator.BlockCheck) error {
	all := junitSuites{Name: "snapdoc check"}
	for i := range checks {
		c := &checks[i]
		if n := len(all.Suites); n == 0 || all.Suites[n-1].Name != c.File {
			all.Suites = append(all.Suites, junitSuite{Name: c.File})
		}
		s := &all.Suites[len(all.Suites)-1]
		tc := junitCase{Name: c.Block, ClassName: c.File, File: c.File, Line: c.Line}
		switch c.State {
		case generator.CheckDrift:
			tc.Failure = &junitProblem{Type: string(c.State), Message: summary(c), Text: c.Diff}
		case generator.CheckUnrecorded, generator.CheckChanged:
			tc.Failure = &junitProblem{Type: string(c.State), Message: summary(c)}
		case generator.CheckFailed:
			p := &junitProblem{Type: string(c.Failure), Message: summary(c), Text: failureText(c)}
			if c.Failure == runner.FailAssertion {
				tc.Failure = p
			} else {
				tc.Error = p
			}
		case generator.CheckNoRun:
			tc.Skipped = &junitProblem{Message: "norun: the author asked not to run this block"}
		}
		s.Cases = append(s.Cases, tc)
		s.add(&tc)
		all.add(&tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
