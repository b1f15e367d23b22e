package runner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// Failure is the class of a request that failed. Whatever the class, a
// build keeps the block's good snapshot and marks it stale; the class
// says what went wrong, in reports such as `snapdoc check --json`.
type Failure string

// The failure classes.
const (
	// FailConnection: the request could not reach the server (the host
	// name did not resolve, the connection was refused or broken, TLS
	// failed).
	FailConnection Failure = "connection"
	// FailTimeout: no complete answer within the block's timeout.
	FailTimeout Failure = "timeout"
	// FailServerError: the server answered with a 5xx status.
	FailServerError Failure = "server-error"
	// FailRequestTimeout: the server answered 408 Request Timeout.
	FailRequestTimeout Failure = "request-timeout"
	// FailTooManyRequests: the server answered 429 Too Many Requests,
	// again after waiting once as its Retry-After asked, or with a wait
	// longer than the block's timeout.
	FailTooManyRequests Failure = "too-many-requests"
	// FailRedirect: the server redirected to a host the site does not
	// declare.
	FailRedirect Failure = "redirect"
	// FailAssertion: a response did not pass an assertion of the block.
	// An assertion error plugs in by implementing [Classified] (and
	// [ReaderTexter] for what the page says), or by wrapping
	// [ErrAssertion].
	FailAssertion Failure = "assertion"
	// FailRequest: the request could not be sent as declared, for
	// example because a secret's environment variable is not set.
	FailRequest Failure = "request"
)

// ErrAssertion is what a failed assertion wraps, when its error type does
// not implement [Classified] itself.
var ErrAssertion = errors.New("assertion failed")

// Classified is an error that knows its failure class. Errors of other
// packages, such as assertion failures, implement it to be classified.
type Classified interface {
	error
	Failure() Failure
}

// ReaderTexter is an error that can say what failed in a reader's terms:
// without the build machine's resolver addresses, local paths or the
// internal hosts that runner.hosts routes to. [ReaderText] uses it first.
type ReaderTexter interface {
	error
	ReaderText() string
}

// StatusError is a response whose status makes the request a failure:
// a 5xx, 408 or 429.
type StatusError struct {
	// Code is the status code; Status the status line's text as sent
	// ("429 Too Many Requests").
	Code   int
	Status string
	// RetryAfter is the response's Retry-After field. Retried is set when
	// the runner sent the request a second time, after waiting Waited.
	RetryAfter string
	Retried    bool
	Waited     time.Duration
	// Timeout is the block's timeout, which bounds the wait.
	Timeout time.Duration
}

// Error says what the server answered and, for a 429, why the runner gave
// up.
func (e *StatusError) Error() string {
	status := e.Status
	if code := strconv.Itoa(e.Code); !strings.HasPrefix(status, code) {
		status = strings.TrimSpace(code + " " + status) // a status without its code, as an in-process handler gives
	}
	msg := "the server answered " + status
	if e.Code != http.StatusTooManyRequests {
		return msg
	}
	switch {
	case e.Retried:
		return fmt.Sprintf("%s again after waiting %s as its Retry-After asked", msg, e.Waited)
	case e.RetryAfter == "":
		return msg + " with no Retry-After; not retried"
	default:
		return fmt.Sprintf("%s with Retry-After: %s, not a wait within the block's timeout of %s; not retried", msg, e.RetryAfter, e.Timeout)
	}
}

// Failure classifies the status.
func (e *StatusError) Failure() Failure {
	switch {
	case e.Code == http.StatusTooManyRequests:
		return FailTooManyRequests
	case e.Code == http.StatusRequestTimeout:
		return FailRequestTimeout
	default:
		return FailServerError
	}
}

// ReaderText is the status code and its standard text.
func (e *StatusError) ReaderText() string {
	if t := http.StatusText(e.Code); t != "" {
		return fmt.Sprintf("%d %s", e.Code, t)
	}
	return strconv.Itoa(e.Code)
}

// failingStatus reports whether a response with the status code is a
// failure rather than an output to record.
func failingStatus(code int) bool {
	return code >= 500 || code == http.StatusRequestTimeout || code == http.StatusTooManyRequests
}

// ParseRetryAfter is how long a Retry-After field value (seconds, or an
// HTTP-date) asks to wait from now; false when it says neither.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// RedirectError is a redirect to a host the site does not declare, which
// the runner does not follow.
type RedirectError struct {
	// Status is the redirect's status code; To where it pointed.
	Status int
	To     *url.URL
}

// Error names the redirect's target.
func (e *RedirectError) Error() string {
	return fmt.Sprintf("the server answered %d, a redirect to %s; %s is not a host of the request nor of runner.hosts, so it is not followed", e.Status, e.To.Redacted(), e.To.Hostname())
}

// Failure is [FailRedirect].
func (e *RedirectError) Failure() Failure { return FailRedirect }

// ReaderText names the host redirected to.
func (e *RedirectError) ReaderText() string {
	return fmt.Sprintf("redirected to %s, a host this lesson does not declare", e.To.Hostname())
}

