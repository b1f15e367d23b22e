package redisstore

import (
	"context"
	"errors"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// metrics are the counters of a [Client]; register [Client.Collectors]
// with a Prometheus registry to export them.
type metrics struct {
	up         prometheus.GaugeFunc
	commands   prometheus.Counter
	errors     *prometheus.CounterVec
	fallbacks  *prometheus.CounterVec
	collapsed  prometheus.Counter
	collapseTO prometheus.Counter
	evictions  prometheus.Counter
	denied     *prometheus.CounterVec
}

func newMetrics(c *Client) *metrics {
	return &metrics{
		up: prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "snapdoc_redis_up",
			Help: "1 while Redis is in use, 0 while the replica is degraded to its local stores.",
		}, func() float64 {
			if c.Healthy() {
				return 1
			}
			return 0
		}),
		commands: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "snapdoc_redis_roundtrips_total",
			Help: "Round trips to Redis (a pipeline or a script counts once).",
		}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "snapdoc_redis_errors_total",
			Help: "Redis operations that failed or timed out, by operation.",
		}, []string{"op"}),
		fallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "snapdoc_redis_fallbacks_total",
			Help: "Operations answered locally because Redis was unavailable, by operation.",
		}, []string{"op"}),
		collapsed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "snapdoc_redis_collapsed_total",
			Help: "Cache misses that waited for another replica's fetch instead of fetching.",
		}),
		collapseTO: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "snapdoc_redis_collapse_timeouts_total",
			Help: "Waits for another replica's fetch that ended at their deadline.",
		}),
		evictions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "snapdoc_redis_evictions_total",
			Help: "Cache entries removed from Redis to keep it within its size cap.",
		}),
		denied: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "snapdoc_budget_denied_total",
			Help: "Runs refused by a budget, by budget (client or origin).",
		}, []string{"budget"}),
	}
}

// Collectors returns the client's metrics, for a Prometheus registry.
func (c *Client) Collectors() []prometheus.Collector {
	m := c.metrics
	return []prometheus.Collector{m.up, m.commands, m.errors, m.fallbacks, m.collapsed, m.collapseTO, m.evictions, m.denied}
}

// hook counts round trips to Redis, and tells the client of those Redis
// answered.
type hook struct{ c *Client }

func (h hook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h hook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.c.metrics.commands.Inc()
		err := next(ctx, cmd)
		h.answered(err)
		return err
	}
}

func (h hook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.c.metrics.commands.Inc()
		err := next(ctx, cmds)
		h.answered(err)
		return err
	}
}

// answered records a command that Redis answered (redis.Nil and script
// errors are answers).
func (h hook) answered(err error) {
	var rerr redis.Error
	if err == nil || errors.As(err, &rerr) {
		h.c.succeeded()
	}
}
