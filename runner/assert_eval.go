package runner

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/snapdoc/snapdoc/runner/httpfile"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner/jsonpath"
)

// AssertionError is a request whose response failed at least one of its
// assertions. Like a request that could not be run, it fails the block's
// run: the block keeps its previous snapshot. The exchange, with every
// assertion's result, is the last one the run returns.
type AssertionError struct {
	// Pos is the position of the first failed assertion.
	Pos    fileerr.Pos
	Method string
	URL    string
	// Failed are the assertions that failed, in source order.
	Failed []httpfile.AssertResult
}

// Error formats the error as "file:line:col: METHOD URL: assertion
// failed: status == 200 (got 404)".
func (e *AssertionError) Error() string {
	return fmt.Sprintf("%s: %s %s: %s", e.Pos, e.Method, e.URL, e.summary())
}

// summary says which assertions failed and what the response held.
func (e *AssertionError) summary() string {
	var parts []string
	for _, f := range e.Failed {
		parts = append(parts, f.Text+" (got "+f.Got+")")
	}
	what := "assertion failed"
	if len(e.Failed) > 1 {
		what = fmt.Sprintf("%d assertions failed", len(e.Failed))
	}
	return what + ": " + strings.Join(parts, "; ")
}

// As lets [errors.As] and [fileerr.As] find the position of the first
// failed assertion as a *[fileerr.Error] of phase "run" with the same
// text.
func (e *AssertionError) As(target any) bool {
	return positioned(target, e.Pos, e.Method+" "+e.URL+": ", errors.New(e.summary()))
}

// Failure classifies the error for reports: [FailAssertion].
func (e *AssertionError) Failure() Failure { return FailAssertion }

// ReaderText says what failed for a published page, without the file and
// line: "assertion failed: status == 200 (got 404)".
func (e *AssertionError) ReaderText() string { return e.summary() }

// CheckAssertions evaluates the assertions of req on e, the exchange it
// got, as recorded (secrets already redacted), and stores the results in
// e.Asserts. It returns an *[AssertionError] when any failed.
func CheckAssertions(req *httpfile.Request, e *httpfile.Exchange) error {
	if len(req.Asserts) == 0 {
		return nil
	}
	var failed []httpfile.AssertResult
	e.Asserts = nil
	for _, a := range req.Asserts {
		res := httpfile.AssertResult{Text: a.String(), Pos: a.Pos}
		v := subjectValue(a, e)
		res.Pass = holds(a, v)
		if !res.Pass {
			res.Got = v.describe()
			failed = append(failed, res)
		}
		e.Asserts = append(e.Asserts, res)
	}
	if len(failed) == 0 {
		return nil
	}
	return &AssertionError{Pos: failed[0].Pos, Method: req.Method, URL: req.URL, Failed: failed}
}

// jsValue is a value as httpyac's JavaScript sees it: undefined (not
// defined), or null (v nil), a bool, a json.Number, a string, an []any
// or a map[string]any.
type jsValue struct {
	v       any
	defined bool
	raw     []byte // the bytes digests hash
	why     string // why an undefined value is missing
}

func defined(v any) jsValue { return jsValue{v: v, defined: true} }

