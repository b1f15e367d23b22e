package generator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/snapdoc/snapdoc/generator/snippet"
	"github.com/snapdoc/snapdoc/internal/safeopen"
	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/redact"
)

// Example is what a page shows for an http block: the request as code in
// several languages and what the request returned. The theme's "example"
// partial renders it.
type Example struct {
	Block *Block
	// File is the lesson's path, relative to the site's root.
	File string
	// Dev is set when the page is served by snapdoc serve, which can run
	// the block again.
	Dev bool
	// Try is set on a published page, of a site with try.runner, for a
	// block readers may run: the page has a Run button that asks the
	// public runner (see the theme's "try" partial).
	Try bool
	// Code is the block's code in several languages: one group of tabs
	// per request, the lesson's language first.
	Code []CodeGroup
	// State is "recorded" (the output is from a snapshot that matches the
	// block), "stale" (the block could not be run again and shows its
	// previous snapshot of the same requests), "unrecorded" (it could not
	// be run and has no snapshot of its current requests, so it shows no
	// output), "norun" (the author asked not to run it) or "pending" (not
	// run in this build, for example in a dry run).
	State string
	// Error says why a stale or unrecorded block could not be run, in a
	// reader's terms ("429 Too Many Requests"); Failure is its class, one
	// of runner's Fail… constants ("too-many-requests").
	Error, Failure string
	// FailedChecks are the assertion results of the request whose
	// assertions failed in this build's run, when that is why the block
	// is stale or unrecorded.
	FailedChecks []httpfile.AssertResult
	// Recorded is when the shown output was recorded.
	Recorded time.Time
	// Outputs are the responses, one per request.
	Outputs []Output

	exchanges []*httpfile.Exchange
}

// Hash is the hash of the block's requests, which the preview's Run
// button sends so that a page older than its lesson is refused.
func (e *Example) Hash() string { return runner.Hash(e.Block.Requests) }

// CodeGroup is the code of one request in each language that can express
// it.
type CodeGroup struct {
	// Name is the request's name, or its method and URL.
	Name string
	Tabs []Tab
	// Missing says which languages cannot express the request, and why.
	Missing []string
}

// Tab is the code of one language.
type Tab struct {
	// Lang identifies the language ("python"); Label names it for readers.
	Lang, Label string
	// Code is the code as a reader copies it; HTML is it highlighted.
	Code string
	HTML template.HTML
}

// Output is one recorded response, ready to show.
type Output struct {
	Name, Method, URL string
	Status            int
	StatusText        string
	// Cache is "miss", "hit", "revalidated" or "stale"; CacheLabel says it
	// for readers.
	Cache, CacheLabel string
	CacheStatus       string
	// Headers are the response header fields the site shows.
	Headers []httpfile.Header
	// Body is the body, pretty-printed and highlighted when it is JSON;
	// empty when there is none. Note explains a body that is not shown
	// whole.
	Body template.HTML
	Note string
	// Asserts are the results of the request's assertions.
	Asserts []httpfile.AssertResult
	// ContentEncoding is the Content-Encoding the body was sent with and
	// decoded from for showing; the snapshot keeps the bytes as sent.
	ContentEncoding string

	volatile redact.Redactions
}

// IsVolatile reports whether the response header field name is volatile:
// it changes from run to run, and is shown as recorded.
func (o Output) IsVolatile(name string) bool { return o.volatile.HasHeader(name) }

// Bodies longer than these are cut on the page; the snapshot keeps them.
const (
	maxBodyLines = 200
	maxBodyBytes = 32 << 10
)

var cacheLabels = map[string]string{
	"miss":        "from the network",
	"hit":         "cache hit",
	"revalidated": "revalidated (304 Not Modified)",
	"stale":       "stale copy from the cache",
}

