package service

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits bound what callers of a listening service may take: time, bytes,
// connections, runs in flight and runs per second. Zero fields take the
// values of [DefaultLimits].
type Limits struct {
	// ReadHeaderTimeout, ReadTimeout, WriteTimeout and IdleTimeout are the
	// http.Server's: a client that sends its headers, or its body, too
	// slowly is cut off; WriteTimeout bounds a whole run.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's head (431 beyond), MaxBodyBytes
	// its body (413 beyond).
	MaxHeaderBytes int
	MaxBodyBytes   int64
	// MaxConns bounds the open connections: beyond it the one idle
	// longest is closed, or, when all are busy, the newest is answered
	// 503.
	MaxConns int
	// MaxRuns bounds the blocks running at once; a run waits up to
	// QueueWait for its turn, then is answered 503 with Retry-After.
	MaxRuns   int
	QueueWait time.Duration
	// Rate and Burst are each untrusted caller's runs per second;
	// TrustedRate and TrustedBurst the budget of the token holder (or of
	// the programs of this machine, for a runner without a token).
	Rate, TrustedRate   float64
	Burst, TrustedBurst int
}

// DefaultLimits are the limits of snapdoc runner and snapdoc serve.
func DefaultLimits() Limits {
	return Limits{
		ReadHeaderTimeout: 3 * time.Second,
		ReadTimeout:       5 * time.Second,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		MaxBodyBytes:      16 << 10,
		MaxConns:          512,
		MaxRuns:           64,
		QueueWait:         10 * time.Second,
		Rate:              2,
		Burst:             10,
		TrustedRate:       1000,
		TrustedBurst:      2000,
	}
}

// withDefaults fills the zero fields of l from [DefaultLimits].
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	orDefault(&l.ReadHeaderTimeout, d.ReadHeaderTimeout)
	orDefault(&l.ReadTimeout, d.ReadTimeout)
	orDefault(&l.WriteTimeout, d.WriteTimeout)
	orDefault(&l.IdleTimeout, d.IdleTimeout)
	orDefault(&l.QueueWait, d.QueueWait)
	orDefault(&l.MaxHeaderBytes, d.MaxHeaderBytes)
	orDefault(&l.MaxBodyBytes, d.MaxBodyBytes)
	orDefault(&l.MaxConns, d.MaxConns)
	orDefault(&l.MaxRuns, d.MaxRuns)
	orDefault(&l.Rate, d.Rate)
	orDefault(&l.Burst, d.Burst)
	orDefault(&l.TrustedRate, d.TrustedRate)
	orDefault(&l.TrustedBurst, d.TrustedBurst)
	return l
}

// orDefault sets *v to def unless it is positive.
func orDefault[T int | int64 | float64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// NewHTTPServer returns an http.Server for h with the timeouts and header
// bound of l.
func NewHTTPServer(h http.Handler, l Limits) *http.Server {
	l = l.withDefaults()
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
	}
}

// LimitConns returns a listener that keeps at most max connections of srv
// open. It takes over srv.ConnState, by which it learns which connections
// are idle, and srv.ConnContext: a new connection beyond max closes the
// one that has been idle (or not yet sent a whole request) the longest,
// after those whose request was refused, so that a crowd of silent or
// refused connections cannot lock out a real caller; when none is idle,
// the new connection is answered 503 and closed.
func LimitConns(l net.Listener, srv *http.Server, max int) net.Listener {
	if max <= 0 {
		max = DefaultLimits().MaxConns
	}
	cl := &connLimit{Listener: l, max: max, conns: map[net.Conn]connState{}}
	srv.ConnState = cl.track
	srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		return context.WithValue(ctx, connRefKey{}, connRef{cl, c})
	}
	return cl
}

// connRef is a request's connection, and its limit.
type connRef struct {
	cl *connLimit
	c  net.Conn
}

type connRefKey struct{}

// condemn makes the connection of a refused request the first to close
// when room is needed.
func condemn(r *http.Request) {
	ref, ok := r.Context().Value(connRefKey{}).(connRef)
	if !ok {
		return
	}
	ref.cl.mu.Lock()
	defer ref.cl.mu.Unlock()
	if _, ok := ref.cl.conns[ref.c]; ok {
		ref.cl.conns[ref.c] = connState{idle: true} // the zero time: before any other
	}
}

type connLimit struct {
	net.Listener
	max   int
	mu    sync.Mutex
	conns map[net.Conn]connState
}

type connState struct {
	idle  bool      // new, or idle between requests
	since time.Time // when it became idle
}

