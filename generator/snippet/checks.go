package snippet

import (
	"strconv"
	"strings"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// Check is one assertion of the request ("?? status == 200"), for a
// template to render as the language's own check.
type Check struct {
	// Text is the assertion as the page shows it: "status == 200".
	Text string
	// Subject, Arg, Op and Expected are its parts; see [httpfile.Assertion].
	Subject, Arg, Op, Expected string
	// Native is set when the built-in languages that check responses
	// (Python, JavaScript, Go, Java) can state the check in code: a status
	// compared with a whole number, or a header compared with text (==,
	// !=, includes, startsWith, endsWith, exists, isTrue, isFalse). The
	// others are left to snapdoc, and the code says so in a comment.
	Native bool
}

// checksOf describes the assertions for templates.
func checksOf(as []httpfile.Assertion) []Check {
	var out []Check
	for _, a := range as {
		c := Check{Text: a.String(), Subject: a.Subject, Arg: a.Arg, Op: a.Op, Expected: a.Expected}
		switch a.Subject {
		case "status":
			if n, err := strconv.Atoi(a.Expected); err == nil && statusOps[a.Op] != "" {
				// As every language reads it: 0200 is octal in Go.
				c.Expected, c.Native = strconv.Itoa(n), true
			}
		case "header":
			_, c.Native = headerOps[a.Op]
		}
		out = append(out, c)
	}
	return out
}

// statusOps maps each comparison to its negation.
var statusOps = map[string]string{"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}

// headerOps are the header checks code can state, each with whether it
// takes a value.
var headerOps = map[string]bool{
	"==": true, "!=": true, "includes": true, "startsWith": true, "endsWith": true,
	"exists": false, "isTrue": false, "isFalse": false,
}

// StatusChecked reports whether a native check tests the status, which
// then replaces the program's usual failure on a 4xx or 5xx status: the
// author may expect a 404.
func (v *View) StatusChecked() bool {
	for _, c := range v.Checks {
		if c.Native && c.Subject == "status" {
			return true
		}
	}
	return false
}

// HeaderChecked reports whether a native check tests a header (Go code
// then needs the strings package).
func (v *View) HeaderChecked() bool {
	for _, c := range v.Checks {
		if c.Native && c.Subject == "header" {
			return true
		}
	}
	return false
}

// StatusOK reports whether a check requires one 2xx status, which curl's
// --fail approximates: it fails on any status of 400 or more.
func (v *View) StatusOK() bool {
	for _, c := range v.Checks {
		if n, err := strconv.Atoi(c.Expected); err == nil && c.Subject == "status" && c.Op == "==" && 200 <= n && n < 300 {
			return true
		}
	}
	return false
}

// Comments returns the checks curl leaves as comments: all but the 2xx
// status check --fail makes.
func (v *View) Comments() []Check {
	var out []Check
	for _, c := range v.Checks {
		if n, err := strconv.Atoi(c.Expected); err == nil && c.Subject == "status" && c.Op == "==" && 200 <= n && n < 300 {
			continue
		}
		out = append(out, c)
	}
	return out
}

// pythonCheck returns the condition Python asserts for c (response is
// the requests response), or "" when c is not native.
func pythonCheck(c Check) string {
	if !c.Native {
		return ""
	}
	if c.Subject == "status" {
		return "response.status_code " + c.Op + " " + c.Expected
	}
	get := "response.headers.get(" + PythonString(c.Arg) + ")"
	text := "response.headers.get(" + PythonString(c.Arg) + `, "")`
	want := PythonString(c.Expected)
	switch c.Op {
	case "==", "!=":
		return get + " " + c.Op + " " + want
	case "includes":
		return want + " in " + text
	case "startsWith":
		return text + ".startswith(" + want + ")"
	case "endsWith":
		return text + ".endswith(" + want + ")"
	case "isFalse":
		return "not " + get
	}
	return get // exists, isTrue
}

// jsFails returns the condition under which c fails in JavaScript
// (response is the fetch Response), or "" when c is not native.
func jsFails(c Check) string {
	if !c.Native {
		return ""
	}
	if c.Subject == "status" {
		return "response.status " + strictJS(statusOps[c.Op]) + " " + c.Expected
	}
	get := "response.headers.get(" + JSString(c.Arg) + ")"
	text := "(" + get + ` ?? "")`
	want := JSString(c.Expected)
	switch c.Op {
	case "==":
		return get + " !== " + want
	case "!=":
		return get + " === " + want
	case "includes":
		return "!" + text + ".includes(" + want + ")"
	case "startsWith":
		return "!" + text + ".startsWith(" + want + ")"
	case "endsWith":
		return "!" + text + ".endsWith(" + want + ")"
	case "isFalse":
		return get
	}
	return "!" + get
}

// strictJS spells == and != as JavaScript's strict comparisons.
func strictJS(op string) string {
	switch op {
	case "==":
		return "==="
	case "!=":
		return "!=="
	}
	return op
}

// goFails returns the condition under which c fails in Go (resp is the
// *http.Response), or "" when c is not native.
func goFails(c Check) string {
	if !c.Native {
		return ""
	}
	if c.Subject == "status" {
		return "resp.StatusCode " + statusOps[c.Op] + " " + c.Expected
	}
	get := `strings.Join(resp.Header.Values(` + GoString(c.Arg) + `), ", ")`
	want := GoString(c.Expected)
	switch c.Op {
	case "==":
		return get + " != " + want
	case "!=":
		return get + " == " + want
	case "includes":
		return "!strings.Contains(" + get + ", " + want + ")"
	case "startsWith":
		return "!strings.HasPrefix(" + get + ", " + want + ")"
	case "endsWith":
		return "!strings.HasSuffix(" + get + ", " + want + ")"
	case "isFalse":
		return get + ` != ""`
	}
	return get + ` == ""`
}

// javaFails returns the condition under which c fails in Java (response
// is the HttpResponse), or "" when c is not native.
func javaFails(c Check) string {
	if !c.Native {
		return ""
	}
	if c.Subject == "status" {
		return "response.statusCode() " + statusOps[c.Op] + " " + c.Expected
	}
	get := `String.join(", ", response.headers().allValues(` + JavaString(c.Arg) + `))`
	want := JavaString(c.Expected)
	switch c.Op {
	case "==":
		return "!" + get + ".equals(" + want + ")"
	case "!=":
		return get + ".equals(" + want + ")"
	case "includes":
		return "!" + get + ".contains(" + want + ")"
	case "startsWith":
		return "!" + get + ".startsWith(" + want + ")"
	case "endsWith":
		return "!" + get + ".endsWith(" + want + ")"
	case "isFalse":
		return "!" + get + ".isEmpty()"
	}
	return get + ".isEmpty()"
}

// javaComment makes s safe in a Java // comment: Java reads \u escapes
// before it sees comments, so one could end the line and start code.
func javaComment(s string) string {
	var b strings.Builder
	run := 0 // backslashes just before
	for i := 0; i < len(s); i++ {
		if s[i] == 'u' && run%2 == 1 {
			b.WriteByte('\\')
		}
		if s[i] == '\\' {
			run++
		} else {
			run = 0
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
