package httpcachetest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"github.com/snapdoc/snapdoc/runner/httpcache"
	"io"
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
	// fixed holds, per scripted request served, its response headers as
	// sent: upstream rewrites the script in place, so a later 304 decision
	// compares against the dates of the response actually sent.
	fixed map[int][][2]string
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
	return t.Format(http.TimeFormat)
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

	code := 200
	if len(rc.ResponseStatus) > 0 {
		_ = json.Unmarshal(rc.ResponseStatus[0], &code)
	}
	if rc.ExpectedType != nil && strings.HasSuffix(*rc.ExpectedType, "validated") && reqNum >= 2 {
		notModified := false
		if lm, ok := run.prevHeader(reqNum-2, "Last-Modified"); ok && joined(req.Header, "If-Modified-Since") == lm {
			notModified = true
		}
		if etag, ok := run.prevHeader(reqNum-2, "ETag"); ok && joined(req.Header, "If-None-Match") == etag {
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
	var saved, sent [][2]string
	savedIdx := map[string]int{}
	for _, sh := range rc.ResponseHeaders {
		name, val := rc.fixup(sh, nowMS, baseURL)
		h.Add(name, val)
		sent = append(sent, [2]string{name, val})
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
		h.Set("Date", httpcache.FormatHTTPDate(now))
	}

	header := make(map[string]string, len(req.Header))
	for k := range req.Header {
		header[strings.ToLower(k)] = joined(req.Header, k)
	}
	run.mu.Lock()
	run.fixed[reqNum-1] = sent
	run.state = append(run.state, ctServerRequest{requestNum: cliReqNum, method: req.Method, header: header, responseHeaders: saved})
	nums := make([]string, len(run.state))
	for i, s := range run.state {
		nums[i] = strconv.Itoa(s.requestNum)
	}
	run.mu.Unlock()
	h.Set("Request-Numbers", strings.Join(nums, " "))

	_, _ = io.Copy(io.Discard, req.Body)
	conn, bufrw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	if rc.Disconnect {
		return
	}
	writeRaw(bufrw.Writer, run, rc, req, code, h)
}

// writeRaw writes interim responses and the final response byte for byte,
// as the upstream (Node.js) server would: scripted headers are sent as they
// are, even those net/http would rewrite (Connection, Transfer-Encoding,
// Content-Type and Content-Length on a 304).
func writeRaw(w *bufio.Writer, run *ctRun, rc *ctRequest, req *http.Request, code int, h http.Header) {
	for _, ir := range rc.InterimResponses {
		var ic int
		_ = json.Unmarshal(ir[0], &ic)
		var hs [][2]string
		if len(ir) > 1 {
			_ = json.Unmarshal(ir[1], &hs)
		}
		fmt.Fprintf(w, "HTTP/1.1 %d %s\r\n", ic, http.StatusText(ic))
		for _, kv := range hs {
			fmt.Fprintf(w, "%s: %s\r\n", kv[0], kv[1])
		}
		w.WriteString("\r\n")
	}
	text := http.StatusText(code)
	if len(rc.ResponseStatus) > 1 {
		_ = json.Unmarshal(rc.ResponseStatus[1], &text)
	}
	switch code {
	case 304:
		text = "Not Modified"
	case 999:
		text = "304 Not Generated"
	}
	body := run.uuid
	if rb, ok := headerString(rc.ResponseBody); ok && rb != "" {
		body = rb
	}
	noBody := code == 204 || code == 304
	if noBody {
		body = ""
	}
	if h.Get("Content-Length") == "" && h.Get("Transfer-Encoding") == "" && !noBody {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	fmt.Fprintf(w, "HTTP/1.1 %d %s\r\n", code, text)
	for k, vs := range h {
		for _, v := range vs {
			fmt.Fprintf(w, "%s: %s\r\n", k, v)
		}
	}
	w.WriteString("\r\n")
	if req.Method != http.MethodHead {
		w.WriteString(body)
	}
	_ = w.Flush()
}

// prevHeader returns the first value of a scripted response header of
// request i: as sent if that request was served, else the script's value
// when it is a literal string (upstream compares validators by string
// equality, so an unserved date offset never matches).
func (r *ctRun) prevHeader(i int, name string) (string, bool) {
	r.mu.Lock()
	sent, ok := r.fixed[i]
	r.mu.Unlock()
	if ok {
		for _, h := range sent {
			if strings.EqualFold(h[0], name) {
				return h[1], true
			}
		}
		return "", false
	}
	for _, h := range r.requests[i].ResponseHeaders {
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
