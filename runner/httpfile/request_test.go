package httpfile

import (
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/internal/fileerr"
)

// TestParseAsSent checks that a parsed request is what a real client
// sends: URLs percent-encoded, Basic credentials encoded, Cookie fields
// joined, bodies with httpyac's final newline rules.
func TestParseAsSent(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		src  string
		vars map[string]string
		want string // describe of the requests
	}{
		"space in a query value": {
			src:  "@q = hello world\nGET http://api.test/s?q={{q}}&n=1",
			want: "[0] GET \"http://api.test/s?q=hello%20world&n=1\" \n",
		},
		"non-ASCII is UTF-8 percent-encoded": {
			src:  "GET http://api.test/café/x?q=café",
			want: "[0] GET \"http://api.test/caf%C3%A9/x?q=caf%C3%A9\" \n",
		},
		"literal characters a URL cannot carry": {
			src:  "GET http://api.test/ab/\"<>`{}|\\^?q=ab\"<>'`{}|^[]",
			want: "[0] GET \"http://api.test/ab/%22%3C%3E%60%7B%7D%7C%5C%5E?q=ab%22%3C%3E%27`{}|^[]\" \n",
		},
		"escapes stay, a lone percent is encoded": {
			src:  "@v = 100%25 off\nGET http://api.test/a%2Fb%zz?x=%41%e9&p=50%&v={{v}}",
			want: "[0] GET \"http://api.test/a%2Fb%25zz?x=%41%e9&p=50%25&v=100%25%20off\" \n",
		},
		"reserved characters from a value are data in the query": {
			src:  "@v = a&b=c+d#e/f?g'h\nGET http://api.test/s?q={{v}}&{{v}}=1",
			want: "[0] GET \"http://api.test/s?q=a%26b%3Dc%2Bd%23e%2Ff%3Fg%27h&a%26b%3Dc%2Bd%23e%2Ff%3Fg%27h=1\" \n",
		},
		"what the author wrote keeps its meaning": {
			src:  "GET http://api.test/s?a=1+2&b=x=y&c=/p?q#frag",
			want: "[0] GET \"http://api.test/s?a=1+2&b=x=y&c=/p?q#frag\" \n",
		},
		"a value in the path may hold slashes, not a fragment": {
			src:  "@base = http://api.test/v1\n@id = a/b#c d\nGET {{base}}/items/{{id}}?x=1",
			want: "[0] GET \"http://api.test/v1/items/a/b%23c%20d?x=1\" \n",
		},
		"a whole URL in a value keeps its query": {
			src:  "@u = http://api.test/s?a=1&b=2\nGET {{u}}&c={{u}}",
			want: "[0] GET \"http://api.test/s?a=1&b=2&c=http%3A%2F%2Fapi.test%2Fs%3Fa%3D1%26b%3D2\" \n",
		},
		"secrets are kept as references": {
			src:  "GET http://api.test/{{$env A}}?t={{$processEnv T}}&u={{$env.U}}",
			want: "[0] GET \"http://api.test/{{$env A}}?t={{$env T}}&u={{$env U}}\" \n",
		},
		"percent-encoded variable": {
			src:  "@v = a&b\nGET http://api.test/?v={{%v}}",
			want: "[0] GET \"http://api.test/?v=a%26b\" \n",
		},
		"byte-order mark": {
			src:  "\uFEFFGET http://api.test/a\n",
			want: "[0] GET \"http://api.test/a\" \n",
		},
		"host variable": {
			src:  "@host = http://api.test\nGET /item/1\n###\nPURGE /item/2",
			want: "[0] GET \"http://api.test/item/1\" \n[1] PURGE \"http://api.test/item/2\" \n",
		},
		"host variable from vars, without scheme": {
			src:  "GET /item/1",
			vars: map[string]string{"host": "api.test:8080"},
			want: "[0] GET \"http://api.test:8080/item/1\" \n",
		},
		"Host header wins over the host variable": {
			src:  "@host = http://other.test\nGET /item/1\nHost: api.test",
			want: "[0] GET \"http://api.test/item/1\" \n  header \"Host\": \"api.test\"\n",
		},
		"extension methods": {
			src:  "PURGE http://api.test/item/1\n###\nM-SEARCH * HTTP/1.1\n###\nLINK http://api.test/x",
			want: "[0] PURGE \"http://api.test/item/1\" \n[1] M-SEARCH \"*\" HTTP/1.1\n[2] LINK \"http://api.test/x\" \n",
		},
		"Basic credentials": {
			src: "GET /\nAuthorization: Basic user:passwd\n###\nGET /\nAuthorization: basic user passwd\n###\n" +
				"GET /\nAuthorization: Basic dXNlcjpwYXNzd2Q=\n###\nGET /\nAuthorization: Basic a:b:c\n###\nGET /\nAuthorization: Basic {{$env U}}:{{$env P}}",
			want: "[0] GET \"/\" \n  header \"Authorization\": \"Basic dXNlcjpwYXNzd2Q=\"\n" +
				"[1] GET \"/\" \n  header \"Authorization\": \"Basic dXNlcjpwYXNzd2Q=\"\n" +
				"[2] GET \"/\" \n  header \"Authorization\": \"Basic dXNlcjpwYXNzd2Q=\"\n" +
				"[3] GET \"/\" \n  header \"Authorization\": \"Basic YTpiOmM=\"\n" +
				"[4] GET \"/\" \n  header \"Authorization\": \"Basic {{$env U}}:{{$env P}}\"\n",
		},
		"Cookie fields are joined": {
			src:  "GET /\nCookie: a=1\nAccept: */*\ncookie: b=2\nCookie: c={{$env C}}",
			want: "[0] GET \"/\" \n  header \"Cookie\": \"a=1; b=2; c={{$env C}}\"\n  header \"Accept\": \"*/*\"\n",
		},
		"NDJSON keeps its final newline": {
			src: "POST /\nContent-Type: application/x-ndjson\n\n{\"index\":{}}\n{\"a\":1}\n\n\n###\nPOST /\nContent-Type: application/json\n\n{\"a\":1}\n\n",
			want: "[0] POST \"/\" \n  header \"Content-Type\": \"application/x-ndjson\"\n  body \"{\\\"index\\\":{}}\\n{\\\"a\\\":1}\\n\"\n" +
				"[1] POST \"/\" \n  header \"Content-Type\": \"application/json\"\n  body \"{\\\"a\\\":1}\"\n",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			reqs, err := Parse([]byte(tt.src), ParseOptions{File: "a.http", Vars: tt.vars})
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(values(reqs, false)); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// TestParseBOMPositions checks that a byte-order mark moves no position.
func TestParseBOMPositions(t *testing.T) {
	_, err := Parse([]byte("\uFEFFGET /{{x}}"), ParseOptions{File: "a.http"})
	if err == nil || err.Error() != `a.http:1:6: unknown variable "x"` {
		t.Errorf("error %v", err)
	}
	reqs, err := Parse([]byte("\uFEFF# c\nGET /a\nX: 1"), ParseOptions{File: "a.http"})
	if err != nil {
		t.Fatal(err)
	}
	if p := reqs[0].Pos; p.Line != 2 || p.Col != 1 {
		t.Errorf("request at %v", p)
	}
	if p := reqs[0].HeaderPos[0]; p.Line != 3 || p.Col != 4 {
		t.Errorf("header value at %v", p)
	}
}

// TestParseBodyFileLines checks that "< path" lines of a longer body,
// such as a multipart part, become file parts standing for their line.
func TestParseBodyFileLines(t *testing.T) {
	src := "POST http://api.test/upload\nContent-Type: multipart/form-data; boundary=B\n\n" +
		"--B\nContent-Disposition: form-data; name=\"a\"; filename=\"a.txt\"\n\n< ./a.txt\n--B\n" +
		"Content-Disposition: form-data; name=\"t\"\n\n{{$env T}}\n--B--\n"
	reqs, err := Parse([]byte(src), ParseOptions{File: "l.md", LineOffset: 10})
	if err != nil {
		t.Fatal(err)
	}
	r := reqs[0]
	want := []BodyPart{
		{Text: "--B\r\nContent-Disposition: form-data; name=\"a\"; filename=\"a.txt\"\r\n\r\n"},
		{File: "./a.txt", Pos: fileerr.Pos{File: "l.md", Line: 17, Col: 3}},
		{Text: "\r\n--B\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n{{$env T}}\r\n--B--"},
	}
	if len(r.Parts) != len(want) {
		t.Fatalf("parts %q", r.Parts)
	}
	for i := range want {
		if r.Parts[i] != want[i] {
			t.Errorf("part %d = %q, want %q", i, r.Parts[i], want[i])
		}
	}
	if !strings.Contains(r.Body, "\r\n< ./a.txt\r\n") || len(r.Unsupported) > 0 {
		t.Errorf("body %q, unsupported %q", r.Body, r.Unsupported)
	}
	if s := r.Secrets(); len(s) != 1 || s[0] != "T" {
		t.Errorf("secrets %q", s)
	}
}
