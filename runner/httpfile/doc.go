// Package httpfile is the .http format and the request model the runner
// works on.
//
// In goes the text of an `http` fenced block or a standalone .http file
// (the syntax of VS Code REST Client, the JetBrains HTTP Client and
// httpyac) with the variables it may use; [Parse] returns its
// [Request]s, with their [Assertion]s, variables substituted and secrets
// kept as {{$env NAME}} references ([Segments], [Expand]).
// [BuildOutgoing] turns a Request and its environment into the bytes to
// send ([Outgoing]). [Exchange] is the model of what a request got back,
// as the runner records it and snapshots keep it, and [DecodeContent]
// undoes its body's content coding.
//
// Errors about the text are *[fileerr.Error]s of phase "parse", naming
// file:line:col. httpfile makes no HTTP call and knows nothing of
// snapshots, the runner service or the site generator.
package httpfile
