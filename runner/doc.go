// Package runner executes the HTTP requests that lessons declare and
// records what came back.
//
// In go the [httpfile.Request]s of a block (parsed by
// [github.com/snapdoc/snapdoc/runner/httpfile]) and the block's
// [RunOptions]; [Runner.Run] sends them through the RFC 9111 caching
// client of [github.com/snapdoc/snapdoc/runner/httpcache], with secrets
// redacted by [github.com/snapdoc/snapdoc/runner/redact] and assertions
// checked ([CheckAssertions]). Out come [httpfile.Exchange]s, or a
// classified error ([Classify], [ReaderText]) that names the request's
// file:line:col. The [Snapshot] files record the exchanges of each block
// ([WriteSnapshot], [ReadSnapshot]); [Hash] says when a block must run
// again. [Open] makes a runner with its shared cache; [DemoAPI] is the
// embedded demo API.
//
// The sub-packages: httpfile (the .http format and request model),
// jsonpath (paths into JSON bodies), redact (secrets out of what is
// recorded), service (the runner over HTTP), httpcache (the caching
// RoundTripper, standard library only), rawhttp (bytes on the wire),
// redisstore (the shared stores of a public runner's replicas).
//
// runner knows nothing of the site generator: the generator hands it the
// text of a block and asks for that block's output.
package runner
