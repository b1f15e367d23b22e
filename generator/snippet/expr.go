package snippet

import (
	"strings"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// exprLang says how one language writes a string that may hold secrets.
type exprLang struct {
	literal func(string) string
	env     func(name string) string
	join    string
}

// expr writes s, whose environment references become lookups, as an
// expression of the language: literals and lookups joined by concatenation.
func (l exprLang) expr(s string) string {
	segs := httpfile.Segments(s)
	if len(segs) == 0 {
		return l.literal("")
	}
	parts := make([]string, len(segs))
	for i, seg := range segs {
		if seg.Env != "" {
			parts[i] = l.env(seg.Env)
		} else {
			parts[i] = l.literal(seg.Text)
		}
	}
	return strings.Join(parts, l.join)
}

var (
	pythonExpr = exprLang{
		literal: PythonString,
		env:     func(n string) string { return "os.environ[" + PythonString(n) + "]" },
		join:    " + ",
	}
	jsExpr = exprLang{
		literal: JSString,
		env: func(n string) string {
			if jsIdent.MatchString(n) {
				return "process.env." + n
			}
			return "process.env[" + JSString(n) + "]"
		},
		join: " + ",
	}
	goExpr = exprLang{
		literal: GoString,
		env:     func(n string) string { return "os.Getenv(" + GoString(n) + ")" },
		join:    " + ",
	}
	// goArgExpr is goExpr as gofmt writes it for an argument of a call
	// with several arguments: gofmt drops the spaces around + there, so a
	// template that writes gofmt'd code needs no formatting pass.
	goArgExpr = exprLang{
		literal: goExpr.literal,
		env:     goExpr.env,
		join:    "+",
	}
	javaExpr = exprLang{
		literal: JavaString,
		env:     func(n string) string { return "System.getenv(" + JavaString(n) + ")" },
		join:    " + ",
	}
	shellExpr = exprLang{
		literal: func(s string) string {
			if s == "" {
				return ""
			}
			return ShellQuote(s)
		},
		env: func(n string) string {
			if shellName.MatchString(n) {
				return `"$` + n + `"`
			}
			return `"$(printenv ` + ShellQuote(n) + `)"`
		},
		join: "",
	}
)

// ShellWord returns s as one POSIX shell word in which each environment
// reference is expanded by the shell ("$NAME").
func ShellWord(s string) string {
	w := shellExpr.expr(s)
	if w == "" {
		return "''"
	}
	return w
}

// text writes s as an expression with one source line per line of s, the
// continuation lines starting with indent and the operator first (or last,
// with opAtEnd), so a multi-line body reads as it will be sent.
func (l exprLang) text(s, indent string, opAtEnd bool) string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) <= 1 {
		return l.expr(s)
	}
	exprs := make([]string, len(lines))
	for i, line := range lines {
		exprs[i] = l.expr(line)
	}
	if opAtEnd {
		return strings.Join(exprs, strings.TrimRight(l.join, " ")+"\n"+indent)
	}
	return strings.Join(exprs, "\n"+indent+strings.TrimLeft(l.join, " "))
}

// pythonText writes s as a Python expression, a parenthesised one with a
// line per line of s when s has several.
func pythonText(s string) string {
	e := pythonExpr.text(s, "    ", false)
	if !strings.Contains(e, "\n") {
		return e
	}
	return "(\n    " + e + "\n)"
}

// jsText writes s as a JavaScript expression, a line per line of s.
func jsText(s string) string { return jsExpr.text(s, "  ", true) }

// javaText writes s as a Java expression, a line per line of s, for a
// statement indented by eight spaces.
func javaText(s string) string { return javaExpr.text(s, "            ", false) }
