package service

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// This file holds what the public runner (snapdoc runner --public) adds
// to the service: the budgets readers share, the collapsing of identical
// runs across replicas and the client address behind a reverse proxy.
// The budgets and the collapsing are interfaces so that replicas can keep
// them in a store they share; the local implementations here keep them in
// this process.

// Budgets are the public runner's budgets: each client's runs, and the
// requests that leave the cache for the origin, which every client
// shares. Replicas that share one Budgets act as one runner. A Budgets is
// safe for concurrent use.
type Budgets interface {
	// AllowClient takes one run from the budget of client (its address),
	// or says how long until one is due.
	AllowClient(ctx context.Context, client string) (ok bool, retry time.Duration)
	// AllowOrigin takes one request from the origin budget, or says how
	// long until one is due.
	AllowOrigin(ctx context.Context) (ok bool, retry time.Duration)
}

// Budget is a rate: PerMinute on average, of which Burst may come at once.
type Budget struct {
	PerMinute int
	Burst     int
}

// Default budgets of the public runner.
var (
	DefaultClientBudget = Budget{PerMinute: 30, Burst: 10}
	DefaultOriginBudget = Budget{PerMinute: 600, Burst: 600}
)

func (b Budget) limiter() *rate.Limiter {
	return rate.NewLimiter(rate.Limit(float64(b.PerMinute)/60), max(b.Burst, 1))
}

// LocalBudgets keeps the budgets in this process, with
// golang.org/x/time/rate.
type LocalBudgets struct {
	client Budget
	origin *rate.Limiter

	mu      sync.Mutex
	clients map[string]*budget
}

// NewLocalBudgets returns budgets kept in this process; a zero Budget
// takes its default.
func NewLocalBudgets(client, origin Budget) *LocalBudgets {
	if client.PerMinute <= 0 {
		client = DefaultClientBudget
	}
	if origin.PerMinute <= 0 {
		origin = DefaultOriginBudget
	}
	return &LocalBudgets{client: client, origin: origin.limiter(), clients: map[string]*budget{}}
}

// AllowClient implements [Budgets].
func (b *LocalBudgets) AllowClient(_ context.Context, client string) (bool, time.Duration) {
	now := time.Now()
	b.mu.Lock()
	bu := b.clients[client]
	if bu == nil {
		if len(b.clients) >= maxClients {
			forgetIdle(b.clients, now, maxClients/2)
		}
		bu = &budget{lim: b.client.limiter()}
		b.clients[client] = bu
	}
	bu.used = now
	b.mu.Unlock()
	return reserve(bu.lim, now)
}

// AllowOrigin implements [Budgets].
func (b *LocalBudgets) AllowOrigin(context.Context) (bool, time.Duration) {
	return reserve(b.origin, time.Now())
}

// maxClients bounds the clients whose budgets a [LocalBudgets] remembers:
// a flood of addresses costs memory up to it, then the idlest are
// forgotten (their budgets start full again).
const maxClients = 1 << 16

// forgetIdle drops the budgets unused for a minute, and then any until
// fewer than keep are left.
func forgetIdle(m map[string]*budget, now time.Time, keep int) {
	for k, bu := range m {
		if now.Sub(bu.used) > time.Minute {
			delete(m, k)
		}
	}
	for k := range m {
		if len(m) < keep {
			break
		}
		delete(m, k)
	}
}

// reserve takes one token from l now, or says when one is due.
func reserve(l *rate.Limiter, now time.Time) (bool, time.Duration) {
	res := l.ReserveN(now, 1)
	if !res.OK() {
		return false, time.Minute
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// OriginBudgetError is a request the origin budget refused: the run is
// answered 429, with RetryAfter.
type OriginBudgetError struct {
	RetryAfter time.Duration
}

func (e *OriginBudgetError) Error() string {
	return fmt.Sprintf("the runner's budget of requests to the origin is spent; retry in %s s", retryAfterSeconds(e.RetryAfter))
}

// publicRun marks the context of a run an anonymous caller asked for,
// whose requests to the origin the origin budget pays.
type publicRun struct{}

// OriginBudget returns a wrapper for [runner.Config.Origin] that takes a request
// from b's origin budget for each request of an anonymous caller's run
// that leaves the cache, and fails it with an [*OriginBudgetError] when
// the budget is spent; count, when set, is called for every request that
// goes to the origin. Answers from the cache never reach it, so they cost
// the origin budget nothing; the token holder's runs (a build) are not
// charged.
func OriginBudget(b Budgets, count func()) func(http.RoundTripper) http.RoundTripper {
	return func(next http.RoundTripper) http.RoundTripper {
		return originBudget{b: b, next: next, count: count}
	}
}

type originBudget struct {
	b     Budgets
	next  http.RoundTripper
	count func()
}

func (t originBudget) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Context().Value(publicRun{}) != nil {
		if ok, wait := t.b.AllowOrigin(req.Context()); !ok {
			if req.Body != nil {
				_ = req.Body.Close()
			}
			return nil, &OriginBudgetError{RetryAfter: wait}
		}
	}
	if t.count != nil {
		t.count()
	}
	return t.next.RoundTrip(req)
}

// Collapser collapses identical runs across replicas: while one replica
// runs a block, the others wait for it, then run it themselves, finding
// its responses in the cache they share.
type Collapser interface {
	// Collapse is called before a run of key. When no run of key is in
	// flight it returns a function to call once the run is done. When one
	// is, it waits until that run ends, its own deadline passes or ctx is
	// done, and returns nil.
	Collapse(ctx context.Context, key string) (done func())
}

// LocalCollapser collapses runs within this process, or across the
// replicas of a process that share it.
type LocalCollapser struct {
	// Wait bounds a wait for another run; 10 s when zero.
	Wait time.Duration

	mu       sync.Mutex
	inflight map[string]chan struct{}
}

// Collapse implements [Collapser].
func (c *LocalCollapser) Collapse(ctx context.Context, key string) func() {
	c.mu.Lock()
	if c.inflight == nil {
		c.inflight = map[string]chan struct{}{}
	}
	ch, busy := c.inflight[key]
	if !busy {
		ch = make(chan struct{})
		c.inflight[key] = ch
		c.mu.Unlock()
		return func() {
			c.mu.Lock()
			delete(c.inflight, key)
			c.mu.Unlock()
			close(ch)
		}
	}
	c.mu.Unlock()
	wait := c.Wait
	if wait <= 0 {
		wait = 10 * time.Second
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	case <-ctx.Done():
	}
	return nil
}

// ParseProxies parses the --trust-proxy ranges: CIDR prefixes such as
// 10.0.0.0/8, or single addresses.
func ParseProxies(specs []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range specs {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("--trust-proxy %q: want a CIDR range such as 10.0.0.0/8, or an address", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// clientAddr is the address of the client that made r: the peer, or,
// when the peer is a trusted proxy, the right-most address of
// X-Forwarded-For that is not a trusted proxy. Entries to its left are
// what the client itself sent, which anyone can forge.
func clientAddr(r *http.Request, proxies []netip.Prefix) string {
	p := peer(r)
	addr, err := netip.ParseAddr(p)
	if err != nil || !inRanges(proxies, addr) {
		return p
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// A hop that is no address: what is left of it cannot be
			// trusted, and the proxy that wrote it is the client.
			return addr.String()
		}
		hop = hop.Unmap()
		if !inRanges(proxies, hop) {
			return hop.String()
		}
		addr = hop
	}
	return addr.String()
}

func inRanges(ranges []netip.Prefix, a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ranges {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
