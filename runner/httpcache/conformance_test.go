package httpcache

import (
	"bufio"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ctFailure is a failed assertion; setup failures are scored apart.
type ctFailure struct {
	setup bool
	msg   string
}

func (f *ctFailure) Error() string { return f.msg }

func ctAssert(setup, cond bool, format string, args ...any) {
	if !cond {
		panic(&ctFailure{setup: setup, msg: fmt.Sprintf(format, args...)})
	}
}

// ctResult is the raw outcome of one test: nil for a pass.
type ctResult = *ctFailure

// ctRunner replays cache-tests through a fresh Transport per test.
type ctRunner struct {
	origin *ctOrigin
	base   string
	next   http.RoundTripper
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// run executes one test and returns its raw result.
func (cr *ctRunner) run(test ctTest) (res ctResult) {
	defer func() {
		if r := recover(); r != nil {
			if f, ok := r.(*ctFailure); ok {
				res = f
				return
			}
			res = &ctFailure{msg: fmt.Sprint("harness: ", r)}
		}
	}()
	run := &ctRun{uuid: newUUID(), requests: test.Requests, fixed: map[int][][2]string{}, clock: newFakeClock(time.Now().Truncate(time.Millisecond))}
	cr.origin.add(run)
	tr := New(NewMemoryStore(0), WithTransport(cr.next), WithClock(run.clock.Now))
	var responses []*http.Response
	for i := range test.Requests {
		rc := &test.Requests[i]
		req := cr.request(test, run, i, responses)
		client := &http.Client{Transport: tr}
		if rc.Redirect == "manual" {
			client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		}
		resp, err := client.Do(req)
		if err != nil {
			panic(&ctFailure{msg: "TypeError: fetch failed: " + err.Error()})
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			panic(&ctFailure{msg: "TypeError: reading body: " + err.Error()})
		}
		tr.Wait()
		responses = append(responses, resp)
		checkResponse(run, rc, i+1, resp, string(body))
		if rc.PauseAfter != nil {
			run.clock.Advance(3 * time.Second)
		}
	}
	checkServerRequests(test.Requests, responses, run.serverState())
	return nil
}

// request builds the i-th request as upstream's client does, with a plain
// Go client instead of fetch. Fetch's cache:"no-cache" (a reload) becomes
// Cache-Control: max-age=0, which is what browsers send on reload.
func (cr *ctRunner) request(test ctTest, run *ctRun, i int, prev []*http.Response) *http.Request {
	rc := &test.Requests[i]
	url := cr.base + "/test/" + run.uuid
	if rc.Filename != nil {
		url += "/" + *rc.Filename
	}
	if rc.QueryArg != nil {
		url += "?" + *rc.QueryArg
	}
	method := http.MethodGet
	if rc.RequestMethod != "" {
		method = rc.RequestMethod
	}
	var body io.Reader
	if rc.RequestBody != nil {
		body = strings.NewReader(*rc.RequestBody)
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		panic(fmt.Sprint("harness: ", err))
	}
	for _, h := range rc.RequestHeaders {
		name, val := h.name(), ""
		if rc.MagicIMS && strings.EqualFold(name, "If-Modified-Since") && len(prev) > 0 {
			serverNow, _ := strconv.ParseInt(prev[len(prev)-1].Header.Get("Server-Now"), 10, 64)
			name, val = rc.fixup(h, serverNow, "")
		} else {
			v, off, isOff := h.value()
			val = v
			if isOff {
				val = strconv.FormatInt(off, 10)
			}
		}
		req.Header.Add(name, val)
	}
	if rc.Cache == "no-cache" {
		req.Header.Add("Cache-Control", "max-age=0")
	}
	req.Header.Add("Test-Name", test.Name)
	req.Header.Add("Test-ID", test.ID)
	req.Header.Add("Req-Num", strconv.Itoa(i+1))
	return req
}

// headerString decodes a JSON string; null and other values report false.
func headerString(raw json.RawMessage) (string, bool) {
	var s *string
	if err := json.Unmarshal(raw, &s); err != nil || s == nil {
		return "", false
	}
	return *s, true
}

// checkResponse mirrors upstream's client-side checks of one response.
func checkResponse(run *ctRun, rc *ctRequest, reqNum int, resp *http.Response, body string) {
	resNum, resNumErr := strconv.Atoi(resp.Header.Get("Server-Request-Count"))
	if rn := resp.Header.Get("Request-Numbers"); rn != "" {
		seen := map[string]bool{}
		for _, n := range strings.Fields(rn) {
			ctAssert(true, !seen[n], "retry")
			seen[n] = true
		}
	}
	if rc.ExpectedType != nil {
		typeSetup := rc.setupCheck("expected_type")
		switch *rc.ExpectedType {
		case "cached":
			if !(resp.StatusCode == 304 && resNumErr != nil) {
				ctAssert(typeSetup, resNumErr == nil && resNum < reqNum, "Response %d does not come from cache", reqNum)
			}
		case "not_cached":
			ctAssert(typeSetup, resNumErr == nil && resNum == reqNum, "Response %d comes from cache", reqNum)
		}
	}
	switch {
	case rc.ExpectedStatus != nil:
		var want *int
		_ = json.Unmarshal(rc.ExpectedStatus, &want)
		ctAssert(rc.setupCheck("expected_status"), want != nil && resp.StatusCode == *want,
			"Response %d status is %d, not %s", reqNum, resp.StatusCode, rc.ExpectedStatus)
	case len(rc.ResponseStatus) > 0:
		var want int
		_ = json.Unmarshal(rc.ResponseStatus[0], &want)
		ctAssert(true, resp.StatusCode == want, "Response %d status is %d, not %d", reqNum, resp.StatusCode, want)
	case resp.StatusCode == 999:
		ctAssert(rc.setupCheck("expected_type"), false, "Request %d should have been conditional, but it was not.", reqNum)
	default:
		ctAssert(true, resp.StatusCode == 200, "Response %d status is %d, not 200", reqNum, resp.StatusCode)
	}
	present := func(name string) bool { return len(resp.Header.Values(name)) > 0 }
	if rc.ExpectedResponseHeaders != nil {
		setup := rc.setupCheck("expected_response_headers")
		for _, raw := range rc.ExpectedResponseHeaders {
			if name, ok := headerString(raw); ok {
				ctAssert(setup, present(name), "Response %d %s header not present.", reqNum, name)
				continue
			}
			var h ctHeader
			_ = json.Unmarshal(raw, &h)
			name := h.name()
			got := joined(resp.Header, name)
			if len(h) > 2 {
				ctAssert(setup, present(name), "Response %d %s header not present.", reqNum, name)
				var op string
				_ = json.Unmarshal(h[1], &op)
				switch op {
				case "=":
					other, _ := headerString(h[2])
					ctAssert(setup, got == joined(resp.Header, other), "Response %d header %s is %s, should match %s", reqNum, name, got, other)
				case ">":
					var n int64
					_ = json.Unmarshal(h[2], &n)
					v, err := strconv.ParseInt(strings.TrimSpace(leadingInt(got)), 10, 64)
					ctAssert(setup, err == nil && v > n, "Response %d header %s is %s, should be bigger than %d", reqNum, name, got, n)
				default:
					panic("harness: unknown expected-header operator " + op)
				}
				continue
			}
			serverNow, _ := strconv.ParseInt(resp.Header.Get("Server-Now"), 10, 64)
			_, want := rc.fixup(h, serverNow, resp.Header.Get("Server-Base-Url"))
			ctAssert(setup, present(name) && got == want, "Response %d header %s is %q, not %q", reqNum, name, got, want)
		}
	}
	if rc.ExpectedResponseHeadersMissing != nil {
		setup := rc.setupCheck("expected_response_headers_missing")
		for _, raw := range rc.ExpectedResponseHeadersMissing {
			// Upstream's [name, value] form reads a property of the
			// Headers object that never exists, so it checks nothing;
			// only the bare-name form is an assertion.
			if name, ok := headerString(raw); ok {
				ctAssert(setup, !present(name), "Response %d includes unexpected header %s: %q", reqNum, name, joined(resp.Header, name))
			}
		}
	}
	checkBody(run, rc, resp.StatusCode, body)
}

// leadingInt mimics JavaScript's parseInt: the leading decimal digits.
func leadingInt(s string) string {
	s = strings.TrimSpace(s)
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

func checkBody(run *ctRun, rc *ctRequest, code int, body string) {
	if rc.CheckBody != nil && !*rc.CheckBody {
		return
	}
	if rc.ExpectedResponseText != nil {
		if want, ok := headerString(rc.ExpectedResponseText); ok {
			ctAssert(rc.setupCheck("expected_response_text"), body == want, "Response body is %q, not %q", body, want)
		}
		return
	}
	if want, ok := headerString(rc.ResponseBody); ok {
		ctAssert(true, body == want, "Response body is %q, not %q", body, want)
		return
	}
	if code != 204 && code != 304 && rc.RequestMethod != http.MethodHead {
		ctAssert(true, body == run.uuid, "Response body is %q, not %q", body, run.uuid)
	}
}

// checkServerRequests mirrors upstream's comparison of the scripted
// requests with what the origin saw.
func checkServerRequests(requests []ctRequest, responses []*http.Response, state []ctServerRequest) {
	idx := 0
	for i := range requests {
		rc := &requests[i]
		reqNum := i + 1
		var sr *ctServerRequest
		if idx < len(state) {
			sr = &state[idx]
		}
		typeSetup := rc.setupCheck("expected_type")
		var validating []string
		if rc.ExpectedType != nil {
			switch *rc.ExpectedType {
			case "cached":
				continue
			case "not_cached":
				ctAssert(sr != nil, sr != nil, "TypeError: server request %d missing", reqNum)
				ctAssert(typeSetup, sr.requestNum == reqNum, "Response %d comes from cache (%d on server)", reqNum, sr.requestNum)
			case "etag_validated":
				validating = append(validating, "if-none-match")
			case "lm_validated":
				validating = append(validating, "if-modified-since")
			}
		}
		idx++
		for _, v := range validating {
			ctAssert(typeSetup, sr != nil, "request %d wasn't sent to server", reqNum)
			_, ok := sr.header[v]
			ctAssert(typeSetup, ok, "request %d doesn't have %s header", reqNum, v)
		}
		if rc.ExpectedRequestHeaders != nil {
			setup := rc.setupCheck("expected_request_headers")
			for _, raw := range rc.ExpectedRequestHeaders {
				ctAssert(false, sr != nil, "TypeError: server request %d missing", reqNum)
				if name, ok := headerString(raw); ok {
					_, has := sr.header[strings.ToLower(name)]
					ctAssert(setup, has, "Request %d %s header not present.", reqNum, name)
					continue
				}
				var h ctHeader
				_ = json.Unmarshal(raw, &h)
				want, _, _ := h.value()
				got, has := sr.header[strings.ToLower(h.name())]
				ctAssert(setup, has && got == want, "Request %d header %s is %q, not %q", reqNum, h.name(), got, want)
			}
		}
		if sr != nil && i < len(responses) {
			for _, h := range sr.responseHeaders {
				if strings.EqualFold(h[0], "date") {
					continue
				}
				got := joined(responses[i].Header, h[0])
				ctAssert(true, got == h[1], "Response %d header %s is %q, not %q", reqNum, h[0], got, h[1])
			}
		}
		if rc.ExpectedMethod != nil {
			ctAssert(false, sr != nil, "TypeError: server request %d missing", reqNum)
			ctAssert(rc.setupCheck("expected_method"), sr.method == *rc.ExpectedMethod,
				"Request %d had method %s, not %s", reqNum, sr.method, *rc.ExpectedMethod)
		}
	}
}

// Result categories, as upstream's results.mjs names them.
const (
	ctPass      = "pass"
	ctFail      = "fail"
	ctOptFail   = "optional_fail"
	ctYes       = "yes"
	ctNo        = "no"
	ctSetupFail = "setup_fail"
	ctDepFail   = "dependency_fail"
	ctRetry     = "retry"
	ctUntested  = "untested"
)

// categorize scores a test as upstream does, honouring depends_on.
func categorize(tests map[string]ctTest, results map[string]ctResult, id string) string {
	res, ran := results[id]
	if !ran {
		return ctUntested
	}
	test := tests[id]
	for _, dep := range test.DependsOn {
		if c := categorize(tests, results, dep); c != ctPass && c != ctYes {
			return ctDepFail
		}
	}
	if res != nil && res.setup {
		if res.msg == "retry" {
			return ctRetry
		}
		return ctSetupFail
	}
	switch test.Kind {
	case "", "required":
		if res == nil {
			return ctPass
		}
		return ctFail
	case "optimal":
		if res == nil {
			return ctPass
		}
		return ctOptFail
	default:
		if res == nil {
			return ctYes
		}
		return ctNo
	}
}

// ctScore tallies a profile: per kind, passes and the total, plus passes
// and failures only (upstream's pass/(pass+fail)).
type ctScore struct {
	reqPass, reqFail, reqTotal int
	optPass, optFail, optTotal int
	yes, no, checkTotal        int
	other                      int
}

func tally(ids []string, tests map[string]ctTest, category func(id string) string) ctScore {
	var s ctScore
	for _, id := range ids {
		c := category(id)
		switch tests[id].Kind {
		case "", "required":
			s.reqTotal++
			s.reqPass += b2i(c == ctPass)
			s.reqFail += b2i(c == ctFail)
		case "optimal":
			s.optTotal++
			s.optPass += b2i(c == ctPass)
			s.optFail += b2i(c == ctOptFail)
		default:
			s.checkTotal++
			s.yes += b2i(c == ctYes)
			s.no += b2i(c == ctNo)
		}
		s.other += b2i(c != ctPass && c != ctFail && c != ctOptFail && c != ctYes && c != ctNo)
	}
	return s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// readFloors reads testdata/conformance-floors.txt: lines "name value".
func readFloors(t *testing.T) map[string]int {
	f, err := os.Open("testdata/conformance-floors.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	floors := map[string]int{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name, v, ok := strings.Cut(text, " ")
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if !ok || err != nil {
			t.Fatalf("testdata/conformance-floors.txt:%d: want \"name count\", got %q", line, text)
		}
		floors[name] = n
	}
	return floors
}

// TestConformance replays the cache-tests.fyi suite (go_private profile)
// against the Transport and fails when a score drops below its floor.
func TestConformance(t *testing.T) {
	data := loadCacheTests(t)
	tests := map[string]ctTest{}
	for _, s := range data.Suites {
		for _, test := range s.Tests {
			tests[test.ID] = test
		}
	}
	ids := data.Derived.Profiles["go_private"].IDs
	if len(ids) == 0 {
		t.Fatal("testdata/cache-tests.json: no go_private profile")
	}

	origin := &ctOrigin{runs: map[string]*ctRun{}}
	srv := httptest.NewServer(origin)
	t.Cleanup(srv.Close)
	// Never reuse a connection: on a reused one net/http retries a request
	// the origin disconnected, which the suite would score as a retry.
	// (DisableKeepAlives would send "Connection: close", and the server
	// would then overwrite the scripted Connection header.)
	next := &http.Transport{MaxIdleConnsPerHost: -1}
	t.Cleanup(next.CloseIdleConnections)
	cr := &ctRunner{origin: origin, base: srv.URL, next: next}

	results := make(map[string]ctResult, len(ids))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for _, id := range ids {
		test, ok := tests[id]
		if !ok {
			t.Fatalf("testdata/cache-tests.json: profile names unknown test %q", id)
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r := cr.run(test)
			mu.Lock()
			results[id] = r
			mu.Unlock()
		}()
	}
	wg.Wait()

	category := func(id string) string { return categorize(tests, results, id) }
	harness := 0
	for _, id := range ids {
		r := results[id]
		if r != nil && strings.HasPrefix(r.msg, "harness:") {
			harness++
		}
		if c := category(id); c != ctPass && c != ctYes {
			msg := ""
			if r != nil {
				msg = r.msg
			}
			t.Logf("%-16s %-45s %s", c, id, msg)
		}
	}
	s := tally(ids, tests, category)
	t.Logf("cache-tests go_private: required %d/%d optimal %d/%d check yes %d/%d (other %d, harness failures %d)",
		s.reqPass, s.reqTotal, s.optPass, s.optTotal, s.yes, s.checkTotal, s.other, harness)
	fmt.Printf("cache-tests go_private: required %d/%d optimal %d/%d check yes %d/%d\n",
		s.reqPass, s.reqTotal, s.optPass, s.optTotal, s.yes, s.checkTotal)

	browser := data.Derived.Profiles["browser"].IDs
	if len(browser) > 0 {
		b := tally(browser, tests, category)
		line := fmt.Sprintf("cache-tests browser (pass/(pass+fail)): snapdoc required %d/%d optimal %d/%d",
			b.reqPass, b.reqPass+b.reqFail, b.optPass, b.optPass+b.optFail)
		for _, impl := range data.ReferenceResults.Implementations {
			if impl.Name == "Chrome" {
				c := tally(browser, tests, func(id string) string { return impl.Category[id] })
				line += fmt.Sprintf("; Chrome required %d/%d optimal %d/%d", c.reqPass, c.reqPass+c.reqFail, c.optPass, c.optPass+c.optFail)
			}
		}
		fmt.Println(line)
		t.Log(line)
	}

	floors := readFloors(t)
	for name, got := range map[string]int{"required": s.reqPass, "optimal": s.optPass} {
		if floor, ok := floors[name]; !ok {
			t.Errorf("testdata/conformance-floors.txt: no floor for %s", name)
		} else if got < floor {
			t.Errorf("cache-tests %s passes dropped to %d, below the floor of %d", name, got, floor)
		}
	}
	if harness > 0 {
		t.Errorf("%d harness failures", harness)
	}
}
