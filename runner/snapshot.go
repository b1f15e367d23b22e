package runner

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/snapdoc/snapdoc/runner/httpfile"

	"github.com/snapdoc/snapdoc/internal/atomicfile"
	"github.com/snapdoc/snapdoc/internal/fileerr"
)

// Snapshot is what the runner recorded for the http blocks of one source
// file. It is stored as a reviewable text file; see [Snapshot.Marshal].
type Snapshot struct {
	// Source is the path of the lesson or .http file, slash-separated and
	// relative to the site's root.
	Source string
	// Blocks are the recorded blocks in the order they appear in Source.
	Blocks []*Record
}

// Record is the recorded run of one block.
type Record struct {
	// Block is the block's id.
	Block string
	// Hash identifies the requests that were run; see [Hash]. A block
	// whose requests hash differently must be run again.
	Hash string
	// Recorded is when the block ran, in UTC to the second.
	Recorded time.Time
	// Exchanges are the block's requests and responses, in order.
	Exchanges []*httpfile.Exchange
}

// Record returns the record for the block with the given id, or nil.
func (s *Snapshot) Record(block string) *Record {
	if s == nil {
		return nil
	}
	for _, r := range s.Blocks {
		if r.Block == block {
			return r
		}
	}
	return nil
}

// SnapshotPath is where the snapshot of the source file src (a lesson such
// as content/a/b.md) is kept under dir: dir/a/b.snap, mirroring the file's
// path below content/.
func SnapshotPath(dir, src string) string {
	rel := strings.TrimPrefix(filepath.ToSlash(src), "content/")
	rel = strings.TrimSuffix(rel, filepath.Ext(rel)) + ".snap"
	return filepath.Join(dir, filepath.FromSlash(rel))
}

const snapshotHeader = "# snapdoc snapshot of "

// Marshal writes the snapshot in its text form. The form is deterministic:
// the same snapshot always gives the same bytes. Each body is written as
// is, preceded by its length, so no body can be mistaken for the format's
// own lines; a body that is not UTF-8 text is written as base64.
func (s *Snapshot) Marshal() []byte {
	var b bytes.Buffer
	line := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
		b.WriteByte('\n')
	}
	line(snapshotHeader, s.Source)
	line("# What its http blocks returned. Review changes like code; `snapdoc build --run refresh` records them again.")
	for _, r := range s.Blocks {
		line()
		line("block ", r.Block)
		line("hash ", r.Hash)
		line("recorded ", r.Recorded.UTC().Format(time.RFC3339))
		for _, e := range r.Exchanges {
			line()
			if e.Name != "" {
				line("name ", e.Name)
			}
			line("request ", e.Method, " ", e.URL)
			if e.Reason != "" {
				line("status ", strconv.Itoa(e.Status), " ", e.Reason)
			} else {
				line("status ", strconv.Itoa(e.Status))
			}
			line("cache ", e.Cache)
			if e.CacheStatus != "" {
				line("cache-status ", e.CacheStatus)
			}
			for _, h := range e.Headers {
				line("header ", h.Name, ": ", h.Value)
			}
			if e.Truncated {
				line("truncated")
			}
			for _, a := range e.Asserts {
				line("assert ", passFail(a.Pass), " ", a.Text)
			}
			body, enc := e.Body, "utf-8"
			if !utf8.Valid(body) {
				body, enc = []byte(base64.StdEncoding.EncodeToString(body)), "base64"
			}
			line("body ", enc, " ", strconv.Itoa(len(body)))
			b.Write(body)
			line()
		}
	}
	return b.Bytes()
}

// UnmarshalSnapshot parses the text form of a snapshot; file names it in
// errors, which are [fileerr.Error]s at the bad line, of phase "snapshot".
func UnmarshalSnapshot(file string, data []byte) (*Snapshot, error) {
	p := &snapshotParser{file: file, rest: data}
	return p.parse()
}

type snapshotParser struct {
	file string
	rest []byte // the input not read yet
	line int
}

func (p *snapshotParser) errorf(format string, args ...any) error {
	return fileerr.New(fileerr.Pos{File: p.file, Line: p.line}, "snapshot", format, args...)
}

// next returns the next line without its newline; io.EOF at the end.
func (p *snapshotParser) next() (string, error) {
	if len(p.rest) == 0 {
		return "", io.EOF
	}
	p.line++
	line, rest, ok := bytes.Cut(p.rest, []byte("\n"))
	if !ok {
		return "", p.errorf("truncated: the last line has no newline")
	}
	p.rest = rest
	return string(line), nil
}

