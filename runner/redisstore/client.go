package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// ErrDegraded is returned by [Client.Ready] while Redis is unavailable.
var ErrDegraded = errors.New("redisstore: redis unavailable, serving from local stores")

// Defaults for the [Client] options.
const (
	DefaultTimeout       = 50 * time.Millisecond
	DefaultProbeInterval = 250 * time.Millisecond
	DefaultPrefix        = "snapdoc:"
)

// Client is a connection to Redis shared by a [Store] and [Budgets], with
// the health state they share: the first failed or slow operation makes it
// degraded, and a background probe makes it healthy again. It is safe for
// concurrent use.
type Client struct {
	rdb     *redis.Client
	prefix  string
	timeout time.Duration
	probe   time.Duration
	log     *slog.Logger
	metrics *metrics

	up       atomic.Bool
	timeouts atomic.Int32 // operations in a row that timed out
	lastErr  atomic.Pointer[string]
	probing  atomic.Bool
	ctx      context.Context // cancelled by Close; ends the probe and the subscription
	cancel   context.CancelFunc
	bgMu     sync.Mutex // orders goroutine starts before Close's wait
	closed   bool
	bg       sync.WaitGroup
	waitOnce sync.Once
	waiters  *waiters
}

// Option configures a [Client].
type Option func(*Client)

// WithTimeout sets the deadline of each Redis operation, after which the
// operation is given up and the client turns degraded; the default is
// [DefaultTimeout].
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// WithProbeInterval sets how often a degraded client tries Redis again; the
// default is [DefaultProbeInterval].
func WithProbeInterval(d time.Duration) Option { return func(c *Client) { c.probe = d } }

// WithPrefix sets the prefix of every Redis key and channel, so runners of
// different sites can share a database; the default is [DefaultPrefix].
func WithPrefix(p string) Option { return func(c *Client) { c.prefix = p } }

// WithLogger sets the logger for changes of health; the default discards.
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// Open connects to the Redis named by a redis://[:PASSWORD@]HOST:PORT/DB
// URL. Only a malformed URL is an error: an unreachable Redis gives a
// degraded client that keeps trying in the background.
func Open(rawURL string, opts ...Option) (*Client, error) {
	ro, err := redis.ParseURL(rawURL)
	if err != nil {
		// The URL may carry a password: name it without.
		shown := "the store URL"
		if u, perr := url.Parse(rawURL); perr == nil {
			shown = u.Redacted()
		}
		return nil, fmt.Errorf("redisstore: %s: not a redis://HOST:PORT/DB URL", shown)
	}
	quietRedis.Do(func() { redis.SetLogger(discardLogger{}) })
	c := newClient(opts)
	ro.MaxRetries = -1 // a failure turns the client degraded at once
	ro.DialerRetries = 1
	ro.DialTimeout = c.timeout
	ro.ReadTimeout = c.timeout
	ro.WriteTimeout = c.timeout
	ro.PoolTimeout = c.timeout
	ro.ContextTimeoutEnabled = true
	ro.DisableIdentity = true
	ro.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	c.rdb = redis.NewClient(ro)
	c.rdb.AddHook(hook{c})
	c.start()
	return c, nil
}

// quietRedis silences go-redis's own logger, once: it prints every failed
// dial to stderr, of the CLI and of tests, while the client already
// reports each change of health through its [WithLogger] logger. go-redis
// has one logger for the process; no other part of snapdoc uses it.
var quietRedis sync.Once

// discardLogger is a go-redis logger that drops what it is given.
type discardLogger struct{}

func (discardLogger) Printf(context.Context, string, ...any) {}