// overloaded is written to a connection refused because every other one
// is busy.
const overloaded = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 41\r\n\r\n{\"error\":\"too many connections; retry\"}\n"

// Accept accepts a connection, making room for it if need be.
func (cl *connLimit) Accept() (net.Conn, error) {
	for {
		c, err := cl.Listener.Accept()
		if err != nil {
			return nil, err
		}
		cl.mu.Lock()
		if len(cl.conns) >= cl.max {
			victim := cl.longestIdle()
			if victim == nil {
				cl.mu.Unlock()
				go refuseConn(c)
				continue
			}
			delete(cl.conns, victim)
			victim.Close()
		}
		cl.conns[c] = connState{idle: true, since: time.Now()}
		cl.mu.Unlock()
		return c, nil
	}
}

// longestIdle is the connection idle the longest, or nil; cl.mu is held.
func (cl *connLimit) longestIdle() net.Conn {
	var victim net.Conn
	var since time.Time
	for c, st := range cl.conns {
		if st.idle && (victim == nil || st.since.Before(since)) {
			victim, since = c, st.since
		}
	}
	return victim
}

func (cl *connLimit) track(c net.Conn, st http.ConnState) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if _, ok := cl.conns[c]; !ok {
		return // closed to make room, or never counted
	}
	switch st {
	case http.StateActive:
		cl.conns[c] = connState{}
	case http.StateIdle:
		cl.conns[c] = connState{idle: true, since: time.Now()}
	case http.StateHijacked, http.StateClosed:
		delete(cl.conns, c)
	}
}

func refuseConn(c net.Conn) {
	_ = c.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = c.Write([]byte(overloaded))
	c.Close()
}

// Gate bounds the runs in flight; a run waits its turn up to a deadline.
type Gate struct {
	slots chan struct{}
	wait  time.Duration
}

// NewGate returns a gate for n runs at once, each waiting up to wait for
// its turn.
func NewGate(n int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, n), wait: wait}
}

// Full reports whether every slot is taken.
func (g *Gate) Full() bool { return len(g.slots) == cap(g.slots) }

// Enter waits for a slot and returns its release, or false when the wait
// ran out or ctx ended.
func (g *Gate) Enter(ctx context.Context) (func(), bool) {
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, true
	case <-t.C:
	case <-ctx.Done():
	}
	return nil, false
}

// budgets are the rate limits per caller.
type budgets struct {
	mu      sync.Mutex
	lim     Limits
	callers map[string]*budget
}

type budget struct {
	lim  *rate.Limiter
	used time.Time
}

// maxCallers bounds the callers whose budgets are remembered.
const maxCallers = 4096

func newBudgets(l Limits) *budgets {
	return &budgets{lim: l, callers: map[string]*budget{}}
}

// take spends one run of c's budget, or says how long until one is due.
func (b *budgets) take(c Caller) (ok bool, retry time.Duration) {
	now := time.Now()
	b.mu.Lock()
	bu := b.callers[c.Name]
	if bu == nil {
		if len(b.callers) >= maxCallers {
			b.forget(now)
		}
		r, burst := b.lim.Rate, b.lim.Burst
		if c.Trusted {
			r, burst = b.lim.TrustedRate, b.lim.TrustedBurst
		}
		bu = &budget{lim: rate.NewLimiter(rate.Limit(r), burst)}
		b.callers[c.Name] = bu
	}
	bu.used = now
	b.mu.Unlock()
	res := bu.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// forget drops the budgets of callers not seen for a minute, whose
// budgets are full again anyway, and then, if that was not enough, any
// until half are left; b.mu is held.
func (b *budgets) forget(now time.Time) {
	for k, bu := range b.callers {
		if now.Sub(bu.used) > time.Minute {
			delete(b.callers, k)
		}
	}
	for k := range b.callers {
		if len(b.callers) < maxCallers/2 {
			break
		}
		delete(b.callers, k)
	}
}

// retryAfterSeconds formats d as a Retry-After value: whole seconds, at least 1.
func retryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(int(math.Max(1, math.Ceil(d.Seconds()))))
}

// tooBusy answers a run that could not get its turn.
// The connection is closed: a caller that was refused before its body
// was read must not hold the connection by sending it slowly.
func tooBusy(w http.ResponseWriter, r *http.Request, status int, wait time.Duration, what string) {
	w.Header().Set("Retry-After", retryAfterSeconds(wait))
	hangUp(w, r)
	NoteRefused(r, what)
	writeError(w, status, fmt.Sprintf("%s; retry in %s s", what, retryAfterSeconds(wait)))
}
