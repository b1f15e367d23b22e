package generator

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/internal/hostile"
	"go.yaml.in/yaml/v3"
)

// Meta is a lesson's front matter.
type Meta struct {
	Title       string            `yaml:"title"`
	Description string            `yaml:"description"`
	Category    string            `yaml:"category"`
	Language    string            `yaml:"language"`
	Languages   []string          `yaml:"languages"`
	Tags        []string          `yaml:"tags"`
	Updated     Date              `yaml:"updated"`
	Draft       bool              `yaml:"draft"`
	Slug        string            `yaml:"slug"`
	Weight      int               `yaml:"weight"`
	Vars        map[string]string `yaml:"vars"`
	// Aliases are the old site paths of the lesson, such as "/old/path/",
	// at each of which a page sends the reader on to the lesson.
	Aliases []string `yaml:"aliases"`
}

// Date is a calendar date written YYYY-MM-DD.
type Date struct{ time.Time }

// String formats the date as YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(time.DateOnly)
}

// UnmarshalYAML decodes a YYYY-MM-DD scalar.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	t, err := time.Parse(time.DateOnly, n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		return fmt.Errorf("line %d: want a date written YYYY-MM-DD, not %q", n.Line, n.Value)
	}
	d.Time = t
	return nil
}

var fence = []byte("---")

// splitFrontMatter splits src into its YAML front matter and Markdown body.
// bodyLine is the 1-based line on which the body starts. A file without
// front matter is an error: every lesson needs at least a title.
func splitFrontMatter(file string, src []byte) (fm, body []byte, bodyLine int, err error) {
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	first, _, _ := bytes.Cut(src, []byte("\n"))
	if !bytes.Equal(bytes.TrimRight(first, " \t\r"), fence) {
		return nil, nil, 0, errorf(file, 1, 1, "front matter: the file must start with a --- line, then YAML with at least a title, then ---")
	}
	line := 2
	start := len(first) + 1
	for off := start; off <= len(src); {
		l, _, found := bytes.Cut(src[off:], []byte("\n"))
		if bytes.Equal(bytes.TrimRight(l, " \t\r"), fence) {
			fm = src[start:off]
			body = nil
			if end := off + len(l) + 1; end <= len(src) {
				body = src[end:]
			}
			return fm, body, line + 1, nil
		}
		if !found {
			break
		}
		off += len(l) + 1
		line++
	}
	return nil, nil, 0, errorf(file, 1, 1, "front matter: no closing --- line")
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// decodeMeta strictly decodes front matter that starts on line fmLine of
// file. Unknown keys are errors, so a typo never passes silently.
func decodeMeta(file string, fm []byte, fmLine int) (Meta, error) {
	m, ok := decodeFlatMeta(fm)
	if !ok {
		var err error
		if m, err = decodeYAMLMeta(file, fm, fmLine); err != nil {
			return m, err
		}
	}
	if strings.TrimSpace(m.Title) == "" {
		return m, errorf(file, fmLine, 1, "front matter: title is required")
	}
	m.Tags = uniq(m.Tags)
	if err := checkNames(file, fm, fmLine, &m); err != nil {
		return m, err
	}
	if err := checkAliases(file, fm, fmLine, m.Aliases); err != nil {
		return m, err
	}
	return m, nil
}

// checkNames refuses the names of front matter m (title, description,
// category, language, slug, tags) that hold bidirectional controls or invisible
// characters, which make a name read differently from what it is (the
// "Trojan Source" attack: two tags that look alike, a title shown
// reversed), and empty tags, which would have no page. The error is at the
// character when the front matter fm, which starts on line fmLine of file,
// holds it as it is, and else at its key's line.
func checkNames(file string, fm []byte, fmLine int, m *Meta) error {
	names := []struct{ key, value string }{{"title", m.Title}, {"description", m.Description}, {"category", m.Category}, {"language", m.Language}, {"slug", m.Slug}}
	for _, t := range m.Tags {
		if strings.TrimSpace(t) == "" {
			return errorf(file, fmLine+max(findKeyLine(fm, "tags"), 1)-1, 1, "front matter: tags: a tag is empty")
		}
		names = append(names, struct{ key, value string }{"tags", t})
	}
	for _, n := range names {
		i, r := hostile.Index(n.value)
		if i < 0 {
			continue
		}
		keyLine := max(findKeyLine(fm, n.key), 1)
		pos := fileerr.Pos{File: file, Line: fmLine + keyLine - 1, Col: 1}
		from := 0 // the offset of the key's line
		for range keyLine - 1 {
			from += bytes.IndexByte(fm[from:], '\n') + 1
		}
		if at := bytes.IndexRune(fm[from:], r); at >= 0 {
			line, col := fileerr.LineCol(fm, from+at)
			pos.Line, pos.Col = fmLine+line-1, col
		}
		return fileerr.New(pos, "parse", "front matter: %s %q holds %s, which makes it read differently from what it is; remove it", n.key, n.value, hostile.Describe(r))
	}
	return nil
}

// decodeYAMLMeta decodes front matter with yaml.v3, as decodeMeta does
// when [decodeFlatMeta] cannot.
func decodeYAMLMeta(file string, fm []byte, fmLine int) (Meta, error) {
	var m Meta
	_, err := decodeStrict(file, "front matter", fm, fmLine, &m)
	return m, err
}

// uniq drops the repeats of a string from list, keeping its first place.
func uniq(list []string) []string {
	out := list[:0]
	for i, s := range list {
		if !slices.Contains(list[:i], s) {
			out = append(out, s)
		}
	}
	return out
}

// decodeStrict decodes the YAML document src, which starts on line
// firstLine of file, into the struct pointed to by v. Keys that v does not
// declare are errors naming the key's position. It reports whether the
// document held anything.
func decodeStrict(file, what string, src []byte, firstLine int, v any) (bool, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		if n := unclosedQuote(src, err); n > 0 {
			return false, errorf(file, firstLine+n-1, 0, "%s: the quoted value that starts on this line is never closed", what)
		}
		return false, yamlError(file, what, firstLine, err)
	}
	if len(doc.Content) == 0 {
		return false, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return false, errorf(file, firstLine+root.Line-1, root.Column, "%s: want key: value pairs", what)
	}
	if err := checkKeys(file, what, firstLine, root, reflect.TypeOf(v).Elem()); err != nil {
		return false, err
	}
	if err := root.Decode(v); err != nil {
		return false, yamlError(file, what, firstLine, err)
	}
	return true, nil
}

