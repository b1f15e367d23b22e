package snippet

import (
	"strings"

	"github.com/snapdoc/snapdoc/runner"
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
	segs := runner.Segments(s)
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
