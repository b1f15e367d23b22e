package generator

import (
	"html"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/styles"

	"github.com/snapdoc/snapdoc/templates"
)

var tags = regexp.MustCompile(`<[^>]*>`)

// text is the text a highlighted block shows.
func shownText(h string) string { return html.UnescapeString(tags.ReplaceAllString(h, "")) }

func TestScanHighlightKeepsTheCode(t *testing.T) {
	for lang, code := range map[string]string{
		"python":     "import requests\n\n# a comment\nr = requests.get(\"https://x/?a=1&b=<2>\", timeout=10)\ns = '''multi\nline'''\nprint(f\"Status: {r.status_code}\", 3.5e-2, None)\n",
		"javascript": "const a = `tpl\n${x}`; /* block\ncomment */ // line\nawait fetch('u', {x: 1});\n",
		"go":         "package main\n\nfunc main() {\n\tb := `raw\nstring`\n\tfmt.Println(\"hi\\n\", 0x1F, nil)\n}\n",
		"java":       "public class Main { String s = \"a\\\"b\"; char c = '\\''; }\n",
		"bash":       "curl -sS -X POST 'https://x/?a=1' \\\n  -H \"Authorization: Bearer $TOKEN\" # c\n  --data-binary 'it'\\''s'\n",
		"json":       "{\n  \"a\": [1, -2.5e3, true, null],\n  \"b\": \"<script>\\\"x\\\"</script>\"\n}",
		"curl":       "",
		"http":       httpMessage,
		"plaintext":  "a <script> & \"c\" 'd'\n\n\te\n",
	} {
		h := string(Highlight(code, lang))
		if got := shownText(h); got != code {
			t.Errorf("%s: the highlighted text differs:\n got %q\nwant %q", lang, got, code)
		}
		if strings.Contains(h, "<script>") {
			t.Errorf("%s: markup not escaped: %s", lang, h)
		}
	}
}

func TestScanHighlightClasses(t *testing.T) {
	for _, tc := range []struct{ lang, code, want string }{
		{"python", "import x", `<span class="kn">import</span>`},
		{"python", "x = None", `<span class="kc">None</span>`},
		{"python", "# note", `<span class="c1"># note</span>`},
		{"python", `"s"`, `<span class="s2">&#34;s&#34;</span>`},
		{"javascript", "const x = 1;", `<span class="kd">const</span>`},
		{"go", "func main() {}", `<span class="k">func</span>`},
		{"bash", `curl "$TOKEN" $HOME`, `<span class="nv">$HOME</span>`},
		{"bash", "a#b", `<code>a<span class="o">#</span>b</code>`},
		{"json", `{"k": 12}`, `<span class="nt">&#34;k&#34;</span>`},
		{"json", `{"k": 12}`, `<span class="mi">12</span>`},
		{"json", `["v"]`, `<span class="s2">&#34;v&#34;</span>`},
		{"http", "GET /a?b=1 HTTP/1.1", `<span class="nf">GET</span> <span class="nn">/a?b=1</span> <span class="kr">HTTP</span><span class="o">/</span><span class="m">1.1</span>`},
		{"http", "PROPFIND https://x/", `<span class="nf">PROPFIND</span> <span class="nn">https://x/</span>`},
		{"http", "https://x/", `<span class="nn">https://x/</span>`},
		{"http", "HTTP/1.1 404 Not Found", `<span class="m">404</span> <span class="ne">Not Found</span>`},
		{"http", "GET /\nAccept: */*", "\nAccept<span class=\"o\">:</span> <span class=\"l\">*/*</span>"},
		{"http", "GET /\nX-Empty:", "\nX-Empty<span class=\"o\">:</span>"},
		{"http", "GET /\nnot a header", "</span>\nnot a header</code>"},
		{"http", "GET /\nX-Long: a\n  b", `  <span class="l">b</span>`},
		{"http", "GET {{base}}/users/{{id}}", `<span class="nv">{{base}}</span><span class="nn">/users/</span><span class="nv">{{id}}</span>`},
		{"http", "GET /\nAuthorization: Bearer {{$processEnv TOKEN}}", `<span class="l">Bearer </span><span class="nv">{{$processEnv TOKEN}}</span>`},
		{"http", "GET /\n  ?page=2\n  &sort=name", `  <span class="nn">&amp;sort=name</span>`},
		{"http", "# @name login\nGET /", `<span class="c1"># @name login</span>`},
		{"http", "GET /\n// note\nA: b", `<span class="c1">// note</span>`},
		{"http", "@host = https://x\nGET {{host}}/", `<span class="nv">@host</span> <span class="o">=</span> <span class="l">https://x</span>`},
		{"http", "@host = https://x\nGET {{host}}/", `<span class="nf">GET</span>`},
		{"http", "GET /a\n\n### second\nPOST /b", `<span class="cs">### second</span>`},
		{"http", "GET /a\n\n{\"a\": 1}\n###\nPOST /b", `<span class="cs">###</span>`},
		{"http", "GET /a\n\n{\"a\": 1}\n###\nPOST /b", `<span class="nf">POST</span>`},
		{"http", "POST /a\n\n< ./body.json", `<span class="o">&lt;</span> <span class="s">./body.json</span>`},
		{"http", "POST /a\n\n[1, {\"k\": \"v\"}]", `<span class="mi">1</span>`},
		{"http", "POST /a\nContent-Type: application/merge-patch+json\n\n\"v\"", `<span class="s2">&#34;v&#34;</span>`},
		{"http", "POST /a\nContent-Type: text/plain\n\nk: \"v\" {{x}}", "\n\nk: &#34;v&#34; <span class=\"nv\">{{x}}</span></code>"},
	} {
		if h := string(Highlight(tc.code, tc.lang)); !strings.Contains(h, tc.want) {
			t.Errorf("%s %q:\n%s\nlacks %s", tc.lang, tc.code, h, tc.want)
		}
	}
}

