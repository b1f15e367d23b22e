package httpcache

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{now: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// ctServerRequest is what the origin records about a request it answered.
type ctServerRequest struct {
	requestNum      int // from the client's Req-Num header; 0 if absent
	method          string
	header          map[string]string // lower-case names, values joined
	responseHeaders [][2]string       // headers to echo-check
}

// ctRun is the origin's state for one test.
type ctRun struct {
	uuid     string
	requests []ctRequest
	clock    *fakeClock

	mu    sync.Mutex
	state []ctServerRequest
}

func (r *ctRun) serverState() []ctServerRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ctServerRequest(nil), r.state...)
}

// ctOrigin serves /test/<uuid>[/filename] like the upstream test server:
// scripted status, headers and body, dynamic dates from the test's clock,
// 304 only for the validators of the previous scripted response, interim
// responses, pauses and disconnects.
type ctOrigin struct {
	mu   sync.Mutex
	runs map[string]*ctRun
}

func (o *ctOrigin) add(r *ctRun) {
	o.mu.Lock()
	o.runs[r.uuid] = r
	o.mu.Unlock()
}

// httpDate formats now+offset seconds as upstream does.
func ctHTTPDate(now time.Time, offset int64, rfc850 bool) string {
	t := now.Add(time.Duration(offset) * time.Second).UTC()
	if rfc850 {
		return t.Format("Monday, 02-Jan-06 15:04:05 GMT")
	}
	return t.Format(imfFixdate)
}

var ctDateHeaders = map[string]bool{"date": true, "expires": true, "last-modified": true, "if-modified-since": true, "if-unmodified-since": true}
var ctLocationHeaders = map[string]bool{"location": true, "content-location": true}

// fixup rewrites a scripted header value as upstream's fixupHeader does:
// date offsets become dates relative to serverNow (milliseconds), and with
// magic_locations, locations become relative to baseURL.
func (rc *ctRequest) fixup(h ctHeader, serverNow int64, baseURL string) (string, string) {
	name := h.name()
	lname := strings.ToLower(name)
	val, off, isOff := h.value()
	if ctDateHeaders[lname] && isOff {
		rfc := false
		for _, n := range rc.RFC850Date {
			if strings.ToLower(n) == lname || n == lname {
				rfc = true
			}
		}
		val = ctHTTPDate(time.UnixMilli(serverNow), off, rfc)
	} else if isOff {
		val = strconv.FormatInt(off, 10)
	}
	if ctLocationHeaders[lname] && rc.MagicLocations {
		if val != "" {
			val = baseURL + "/" + val
		} else {
			val = baseURL
		}
	}
	return name, val
}

func (o *ctOrigin) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	segs := strings.Split(strings.TrimPrefix(req.URL.Path, "/test/"), "/")
	o.mu.Lock()
	run := o.runs[segs[0]]
	o.mu.Unlock()
	if run == nil {
		http.Error(w, "Requests not found for "+segs[0], http.StatusConflict)
		return
	}
	run.mu.Lock()
	srvReqNum := len(run.state) + 1
	run.mu.Unlock()
	cliReqNum, _ := strconv.Atoi(req.Header.Get("Req-Num"))
	reqNum := cliReqNum
	if reqNum == 0 {
		reqNum = srvReqNum
	}
	if reqNum < 1 || reqNum > len(run.requests) {
		http.Error(w, "config not found for request "+strconv.Itoa(srvReqNum), http.StatusConflict)
		return
	}
	rc := &run.requests[reqNum-1]
	if rc.ResponsePause != nil {
		run.clock.Advance(time.Duration(*rc.ResponsePause * float64(time.Second)))
	}
	now := run.clock.Now()
	nowMS := now.UnixMilli()

	for _, ir := range rc.InterimResponses {
		var code int
		_ = json.Unmarshal(ir[0], &code)
		var hs [][2]string
		if len(ir) > 1 {
			_ = json.Unmarshal(ir[1], &hs)
		}
		for _, h := range hs {
			w.Header().Add(h[0], h[1])
		}
		w.WriteHeader(code)
		for _, h := range hs {
			w.Header().Del(h[0])
		}
	}

	code := 200
	if len(rc.ResponseStatus) > 0 {
		_ = json.Unmarshal(rc.ResponseStatus[0], &code)
	}
	if rc.ExpectedType != nil && strings.HasSuffix(*rc.ExpectedType, "validated") && reqNum >= 2 {
		prev := &run.requests[reqNum-2]
		notModified := false
		if lm, ok := prev.rawHeader("Last-Modified"); ok && joined(req.Header, "If-Modified-Since") == lm {
			notModified = true
		}
		if etag, ok := prev.rawHeader("ETag"); ok && joined(req.Header, "If-None-Match") == etag {
			notModified = true
		}
		code = 304
		if !notModified {
			code = 999
		}
	}

	h := w.Header()
	baseURL := req.URL.RequestURI()
	h.Set("Server-Base-Url", baseURL)
	h.Set("Server-Request-Count", strconv.Itoa(srvReqNum))
	if cliReqNum == 0 {
		h.Set("Client-Request-Count", "NaN")
	} else {
		h.Set("Client-Request-Count", strconv.Itoa(cliReqNum))
	}
	h.Set("Server-Now", strconv.FormatInt(nowMS, 10))
	var saved [][2]string
	savedIdx := map[string]int{}
	for _, sh := range rc.ResponseHeaders {
		name, val := rc.fixup(sh, nowMS, baseURL)
		h.Add(name, val)
		if sh.checked() {
			cur := strings.Join(h.Values(name), ", ")
			if i, ok := savedIdx[name]; ok {
				saved[i][1] = cur
			} else {
				savedIdx[name] = len(saved)
				saved = append(saved, [2]string{name, cur})
			}
		}
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "text/plain")
	}
	if _, ok := h["Date"]; !ok {
		h.Set("Date", FormatHTTPDate(now))
	}

	header := make(map[string]string, len(req.Header))
	for k := range req.Header {
		header[strings.ToLower(k)] = joined(req.Header, k)
	}
	run.mu.Lock()
	run.state = append(run.state, ctServerRequest{requestNum: cliReqNum, method: req.Method, header: header, responseHeaders: saved})
	nums := make([]string, len(run.state))
	for i, s := range run.state {
		nums[i] = strconv.Itoa(s.requestNum)
	}
	run.mu.Unlock()
	h.Set("Request-Numbers", strings.Join(nums, " "))

	if rc.Disconnect {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	w.WriteHeader(code)
	if code == 204 || code == 304 {
		return
	}
	body := run.uuid
	var rb string
	if json.Unmarshal(rc.ResponseBody, &rb) == nil && rb != "" {
		body = rb
	}
	_, _ = w.Write([]byte(body))
}

// rawHeader returns a scripted response header's value only when it is a
// literal string, as upstream compares validators by string equality.
func (rc *ctRequest) rawHeader(name string) (string, bool) {
	for _, h := range rc.ResponseHeaders {
		if strings.EqualFold(h.name(), name) {
			v, _, isOff := h.value()
			return v, !isOff
		}
	}
	return "", false
}

func joined(h http.Header, name string) string {
	return strings.Join(h.Values(name), ", ")
}
