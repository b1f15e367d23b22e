// Package runner executes the HTTP requests that lessons declare.
//
// It owns the request model ([Request]), the parser for the .http syntax
// used inside `http` fenced blocks and in standalone .http files, the
// execution of requests through the RFC 9111 caching client in
// [github.com/snapdoc/snapdoc/runner/httpcache], the snapshot files that
// record what came back, the runner service and the embedded demo API.
//
// runner knows nothing of the site generator: the generator hands it the
// text of a block and asks for that block's output.
package runner