// TestHighlightMarkup pins the markup of highlighted code: a span for
// each run of a coloured class, none for names, punctuation and spaces,
// and no per-line wrappers.
func TestHighlightMarkup(t *testing.T) {
	for _, tc := range []struct{ lang, code, want string }{
		{"python", "import os\nprint(os.sep, 'a<b')\n",
			`<pre class="chroma"><code><span class="kn">import</span> <span class="nn">os</span>` + "\n" +
				`<span class="nb">print</span>(os.sep, <span class="s1">&#39;a&lt;b&#39;</span>)` + "\n</code></pre>"},
		{"go", "x := `a\nb` // c\n",
			`<pre class="chroma"><code>x <span class="o">:=</span> <span class="sb">` + "`a\nb`" + `</span> <span class="c1">// c</span>` + "\n</code></pre>"},
		{"rust", "fn main() {}\n", // chroma's lexer
			`<pre class="chroma"><code><span class="k">fn</span> <span class="nf">main</span>() {}` + "\n</code></pre>"},
		{"plaintext", "a\r\nb", `<pre class="chroma"><code>a` + "\n" + `b</code></pre>`},
		{"plaintext", "", `<pre class="chroma"><code></code></pre>`},
	} {
		if got := string(Highlight(tc.code, tc.lang)); got != tc.want {
			t.Errorf("%s %q:\n got %s\nwant %s", tc.lang, tc.code, got, tc.want)
		}
	}
}

