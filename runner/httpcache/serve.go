package httpcache

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"time"
)

// serveStored builds the response for a stored entry, with its current Age.
// When the client's own validators match the entry, the answer is 304.
func (t *Transport) serveStored(req *http.Request, rq requestInfo, e *Entry, age time.Duration, st status) *http.Response {
	h := e.Header.Clone()
	h.Set("Age", strconv.FormatInt(int64(age/time.Second), 10))
	code := e.StatusCode
	if rq.conditional && code == http.StatusOK && notModified(req, e.Header, e.Header.Get("Date")) {
		code = http.StatusNotModified
		delete(h, "Content-Length")
	}
	t.status(h, st)
	resp := &http.Response{
		Status:        strconv.Itoa(code) + " " + http.StatusText(code),
		StatusCode:    code,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          http.NoBody,
		ContentLength: int64(len(e.Body)),
		Request:       req,
	}
	if code == http.StatusNotModified {
		resp.ContentLength = 0
	} else if req.Method != http.MethodHead {
		resp.Body = io.NopCloser(bytes.NewReader(e.Body))
	}
	return resp
}
