package service

import (
	"net/http"
	"strings"

	"github.com/snapdoc/snapdoc/runner/httpfile"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the runner service's counters, served at /metrics in the
// Prometheus text format. The zero value is not usable: make one with
// [NewMetrics].
type Metrics struct {
	reg *prometheus.Registry

	runs      *prometheus.CounterVec
	hits      prometheus.Counter
	collapsed prometheus.Counter
	origin    prometheus.Counter
	refused   *prometheus.CounterVec
}

// NewMetrics returns the service's counters, registered in a registry of
// their own with the collectors of the stores (such as a Redis store's
// round trips and errors) and Go's runtime metrics.
func NewMetrics(extra ...prometheus.Collector) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "snapdoc_runs_total",
			Help: "Runs of blocks, by caller (public or token) and outcome (ok, failed).",
		}, []string{"caller", "outcome"}),
		hits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "snapdoc_cache_hits_total",
			Help: "Requests of runs answered from the cache without reaching the origin.",
		}),
		collapsed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "snapdoc_runs_collapsed_total",
			Help: "Runs that waited for an identical run in flight, here or on another replica, before running.",
		}),
		origin: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "snapdoc_origin_requests_total",
			Help: "Requests that left the cache for the origin.",
		}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "snapdoc_runs_refused_total",
			Help: "Runs answered 429, by budget (client, token, origin).",
		}, []string{"budget"}),
	}
	m.reg.MustRegister(m.runs, m.hits, m.collapsed, m.origin, m.refused,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.reg.MustRegister(extra...)
	return m
}

// OriginRequest counts a request that left the cache for the origin; pass
// it to [OriginBudget].
func (m *Metrics) OriginRequest() {
	if m != nil {
		m.origin.Inc()
	}
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

func (m *Metrics) ran(caller, outcome string, ex []*httpfile.Exchange) {
	if m == nil {
		return
	}
	m.runs.WithLabelValues(caller, outcome).Inc()
	for _, e := range ex {
		// A hit of the shared cache is a miss of the run's own private
		// cache above it: Cache-Status names both (RFC 9211).
		if e.Cache == "hit" || strings.Contains(e.CacheStatus, "; hit") {
			m.hits.Inc()
		}
	}
}

func (m *Metrics) wasCollapsed() {
	if m != nil {
		m.collapsed.Inc()
	}
}

func (m *Metrics) wasRefused(budget string) {
	if m != nil {
		m.refused.WithLabelValues(budget).Inc()
	}
}
