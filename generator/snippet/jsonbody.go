package snippet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"mime"
	"strconv"
	"strings"
)

// isJSONType reports whether the media type of a Content-Type value is
// JSON: application/json, text/json, */x-json or a +json suffix.
func isJSONType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || mt == "text/json" ||
		strings.HasSuffix(mt, "/x-json") || strings.HasSuffix(mt, "+json")
}

// prettyJSON returns body indented by two spaces, or false when body is
// not a JSON document. Tokens are kept as written.
func prettyJSON(body string) (string, bool) {
	trimmed := strings.TrimSpace(body)
	if !json.Valid([]byte(trimmed)) {
		return "", false
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, []byte(trimmed), "", "  "); err != nil {
		return "", false
	}
	return buf.String(), true
}

// jsonStyle says how a language writes JSON values as native literals.
type jsonStyle struct {
	str              exprLang
	null, yes, no    string
	indent           string
	nonIntegerFloats bool // integers are floats too, as in JavaScript
	computedProto    bool // write a "__proto__" key as computed, as JavaScript needs
}

var (
	pythonJSON = jsonStyle{str: pythonExpr, null: "None", yes: "True", no: "False", indent: "    "}
	jsJSON     = jsonStyle{str: jsExpr, null: "null", yes: "true", no: "false", indent: "  ", nonIntegerFloats: true, computedProto: true}
)

// literal writes the JSON document text as a native literal of the
// language; strings may hold environment references.
func (st jsonStyle) literal(text string) (string, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var b strings.Builder
	if err := st.value(&b, dec, 0); err != nil {
		return "", fmt.Errorf("json body: %w", err)
	}
	return b.String(), nil
}

func (st jsonStyle) value(b *strings.Builder, dec *json.Decoder, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case json.Delim:
		object := v == '{'
		b.WriteRune(rune(v))
		n := 0
		for ; dec.More(); n++ {
			if n > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n" + strings.Repeat(st.indent, depth+1))
			if object {
				key, err := dec.Token()
				if err != nil {
					return err
				}
				k := st.str.expr(key.(string))
				if st.computedProto && key == "__proto__" {
					k = "[" + k + "]" // a plain __proto__ key sets the prototype
				}
				b.WriteString(k + ": ")
			}
			if err := st.value(b, dec, depth+1); err != nil {
				return err
			}
		}
		end, err := dec.Token()
		if err != nil {
			return err
		}
		if n > 0 {
			b.WriteString("\n" + strings.Repeat(st.indent, depth))
		}
		b.WriteRune(rune(end.(json.Delim)))
	case string:
		b.WriteString(st.str.expr(v))
	case json.Number:
		b.WriteString(v.String())
	case bool:
		if v {
			b.WriteString(st.yes)
		} else {
			b.WriteString(st.no)
		}
	case nil:
		b.WriteString(st.null)
	}
	return nil
}

// inexactNumber returns the first number of the JSON text that the
// language's native numbers cannot hold exactly, or "".
func (st jsonStyle) inexactNumber(text string) string {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		n, ok := tok.(json.Number)
		if !ok {
			continue
		}
		s := n.String()
		if !st.nonIntegerFloats && !strings.ContainsAny(s, ".eE") {
			continue
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !sameNumber(s, strconv.FormatFloat(f, 'g', -1, 64)) {
			return s
		}
	}
}

// sameNumber reports whether two JSON numbers have the same value.
func sameNumber(a, b string) bool {
	x, okx := new(big.Rat).SetString(a)
	y, oky := new(big.Rat).SetString(b)
	return okx && oky && x.Cmp(y) == 0
}
