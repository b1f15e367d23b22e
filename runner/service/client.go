package service

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner/httpfile"

	"github.com/snapdoc/snapdoc/runner"
)

// Client runs blocks on a remote runner service, so that API credentials
// live only where the service runs. It keeps at most Concurrency runs in
// flight, and tries again, after the wait the service asks for in
// Retry-After or a jittered exponential backoff, a run that was refused
// for now (429, 503) or cut off (502, 504, a broken connection). Blocks
// must bear running twice anyway (snapdoc check runs them all again), so a
// run cut off mid-way may be tried again too. A Client is safe for
// concurrent use.
type Client struct {
	// URL is the service's base URL, such as http://127.0.0.1:7070.
	URL string
	// Token is sent as a bearer token when set.
	Token string
	// HTTP is the client to use; when nil, one that keeps Concurrency
	// connections alive.
	HTTP *http.Client
	// Concurrency bounds the runs in flight; 16 when zero.
	Concurrency int
	// Retries is how many times a run is tried again; 8 when zero, none
	// when negative.
	Retries int
	// MaxWait is the longest wait between tries: a Retry-After beyond it
	// ends the tries. 30 s when zero.
	MaxWait time.Duration

	once sync.Once
	sem  chan struct{}
	hc   *http.Client
}

// ServiceError is a run the service refused or did not answer.
type ServiceError struct {
	// Status is the service's HTTP status, 0 when no answer came.
	Status int
	// Msg says what went wrong.
	Msg string
	// Tries counts the attempts made.
	Tries int
}

func (e *ServiceError) Error() string {
	msg := "runner service: " + e.Msg
	if e.Status != 0 {
		msg = fmt.Sprintf("runner service: %d %s: %s", e.Status, http.StatusText(e.Status), e.Msg)
	}
	if e.Tries > 1 {
		msg += fmt.Sprintf(" (gave up after %d tries)", e.Tries)
	}
	return msg
}

// Failure classes the error: no answer is a connection failure, a 429 or
// 5xx the service's own, anything else a request the service would not
// run as the build declared it.
func (e *ServiceError) Failure() runner.Failure {
	switch {
	case e.Status == 0:
		return runner.FailConnection
	case e.Status == http.StatusTooManyRequests:
		return runner.FailTooManyRequests
	case e.Status >= 500:
		return runner.FailServerError
	}
	return runner.FailRequest
}

// ReaderText says what failed for a page, without the runner's address or
// its message.
func (e *ServiceError) ReaderText() string {
	switch e.Status {
	case http.StatusNotFound:
		return "the runner service does not publish this block"
	case http.StatusConflict:
		return "the runner service has another version of this block"
	}
	return "the runner service could not run it"
}

// Backoff bounds: the first retry waits about backoffBase, each next up to
// twice as long, never more than backoffCap.
const (
	backoffBase = 100 * time.Millisecond
	backoffCap  = 5 * time.Second
)

func (c *Client) init() {
	c.once.Do(func() {
		c.sem = make(chan struct{}, c.MaxConcurrency())
		c.hc = c.HTTP
		if c.hc == nil {
			t := http.DefaultTransport.(*http.Transport).Clone()
			t.MaxIdleConnsPerHost = c.MaxConcurrency()
			c.hc = &http.Client{Transport: t}
		}
	})
}

// MaxConcurrency is the number of runs the client keeps in flight.
func (c *Client) MaxConcurrency() int {
	if c.Concurrency > 0 {
		return c.Concurrency
	}
	return 16
}

// Run asks the service to run the block ref and returns its exchanges,
// and the error that stopped the block, if any. An error of the service
// itself is a [*ServiceError].
func (c *Client) Run(ctx context.Context, ref BlockRef) ([]*httpfile.Exchange, error) {
	c.init()
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.sem }()
	body, err := json.Marshal(ref)
	if err != nil {
		return nil, err
	}
	retries := c.Retries
	if retries == 0 {
		retries = 8
	}
	maxWait := c.MaxWait
	if maxWait <= 0 {
		maxWait = 30 * time.Second
	}
	for try := 1; ; try++ {
		res, wait, err := c.try(ctx, body)
		if err == nil {
			return res.exchanges()
		}
		var se *ServiceError
		if !errors.As(err, &se) {
			return nil, err
		}
		se.Tries = try
		if wait < 0 || try > retries || wait > maxWait || ctx.Err() != nil {
			return nil, err
		}
		if wait == 0 {
			wait = backoff(try)
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, err
		}
	}
}

// try makes one attempt. On failure it says how long to wait before the
// next: the service's Retry-After, 0 for a backoff, -1 for never.
func (c *Client) try(ctx context.Context, body []byte) (*RunResult, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.URL, "/")+"/v1/run", bytes.NewReader(body))
	if err != nil {
		return nil, -1, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, -1, ctx.Err()
		}
		return nil, 0, &ServiceError{Msg: err.Error()}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		if json.Unmarshal(msg, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(msg))
		}
		se := &ServiceError{Status: resp.StatusCode, Msg: e.Error}
		switch resp.StatusCode {
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			wait, _ := runner.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			return nil, wait, se
		case http.StatusBadGateway, http.StatusGatewayTimeout:
			return nil, 0, se
		}
		return nil, -1, se
	}
	var res RunResult
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || ctx.Err() == nil && !isSyntax(err) {
			return nil, 0, &ServiceError{Msg: "the answer was cut off: " + err.Error()}
		}
		return nil, -1, &ServiceError{Status: resp.StatusCode, Msg: "unreadable answer: " + err.Error()}
	}
	return &res, 0, nil
}

func isSyntax(err error) bool {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	return errors.As(err, &se) || errors.As(err, &te)
}

// exchanges turns the wire form of a result back into exchanges, with the
// block's own error.
func (res *RunResult) exchanges() ([]*httpfile.Exchange, error) {
	var out []*httpfile.Exchange
	for _, w := range res.Exchanges {
		x, err := w.Exchange()
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	if res.Error != nil {
		e := &runner.RemoteError{Msg: *res.Error, Class: runner.FailRequest}
		if res.Failure != nil {
			e.Class = *res.Failure
		}
		if res.Reason != nil {
			e.Reason = *res.Reason
		}
		if res.Line > 0 {
			e.Pos = fileerr.Pos{File: res.File, Line: res.Line, Col: res.Col}
		}
		return out, e
	}
	return out, nil
}

// backoff is the wait before try number try+1: half of an exponentially
// growing bound, plus a random part of the other half, so that clients
// refused together do not come back together.
func backoff(try int) time.Duration {
	d := backoffCap
	if try < 16 {
		d = min(backoffCap, backoffBase<<(try-1))
	}
	return d/2 + rand.N(d/2+1)
}
