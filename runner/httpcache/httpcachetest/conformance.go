package httpcachetest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/snapdoc/snapdoc/runner/httpcache"
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

// ctRunner replays cache-tests through a fresh Transport per test. In a
// shared profile the client talks to a reverse proxy (proxy) whose
// transport is the test's cache, found by the test's uuid.
type ctRunner struct {
	profile  Profile
	origin   *ctOrigin
	base     string            // where the client sends requests
	next     http.RoundTripper // the cache's way to the origin
	client   http.RoundTripper // the client's way to the proxy (shared only)
	newStore func() httpcache.Store
	opts     []httpcache.Option

	mu     sync.Mutex
	caches map[string]*httpcache.Transport // by test uuid, for the proxy
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// RoundTrip is the reverse proxy's transport: the cache of the test whose
// uuid the path names.
func (cr *ctRunner) RoundTrip(req *http.Request) (*http.Response, error) {
	uuid, _, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/test/"), "/")
	cr.mu.Lock()
	tr := cr.caches[uuid]
	cr.mu.Unlock()
	if tr == nil {
		return nil, fmt.Errorf("no cache for test %q", uuid)
	}
	return tr.RoundTrip(req)
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
	opts := append([]httpcache.Option{httpcache.WithTransport(cr.next), httpcache.WithClock(run.clock.Now)}, cr.profile.options()...)
	tr := httpcache.New(cr.newStore(), append(opts, cr.opts...)...)
	var clientTransport http.RoundTripper = tr
	if cr.profile.behindProxy() {
		cr.mu.Lock()
		cr.caches[run.uuid] = tr
		cr.mu.Unlock()
		defer func() {
			cr.mu.Lock()
			delete(cr.caches, run.uuid)
			cr.mu.Unlock()
		}()
		clientTransport = cr.client
	}
	var responses []*http.Response
	for i := range test.Requests {
		rc := &test.Requests[i]
		req := cr.request(test, run, i, responses)
		client := &http.Client{Transport: clientTransport}
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
		if rc.PauseAfter != nil && *rc.PauseAfter {
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
		// Upstream checks nothing for "expected_status": null (any
		// answer but a fetch failure).
		var want *int
		_ = json.Unmarshal(rc.ExpectedStatus, &want)
		ctAssert(rc.setupCheck("expected_status"), want == nil || resp.StatusCode == *want,
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
