package jsonpath

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Step is one step of a JSON path: an object member or an array
// element.
type Step struct {
	key     string
	index   int
	isIndex bool
}

var errManyValues = errors.New("a path selects one value: $.a.b, $.a[0] or $['key'] (no *, .. or filters)")

// Scan reads the JSON path at t[i:], which ends at a space or tab or
// the end of t, and returns it as written and the index after it; on
// error, the index is where the problem is.
func Scan(t string, i int) (string, int, error) {
	start := i
	_, j, err := pathSteps(t, i)
	if err != nil {
		return "", j, err
	}
	return t[start:j], j, nil
}

// Parse parses a whole JSON path.
func Parse(s string) ([]Step, error) {
	steps, j, err := pathSteps(s, 0)
	if err == nil && j != len(s) {
		err = errors.New("unexpected space")
	}
	return steps, err
}

// pathSteps reads the steps of the JSON path at t[i:].
func pathSteps(t string, i int) ([]Step, int, error) {
	var steps []Step
	start := i
	end := func(i int) bool { return i == len(t) || t[i] == ' ' || t[i] == '\t' }
	switch {
	case strings.HasPrefix(t[i:], "$"):
		i++
	case end(i):
		return nil, i, errors.New("empty path")
	default:
		// httpyac's form: a first member name with no dot before it.
		key, j, err := pathName(t, i)
		if err != nil {
			return nil, j, err
		}
		steps, i = append(steps, Step{key: key}), j
	}
	for !end(i) {
		switch t[i] {
		case '.':
			if strings.HasPrefix(t[i:], "..") {
				return nil, i, errManyValues
			}
			key, j, err := pathName(t, i+1)
			if err != nil {
				return nil, j, err
			}
			steps, i = append(steps, Step{key: key}), j
		case '[':
			step, j, err := pathBracket(t, i+1)
			if err != nil {
				return nil, j, err
			}
			steps, i = append(steps, step), j
		default:
			return nil, i, errors.New("want . or [ after " + strconv.Quote(t[start:i]))
		}
	}
	return steps, i, nil
}

// pathName reads a member name after a dot.
func pathName(t string, i int) (string, int, error) {
	j := i
	for j < len(t) && strings.IndexByte(" \t.[]'\"()?@,:", t[j]) < 0 {
		j++
	}
	if t[i:j] == "*" {
		return "", i, errManyValues
	}
	if j == i {
		if j < len(t) && strings.IndexByte("()?@,:", t[j]) >= 0 {
			return "", j, errManyValues
		}
		return "", j, errors.New("want a member name")
	}
	if j < len(t) && strings.IndexByte("'\"()?@,:", t[j]) >= 0 {
		return "", j, errors.New("unexpected " + strconv.QuoteRune(rune(t[j])) + " in a member name (use ['...'])")
	}
	return t[i:j], j, nil
}

// pathBracket reads what follows a [: an index or a quoted key, and the ].
func pathBracket(t string, i int) (Step, int, error) {
	var step Step
	switch {
	case i < len(t) && (t[i] == '\'' || t[i] == '"'):
		q := t[i]
		var b strings.Builder
		j := i + 1
		for ; j < len(t) && t[j] != q; j++ {
			if t[j] == '\\' && j+1 < len(t) {
				j++
			}
			b.WriteByte(t[j])
		}
		if j == len(t) {
			return step, i, errors.New("unterminated quoted key")
		}
		step.key, i = b.String(), j+1
	default:
		j := i
		if j < len(t) && t[j] == '-' {
			j++
		}
		for j < len(t) && '0' <= t[j] && t[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(t[i:j])
		if err != nil || len(t[i:j]) > 9 {
			if j < len(t) && strings.IndexByte("*?:,", t[j]) >= 0 {
				return step, j, errManyValues
			}
			return step, i, errors.New("want an index or a quoted key in [ ]")
		}
		step.index, step.isIndex, i = n, true, j
	}
	if i >= len(t) || t[i] != ']' {
		return step, i, errors.New("want ]")
	}
	return step, i + 1, nil
}

// Lookup returns the value at the path in v, a document decoded by
// encoding/json, and whether there is one.
func Lookup(steps []Step, v any) (any, bool) {
	for _, s := range steps {
		switch x := v.(type) {
		case map[string]any:
			if s.isIndex {
				// $.a[0] on an object means the member "0", as in JavaScript.
				s.key = strconv.Itoa(s.index)
			}
			m, ok := x[s.key]
			if !ok {
				return nil, false
			}
			v = m
		case []any:
			if !s.isIndex {
				if s.key != "length" {
					return nil, false
				}
				v = json.Number(strconv.Itoa(len(x)))
				continue
			}
			i := s.index
			if i < 0 {
				i += len(x)
			}
			if i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}
