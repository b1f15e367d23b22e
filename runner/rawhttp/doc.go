// Package rawhttp is an HTTP/1.1 client transport that puts on the wire
// exactly the request it is given and hands on the response exactly as the
// server sent it.
//
// Unlike net/http's transport it writes header fields in the order and
// spelling the caller gives (see [WithFields]), adds no Accept-Encoding and
// decompresses nothing, and it reads the response head itself: field names
// keep their wire case and order, and nothing is added (net/http's reader
// turns a lone "Pragma: no-cache" into "Cache-Control: no-cache"). The head
// as received is available from the response with [Head], also after the
// response passed through caches that store and refresh it.
//
// Connections are reused carefully: only for safe methods without a body
// (a POST always gets a new connection, so it is never sent twice), only
// after a body whose end the framing marks was read whole, and only
// within two seconds, while a goroutine watches the idle connection for
// the server closing it. A reused connection that closes before any byte
// of an answer is retried once on a new one. The package uses only the
// standard library.
package rawhttp
