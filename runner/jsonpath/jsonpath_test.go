package jsonpath

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestLookup(t *testing.T) {
	t.Parallel()
	dec := json.NewDecoder(bytes.NewReader([]byte(`{"a": {"b": [1, "two", {"c d": true}]}, "0": "zero", "n": null}`)))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]any{
		"$.a.b[0]":         json.Number("1"),
		"a.b[1]":           "two",
		"$.a.b[-1]['c d']": true,
		"$['a'].b.length":  json.Number("3"),
		"$[0]":             "zero",
		"$.n":              nil,
	} {
		steps, err := Parse(path)
		if err != nil {
			t.Errorf("Parse(%q): %v", path, err)
			continue
		}
		got, ok := Lookup(steps, doc)
		if !ok || got != want {
			t.Errorf("Lookup(%q) = %v, %v; want %v", path, got, ok, want)
		}
	}
	for _, path := range []string{"$.a.x", "$.a.b[3]", "$.a.b[-4]", "$.a.b.c"} {
		steps, err := Parse(path)
		if err != nil {
			t.Errorf("Parse(%q): %v", path, err)
			continue
		}
		if got, ok := Lookup(steps, doc); ok {
			t.Errorf("Lookup(%q) = %v; want none", path, got)
		}
	}
}

func TestParseRefusesManyValues(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"$.a[*]", "$..a", "$.a[?(@.b)]", "$.a b"} {
		if _, err := Parse(path); err == nil {
			t.Errorf("Parse(%q) accepted a path that selects many values", path)
		}
	}
	if path, end, err := Scan("x == $.a[0] 1", 5); err != nil || path != "$.a[0]" || end != 11 {
		t.Errorf("Scan = %q, %d, %v; want $.a[0], 11", path, end, err)
	}
}
