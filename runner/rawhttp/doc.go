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
// Each request uses a connection of its own, closed when the response body
// is closed: no request is ever retried or sent on a connection a server
// may be closing. The package uses only the standard library.
package rawhttp
