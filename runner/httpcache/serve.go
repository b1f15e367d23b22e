package httpcache

import (
	"bytes"
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
		Status:     strconv.Itoa(code) + " " + http.StatusText(code),
		StatusCode: code,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h,
		Body:       http.NoBody,
		Request:    req,
	}
	body := e.Body
	if code == http.StatusOK && req.Method == http.MethodGet {
		size := int64(len(body))
		if start, end, ok, satisfiable := byteRange(req.Header.Get("Range"), size); ok {
			if satisfiable {
				code, body = http.StatusPartialContent, body[start:end+1]
				h.Set("Content-Range", contentRange(start, end, size))
			} else {
				code, body = http.StatusRequestedRangeNotSatisfiable, nil
				h.Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
			}
			h.Set("Content-Length", strconv.Itoa(len(body)))
			resp.StatusCode, resp.Status = code, strconv.Itoa(code)+" "+http.StatusText(code)
		}
	}
	resp.ContentLength = int64(len(body))
	switch {
	case code == http.StatusNotModified:
		resp.ContentLength = 0
	case req.Method != http.MethodHead:
		br := &bodyReader{}
		br.Reset(body)
		resp.Body = br
	}
	return resp
}

// bodyReader serves a stored body.
type bodyReader struct{ bytes.Reader }

func (*bodyReader) Close() error { return nil }