// outputOf prepares an exchange for the page, showing the named response
// headers (compared case-insensitively) in the order given.
func outputOf(e *httpfile.Exchange, show []string, volatile redact.Redactions) Output {
	o := Output{
		volatile: volatile,
		Name:     e.Name, Method: e.Method, URL: e.URL,
		Status: e.Status, StatusText: http.StatusText(e.Status),
		Cache: e.Cache, CacheLabel: cacheLabels[e.Cache], CacheStatus: e.CacheStatus,
		Asserts: e.Asserts,
	}
	for _, name := range show {
		for _, h := range e.Headers {
			if strings.EqualFold(h.Name, name) {
				o.Headers = append(o.Headers, h)
			}
		}
	}
	if e.Reason != "" {
		o.StatusText = e.Reason
	}
	body := e.Body
	if ce := e.Header("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") && len(body) > 0 {
		if dec, err := httpfile.DecodeContent(body, ce); err == nil && !e.Truncated {
			body, o.ContentEncoding = dec, ce
		}
	}
	o.Body, o.Note = bodyHTML(body, e.Header("Content-Type"))
	if o.ContentEncoding != "" {
		o.Note = strings.TrimSpace(fmt.Sprintf("Sent with Content-Encoding: %s (%s bytes), shown decoded. %s", o.ContentEncoding, thousands(len(e.Body)), o.Note))
	}
	if e.Truncated {
		o.Note = strings.TrimSpace(o.Note + " The recorded body was cut at the runner's size cap.")
	}
	return o
}

// bodyHTML shows a response body: JSON pretty-printed and highlighted, text
// as it is, binary summarised, long bodies cut with a note. Everything is
// escaped.
func bodyHTML(body []byte, contentType string) (template.HTML, string) {
	if len(body) == 0 {
		return "", ""
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if !utf8.Valid(body) {
		if mt == "" {
			mt = http.DetectContentType(body)
		}
		return "", fmt.Sprintf("Binary body (%s, %s bytes), not shown.", mt, thousands(len(body)))
	}
	lang := "plaintext"
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "" && json.Valid(body):
		var b bytes.Buffer
		if json.Indent(&b, body, "", "  ") == nil {
			body = b.Bytes()
			lang = "json"
		}
	case mt == "text/html":
		lang = "html"
	case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml"):
		lang = "xml"
	}
	text, note := cutBody(string(body))
	return Highlight(text, lang), note
}

// cutBody cuts a long body at a line boundary and says so.
func cutBody(s string) (string, string) {
	lines := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			lines++
			if lines == maxBodyLines || i >= maxBodyBytes {
				return s[:i+1], fmt.Sprintf("Showing the first %s of %s bytes.", thousands(i+1), thousands(len(s)))
			}
		}
	}
	if len(s) > maxBodyBytes {
		cut := maxBodyBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return s[:cut], fmt.Sprintf("Showing the first %s of %s bytes.", thousands(cut), thousands(len(s)))
	}
	return s, ""
}

// thousands formats n with comma separators.
func thousands(n int) string {
	s := itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// orderLanguages puts first the lesson's language, then the others in the
// site's order, keeping only those the lesson allows when it narrows them.
func orderLanguages(site []string, first string, only []string) []string {
	langs := slices.Clone(site)
	if len(only) > 0 {
		langs = slices.DeleteFunc(langs, func(l string) bool { return !slices.Contains(only, l) })
	}
	if i := slices.Index(langs, first); i > 0 {
		langs = append([]string{first}, slices.Delete(langs, i, i+1)...)
	}
	return langs
}

// checkLanguages reports the code languages that the site's config (when
// cfg is not nil) or a lesson's languages list names but that no snippet
// template of set makes: a typo would otherwise drop a tab without a
// word. A lesson's own language may be any: the page shows it as a badge.
// root is the site's root, whose files give the errors their lines.
func checkLanguages(root string, cfg *SiteConfig, set *snippet.Set, lessons []*Lesson) error {
	var ids []string
	for _, l := range set.Languages() {
		ids = append(ids, l.ID)
	}
	slices.Sort(ids)
	unknown := func(list []string) (string, bool) {
		for _, id := range list {
			if !slices.Contains(ids, id) {
				return id, true
			}
		}
		return "", false
	}
	const msg = "languages: no template in templates/snippets/ makes code in %q (there are: %s)"
	var errs []error
	if cfg != nil {
		if id, ok := unknown(cfg.Languages); ok {
			src, _ := os.ReadFile(filepath.Join(root, ConfigFile))
			errs = append(errs, errorf(ConfigFile, findKeyLine(src, "languages"), 1, "config: "+msg, id, strings.Join(ids, ", ")))
		}
	}
	for _, l := range lessons {
		if id, ok := unknown(l.Languages); ok {
			line := 0
			if src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(l.File))); err == nil {
				if fm, _, _, err := splitFrontMatter(l.File, src); err == nil {
					line = findKeyLine(fm, "languages") + 1 // the front matter starts on line 2
				}
			}
			errs = append(errs, errorf(l.File, line, 1, "front matter: "+msg, id, strings.Join(ids, ", ")))
		}
	}
	return errors.Join(errs...)
}

