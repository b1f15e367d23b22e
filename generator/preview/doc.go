// Package preview holds the building blocks of the live-preview server: a
// [Watcher] that turns file-system events into batches of changed paths, and
// a [Server] that serves a site from memory and tells open pages, over
// Server-Sent Events, to reload, to show a build error, or to navigate.
//
// The package knows nothing of lessons or of the generator: the caller
// rebuilds the site when a batch arrives and hands the result to
// [Server.Update], or a failure to [Server.SetError].
package preview
