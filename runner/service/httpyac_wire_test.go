package service

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/httpfile"

	"github.com/snapdoc/snapdoc/runner/wiretest"
)

var updateWireTable = flag.Bool("update-wire-table", false,
	"rewrite the difference and request columns of "+wireTablePath+", keeping each row's reason")

// yacResponse is what the recorders of both tools answer (see
// testdata/httpyac/record.mjs); no-store keeps a cache from answering a
// later request.
const yacResponse = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nok"

const (
	wireTablePath  = "../../docs/http-wire-vs-httpyac.md"
	wireRecordPath = "../testdata/httpyac-wire.json"
	wireInputsPath = "../testdata/httpyac/inputs.json"
	wireTableStart = "<!-- wire table: generated columns checked by TestHTTPYacWire -->"
	wireTableEnd   = "<!-- end of wire table -->"
	wireTableHead  = "| difference | requests | why |\n|---|---|---|"
	wireTODO       = "TODO: say why"
	// wireAll in the requests column stands for every request both tools
	// send.
	wireAll = "every compared request"
)

// yacWire is testdata/httpyac-wire.json, written by
// testdata/httpyac/record.mjs.
type yacWire struct {
	Version      string
	CorpusSHA256 string `json:"corpus_sha256"`
	Records      []struct {
		ID       string
		Requests []struct {
			Line       int
			Method     string
			Wire       string
			Encoding   string
			Incomplete bool // the recorder saw the connection end mid-request
			Error      string
		}
	}
}

// yacInputs is testdata/httpyac/inputs.json: the variables and environment
// both tools get.
type yacInputs struct {
	Env     map[string]string
	Records map[string]struct{ Vars map[string]string }
}

// wireOutcome is what happened to one request of the corpus: the keys of
// [wireDiff], or one "not compared" key; nil when the bytes are the same.
type wireOutcome struct {
	id       string // record id and 1-based request number: rc-01#1
	keys     []string
	compared bool   // both tools sent it
	note     string // details for the log: errors, or both requests
}

// TestHTTPYacWire sends every request of the .http corpus through snapdoc's
// real request path (Parse, then a Runner from Open whose Hosts route every
// host to a raw recorder on 127.0.0.1) and compares the bytes with the ones
// httpyac sent for the same text, recorded in testdata/httpyac-wire.json by
// `make httpyac-wire`. Nothing is normalised: the router keeps the Host
// header as the URL gives it, and httpyac's connections were redirected to
// its recorder below the HTTP layer, so both requests are what each tool
// builds from the URL. Every difference, and every request one of the tools
// does not send, must be listed in docs/http-wire-vs-httpyac.md with a
// reason, and every listed one must still occur.
func TestHTTPYacWire(t *testing.T) {
	corpusBytes, err := os.ReadFile("../testdata/http-corpus.json")
	if err != nil {
		t.Fatal(err)
	}
	var rec yacWire
	readJSON(t, wireRecordPath, &rec)
	var inputs yacInputs
	readJSON(t, wireInputsPath, &inputs)
	if sum := sha256.Sum256(corpusBytes); hex.EncodeToString(sum[:]) != rec.CorpusSHA256 {
		t.Fatalf("%s was recorded from another testdata/http-corpus.json: run make httpyac-wire", wireRecordPath)
	}
	var corpusFile struct {
		Records []struct {
			ID       string
			Text     string
			Expected []json.RawMessage
		}
	}
	if err := json.Unmarshal(corpusBytes, &corpusFile); err != nil {
		t.Fatal(err)
	}
	corpus := corpusFile.Records
	if len(rec.Records) != len(corpus) {
		t.Fatalf("%s has %d records, the corpus %d: run make httpyac-wire", wireRecordPath, len(rec.Records), len(corpus))
	}
	files, err := filepath.Abs("../testdata/httpyac/files")
	if err != nil {
		t.Fatal(err)
	}
	recorder := wiretest.Start(t, yacResponse)
	var outcomes []wireOutcome
	total, compared, identical := 0, 0, 0
	for i, c := range corpus {
		yr := rec.Records[i]
		if yr.ID != c.ID {
			t.Fatalf("record %d of %s is %s, of the corpus %s", i, wireRecordPath, yr.ID, c.ID)
		}
		total += len(c.Expected)
		snap, parseErr := sendCorpusText(t, recorder, c.ID, c.Text, inputs, files)
		if parseErr != "" {
			// Every request of the text is refused.
			snap = make([]snapSent, len(c.Expected))
			for j := range snap {
				snap[j].err = parseErr
			}
		}
		for j := range max(len(yr.Requests), len(snap)) {
			o := wireOutcome{id: fmt.Sprintf("%s#%d", c.ID, j+1)}
			switch {
			case j >= len(snap):
				o.keys = []string{"not compared: only httpyac has this request"}
			case j >= len(yr.Requests):
				o.keys = []string{"not compared: only snapdoc has this request"}
			case yr.Requests[j].Wire == "" && snap[j].wire == nil:
				o.keys = []string{"not compared: both refuse"}
				o.note = "httpyac: " + yr.Requests[j].Error + "\nsnapdoc: " + snap[j].err
			case yr.Requests[j].Wire == "":
				o.keys = []string{"not compared: httpyac refuses"}
				o.note = "httpyac: " + yr.Requests[j].Error
			case snap[j].wire == nil:
				o.keys = []string{"not compared: snapdoc refuses"}
				o.note = "snapdoc: " + snap[j].err
			case yr.Requests[j].Incomplete:
				t.Fatalf("%s: httpyac's request was recorded incomplete: run make httpyac-wire", o.id)
			default:
				compared++
				o.compared = true
				yac := []byte(yr.Requests[j].Wire)
				if yr.Requests[j].Encoding == "base64" {
					if yac, err = base64.StdEncoding.DecodeString(yr.Requests[j].Wire); err != nil {
						t.Fatalf("%s: %v", o.id, err)
					}
				}
				keys, err := wireDiff(yac, snap[j].wire)
				if err != nil {
					t.Fatalf("%s: %v", o.id, err)
				}
				if keys == nil {
					identical++
				}
				o.keys = keys
				o.note = fmt.Sprintf("httpyac:\n%s\nsnapdoc:\n%s", yac, snap[j].wire)
			}
			if testing.Verbose() && o.keys != nil {
				t.Logf("%s: %s\n%s", o.id, strings.Join(o.keys, ", "), o.note)
			}
			outcomes = append(outcomes, o)
		}
	}
	t.Logf("corpus: %d requests; httpyac %s and snapdoc both send %d, %d of them byte for byte the same", total, rec.Version, compared, identical)
	checkWireTable(t, outcomes)
}

