// Package snippet turns a [httpfile.Request] into code in several languages
// and proves, by running it, that the code sends the intended request.
//
// # Templates
//
// Each language is a text/template file snippets/<id>.tmpl in the theme file
// system (the embedded templates overlaid by a site's templates/ directory),
// so a site adds or overrides a language by adding one file. Templates get
// sprig's hermetic function map plus the escaping helpers of [Funcs], and a
// [View] of the request as data.
//
// # Decisions
//
//   - The URL is kept as written: existing percent-escapes are never encoded
//     twice. Only what a URL cannot carry is percent-encoded (spaces,
//     non-ASCII, quotes, brackets, braces, ...), and needless escapes of
//     unreserved characters are decoded (RFC 3986 section 6.2.2), because
//     every client library does one or the other and the normal form is the
//     only one they all send unchanged. The fragment is dropped.
//   - A JSON body (a JSON content type and a body that parses) is shown
//     indented by two spaces; Python and JavaScript send it from a native
//     literal, so the server receives the same JSON value, not the same
//     bytes. Every other body is sent byte for byte.
//   - A body from a file ("< ./file") must be inlined by the caller with
//     [InlineBodyFile] before rendering: the code on the page must run when
//     copied on its own, and JavaScript in a browser cannot read files.
//   - JavaScript is an async IIFE around fetch, not a module with top-level
//     await, so the same text runs as a CommonJS or ES module file in Node 20
//     and as a classic script or in the console of a browser.
//   - Secrets ("{{$env NAME}}") become environment lookups in the code and
//     stay as references in the raw HTTP message.
//   - The request's HTTP version is not rendered: each client negotiates
//     its own, and the raw message is always HTTP/1.1.
//   - Every program but curl fails on a 4xx or 5xx status; otherwise it
//     prints "Status Code: <n>" and the body, JSON indented. curl prints
//     the body as received, as people use it.
//
// # Verification
//
// [Set.Verify] renders a request in one language, runs the program against
// a loopback echo server (the go-httpbin demo API) and compares what the
// server received with what the request says; [Set.VerifyAll] does it for
// many requests, building compiled languages once. [Set.Supports] tells
// which request shapes a language cannot express, and why.
package snippet
