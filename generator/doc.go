// Package generator turns a site of Markdown lessons into static pages.
//
// A build loads the site config and the lessons under content/, splits and
// strictly decodes each lesson's front matter, converts the Markdown with
// goldmark, renders the pages through the html/template theme (the embedded
// default, overridable per file by the site's templates/ directory), and
// writes the result atomically: pages are rendered into a temporary
// directory beside the destination, which is swapped in only when the
// whole build has succeeded.
//
// The generator never makes HTTP requests. It finds the `http` blocks of a
// lesson and asks a [Runner] for their output.
package generator
