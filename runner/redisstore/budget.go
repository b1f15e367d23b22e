package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"golang.org/x/time/rate"
)

// Limit is a budget: Rate runs per Period, of which Burst may come at
// once.
type Limit struct {
	Rate   int
	Period time.Duration
	Burst  int
}

// Default budgets.
var (
	DefaultClientLimit = Limit{Rate: 30, Period: time.Minute, Burst: 10}
	DefaultOriginLimit = Limit{Rate: 600, Period: time.Minute, Burst: 600}
)

// maxLocalClients bounds the per-client limiters kept while degraded.
const maxLocalClients = 100_000

// BudgetConfig sets the budgets; zero limits take the defaults.
type BudgetConfig struct {
	// Client is each client's budget of runs.
	Client Limit
	// Origin is the budget, shared by every client, of requests that
	// leave the cache for the origin.
	Origin Limit
}

// Budgets enforces the per-client and the origin budget across every
// replica using the same Redis (GCRA, the generic cell rate algorithm, as
// a script in Redis). While Redis is unavailable each replica enforces
// both budgets on its own, so N replicas then allow up to N times as much.
type Budgets struct {
	c      *Client
	cfg    BudgetConfig
	rl     *redis_rate.Limiter
	client redis_rate.Limit
	origin redis_rate.Limit

	mu       sync.Mutex
	local    map[string]*rate.Limiter // per client, while degraded
	localOrg *rate.Limiter
}

// Budgets returns the budgets kept on c.
func (c *Client) Budgets(cfg BudgetConfig) *Budgets {
	if cfg.Client.Rate <= 0 {
		cfg.Client = DefaultClientLimit
	}
	if cfg.Origin.Rate <= 0 {
		cfg.Origin = DefaultOriginLimit
	}
	return &Budgets{
		c:        c,
		cfg:      cfg,
		rl:       redis_rate.NewLimiter(c.rdb),
		client:   cfg.Client.redis(),
		origin:   cfg.Origin.redis(),
		local:    make(map[string]*rate.Limiter),
		localOrg: cfg.Origin.local(),
	}
}

func (l Limit) period() time.Duration {
	if l.Period <= 0 {
		return time.Minute
	}
	return l.Period
}

func (l Limit) burst() int { return max(l.Burst, 1) }

func (l Limit) redis() redis_rate.Limit {
	return redis_rate.Limit{Rate: l.Rate, Period: l.period(), Burst: l.burst()}
}

func (l Limit) local() *rate.Limiter {
	return rate.NewLimiter(rate.Limit(float64(l.Rate)/l.period().Seconds()), l.burst())
}

// AllowClient takes one run from the budget of client (its address; only
// a hash of it reaches Redis), or says how long until one is due. With
// AllowOrigin it implements the runner's Budgets.
func (b *Budgets) AllowClient(ctx context.Context, client string) (ok bool, retry time.Duration) {
	sum := sha256.Sum256([]byte(client))
	id := hex.EncodeToString(sum[:12])
	ok, retry = b.allow(ctx, b.c.key("client", id), b.client, func() *rate.Limiter { return b.localClient(id) })
	if !ok {
		b.c.metrics.denied.WithLabelValues("client").Inc()
	}
	return ok, retry
}

// AllowOrigin takes one request from the origin budget, or says how long
// until one is due; call it for each request that leaves the cache.
func (b *Budgets) AllowOrigin(ctx context.Context) (ok bool, retry time.Duration) {
	ok, retry = b.allow(ctx, b.c.key("origin"), b.origin, func() *rate.Limiter { return b.localOrg })
	if !ok {
		b.c.metrics.denied.WithLabelValues("origin").Inc()
	}
	return ok, retry
}

// allow asks Redis, or the local limiter while Redis is unavailable.
func (b *Budgets) allow(ctx context.Context, key string, limit redis_rate.Limit, local func() *rate.Limiter) (bool, time.Duration) {
	if b.c.Healthy() {
		octx, cancel := b.c.opContext(ctx)
		res, err := b.rl.Allow(octx, key, limit)
		cancel()
		if err == nil {
			return res.Allowed > 0, max(res.RetryAfter, 0)
		}
		if ctx.Err() == nil {
			b.c.failed("budget", err)
		}
	}
	b.c.metrics.fallbacks.WithLabelValues("budget").Inc()
	return reserve(local(), time.Now())
}

// reserve takes a token from l if one is available now.
func reserve(l *rate.Limiter, now time.Time) (bool, time.Duration) {
	r := l.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Minute
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// localClient returns the local limiter of a client, creating it; the
// table is emptied when it grows too large (a flood of addresses then
// resets everyone's local budget, never blocks memory).
func (b *Budgets) localClient(id string) *rate.Limiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	l, ok := b.local[id]
	if !ok {
		if len(b.local) >= maxLocalClients {
			clear(b.local)
		}
		l = b.cfg.Client.local()
		b.local[id] = l
	}
	return l
}