// subjectValue returns what the assertion checks in e.
func subjectValue(a httpfile.Assertion, e *httpfile.Exchange) jsValue {
	switch a.Subject {
	case "status":
		return defined(json.Number(strconv.Itoa(e.Status)))
	case "duration":
		return defined(json.Number(strconv.FormatInt(e.Duration.Milliseconds(), 10)))
	case "header":
		var vs []string
		for _, h := range e.Headers {
			if strings.EqualFold(h.Name, a.Arg) {
				vs = append(vs, h.Value)
			}
		}
		if len(vs) == 0 {
			return jsValue{why: "missing"}
		}
		return defined(strings.Join(vs, ", "))
	}
	if a.Arg == "" {
		v := defined(string(e.Body))
		v.raw = e.Body
		return v
	}
	steps, err := jsonpath.Parse(a.Arg)
	if err != nil {
		return jsValue{why: "bad path"}
	}
	dec := json.NewDecoder(bytes.NewReader(e.Body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil || dec.More() {
		if e.Truncated {
			return jsValue{why: "a body cut at the size cap, not JSON"}
		}
		return jsValue{why: "a body that is not JSON"}
	}
	v, ok := jsonpath.Lookup(steps, doc)
	if !ok {
		return jsValue{why: "missing"}
	}
	return defined(v)
}

// holds reports whether v satisfies the assertion, with httpyac's
// semantics: the expected text is converted to the type of v before ==
// and !=; ordering compares numbers; includes, startsWith, endsWith and
// matches compare text; exists and isTrue mean truthy, as in JavaScript.
func holds(a httpfile.Assertion, v jsValue) bool {
	switch a.Op {
	case "==":
		return v.equals(a.Expected)
	case "!=":
		return !v.equals(a.Expected)
	case "<", "<=", ">", ">=":
		x, ok := v.number()
		y, err := strconv.ParseFloat(a.Expected, 64)
		if !ok || err != nil {
			return false
		}
		switch a.Op {
		case "<":
			return x < y
		case "<=":
			return x <= y
		case ">":
			return x > y
		}
		return x >= y
	case "includes":
		if arr, ok := v.v.([]any); ok {
			for _, el := range arr {
				if defined(el).equals(a.Expected) {
					return true
				}
			}
			return false
		}
		s, ok := v.text()
		return ok && s != "" && strings.Contains(s, a.Expected)
	case "startsWith":
		s, ok := v.text()
		return ok && s != "" && strings.HasPrefix(s, a.Expected)
	case "endsWith":
		s, ok := v.text()
		return ok && s != "" && strings.HasSuffix(s, a.Expected)
	case "matches":
		s, ok := v.text()
		re, err := regexp.Compile(a.Expected)
		return ok && s != "" && err == nil && re.MatchString(s)
	case "exists", "isTrue":
		return v.truthy()
	case "isFalse":
		return !v.truthy()
	case "isNumber":
		_, ok := v.v.(json.Number)
		return v.defined && ok
	case "isString":
		_, ok := v.v.(string)
		return v.defined && ok
	case "isBoolean":
		_, ok := v.v.(bool)
		return v.defined && ok
	case "isArray":
		_, ok := v.v.([]any)
		return v.defined && ok
	case "sha256", "sha512", "md5":
		b := v.raw
		if b == nil {
			s, ok := v.text()
			if !ok {
				return false
			}
			b = []byte(s)
		}
		var sum []byte
		switch a.Op {
		case "sha256":
			h := sha256.Sum256(b)
			sum = h[:]
		case "sha512":
			h := sha512.Sum512(b)
			sum = h[:]
		default:
			h := md5.Sum(b)
			sum = h[:]
		}
		return base64.StdEncoding.EncodeToString(sum) == a.Expected
	}
	return false
}

// equals compares v with the expected text converted to v's type.
func (v jsValue) equals(expected string) bool {
	if !v.defined {
		return expected == "undefined"
	}
	switch x := v.v.(type) {
	case nil:
		return expected == "null"
	case bool:
		return strconv.FormatBool(x) == strings.TrimSpace(expected)
	case json.Number:
		f, err1 := x.Float64()
		g, err2 := strconv.ParseFloat(strings.TrimSpace(expected), 64)
		return err1 == nil && err2 == nil && f == g
	case string:
		return x == expected
	}
	var want any
	dec := json.NewDecoder(strings.NewReader(expected))
	dec.UseNumber()
	if dec.Decode(&want) != nil || dec.More() {
		return false
	}
	return sameValue(v.v, want)
}

// sameValue reports whether two decoded JSON values are equal: numbers
// by value, objects regardless of member order.
func sameValue(x, y any) bool {
	switch x := x.(type) {
	case map[string]any:
		y, ok := y.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			if yv, ok := y[k]; !ok || !sameValue(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := y.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := y.(json.Number)
		if !ok {
			return false
		}
		f, err1 := x.Float64()
		g, err2 := y.Float64()
		return err1 == nil && err2 == nil && f == g
	}
	return x == y
}

// number returns v as a number: a number, or text that is one.
func (v jsValue) number() (float64, bool) {
	var s string
	switch x := v.v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
	default:
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, v.defined && err == nil && !math.IsNaN(f)
}

// text returns v as text: strings as they are, numbers and booleans as
// written, arrays and objects as JSON; null and undefined have none.
func (v jsValue) text() (string, bool) {
	if !v.defined {
		return "", false
	}
	switch x := v.v.(type) {
	case nil:
		return "", false
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	b, err := json.Marshal(v.v)
	return string(b), err == nil
}

// truthy reports whether JavaScript would take v as true.
func (v jsValue) truthy() bool {
	if !v.defined {
		return false
	}
	switch x := v.v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case json.Number:
		f, err := x.Float64()
		return err == nil && f != 0
	}
	return true
}

// describe says what v is, for a failed assertion: "404", `"text/html"`,
// "missing"; long values are cut.
func (v jsValue) describe() string {
	if !v.defined {
		return v.why
	}
	var s string
	switch x := v.v.(type) {
	case string:
		s = strconv.Quote(x)
	default:
		b, _ := json.Marshal(x)
		s = string(b)
	}
	const max = 80
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// passFail names an assertion's outcome as snapshots record it.
func passFail(pass bool) string {
	if pass {
		return "pass"
	}
	return "fail"
}

// parseAssertRecord parses the "pass|fail ASSERTION" of a snapshot's
// assert line.
func parseAssertRecord(s string) (httpfile.AssertResult, bool) {
	outcome, text, ok := strings.Cut(s, " ")
	if !ok || text == "" || outcome != "pass" && outcome != "fail" {
		return httpfile.AssertResult{}, false
	}
	return httpfile.AssertResult{Text: text, Pass: outcome == "pass"}, true
}