// snapSent is what snapdoc did with one request: the bytes it sent, or why
// it sent none.
type snapSent struct {
	wire []byte
	err  string
}

// sendCorpusText parses text as a lesson's block and sends each of its
// requests, on its own, through a runner that routes every host to the
// recorder. It returns what happened to each request, or why the text does
// not parse.
func sendCorpusText(t *testing.T, rec *wiretest.Recorder, id, text string, inputs yacInputs, dir string) ([]snapSent, string) {
	t.Helper()
	reqs, err := httpfile.Parse([]byte(text), httpfile.ParseOptions{File: id + ".http", Vars: inputs.Records[id].Vars})
	if err != nil {
		return nil, err.Error()
	}
	getenv := func(name string) (string, bool) { v, ok := inputs.Env[name]; return v, ok }
	hosts := map[string]string{}
	for _, r := range reqs {
		if u, err := url.Parse(httpfile.Expand(r.URL, func(n string) string { v, _ := getenv(n); return v })); err == nil && u.Host != "" {
			hosts[strings.ToLower(u.Hostname())] = rec.URL
		}
	}
	// Requests whose URL has no host are refused by the runner before
	// anything is dialled; every other host goes to the recorder.
	run, err := runner.Open(runner.Config{Hosts: hosts, Getenv: getenv, Timeout: 5 * time.Second}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	var out []snapSent
	for _, r := range reqs {
		before := len(rec.Requests())
		_, err := run.Run(context.Background(), []*httpfile.Request{r}, runner.RunOptions{Dir: dir})
		got := rec.Requests()[before:]
		var s snapSent
		switch {
		case len(got) > 1:
			t.Fatalf("%s: one request put %d requests on the wire", id, len(got))
		case len(got) == 1:
			s.wire = got[0]
		case err != nil && strings.Contains(err.Error(), "dial ") && !strings.Contains(err.Error(), "127.0.0.1"):
			t.Fatalf("%s: %s %s was not routed to the recorder: %v", id, r.Method, r.URL, err)
		case err != nil:
			s.err = err.Error()
		default:
			t.Fatalf("%s: the runner neither sent %s %s nor failed", id, r.Method, r.URL)
		}
		out = append(out, s)
	}
	return out, ""
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// wireRow is a row of the table: a difference key, the requests it applies
// to, and why.
type wireRow struct {
	key  string
	reqs []string
	why  string
}

var wireRowRE = regexp.MustCompile("^\\| `([^`]+)` \\| ([^|]*) \\| (.*) \\|$")

// readWireTable returns the text before, the rows of, and the text after the
// table in doc.
func readWireTable(t *testing.T, doc string, all []string) (string, []wireRow, string) {
	t.Helper()
	before, rest, ok1 := strings.Cut(doc, wireTableStart+"\n")
	body, after, ok2 := strings.Cut(rest, wireTableEnd)
	if !ok1 || !ok2 {
		t.Fatalf("%s: want the table between %q and %q", wireTablePath, wireTableStart, wireTableEnd)
	}
	body, ok := strings.CutPrefix(body, wireTableHead+"\n")
	if !ok {
		t.Fatalf("%s: the table must start with\n%s", wireTablePath, wireTableHead)
	}
	var rows []wireRow
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		if line == "" {
			continue
		}
		m := wireRowRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("%s: bad row %q (want | `difference` | id#n ... | why |)", wireTablePath, line)
		}
		reqs := strings.Fields(m[2])
		if strings.TrimSpace(m[2]) == wireAll {
			reqs = all
		}
		rows = append(rows, wireRow{key: m[1], reqs: reqs, why: strings.TrimSpace(m[3])})
	}
	return before, rows, after
}