func (p *snapshotParser) parse() (*Snapshot, error) {
	first, err := p.next()
	if err != nil || !strings.HasPrefix(first, snapshotHeader) {
		p.line = 1
		return nil, p.errorf("not a snapdoc snapshot (want a first line %q)", snapshotHeader+"FILE")
	}
	s := &Snapshot{Source: strings.TrimPrefix(first, snapshotHeader)}
	var rec *Record
	var ex *httpfile.Exchange
	for {
		line, err := p.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		switch key {
		case "block":
			rec = &Record{Block: val}
			ex = nil
			s.Blocks = append(s.Blocks, rec)
			continue
		case "name", "request":
			if rec == nil {
				return nil, p.errorf("%s before any block", key)
			}
			if key == "name" || ex == nil || ex.Method != "" {
				ex = &httpfile.Exchange{}
				rec.Exchanges = append(rec.Exchanges, ex)
			}
			if key == "name" {
				ex.Name = val
				continue
			}
			method, url, ok := strings.Cut(val, " ")
			if !ok {
				return nil, p.errorf("want request METHOD URL")
			}
			ex.Method, ex.URL = method, url
			continue
		}
		if rec == nil {
			return nil, p.errorf("%s before any block", key)
		}
		switch key {
		case "hash":
			rec.Hash = val
			continue
		case "recorded":
			t, err := time.Parse(time.RFC3339, val)
			if err != nil {
				return nil, p.errorf("recorded: want an RFC 3339 time, not %q", val)
			}
			rec.Recorded = t
			continue
		}
		if ex == nil || ex.Method == "" {
			return nil, p.errorf("%s before its request line", key)
		}
		switch key {
		case "status":
			code, reason, _ := strings.Cut(val, " ")
			n, err := strconv.Atoi(code)
			if err != nil || n < 100 || n > 999 {
				return nil, p.errorf("status: want a three-digit code, not %q", val)
			}
			ex.Status, ex.Reason = n, reason
		case "cache":
			ex.Cache = val
		case "cache-status":
			ex.CacheStatus = val
		case "header":
			name, value, ok := strings.Cut(val, ": ")
			if !ok {
				return nil, p.errorf("want header NAME: VALUE")
			}
			ex.Headers = append(ex.Headers, httpfile.Header{Name: name, Value: value})
		case "truncated":
			ex.Truncated = true
		case "assert":
			res, ok := parseAssertRecord(val)
			if !ok {
				return nil, p.errorf("want assert pass|fail ASSERTION")
			}
			ex.Asserts = append(ex.Asserts, res)
		case "body":
			if err := p.body(ex, val); err != nil {
				return nil, err
			}
		default:
			return nil, p.errorf("unknown line %q", key)
		}
	}
	for _, r := range s.Blocks {
		if r.Hash == "" {
			return nil, p.errorf("block %s has no hash", r.Block)
		}
		for _, e := range r.Exchanges {
			if e.Status == 0 || e.Cache == "" {
				return nil, p.errorf("block %s: request %s %s has no status or cache line", r.Block, e.Method, e.URL)
			}
		}
	}
	return s, nil
}

// body reads a body of the length its "body ENCODING LENGTH" line gives.
func (p *snapshotParser) body(ex *httpfile.Exchange, spec string) error {
	enc, length, _ := strings.Cut(spec, " ")
	n, err := strconv.Atoi(length)
	if err != nil || n < 0 {
		return p.errorf("body: want body ENCODING LENGTH")
	}
	if n >= len(p.rest) || p.rest[n] != '\n' {
		return p.errorf("truncated: the body is shorter than its %d bytes", n)
	}
	buf := p.rest[:n]
	p.line += bytes.Count(p.rest[:n+1], []byte("\n"))
	p.rest = p.rest[n+1:]
	switch enc {
	case "utf-8":
		ex.Body = bytes.Clone(buf) // not the caller's data
	case "base64":
		b, err := base64.StdEncoding.DecodeString(string(buf))
		if err != nil {
			return p.errorf("body: bad base64: %v", err)
		}
		ex.Body = b
	default:
		return p.errorf("body: unknown encoding %q", enc)
	}
	return nil
}

// ReadSnapshot reads the snapshot file at path, which its errors call
// name; a missing file gives a nil snapshot and no error.
func ReadSnapshot(path, name string) (*Snapshot, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return UnmarshalSnapshot(name, data)
}

// WriteSnapshot writes s to path atomically: a reader sees the old file or
// the new one, never a part. A snapshot whose bytes are unchanged is not
// written again.
func WriteSnapshot(path string, s *Snapshot) error {
	data := s.Marshal()
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return atomicfile.Write(path, data)
}

// sortHeaders sorts header fields by name, keeping the order of fields with
// the same name.
func sortHeaders(hs []httpfile.Header) {
	slices.SortStableFunc(hs, func(a, b httpfile.Header) int { return strings.Compare(a.Name, b.Name) })
}
