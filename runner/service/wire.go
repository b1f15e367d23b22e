package service

import (
	"encoding/base64"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// WireExchange is an exchange in the JSON form of `snapdoc run --json`
// and of the runner service, as DESIGN.md specifies it.
type WireExchange struct {
	File       string        `json:"file"`
	Block      string        `json:"block"`
	Name       string        `json:"name"`
	Line       int           `json:"line"`
	Request    WireRequest   `json:"request"`
	Response   *WireResponse `json:"response,omitempty"`
	Cache      string        `json:"cache,omitempty"`
	CacheState string        `json:"cache_status,omitempty"`
	DurationMS *int64        `json:"duration_ms,omitempty"`
	Asserts    []WireAssert  `json:"asserts,omitempty"`
	Error      *string       `json:"error"`
}

// WireAssert is the result of one assertion: the assertion as written,
// whether it passed, and, when it failed, what the response held.
type WireAssert struct {
	Assertion string `json:"assertion"`
	Pass      bool   `json:"pass"`
	Got       string `json:"got,omitempty"`
}

// WireRequest is a request as parsed: variables substituted, secrets shown
// as their references.
type WireRequest struct {
	Method  string      `json:"method"`
	URL     string      `json:"url"`
	Headers [][2]string `json:"headers"`
	Body    string      `json:"body"`
	// Asserts are the request's assertions, as written after it.
	Asserts []string `json:"asserts,omitempty"`
}

// WireResponse is a recorded response; a body that is not UTF-8 is
// base64-encoded.
type WireResponse struct {
	Status       int         `json:"status"`
	Reason       string      `json:"reason,omitempty"`
	Headers      [][2]string `json:"headers"`
	Body         string      `json:"body"`
	BodyEncoding string      `json:"body_encoding"`
	Truncated    bool        `json:"truncated,omitempty"`
}

// NewWireExchange describes request r of block in file, and x, what it
// returned (nil when it was not sent).
func NewWireExchange(file, block string, r *httpfile.Request, x *httpfile.Exchange) WireExchange {
	w := WireExchange{File: file, Block: block, Name: r.Name, Line: r.Pos.Line, Request: WireRequest{Method: r.Method, URL: r.URL, Headers: [][2]string{}, Body: r.Body}}
	for _, h := range r.Headers {
		w.Request.Headers = append(w.Request.Headers, [2]string{h.Name, h.Value})
	}
	if r.BodyFile != "" {
		w.Request.Body = "< " + r.BodyFile
	}
	for _, a := range r.Asserts {
		w.Request.Asserts = append(w.Request.Asserts, a.String())
	}
	if x == nil {
		return w
	}
	resp := &WireResponse{Status: x.Status, Reason: x.Reason, Headers: [][2]string{}, Body: string(x.Body), BodyEncoding: "utf-8", Truncated: x.Truncated}
	if !utf8.Valid(x.Body) {
		resp.Body, resp.BodyEncoding = base64.StdEncoding.EncodeToString(x.Body), "base64"
	}
	for _, h := range x.Headers {
		resp.Headers = append(resp.Headers, [2]string{h.Name, h.Value})
	}
	for _, a := range x.Asserts {
		w.Asserts = append(w.Asserts, WireAssert{Assertion: a.Text, Pass: a.Pass, Got: a.Got})
	}
	ms := x.Duration.Milliseconds()
	w.Response, w.Cache, w.CacheState, w.DurationMS = resp, x.Cache, x.CacheStatus, &ms
	return w
}

// Exchange converts a wire exchange with a response back to an exchange.
func (w WireExchange) Exchange() (*httpfile.Exchange, error) {
	if w.Response == nil {
		return nil, fmt.Errorf("%s:%d: exchange has no response", w.File, w.Line)
	}
	x := &httpfile.Exchange{
		Name: w.Name, Method: w.Request.Method, URL: w.Request.URL,
		Status: w.Response.Status, Reason: w.Response.Reason, Cache: w.Cache, CacheStatus: w.CacheState,
		Body: []byte(w.Response.Body), Truncated: w.Response.Truncated,
	}
	if w.Response.BodyEncoding == "base64" {
		b, err := base64.StdEncoding.DecodeString(w.Response.Body)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: response body: %w", w.File, w.Line, err)
		}
		x.Body = b
	}
	for _, h := range w.Response.Headers {
		x.Headers = append(x.Headers, httpfile.Header{Name: h[0], Value: h[1]})
	}
	for _, a := range w.Asserts {
		x.Asserts = append(x.Asserts, httpfile.AssertResult{Text: a.Assertion, Pass: a.Pass, Got: a.Got})
	}
	if w.DurationMS != nil {
		x.Duration = time.Duration(*w.DurationMS) * time.Millisecond
	}
	return x, nil
}
