package redact

import (
	"net"
	"net/url"

	"github.com/snapdoc/snapdoc/internal/fileerr"
)

// Error returns err with every secret redacted from its text and from the
// texts of the errors it wraps, so that no caller can print a secret by
// unwrapping it. The errors that carry a request's URL or host
// (*url.Error, *net.OpError, *net.DNSError, *net.AddrError, a
// [Redactable] such as the runner's *RedirectError) and the positioned
// *[fileerr.Error] are copied with their fields redacted, so errors.As
// (and so the runner's Classify and ReaderText) still finds them; any other error
// whose text holds a secret is replaced by its redacted text, still
// wrapping its redacted causes. An error that holds no secret is returned
// as it is.
func (r *Redactor) Error(err error) error {
	if err == nil || !r.leaks(err) {
		return err
	}
	switch e := err.(type) {
	case *url.Error:
		c := *e
		c.URL, c.Err = r.Text(e.URL), r.Error(e.Err)
		return &c
	case *net.OpError:
		c := *e
		c.Err = r.Error(e.Err)
		c.Source, c.Addr = r.addr(e.Source), r.addr(e.Addr)
		return &c
	case *net.DNSError:
		c := *e
		c.Err, c.Name, c.Server = r.Text(e.Err), r.Text(e.Name), r.Text(e.Server)
		c.UnwrapErr = r.Error(e.UnwrapErr)
		return &c
	case *net.AddrError:
		c := *e
		c.Err, c.Addr = r.Text(e.Err), r.Text(e.Addr)
		return &c
	case *fileerr.Error:
		c := *e
		c.File, c.Err = r.Text(e.File), r.Error(e.Err)
		return &c
	case Redactable:
		return e.Redact(r.Text)
	}
	red := &redactedError{msg: r.Text(err.Error())}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if inner := r.Error(u.Unwrap()); inner != nil {
			red.causes = []error{inner}
		}
	case interface{ Unwrap() []error }:
		for _, inner := range u.Unwrap() {
			red.causes = append(red.causes, r.Error(inner))
		}
	}
	return red
}

// Redactable is an error that carries a request's URL or host in fields
// of its own: Redact returns a copy with text applied to each of them.
type Redactable interface {
	error
	Redact(text func(string) string) error
}

// leaks reports whether the text of err, or of an error it wraps, holds a
// secret.
func (r *Redactor) leaks(err error) bool {
	if err == nil {
		return false
	}
	if s := err.Error(); r.Text(s) != s {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return r.leaks(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, inner := range u.Unwrap() {
			if r.leaks(inner) {
				return true
			}
		}
	}
	return false
}

// addr redacts a network address, which names a host when no IP address
// is known yet.
func (r *Redactor) addr(a net.Addr) net.Addr {
	if a == nil {
		return nil
	}
	if s := a.String(); r.Text(s) != s {
		return redactedAddr{network: a.Network(), text: r.Text(s)}
	}
	return a
}

// redactedError is an error whose text held a secret: its redacted text,
// and its redacted causes.
type redactedError struct {
	msg    string
	causes []error
}

func (e *redactedError) Error() string   { return e.msg }
func (e *redactedError) Unwrap() []error { return e.causes }

// redactedAddr is a network address whose text held a secret.
type redactedAddr struct{ network, text string }

func (a redactedAddr) Network() string { return a.network }
func (a redactedAddr) String() string  { return a.text }
