package snippet

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// namedRequest is one request of the test corpus.
type namedRequest struct {
	name string
	req  *httpfile.Request
}

// h builds a header list from name, value pairs.
func h(pairs ...string) []httpfile.Header {
	var hs []httpfile.Header
	for i := 0; i < len(pairs); i += 2 {
		hs = append(hs, httpfile.Header{Name: pairs[i], Value: pairs[i+1]})
	}
	return hs
}

// ownCorpus covers every feature the code must express: each method,
// query strings already encoded and not, repeated and unusual headers,
// JSON, form, text and multipart bodies, awkward characters everywhere,
// and secrets in URL, headers and bodies.
func ownCorpus() []namedRequest {
	const base = "https://api.example.com"
	awkward := "Grüße, 世界 😀\n\"double\" 'single' \\back\\slash\ttab\r\nCRLF\n$HOME `id` $(id) ${x} %s {{ }} \x01\x7f\u2028end\n"
	multipartBody := "--XyZ\r\n" +
		"Content-Disposition: form-data; name=\"title\"\r\n\r\n" +
		"Zoë's \"notes\"\r\n" +
		"--XyZ\r\n" +
		"Content-Disposition: form-data; name=\"file\"; filename=\"a b.txt\"\r\n" +
		"Content-Type: text/plain\r\n\r\n" +
		"line 1\nline 2 \\ '\r\n" +
		"--XyZ--\r\n"
	return []namedRequest{
		{"get-json", &httpfile.Request{Method: "GET", URL: base + "/users?page=2&per_page=10", Headers: h("Accept", "application/json")}},
		{"head", &httpfile.Request{Method: "HEAD", URL: base + "/status"}},
		{"options", &httpfile.Request{Method: "OPTIONS", URL: base + "/items", Headers: h("Origin", "https://example.org", "Access-Control-Request-Method", "PUT")}},
		{"delete", &httpfile.Request{Method: "DELETE", URL: base + "/items/42"}},
		{"put-text", &httpfile.Request{Method: "PUT", URL: base + "/notes/1", Headers: h("Content-Type", "text/plain; charset=utf-8"), Body: awkward}},
		{"patch-json", &httpfile.Request{Method: "PATCH", URL: base + "/users/7", Headers: h("Content-Type", "application/json"),
			Body: `{"name":"Zoë \"Z\" O'Neil","path":"C:\\temp\\new","note":"line1\nline2\ttab\u0001","emoji":"😀 \ud83d\ude00","sep":"\u2028","html":"</script><b>&amp;",` +
				`"shell":"$HOME ` + "`id`" + ` ${x}","nested":{"list":[1,-0.5,1e3,2.50,true,false,null],"empty":[],"obj":{}},"big":1.5e300,"neg":-0}`}},
		{"post-json-pretty", &httpfile.Request{Method: "POST", URL: base + "/orders", Headers: h("Content-Type", "application/json", "Accept", "application/json"),
			Body: "{\n  \"item\": \"book\",\n  \"qty\": 2\n}\n"}},
		{"post-form", &httpfile.Request{Method: "POST", URL: base + "/login", Headers: h("Content-Type", "application/x-www-form-urlencoded"),
			Body: "name=J%C3%B6rg+M%C3%BCller&note=a%26b%3Dc&tags=x&tags=y&empty="}},
		{"post-multipart", &httpfile.Request{Method: "POST", URL: base + "/upload", Headers: h("Content-Type", "multipart/form-data; boundary=XyZ"), Body: multipartBody}},
		{"query-encoded", &httpfile.Request{Method: "GET", URL: base + "/search?start=2019-06-13T19%3A08%3A25.455Z&q=caf%C3%A9&plus=a+b&pct=100%25&empty=&flag&slash=a%2Fb&needless=%41%7e#frag"}},
		{"query-raw", &httpfile.Request{Method: "GET", URL: base + "/caf é/a b?q=café au lait&quote=\"x\"&br=[1]&brace={a}&pipe=a|b&apos=it's&caret=^&lone=100%&tick=`"}},
		{"headers-unusual", &httpfile.Request{Method: "GET", URL: base + "/headers", Headers: h(
			"X-Multi", "one", "x-multi", "two", "x-lower-case", "v", "X-Under_Score", "v", "X-Empty", "",
			"X-Quotes", `say "hi" to 'them'`, "X-Backslash", `C:\dir\`, "X-Shell", "$HOME $(id) `id` ${PATH} ;|& %s",
			"Cookie", "a=1", "Cookie", "b=2", "Accept-Encoding", "identity", "User-Agent", "snapdoc-test/1.0")}},
		{"headers-unicode-value", &httpfile.Request{Method: "GET", URL: base + "/headers", Headers: h("X-Name", "Zoë 😀")}},
		{"secrets", &httpfile.Request{Method: "GET", URL: base + "/me?api_key={{$env API_KEY}}&x=1",
			Headers: h("Authorization", "Bearer {{$env TOKEN}}", "X-Api-Key", "{{$env API_KEY}}")}},
		{"basic-secrets", &httpfile.Request{Method: "GET", URL: base + "/basic", Headers: h("Accept", "application/json", "Authorization", "Basic {{$env API_USER}}:{{$env API_PASSWORD}}")}},
		{"secret-in-path", &httpfile.Request{Method: "DELETE", URL: base + "/users/{{$env USER_ID}}/sessions?all=true"}},
		{"secret-in-json", &httpfile.Request{Method: "POST", URL: base + "/login", Headers: h("Content-Type", "application/json"),
			Body: `{"user":"me","password":"{{$env PASSWORD}}"}`}},
		{"secret-in-text", &httpfile.Request{Method: "POST", URL: base + "/token", Headers: h("Content-Type", "text/plain"),
			Body: "token={{$env TOKEN}}\n"}},
		{"post-no-body", &httpfile.Request{Method: "POST", URL: base + "/ping"}},
		{"propfind-xml", &httpfile.Request{Method: "PROPFIND", URL: base + "/dav/", Headers: h("Content-Type", "application/xml", "Depth", "1"),
			Body: `<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>`}},
		{"json-big-int", &httpfile.Request{Method: "POST", URL: base + "/ids", Headers: h("Content-Type", "application/json"), Body: `{"id":12345678901234567890}`}},
		{"json-proto-key", &httpfile.Request{Method: "PUT", URL: base + "/acl", Headers: h("Content-Type", "application/json"), Body: `{"__proto__":{"admin":true},"a":1}`}},
		{"json-vendor-type", &httpfile.Request{Method: "POST", URL: base + "/things", Headers: h("Content-Type", "application/vnd.api+json"),
			Body: `{"data":{"type":"things","attributes":{"title":"Ω"}}}`}},
		{"get-with-body", &httpfile.Request{Method: "GET", URL: base + "/search", Headers: h("Content-Type", "application/json"), Body: `{"q":"x"}`}},
		{"host-header", &httpfile.Request{Method: "GET", URL: base + "/vhost", Headers: h("Host", "api.example.com")}},
		// The echo server answers 200 with a JSON body: every check holds,
		// so a wrong generated check fails its language's run.
		{"asserts", &httpfile.Request{Method: "GET", URL: base + "/items/1", Headers: h("Accept", "application/json"), Asserts: asserts(
			"status", "", "==", "200", "header", "content-type", "includes", "json", "header", "Content-Type", "==", "application/json; charset=utf-8",
			"header", "x-missing", "isFalse", "", "body", "$.url", "exists", "", "duration", "", "<", "60000")}},
		{"asserts-range", &httpfile.Request{Method: "POST", URL: base + "/orders", Headers: h("Content-Type", "application/json"), Body: `{"qty":2}`, Asserts: asserts(
			"status", "", ">=", "0200", "status", "", "<", "300", "status", "", "!=", "404", "status", "", "<=", "200", "status", "", ">", "199",
			"header", "content-type", "startsWith", "application/", "header", "content-type", "endsWith", "charset=utf-8",
			"header", "content-type", "exists", "", "header", "content-type", "isTrue", "", "header", "content-type", "!=", "text/html")}},
		{"asserts-head", &httpfile.Request{Method: "HEAD", URL: base + "/status", Asserts: asserts(
			"status", "", "==", "200", "header", "content-type", "exists", "")}},
		{"asserts-awkward", &httpfile.Request{Method: "GET", URL: base + "/odd", Asserts: asserts(
			"header", "content-type", "!=", `say "hi" \u000a \\u0022 ${x} $(id) 'q' 😀 */ %s`,
			"body", "$.a", "matches", `^\u000a System.exit(1); \\\u000a */ """`,
			"status", "", "matches", "^2")}},
	}
}

// asserts builds assertions from subject, arg, op, expected quadruples.
func asserts(parts ...string) []httpfile.Assertion {
	var as []httpfile.Assertion
	for i := 0; i < len(parts); i += 4 {
		as = append(as, httpfile.Assertion{Subject: parts[i], Arg: parts[i+1], Op: parts[i+2], Expected: parts[i+3]})
	}
	return as
}

// harRequest is the part of a HAR request the corpus uses.
type harRequest struct {
	Method      string `json:"method"`
	URL         string `json:"url"`
	HTTPVersion string `json:"httpVersion"`
	QueryString []struct{ Name, Value string }
	Headers     []struct{ Name, Value string }
	Cookies     []struct{ Name, Value string }
	PostData    struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
		Params   []struct {
			Name, Value, FileName, ContentType string
		} `json:"params"`
	} `json:"postData"`
}

// harCorpus loads the 40 httpsnippet requests, converted to our model.
func harCorpus(t testing.TB) []namedRequest {
	t.Helper()
	var out []namedRequest
	for _, file := range []string{"httpsnippet-requests.json", "httpsnippet-requests-extra.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", "httpsnippet", file))
		if err != nil {
			t.Fatal(err)
		}
		var records []struct {
			Name string     `json:"name"`
			HAR  harRequest `json:"har_request"`
		}
		if err := json.Unmarshal(data, &records); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, rec := range records {
			out = append(out, namedRequest{"har/" + rec.Name, fromHAR(t, rec.HAR)})
		}
	}
	return out
}

// fromHAR converts a HAR request the way httpsnippet reads it: the
// queryString list is appended to the URL as written (values are not
// encoded again), cookies become a Cookie header, form params are
// encoded, multipart params are written with a fixed boundary, and the
// postData mimeType becomes the Content-Type when no header sets one.
// Like httpsnippet, a JSON mimeType with text that does not parse is
// text/plain. A multipart file part with no value gets the content of
// httpsnippet's fixture file, "Hello World".
func fromHAR(t testing.TB, har harRequest) *httpfile.Request {
	t.Helper()
	r := &httpfile.Request{Method: har.Method, URL: har.URL, HTTPVersion: har.HTTPVersion}
	for i, q := range har.QueryString {
		sep := "&"
		if i == 0 && !strings.Contains(r.URL, "?") {
			sep = "?"
		}
		r.URL += sep + q.Name + "=" + q.Value
	}
	for _, hd := range har.Headers {
		r.Headers = append(r.Headers, httpfile.Header{Name: hd.Name, Value: hd.Value})
	}
	if len(har.Cookies) > 0 {
		var parts []string
		for _, c := range har.Cookies {
			parts = append(parts, c.Name+"="+c.Value)
		}
		r.Headers = append(r.Headers, httpfile.Header{Name: "Cookie", Value: strings.Join(parts, "; ")})
	}
	pd := har.PostData
	mimeType := pd.MimeType
	switch {
	case pd.Text != "":
		r.Body = pd.Text
		if isJSONType(mimeType) && !json.Valid([]byte(pd.Text)) {
			mimeType = "text/plain"
		}
	case len(pd.Params) > 0 && mimeType == "application/x-www-form-urlencoded":
		form := make([]string, len(pd.Params))
		for i, p := range pd.Params {
			form[i] = url.QueryEscape(p.Name) + "=" + url.QueryEscape(p.Value)
		}
		r.Body = strings.Join(form, "&")
	case len(pd.Params) > 0 && strings.HasPrefix(mimeType, "multipart/"):
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		if err := w.SetBoundary("snapdoc-boundary"); err != nil {
			t.Fatal(err)
		}
		for _, p := range pd.Params {
			if p.FileName == "" {
				if err := w.WriteField(p.Name, p.Value); err != nil {
					t.Fatal(err)
				}
				continue
			}
			value := p.Value
			if value == "" {
				value = "Hello World"
			}
			hdr := map[string][]string{
				"Content-Disposition": {`form-data; name="` + p.Name + `"; filename="` + filepath.Base(p.FileName) + `"`},
				"Content-Type":        {p.ContentType},
			}
			part, err := w.CreatePart(hdr)
			if err != nil {
				t.Fatal(err)
			}
			part.Write([]byte(value))
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r.Body = buf.String()
		mimeType = w.FormDataContentType()
		r.Headers = dropHeader(r.Headers, "Content-Type")
	}
	if r.Body != "" && !hasHeader(r.Headers, "Content-Type") && mimeType != "" {
		r.Headers = append(r.Headers, httpfile.Header{Name: "Content-Type", Value: mimeType})
	}
	return r
}

func dropHeader(hs []httpfile.Header, name string) []httpfile.Header {
	var out []httpfile.Header
	for _, hd := range hs {
		if !strings.EqualFold(hd.Name, name) {
			out = append(out, hd)
		}
	}
	return out
}

func hasHeader(hs []httpfile.Header, name string) bool {
	for _, hd := range hs {
		if strings.EqualFold(hd.Name, name) {
			return true
		}
	}
	return false
}