// writeExample writes what the page shows for an http block, with the
// theme's "example" partial. Its errors name the place in the lesson: the
// request's, or else the block's.
func (r *builder) writeExample(w io.Writer, l *Lesson, b *Block) error {
	e := b.Example
	if e == nil {
		e = &Example{Block: b, State: "pending"}
	}
	e.File, e.Dev = l.File, r.dev
	e.Try = !r.dev && r.site.Config.Try.Runner != "" && b.ReadersMayRun()
	code, err := r.code(l, b)
	if err != nil {
		return err
	}
	e.Code = code
	e.Outputs = r.outputs(e)
	if err := r.theme.Execute(w, "example", e); err != nil {
		return fmt.Errorf("%s:%d: %w", l.File, b.Line, err)
	}
	return nil
}

// outputs prepares the example's exchanges for the page.
func (r *builder) outputs(e *Example) []Output {
	var out []Output
	for _, x := range e.exchanges {
		out = append(out, outputOf(x, r.site.Config.Runner.Headers, e.Block.ignore))
	}
	return out
}

// code is the block's code in the languages the lesson shows: the site's
// languages, narrowed by the lesson's own list, its language first. A
// language that cannot express a request is named in the group's Missing;
// a template that fails, or a body file that is missing, is an error at
// the request, which readers need not see.
func (r *builder) code(l *Lesson, b *Block) ([]CodeGroup, error) {
	set := r.theme.snippets
	langs := orderLanguages(r.site.Config.Languages, l.Language, l.Languages)
	dir := safeopen.FS(r.source, path.Dir(l.File), safeopen.MaxFile)
	var cached []*snippet.Cached // how the runner's cache answered each request
	if b.Example != nil {
		cached = snippet.CachedSteps(b.Example.exchanges)
	}
	var groups []CodeGroup
	for i, req := range b.Requests {
		g := CodeGroup{Name: req.Name}
		if g.Name == "" {
			g.Name = req.Method + " " + req.URL
		}
		inlined, err := snippet.InlineBodyFile(req, dir)
		if errors.Is(err, snippet.ErrCannotExpress) { // no language can
			_, why, _ := strings.Cut(err.Error(), snippet.ErrCannotExpress.Error()+": ")
			g.Missing = append(g.Missing, why)
			groups = append(groups, g)
			continue
		}
		if err != nil {
			return nil, err // a missing file, at the request already
		}
		view, err := snippet.NewView(inlined)
		if err != nil {
			g.Missing = append(g.Missing, err.Error())
			groups = append(groups, g)
			continue
		}
		if i < len(cached) {
			view.Cached = cached[i]
		}
		for _, id := range langs {
			lang, ok := set.Language(id)
			if !ok {
				continue
			}
			if err := set.SupportsView(id, view); err != nil {
				g.Missing = append(g.Missing, strings.TrimPrefix(err.Error(), "snippet: cannot express: "))
				continue
			}
			code, err := set.RenderView(id, view)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", req.Pos, err)
			}
			g.Tabs = append(g.Tabs, Tab{Lang: id, Label: lang.Label, Code: code, HTML: Highlight(code, lang.Lexer)})
		}
		groups = append(groups, g)
	}
	return groups, nil
}