// TestPlainClassesLookPlain checks that the classes highlighted code shows
// without a span look like text in both palettes: no font style, and no
// colour or the text colour of the theme (--fg in style.css).
func TestPlainClassesLookPlain(t *testing.T) {
	css, err := fs.ReadFile(templates.FS, "static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	fg := regexp.MustCompile(`--fg: (#[0-9a-f]{6})`).FindAllStringSubmatch(string(css), -1)
	if len(fg) != 2 {
		t.Fatalf("style.css sets --fg %d times, want 2 (light and dark)", len(fg))
	}
	types := map[string]chroma.TokenType{}
	for tt, class := range chroma.StandardTypes {
		types[class] = tt
	}
	for i, name := range []string{lightStyle, darkStyle} {
		style := styles.Get(name)
		plain := 0
		for class, tt := range types {
			if shownClass(class) != "" || class == "" || class == "w" { // text, and spaces, which show no colour
				continue
			}
			plain++
			e := style.Get(tt)
			base := style.Get(chroma.Background)
			if e.Bold == chroma.Yes || e.Italic == chroma.Yes || e.Underline == chroma.Yes || e.Background != base.Background {
				t.Errorf("%s: .%s has a font style or background: %s", name, class, e)
			}
			if e.Colour.IsSet() && e.Colour.String() != fg[i][1] && e.Colour != base.Colour {
				t.Errorf("%s: .%s is %s, not the text colour %s", name, class, e.Colour, fg[i][1])
			}
		}
		if plain != 4 {
			t.Errorf("%d chroma classes are shown as plain text, want 4 (n, nx, na, p)", plain)
		}
	}
}

// TestHighlightHTTPAsChroma compares the scanner with chroma's http lexer
// on messages as snapdoc writes them, which that lexer understands but
// for {{variables}}.
func TestHighlightHTTPAsChroma(t *testing.T) {
	for _, code := range []string{
		strings.Replace(httpMessage, "{{$env API_TOKEN}}", "t0k3n", 1),
		"GET /get HTTP/1.1\nHost: httpbin.org",
		"GET /get HTTP/1.1\nHost: httpbin.org\n",
		"DELETE /x/1 HTTP/2\nX-Q: \"a\" & 'b' <script>alert(1)</script>\n",
		"PUT /put HTTP/1.1\nHost: x\nContent-Type: application/json; charset=utf-8\n\n[1, \"<b>&amp;</b>\", {\"k\": null}]\n",
		"HTTP/1.1 200 OK\nContent-Type: text/plain\n\nhi",
	} {
		if got, want := Highlight(code, "http"), highlightChroma(code, "http"); got != want {
			t.Errorf("%q:\n got %s\nwant %s", code, got, want)
		}
	}
}

// TestHighlightHTTPEscapes checks that header values and bodies, JSON or
// not, are escaped.
func TestHighlightHTTPEscapes(t *testing.T) {
	for _, code := range []string{
		"POST /<script> HTTP/1.1\nX-A: <script>alert(\"&x\")</script>\nContent-Type: application/json\n\n{\"<script>\": \"</script>&'\"}",
		"POST /a HTTP/1.1\nX-A: 'a' & \"b\"\n\n<script>alert('&')</script>\n< <script>.json\n",
		"<script>\n<script>: <script>\n\n<script>",
		"@<script> = <script>\n# <script>\n<script>\n  ?<script>\n  <script>\n\n{{<script>}}\n### <script>",
	} {
		h := string(Highlight(code, "http"))
		if strings.ContainsAny(tags.ReplaceAllString(h, ""), `<>"'`) {
			t.Errorf("%q: not escaped: %s", code, h)
		}
		if got := shownText(h); got != code {
			t.Errorf("%q: the highlighted text differs:\n got %q", code, got)
		}
	}
}

// TestHighlightPlainTextAsChroma checks that plain text is shown exactly
// as chroma shows it.
func TestHighlightPlainTextAsChroma(t *testing.T) {
	for _, lang := range []string{"plaintext", "text", "plain", "no-highlight", "txt", ""} {
		for _, code := range []string{
			"", "\n", "\n\n", "x", "x\n", "a <b> & \"c\" 'd'\n\n\te  \nlast",
			"crlf\r\nline\rcr\r", "\r\n", "\r", "ünïcödé ✓\n",
		} {
			if got, want := Highlight(code, lang), highlightChroma(code, lang); got != want {
				t.Errorf("%q %q:\n got %s\nwant %s", lang, code, got, want)
			}
		}
	}
}

// fuzzLangs are the scanner's languages.
func fuzzLangs() []string {
	langs := []string{"http", "plaintext"}
	for lang := range scanLangs {
		langs = append(langs, lang)
	}
	return langs
}

func FuzzScanHighlight(f *testing.F) {
	for _, s := range []string{"a = '''x", "\"\\", "/* x", "$", "${", "-1e+", "\"k\" :", "x\n\ny",
		httpMessage, "GET {{a", "GET {{a}}}} HTTP/", "HTTP/1.1 2000", "@a\n@=\n###\n\n{", "X: {{$env A}}\n\n< ", "a:\n  ?\n\n###x\n###",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		// NUL becomes U+FFFD when escaped, as html/template does.
		if !strings.ContainsAny(code, "\r\x00") && strings.ToValidUTF8(code, "") == code {
			for _, lang := range fuzzLangs() {
				if got := shownText(string(Highlight(code, lang))); got != code {
					t.Fatalf("%s: text %q, want %q", lang, got, code)
				}
			}
		}
	})
}

// httpMessage is an HTTP tab as templates/snippets/http.tmpl writes it.
const httpMessage = "POST /anything?page=2&sort=name HTTP/1.1\n" +
	"Host: httpbin.org\n" +
	"Accept: application/json\n" +
	"Authorization: Bearer {{$env API_TOKEN}}\n" +
	"Content-Type: application/json\n" +
	"Content-Length: 93\n" +
	"\n" +
	"{\n  \"name\": \"Ada Lovelace\",\n  \"tags\": [\"math\", \"engines\"],\n  \"active\": true,\n  \"score\": 9.5\n}"

func BenchmarkHighlight(b *testing.B) {
	for _, bc := range []struct{ lang, code string }{
		{"python", strings.Repeat("import requests\nr = requests.get(\"https://httpbin.org/anything\", headers={\"Accept\": \"application/json\"}, timeout=10)\nprint(r.json())\n", 8)},
		{"http", httpMessage},
		{"plaintext", strings.Repeat("User-agent: *\nDisallow: /private/ # not <here> & not there\n\n", 8)},
	} {
		b.Run(bc.lang+"/scanner", func(b *testing.B) {
			for b.Loop() {
				Highlight(bc.code, bc.lang)
			}
		})
		b.Run(bc.lang+"/chroma", func(b *testing.B) {
			for b.Loop() {
				highlightChroma(bc.code, bc.lang)
			}
		})
	}
}
