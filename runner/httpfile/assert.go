package httpfile

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner/jsonpath"
)

// Assertion is a check of a response, written after its request in
// httpyac's syntax: "?? status == 200", "?? header content-type includes
// json", "?? body $.id exists", "?? duration < 500".
type Assertion struct {
	// Subject is what is checked: "status", "header", "body" or
	// "duration".
	Subject string
	// Arg is the header's name for "header", the JSON path for "body"
	// ("" for the whole body), and empty otherwise.
	Arg string
	// Op is the operator, with httpyac's aliases replaced by one name:
	// ==, !=, <, <=, >, >=, includes, startsWith, endsWith, matches,
	// exists, isTrue, isFalse, isNumber, isString, isBoolean, isArray,
	// sha256, sha512 or md5.
	Op string
	// Expected is the value to compare with, variables substituted;
	// empty for operators that take none.
	Expected string
	// Pos is the position of the "??" in the source file.
	Pos fileerr.Pos
}

// String formats the assertion as the page shows it: "status == 200".
func (a Assertion) String() string {
	parts := []string{a.Subject}
	if a.Arg != "" {
		parts = append(parts, a.Arg)
	}
	parts = append(parts, a.Op)
	if a.Expected != "" {
		parts = append(parts, a.Expected)
	}
	return strings.Join(parts, " ")
}

// opKind says what an operator expects on its right.
type opKind int

const (
	opUnary   opKind = iota // nothing
	opValue                 // any text, possibly empty
	opText                  // non-empty text
	opNumber                // a number
	opPattern               // a regular expression
	opDigest                // a base64 digest
)

// operators maps every operator httpyac knows, aliases included, to its
// canonical name and kind.
var operators = map[string]struct {
	name string
	kind opKind
}{
	"==": {"==", opValue}, "===": {"==", opValue}, "equals": {"==", opValue},
	"!=": {"!=", opValue}, "!==": {"!=", opValue},
	"<": {"<", opNumber}, "<=": {"<=", opNumber}, ">": {">", opNumber}, ">=": {">=", opNumber},
	"includes": {"includes", opText}, "contains": {"includes", opText},
	"startsWith": {"startsWith", opText}, "endsWith": {"endsWith", opText},
	"matches": {"matches", opPattern},
	"exists":  {"exists", opUnary}, "isTrue": {"isTrue", opUnary}, "isFalse": {"isFalse", opUnary},
	"isNumber": {"isNumber", opUnary}, "isString": {"isString", opUnary},
	"isBoolean": {"isBoolean", opUnary}, "isArray": {"isArray", opUnary},
	"sha256": {"sha256", opDigest}, "sha512": {"sha512", opDigest}, "md5": {"md5", opDigest},
}

// symbolOps are the operators that may touch the value after them
// ("==200"), longest first.
var symbolOps = []string{"===", "!==", "==", "!=", "<=", ">=", "<", ">"}

const operatorList = "==, !=, <, <=, >, >=, includes, startsWith, endsWith, matches, exists, isTrue, isFalse, isNumber, isString, isBoolean, isArray, sha256, sha512 or md5"

// rawAssertion is an assertion as scanned: its expected value still holds
// {{variables}}.
type rawAssertion struct {
	a        Assertion
	expected span
}

// assertLine reads an assertion line "?? ...", which belongs to the
// request before it. t is the line without its indentation.
func (s *scanner) assertLine(t string, indent int) error {
	if s.req == nil {
		return s.errorf(indent, "assertion before any request: put ?? lines after the request they check")
	}
	raw, unsupported, err := parseAssertion(t, s.pos(indent))
	if err != nil {
		return err
	}
	if unsupported != "" {
		s.req.unsupported = append(s.req.unsupported, unsupported)
		return nil
	}
	s.req.asserts = append(s.req.asserts, raw)
	return nil
}