// checkKeys reports the first key of the mapping n that the struct type t
// has no field for, looking into nested structs.
func checkKeys(file, what string, firstLine int, n *yaml.Node, t reflect.Type) error {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			fields[name] = f.Type
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ft, ok := fields[k.Value]
		if !ok {
			names := make([]string, 0, len(fields))
			for name := range fields {
				names = append(names, name)
			}
			sort.Strings(names)
			return errorf(file, firstLine+k.Line-1, k.Column, "%s: unknown key %q (known keys: %s)", what, k.Value, strings.Join(names, ", "))
		}
		if ft.Kind() == reflect.Struct && v.Kind == yaml.MappingNode && ft != reflect.TypeOf(Date{}) {
			if err := checkKeys(file, what, firstLine, v, ft); err != nil {
				return err
			}
		}
	}
	return nil
}

// unclosedQuote returns the line of src (from 1) on which the quoted
// value that err says runs to the end starts, or 0 when err says
// something else. yaml.v3 reports the end of the document, where the
// author did nothing wrong. The value starts on the first line of the
// last run of prefixes of src that end inside a quoted value. Finding it
// parses each prefix, so in a document of more lines than maxSearch it is
// not looked for.
func unclosedQuote(src []byte, err error) int {
	const endInQuote, maxSearch = "found unexpected end of stream", 1000
	if !strings.HasSuffix(err.Error(), endInQuote) {
		return 0
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	if len(lines) > maxSearch {
		return 0
	}
	start := len(lines)
	for n := len(lines); n > 0; n-- {
		var doc yaml.Node
		err := yaml.Unmarshal(bytes.Join(lines[:n], nil), &doc)
		if err == nil || !strings.HasSuffix(err.Error(), endInQuote) {
			break
		}
		start = n
	}
	return start
}

// yamlError turns a YAML error into an [Error] at the right line of file.
func yamlError(file, what string, firstLine int, err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		var n int
		fmt.Sscan(m[1], &n)
		// yaml.v3 reports the lines of its parser's errors, all of which
		// read "did not find expected ...", counting from 0, and those of
		// its scanner counting from 1.
		if strings.HasPrefix(m[2], "did not find expected") {
			n++
		}
		return errorf(file, firstLine+n-1, 0, "%s: %s", what, m[2])
	}
	return errorf(file, firstLine, 0, "%s: %s", what, strings.TrimPrefix(msg, "yaml: "))
}