func newClient(opts []Option) *Client {
	c := &Client{
		prefix:  DefaultPrefix,
		timeout: DefaultTimeout,
		probe:   DefaultProbeInterval,
		log:     slog.New(slog.DiscardHandler),
		waiters: newWaiters(),
	}
	for _, o := range opts {
		o(c)
	}
	c.metrics = newMetrics(c)
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

// start checks Redis once, synchronously, so that a client that can reach
// it starts healthy.
func (c *Client) start() {
	ctx, cancel := c.opContext(context.Background())
	defer cancel()
	if err := c.rdb.Ping(ctx).Err(); err != nil {
		c.metrics.errors.WithLabelValues("ping").Inc()
		c.degrade(err)
		return
	}
	c.up.Store(true)
}

// Close stops the background work and closes the connections.
func (c *Client) Close() error {
	c.bgMu.Lock()
	c.closed = true
	c.bgMu.Unlock()
	c.cancel()
	c.bg.Wait()
	return c.rdb.Close()
}

// Healthy reports whether Redis is in use; false means degraded.
func (c *Client) Healthy() bool { return c.up.Load() }

// Ready returns nil while Redis is in use, and an error wrapping
// [ErrDegraded] (saying why) while the replica serves from its local
// stores. A service reports it on /readyz as degraded, not as down: the
// replica still answers.
func (c *Client) Ready() error {
	if c.up.Load() {
		return nil
	}
	why := "not reached yet"
	if p := c.lastErr.Load(); p != nil {
		why = *p
	}
	return fmt.Errorf("%w: %s", ErrDegraded, why)
}

// opContext bounds one Redis operation by the client's timeout.
func (c *Client) opContext(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, c.timeout)
}

// timeoutsToDegrade is how many operations in a row must time out for
// the client to turn degraded: one slow answer (a pause of this process
// or of Redis) costs only its own operation the answer from Redis.
const timeoutsToDegrade = 3

// failed records a failed operation; the caller answers it locally. The
// client turns degraded and the probe starts on a failed connection, or on
// the third timeout in a row. A wait for a free connection that timed out
// only costs that operation: this process had more Redis work in flight
// than connections, which says nothing of Redis (were Redis hanging, the
// operations holding the connections would time out).
func (c *Client) failed(op string, err error) {
	c.metrics.errors.WithLabelValues(op).Inc()
	if errors.Is(err, redis.ErrPoolTimeout) {
		return
	}
	if describe(err) == "timeout" && c.timeouts.Add(1) < timeoutsToDegrade {
		return
	}
	c.degrade(err)
}

// succeeded records an operation Redis answered.
func (c *Client) succeeded() {
	if c.timeouts.Load() != 0 {
		c.timeouts.Store(0)
	}
}

// degrade turns the client degraded and starts the probe.
func (c *Client) degrade(err error) {
	msg := describe(err)
	c.lastErr.Store(&msg)
	if c.up.Swap(false) {
		c.log.Warn("redisstore: redis unavailable, serving from local stores", "err", msg)
	}
	if c.probing.CompareAndSwap(false, true) && !c.goBackground(c.probeLoop) {
		c.probing.Store(false)
	}
}

// goBackground runs f in a goroutine that Close waits for, unless the
// client is closed.
func (c *Client) goBackground(f func()) bool {
	c.bgMu.Lock()
	defer c.bgMu.Unlock()
	if c.closed {
		return false
	}
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		f()
	}()
	return true
}

// describe names the kind of a failure without the command or its
// arguments, which can hold a cache key.
func describe(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, redis.ErrClosed):
		return "client closed"
	case errors.As(err, new(*net.OpError)):
		return "connection failed"
	}
	return "redis error"
}

// probeLoop pings Redis until it answers, then marks the client healthy.
func (c *Client) probeLoop() {
	defer c.probing.Store(false)
	tick := time.NewTicker(c.probe)
	defer tick.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-tick.C:
		}
		ctx, cancel := c.opContext(c.ctx)
		err := c.rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			c.timeouts.Store(0)
			c.up.Store(true)
			c.log.Info("redisstore: redis reachable again")
			return
		}
		c.metrics.errors.WithLabelValues("ping").Inc()
	}
}

// key prefixes a Redis key name.
func (c *Client) key(parts ...string) string {
	k := c.prefix
	for i, p := range parts {
		if i > 0 {
			k += ":"
		}
		k += p
	}
	return k
}
