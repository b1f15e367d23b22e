package snippet

import (
	"context"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// awkwardStrings are the values every literal helper must keep intact.
var awkwardStrings = []string{
	"", "plain", `"double" 'single'`, `back\slash \\ \n \u0041 \x41`, "new\nline", "cr\r\nlf", "tab\there",
	"\x01\x02\x1b\x1f\x7f", "é 世界 😀 \U0001F600", "\u2028\u2029\u0085\ufeff\u200b", "${x} $HOME `id` $(id) %s %d {{ }}",
	`"""`, "'''", "*/ /* // #", "\\", "\"", "'", "end\\",
}

func TestLiterals(t *testing.T) {
	tests := map[string]struct {
		quote func(string) string
		in    string
		want  string
	}{
		"python":          {PythonString, "a\"b\\c\nd\x01é\u2028", `"a\"b\\c\nd\x01é\u2028"`},
		"javascript":      {JSString, "a\"b\\c\nd\x01é\u2028", `"a\"b\\c\nd\x01é\u{2028}"`},
		"go":              {GoString, "a\"b\\c\x01é", `"a\"b\\c\x01é"`},
		"go raw":          {GoString, "{\n  \"a\": \"\\n\"\n}", "`{\n  \"a\": \"\\n\"\n}`"},
		"go no raw":       {GoString, "a`b\nc", "\"a`b\\nc\""},
		"java":            {JavaString, "a\"b\\c\nd\x01é😀", `"a\"b\\c\nd\001\u00e9\ud83d\ude00"`},
		"java octal":      {JavaString, "\x012", `"\0012"`},
		"shell":           {ShellQuote, "it's", `'it'\''s'`},
		"shell safe":      {ShellQuote, "https://x.test/a-b_c.d:8080/%20", `https://x.test/a-b_c.d:8080/%20`},
		"shell glob":      {ShellQuote, "https://x.test/?a=b", `'https://x.test/?a=b'`},
		"shell empty":     {ShellWord, "", `''`},
		"shell env":       {ShellWord, "Bearer {{$env TOKEN}}", `'Bearer '"$TOKEN"`},
		"shell odd env":   {ShellWord, "{{$env API-KEY}}", `"$(printenv API-KEY)"`},
		"python env":      {pythonExpr.expr, "a{{$env K}}b", `"a" + os.environ["K"] + "b"`},
		"javascript env":  {jsExpr.expr, "{{$env K}}{{$env a-b}}", `process.env.K + process.env["a-b"]`},
		"go env":          {goExpr.expr, "x={{$env K}}", `"x=" + os.Getenv("K")`},
		"go arg env":      {goArgExpr.expr, "x={{$env K}}y", `"x="+os.Getenv("K")+"y"`},
		"java env":        {javaExpr.expr, "{{$env K}}", `System.getenv("K")`},
		"python text":     {pythonText, "a\nb", "(\n    \"a\\n\"\n    + \"b\"\n)"},
		"python one line": {pythonText, "a\n", `"a\n"`},
		"js text":         {jsText, "a\n{{$env K}}\n", "\"a\\n\" +\n  process.env.K + \"\\n\""},
		"java text":       {javaText, "a\r\nb", "\"a\\r\\n\"\n            + \"b\""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := tc.quote(tc.in); got != tc.want {
				t.Errorf("%q: got %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

// TestLiteralsRoundTrip compiles or interprets the literals of each
// language and checks that the program holds exactly the original bytes,
// including a secret read from the environment.
func TestLiteralsRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real interpreters")
	}
	const secret = "v a'l\"ue $x"
	values := append(append([]string{}, awkwardStrings...), "k={{$env SNIPPET_SECRET}}!")
	want := make([]string, len(values))
	for i, v := range values {
		want[i] = hex.EncodeToString([]byte(strings.ReplaceAll(v, "{{$env SNIPPET_SECRET}}", secret)))
	}
	withNUL := append(values, "nul\x00byte")
	wantNUL := append(want, hex.EncodeToString([]byte("nul\x00byte")))

	// join writes each value twice: as one expression and as a source
	// line per line of the value.
	join := func(l exprLang, text func(string) string, vals []string, sep string) string {
		var parts []string
		for _, v := range vals {
			parts = append(parts, l.expr(v), text(v))
		}
		return strings.Join(parts, sep)
	}
	twice := func(vals []string) []string {
		var out []string
		for _, v := range vals {
			out = append(out, v, v)
		}
		return out
	}
	tests := map[string]struct {
		lang, file, code string
		args             []string
		want             []string
	}{
		"python":     {"python", "main.py", "import os\nfor v in [" + join(pythonExpr, pythonText, withNUL, ", ") + "]:\n    print(v.encode('utf-8').hex())\n", []string{"main.py"}, twice(wantNUL)},
		"javascript": {"javascript", "main.js", "for (const v of [" + join(jsExpr, jsText, withNUL, ", ") + "]) console.log(Buffer.from(v, 'utf8').toString('hex'));\n", []string{"main.js"}, twice(wantNUL)},
		"go": {"go", "main.go", "package main\n\nimport (\n\t\"encoding/hex\"\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() {\n\tfor _, v := range []string{" +
			join(goExpr, goExpr.expr, withNUL, ", ") + "} {\n\t\tfmt.Println(hex.EncodeToString([]byte(v)))\n\t}\n\t_ = os.Getenv\n}\n", []string{"run", "main.go"}, twice(wantNUL)},
		"java": {"java", "Main.java", "public class Main {\n  public static void main(String[] a) {\n    for (String v : new String[]{" + join(javaExpr, javaText, withNUL, ", ") +
			"}) {\n      StringBuilder b = new StringBuilder();\n      for (byte x : v.getBytes(java.nio.charset.StandardCharsets.UTF_8)) b.append(String.format(\"%02x\", x));\n      System.out.println(b);\n    }\n  }\n}\n", []string{"Main.java"}, twice(wantNUL)},
		// A shell word cannot hold NUL.
		"shell": {"curl", "main.sh", "for v in " + join(shellExpr, ShellWord, values[1:], " ") + "; do printf %s \"$v\" | od -An -tx1 | tr -d ' \\n'; echo; done\n", []string{"main.sh"}, twice(want[1:])},
	}
	s := loadSet(t)
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, path, err := s.interp.lookup(context.Background(), tc.lang)
			if errors.Is(err, ErrNoInterpreter) && os.Getenv("CI") != "true" {
				t.Skip(err)
			} else if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tc.file), []byte(tc.code), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(path, tc.args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "SNIPPET_SECRET="+secret)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s\n%s", err, out, tc.code)
			}
			got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
			if len(got) != len(tc.want) {
				t.Fatalf("%d values, want %d:\n%s\n%s", len(got), len(tc.want), out, tc.code)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					g, _ := hex.DecodeString(got[i])
					w, _ := hex.DecodeString(tc.want[i])
					t.Errorf("value %d: got %q, want %q", i, g, w)
				}
			}
		})
	}
}
