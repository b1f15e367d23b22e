// Package templates holds snapdoc's default theme, embedded into the binary.
//
// A site overrides any file by placing one at the same path in its own
// templates/ directory.
package templates

import "embed"

// FS is the default theme: page layouts, static assets, and the code
// snippet templates under snippets/.
//
//go:embed *.html partials static snippets
var FS embed.FS
