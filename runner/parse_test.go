package runner

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// corpusRecord is a record of testdata/http-corpus.json: a .http text
// from the REST Client README, the JetBrains spec, httpyac or the Visual
// Studio docs, with the requests its source documents.
type corpusRecord struct {
	ID       string
	Text     string
	Expected []corpusRequest
}

type corpusFile struct {
	Path             string
	ProcessVariables bool `json:"process_variables"`
	Encoding         *string
}

// corpusRequest is a documented request. URL, headers and body are as
// written ({{variables}} not substituted); URLResolved, BodyResolved and
// BodySent are documented where the source says what they become.
type corpusRequest struct {
	Name             *string
	Method           string
	URL              string
	HTTPVersion      *string `json:"http_version"`
	Headers          []Header
	Body             *string
	BodyFile         *corpusFile       `json:"body_file"`
	BodyFileRefs     []corpusFile      `json:"body_file_refs"`
	URLResolved      *string           `json:"url_resolved"`
	BodyResolved     *string           `json:"body_resolved"`
	BodySent         *string           `json:"body_sent"`
	ResponseHandler  map[string]string `json:"response_handler"`
	ResponseRef      *string           `json:"response_ref"`
	PreRequestScript map[string]string `json:"pre_request_script"`
	Metadata         map[string]any
}

func loadCorpus(t testing.TB) []corpusRecord {
	t.Helper()
	data, err := os.ReadFile("testdata/http-corpus.json")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Count        int
		RequestCount int `json:"request_count"`
		Records      []corpusRecord
	}
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range c.Records {
		n += len(r.Expected)
	}
	if len(c.Records) != c.Count || n != c.RequestCount {
		t.Fatalf("corpus has %d records, %d requests; its header says %d, %d", len(c.Records), n, c.Count, c.RequestCount)
	}
	return c.Records
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// syntaxUnsupported returns the unsupported features the parser must
// report for a documented request, from its syntax alone.
func syntaxUnsupported(e corpusRequest) []string {
	var u []string
	if e.PreRequestScript["inline"] != "" {
		u = append(u, "pre-request script < {% ... %}")
	}
	for key := range e.Metadata {
		switch key {
		case "name", "title", "description":
		case "noRedirect":
			u = append(u, "metadata @no-redirect")
		default:
			u = append(u, "metadata @"+key)
		}
	}
	if _, ok := e.ResponseHandler["inline"]; ok {
		u = append(u, "response handler > {% ... %}")
	}
	if e.ResponseRef != nil {
		u = append(u, "response reference <> "+*e.ResponseRef)
	}
	for _, f := range e.BodyFileRefs {
		u = append(u, "body file reference < "+f.Path)
	}
	if f := e.BodyFile; f != nil && f.ProcessVariables {
		u = append(u, "body file with variables <@"+str(f.Encoding)+" "+f.Path)
	}
	return u
}

// sortedCopy returns the strings sorted, nil for none.
func sortedCopy(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	return slices.Sorted(slices.Values(ss))
}

// describe formats requests for comparison, one field a line, leaving out
// Pos and empty fields.
func describe(reqs []Request) string {
	var b strings.Builder
	for i, r := range reqs {
		fmt.Fprintf(&b, "[%d] %s %q %s\n", i, r.Method, r.URL, r.HTTPVersion)
		if r.Name != "" {
			fmt.Fprintf(&b, "  name %q\n", r.Name)
		}
		for _, h := range r.Headers {
			fmt.Fprintf(&b, "  header %q: %q\n", h.Name, h.Value)
		}
		if r.Body != "" {
			fmt.Fprintf(&b, "  body %q\n", r.Body)
		}
		if r.BodyFile != "" {
			fmt.Fprintf(&b, "  body file %q\n", r.BodyFile)
		}
		for _, u := range r.Unsupported {
			fmt.Fprintf(&b, "  unsupported %q\n", u)
		}
	}
	return b.String()
}

// TestCorpusSyntax checks the requests as written (before variables are
// substituted) against every record of the corpus.
func TestCorpusSyntax(t *testing.T) {
	records := loadCorpus(t)
	passed, requests := 0, 0
	for _, rec := range records {
		requests += len(rec.Expected)
		ok := t.Run(rec.ID, func(t *testing.T) {
			entries, err := scan(rec.Text, ParseOptions{File: rec.ID + ".http"})
			if err != nil {
				t.Fatal(err)
			}
			var got []Request
			for _, e := range entries {
				if e.req != nil {
					got = append(got, written(e.req))
				}
			}
			var want []Request
			for _, e := range rec.Expected {
				w := Request{
					Name:        str(e.Name),
					Method:      e.Method,
					URL:         e.URL,
					HTTPVersion: str(e.HTTPVersion),
					Headers:     slices.Clip(e.Headers),
					Body:        str(e.Body),
					Unsupported: syntaxUnsupported(e),
				}
				if e.BodyFile != nil {
					w.BodyFile = e.BodyFile.Path
				}
				want = append(want, w)
			}
			if rec.ID == "yac-d15" {
				// The inline response example after the first request is
				// ignored, and reported.
				want[0].Unsupported = []string{"response example HTTP/2.0 200 OK"}
			}
			for i := range want {
				want[i].Unsupported = sortedCopy(want[i].Unsupported)
			}
			if g, w := describe(got), describe(want); g != w {
				t.Errorf("got:\n%s\nwant:\n%s", g, w)
			}
		})
		if ok {
			passed++
		}
	}
	t.Logf("corpus syntax: %d of %d records pass (%d requests)", passed, len(records), requests)
}

// written returns the request as written, with Pos left out.
func written(r *rawRequest) Request {
	w := Request{Name: r.name, Method: r.method, HTTPVersion: r.version}
	for _, sp := range r.target {
		w.URL += sp.text
	}
	for _, h := range r.headers {
		w.Headers = append(w.Headers, Header{h.name.text, h.value.text})
	}
	var lines []string
	for _, sp := range r.body {
		lines = append(lines, sp.text)
	}
	w.Body = strings.Join(lines, "\n")
	if r.bodyFile != nil {
		w.BodyFile = r.bodyFile.text
	}
	w.Unsupported = sortedCopy(dedupe(r.unsupported))
	return w
}