// checkWireTable compares the outcomes with the table, or rewrites its
// machine columns with -update-wire-table.
func checkWireTable(t *testing.T, outcomes []wireOutcome) {
	data, err := os.ReadFile(wireTablePath)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, o := range outcomes {
		if o.compared {
			all = append(all, o.id)
		}
	}
	before, rows, after := readWireTable(t, string(data), all)
	type pair struct{ key, id string }
	occurs := map[pair]bool{}
	notes := map[string]string{}
	for _, o := range outcomes {
		for _, k := range o.keys {
			occurs[pair{k, o.id}] = true
		}
		notes[o.id] = o.note
	}
	if *updateWireTable {
		rows = updateRows(rows, outcomes)
		var b strings.Builder
		b.WriteString(before + wireTableStart + "\n" + wireTableHead + "\n")
		for _, r := range rows {
			reqs := strings.Join(r.reqs, " ")
			if len(all) > 0 && slices.Equal(r.reqs, all) {
				reqs = wireAll
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r.key, reqs, r.why)
		}
		b.WriteString(wireTableEnd + after)
		if err := os.WriteFile(wireTablePath, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	listed := map[pair]bool{}
	for _, r := range rows {
		if r.why == "" || strings.HasPrefix(r.why, "TODO") {
			t.Errorf("%s: `%s` for %s: say why", wireTablePath, r.key, strings.Join(r.reqs, " "))
		}
		for _, id := range r.reqs {
			p := pair{r.key, id}
			switch {
			case listed[p]:
				t.Errorf("%s: `%s` is listed twice for %s", wireTablePath, r.key, id)
			case !occurs[p]:
				t.Errorf("%s: `%s` is listed for %s but no longer occurs: remove it (-update-wire-table)", wireTablePath, r.key, id)
			}
			listed[p] = true
		}
	}
	for _, o := range outcomes {
		for _, k := range o.keys {
			if !listed[pair{k, o.id}] {
				t.Errorf("%s: %s: `%s` is not listed (-update-wire-table adds it; then say why)\n%s", wireTablePath, o.id, k, notes[o.id])
			}
		}
	}
}

// updateRows keeps each row's key and reason, with only the requests it
// still applies to, drops rows left empty, and adds a row per key for the
// outcomes no row lists.
func updateRows(rows []wireRow, outcomes []wireOutcome) []wireRow {
	has := map[[2]string]bool{}
	for _, o := range outcomes {
		for _, k := range o.keys {
			has[[2]string{k, o.id}] = true
		}
	}
	covered := map[[2]string]bool{}
	var out []wireRow
	for _, r := range rows {
		var keep []string
		for _, id := range r.reqs {
			p := [2]string{r.key, id}
			if has[p] && !covered[p] {
				keep = append(keep, id)
				covered[p] = true
			}
		}
		if len(keep) > 0 {
			r.reqs = keep
			out = append(out, r)
		}
	}
	added := map[string]int{}
	for _, o := range outcomes {
		for _, k := range o.keys {
			if covered[[2]string{k, o.id}] {
				continue
			}
			i, ok := added[k]
			if !ok {
				i = len(out)
				added[k] = i
				out = append(out, wireRow{key: k, why: wireTODO})
			}
			out[i].reqs = append(out[i].reqs, o.id)
		}
	}
	order := map[string]int{}
	for i, o := range outcomes {
		order[o.id] = i
	}
	for i := range out {
		slices.SortFunc(out[i].reqs, func(a, b string) int { return order[a] - order[b] })
	}
	return out
}
