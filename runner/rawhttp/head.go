package rawhttp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Field is one header field line: its name as spelled on the wire and its
// value without the surrounding whitespace.
type Field struct {
	Name  string
	Value string
}

// head is a parsed response head.
type head struct {
	statusLine string // as sent, without its line ending
	major      int    // HTTP major and minor version
	minor      int
	code       int
	reason     string
	fields     []Field
}

// ErrHeadTooLarge is returned when a response head (with the interim
// responses before it) exceeds [Transport.MaxHeadBytes].
var ErrHeadTooLarge = errors.New("rawhttp: response head too large")

// headError is a malformed response head.
type headError struct{ msg string }

func (e *headError) Error() string { return "rawhttp: malformed response head: " + e.msg }

func malformed(format string, args ...any) error {
	return &headError{fmt.Sprintf(format, args...)}
}

// readLine reads one line ending in LF, without the LF and a CR before it,
// taking its length from *budget. A line longer than the budget is
// ErrHeadTooLarge; a CR anywhere else in the line is malformed.
func readLine(br *bufio.Reader, budget *int) (string, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		*budget -= len(chunk)
		if *budget < 0 {
			return "", ErrHeadTooLarge
		}
		line = append(line, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return "", err
		}
		break
	}
	line = line[:len(line)-1]
	line = bytes.TrimSuffix(line, []byte("\r"))
	if bytes.IndexByte(line, '\r') >= 0 {
		return "", malformed("bare CR in %q", line)
	}
	return string(line), nil
}

// readHead reads a response head, the status line and the field lines
// up to the empty line, taking its bytes from *budget.
func readHead(br *bufio.Reader, budget *int) (*head, error) {
	line, err := readLine(br, budget)
	if err != nil {
		return nil, err
	}
	h, err := parseStatusLine(line)
	if err != nil {
		return nil, err
	}
	h.fields, err = readFields(br, budget)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// parseStatusLine parses "HTTP/1.1 200 OK". The reason phrase may be
// empty, with or without the space before it.
func parseStatusLine(line string) (*head, error) {
	h := &head{statusLine: line}
	rest, ok := strings.CutPrefix(line, "HTTP/")
	if !ok || len(rest) < 3 || !isDigit(rest[0]) || rest[1] != '.' || !isDigit(rest[2]) {
		return nil, malformed("status line %q: want HTTP/1.1 CODE REASON", line)
	}
	h.major, h.minor = int(rest[0]-'0'), int(rest[2]-'0')
	if h.major != 1 {
		return nil, malformed("status line %q: not an HTTP/1 response", line)
	}
	rest = rest[3:]
	if len(rest) < 4 || rest[0] != ' ' || !isDigit(rest[1]) || !isDigit(rest[2]) || !isDigit(rest[3]) || len(rest) > 4 && rest[4] != ' ' {
		return nil, malformed("status line %q: want a three-digit status code", line)
	}
	h.code, _ = strconv.Atoi(rest[1:4])
	if h.code < 100 {
		return nil, malformed("status line %q: status code below 100", line)
	}
	if len(rest) > 4 {
		h.reason = rest[5:]
	}
	if i := strings.IndexFunc(h.reason, isCTL); i >= 0 {
		return nil, malformed("status line %q: control character in the reason phrase", line)
	}
	return h, nil
}

// readFields reads field lines up to and including the empty line that
// ends them. A line folded onto the next (obs-fold) is joined to its field
// with one space, as RFC 9112, 5.2 tells a user agent to.
func readFields(br *bufio.Reader, budget *int) ([]Field, error) {
	var fields []Field
	for {
		line, err := readLine(br, budget)
		if err != nil {
			return nil, err
		}
		if line == "" {
			return fields, nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(fields) == 0 {
				return nil, malformed("whitespace before the first field line %q", line)
			}
			v := trimOWS(line)
			if err := checkValue(v); err != nil {
				return nil, err
			}
			if f := &fields[len(fields)-1]; f.Value == "" {
				f.Value = v
			} else if v != "" {
				f.Value += " " + v
			}
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, malformed("field line %q has no colon", line)
		}
		if !isToken(name) {
			return nil, malformed("field name %q is not a token", name)
		}
		value = trimOWS(value)
		if err := checkValue(value); err != nil {
			return nil, err
		}
		fields = append(fields, Field{Name: name, Value: value})
	}
}

func checkValue(v string) error {
	if strings.IndexFunc(v, isCTL) >= 0 {
		return malformed("field value %q has a control character", v)
	}
	return nil
}

// isCTL reports a control character other than HTAB, which field values
// and reason phrases may not contain.
func isCTL(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }

func trimOWS(s string) string { return strings.Trim(s, " \t") }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isToken reports whether s is an RFC 9110 token, as method and field
// names must be.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || !tokenChar[c] {
			return false
		}
	}
	return true
}

var tokenChar = func() (t [128]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()