// parseAssertion parses the assertion line t, which starts with "??" at
// pos. It returns the feature's description instead for an assertion
// snapdoc does not check (httpyac's js and xpath).
func parseAssertion(t string, pos fileerr.Pos) (rawAssertion, string, error) {
	at := func(col int) fileerr.Pos { p := pos; p.Col += col; return p }
	fail := func(col int, format string, args ...any) (rawAssertion, string, error) {
		return rawAssertion{}, "", parseErr(at(col), fmt.Sprintf(format, args...))
	}
	if i := strings.IndexFunc(t, badAssertRune); i >= 0 {
		r := []rune(t[i:])[0]
		return fail(i, "assertion holds control character %q", r)
	}
	i := skipSpace(t, 2)
	if i == len(t) {
		return fail(i, "empty assertion: want ?? SUBJECT OPERATOR [VALUE], for example ?? status == 200")
	}
	subject, i0 := word(t, i)
	a := Assertion{Subject: subject, Pos: pos}
	i = skipSpace(t, i0)
	switch subject {
	case "js", "xpath":
		return rawAssertion{}, "assertion " + strings.TrimSpace(t) + " (snapdoc checks status, header, body and duration)", nil
	case "status", "duration":
	case "header":
		name, j := word(t, i)
		if name == "" {
			return fail(i, "want a header name after ?? header")
		}
		if !validHeaderName(name) || strings.Contains(name, "{{") {
			return fail(i, "bad header name %q", name)
		}
		a.Arg, i = name, skipSpace(t, j)
	case "body":
		if _, _, ok := splitOp(t, i); !ok {
			path, j, err := jsonpath.Scan(t, i)
			if err != nil {
				return fail(j, "bad JSON path: %s", err)
			}
			a.Arg, i = path, skipSpace(t, j)
		}
	default:
		return fail(i0-len(subject), "unknown assertion subject %q (want status, header, body or duration)", subject)
	}
	if i == len(t) {
		return fail(i, "want an operator after %q (%s)", strings.TrimSpace(t[2:]), operatorList)
	}
	op, j, ok := splitOp(t, i)
	if !ok {
		w, _ := word(t, i)
		return fail(i, "unknown operator %q (want %s)", w, operatorList)
	}
	a.Op = operators[op].name
	j = skipSpace(t, j)
	exp := span{strings.TrimRight(t[j:], " \t"), at(j)}
	kind := operators[op].kind
	switch {
	case kind == opUnary && exp.text != "":
		return fail(j, "%s takes no value, but %q follows it", op, exp.text)
	case kind != opUnary && kind != opValue && exp.text == "":
		return fail(j, "want a value after %s", op)
	case kind == opNumber && !strings.Contains(exp.text, "{{"):
		if _, err := strconv.ParseFloat(exp.text, 64); err != nil {
			return fail(j, "%s compares numbers: %q is not a number", op, exp.text)
		}
	case kind == opPattern && !strings.Contains(exp.text, "{{"):
		if _, err := regexp.Compile(exp.text); err != nil {
			return fail(j, "bad regular expression: %v", err)
		}
	}
	if (subject == "status" || subject == "duration") && kind == opValue && !strings.Contains(exp.text, "{{") {
		if _, err := strconv.ParseFloat(exp.text, 64); err != nil {
			return fail(j, "%s is a number: %q is not one", subject, exp.text)
		}
	}
	return rawAssertion{a: a, expected: exp}, "", nil
}

// badAssertRune reports runes an assertion may not hold: control
// characters and the line separators that end a comment in generated
// JavaScript.
func badAssertRune(r rune) bool {
	return isControl(r) || r == '\u2028' || r == '\u2029' || r == '\u0085' || r == unicode.ReplacementChar
}

// skipSpace returns the index of the first byte of t at or after i that is
// not a space or tab.
func skipSpace(t string, i int) int {
	for i < len(t) && (t[i] == ' ' || t[i] == '\t') {
		i++
	}
	return i
}

// word returns the run of non-blank bytes of t at i, and the index after
// it.
func word(t string, i int) (string, int) {
	j := i
	for j < len(t) && t[j] != ' ' && t[j] != '\t' {
		j++
	}
	return t[i:j], j
}

// splitOp reads an operator at t[i:]: a word naming one, or a symbol
// operator, which may touch what follows it. It returns the operator as
// written and the index after it.
func splitOp(t string, i int) (string, int, bool) {
	w, j := word(t, i)
	if _, ok := operators[w]; ok {
		return w, j, true
	}
	for _, op := range symbolOps {
		if strings.HasPrefix(w, op) {
			return op, i + len(op), true
		}
	}
	return "", i, false
}

// resolveAsserts substitutes the variables in the expected values of the
// raw request's assertions. A value may not use a secret, which would
// then be shown on the page, nor a variable snapdoc cannot substitute.
func (r *resolver) resolveAsserts(raw *rawRequest) ([]Assertion, error) {
	var out []Assertion
	for _, ra := range raw.asserts {
		a := ra.a
		v, err := r.expand(ra.expected, raw.prompts)
		if err != nil {
			return nil, err
		}
		switch {
		case len(v.unsupported) > 0:
			return nil, r.errorf(ra.expected, 0, "assertion uses %s, which snapdoc cannot substitute", strings.TrimPrefix(v.unsupported[0], "dynamic variable "))
		case len(Segments(v.text)) > 1 || len(Segments(v.text)) == 1 && Segments(v.text)[0].Env != "":
			return nil, r.errorf(ra.expected, 0, "an assertion cannot compare with a secret: the page would show it")
		case strings.IndexFunc(v.text, badAssertRune) >= 0:
			return nil, r.errorf(ra.expected, 0, "assertion value holds a control character after substitution")
		}
		a.Expected = v.text
		if err := checkExpected(a); err != nil {
			return nil, r.errorf(ra.expected, 0, "%s", err)
		}
		out = append(out, a)
	}
	return out, nil
}

// checkExpected checks the expected value of a after substitution.
func checkExpected(a Assertion) error {
	switch operators[a.Op].kind {
	case opNumber:
		if _, err := strconv.ParseFloat(a.Expected, 64); err != nil {
			return fmt.Errorf("%s compares numbers: %q is not a number", a.Op, a.Expected)
		}
	case opPattern:
		if _, err := regexp.Compile(a.Expected); err != nil {
			return fmt.Errorf("bad regular expression: %v", err)
		}
	case opText, opDigest:
		if a.Expected == "" {
			return fmt.Errorf("want a value after %s", a.Op)
		}
	}
	if (a.Subject == "status" || a.Subject == "duration") && (a.Op == "==" || a.Op == "!=") {
		if _, err := strconv.ParseFloat(a.Expected, 64); err != nil {
			return fmt.Errorf("%s is a number: %q is not one", a.Subject, a.Expected)
		}
	}
	return nil
}