// Redact returns a copy of e with text applied to the parts of its
// target, which may hold a secret; the user information is dropped. It
// makes a RedirectError a [redact.Redactable].
func (e *RedirectError) Redact(text func(string) string) error {
	c := *e
	if e.To != nil {
		to := *e.To
		to.User = nil
		to.Host, to.Path, to.RawPath = text(to.Host), text(to.Path), text(to.RawPath)
		to.RawQuery, to.Fragment, to.RawFragment = text(to.RawQuery), text(to.Fragment), text(to.RawFragment)
		c.To = &to
	}
	return &c
}

// TimeoutError is a request that got no complete answer in time.
type TimeoutError struct {
	After time.Duration
}

// Error says how long the runner waited.
func (e *TimeoutError) Error() string { return "no answer within " + e.After.String() }

// Failure is [FailTimeout].
func (e *TimeoutError) Failure() Failure { return FailTimeout }

// ReaderText says how long the runner waited, for readers.
func (e *TimeoutError) ReaderText() string { return "timed out after " + readableDuration(e.After) }

// readableDuration writes d as people do: "10 s", "1.5 s", "200 ms".
func readableDuration(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	}
	return strconv.FormatFloat(d.Round(100*time.Millisecond).Seconds(), 'f', -1, 64) + " s"
}

// RemoteError is a failed run the runner service reported, with the
// class and reader text it gave.
type RemoteError struct {
	Msg    string
	Class  Failure
	Reason string
	// Pos is where the failure is, when the service named the place.
	Pos fileerr.Pos
}

// Error is the service's text of the failure.
func (e *RemoteError) Error() string { return e.Msg }

// As lets [errors.As] and [fileerr.As] find the failure's position, when
// the service named one, as a *[fileerr.Error] of phase "run" with the
// service's text.
func (e *RemoteError) As(target any) bool {
	rest, ok := strings.CutPrefix(e.Msg, e.Pos.String()+": ")
	return ok && positioned(target, e.Pos, "", errors.New(rest))
}

// Failure is the class the service gave.
func (e *RemoteError) Failure() Failure { return e.Class }

// ReaderText is the reader text the service gave, if it gave one.
func (e *RemoteError) ReaderText() string {
	if e.Reason == "" {
		return "the runner service could not run it"
	}
	return e.Reason
}

// Classify returns the failure class of an error of [Runner.Run].
func Classify(err error) Failure {
	var c Classified
	switch {
	case errors.As(err, &c):
		return c.Failure()
	case errors.Is(err, ErrAssertion):
		return FailAssertion
	case isTimeout(err):
		return FailTimeout
	case isConnection(err):
		return FailConnection
	}
	return FailRequest
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

func isConnection(err error) bool {
	var (
		op  *net.OpError
		dns *net.DNSError
	)
	return errors.As(err, &op) || errors.As(err, &dns) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || isTLS(err)
}

func isTLS(err error) bool {
	var (
		rec  tls.RecordHeaderError
		cert *tls.CertificateVerificationError
		ua   x509.UnknownAuthorityError
		host x509.HostnameError
		inv  x509.CertificateInvalidError
	)
	return errors.As(err, &rec) || errors.As(err, &cert) || errors.As(err, &ua) || errors.As(err, &host) || errors.As(err, &inv)
}

// ReaderText says what failed in an error of [Runner.Run] in a reader's
// terms, for a published page: "could not resolve host api.test",
// "timed out after 10 s", "429 Too Many Requests", "connection refused by
// api.test". It names hosts as the lesson does, never the build machine's
// resolver, its files or the internal hosts runner.hosts routes to; the
// full error, for the terminal, is err.Error().
func ReaderText(err error) string {
	var rt ReaderTexter
	if errors.As(err, &rt) {
		return rt.ReaderText()
	}
	host := "the server"
	var re *RequestError
	if errors.As(err, &re) {
		if u, perr := url.Parse(re.URL); perr == nil && u.Hostname() != "" && !strings.Contains(u.Hostname(), "{{") {
			host = u.Hostname()
		}
	}
	var (
		dns  *net.DNSError
		addr *net.AddrError // a name with no address to dial
		miss *httpfile.MissingEnvError
	)
	switch {
	case errors.As(err, &miss):
		return miss.Error()
	case errors.Is(err, httpfile.ErrBodyFile):
		return "its body file could not be read"
	case errors.Is(err, httpfile.ErrBadURL):
		return "its URL is not an absolute http or https URL"
	case isTimeout(err):
		return "timed out"
	case errors.As(err, &dns) || errors.As(err, &addr):
		return "could not resolve host " + host
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused by " + host
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by " + host
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return host + " closed the connection before answering in full"
	case isTLS(err):
		return "the TLS handshake with " + host + " failed"
	case errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH):
		return host + " is unreachable"
	case isConnection(err):
		return "could not connect to " + host
	case errors.Is(err, os.ErrNotExist):
		return "a file it needs is missing"
	}
	return "the request failed"
}
