// Package service is the runner over HTTP: the JSON API that runs a
// site's blocks for a build on another machine or for the readers of a
// published site, and the [Client] a build calls it with.
//
// In goes a [github.com/snapdoc/snapdoc/runner.Runner] and a [Catalog] of
// the blocks the site declares; [Service.Handler] serves POST /v1/run
// ({"file", "block", "hash"}), health, readiness and metrics. Out come
// [RunResult]s: the block's exchanges in their wire form ([WireExchange])
// and, on failure, the error's text, class and reader text. Around the
// runs sit who may call ([Access]), what callers may take ([Limits],
// [Gate], [Budgets], [Collapser]), the access log and the counters
// ([Metrics]).
//
// service imports runner; runner never imports service.
package service
