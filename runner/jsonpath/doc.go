// Package jsonpath selects one value of a JSON document by a path, as the
// .http assertions and response variables of httpyac write it.
//
// In goes a path as text: "$.a.b", "$.a[0]", "$['key']", "$.a[-1]" (the
// last element), or, as in httpyac, the same without "$" ("a.b", "a[0]");
// [Scan] reads one inside a line, [Parse] a whole one. Out comes a
// []Step, and [Lookup] walks it through a document decoded by
// encoding/json (with UseNumber), giving the one value found. Wildcards,
// filters and recursive descent select many values and are refused: an
// assertion checks one.
//
// It imports only the standard library.
package jsonpath
