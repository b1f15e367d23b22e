// Package redisstore lets runner replicas share one Redis: an HTTP cache
// store for [httpcache] (entries expire with their freshness plus a stale
// window, variants, a size cap), request collapsing across replicas (an
// [httpcache.Collapser]) and the run budgets (GCRA, through redis_rate).
//
// Redis is an accelerator, never a dependency: every operation has a short
// deadline, and when Redis fails or is slow the [Client] turns degraded.
// Degraded, the store serves from and writes to its local store, budgets
// are enforced by each replica on its own, and misses collapse within the
// process only; nothing fails because of Redis. A probe reconnects in the
// background and the client turns healthy again when Redis answers.
//
// Open one [Client] per process, then take the [Store] and the [Budgets]
// from it; [Client.Ready] is the readiness signal and [Client.Collectors]
// the Prometheus metrics.
package redisstore
