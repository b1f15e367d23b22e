package generator

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/service"
)

// This file holds "Try it": the Run button of published pages, which asks
// the public runner at try.runner to run a block readers may run.

// TryConfig is the try section of snapdoc.yaml.
type TryConfig struct {
	// Runner is the base URL of the public runner the published pages
	// call, such as https://run.example.org; empty: no Run button on
	// published pages.
	Runner string `yaml:"runner"`
}

// check validates try.runner: an absolute http or https URL with no
// query, user or fragment, which it trims of a final slash.
func (t *TryConfig) check(src []byte) error {
	if t.Runner == "" {
		return nil
	}
	u, err := url.Parse(t.Runner)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		line, col := findIndentedKey(src, "runner")
		for i, l := range strings.Split(string(src), "\n") {
			if strings.Contains(l, t.Runner) {
				line = i + 1
			}
		}
		return errorf(ConfigFile, line, col, "try.runner: want the public runner's URL, such as https://run.example.org, not %q", t.Runner)
	}
	t.Runner = strings.TrimSuffix(u.String(), "/")
	return nil
}

// Origin is the runner's web origin, as a Content-Security-Policy's
// connect-src names it.
func (t TryConfig) Origin() string {
	u, err := url.Parse(t.Runner)
	if err != nil || t.Runner == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// ReadersMayRun reports whether readers of the published page may run the
// block through the public runner: not when it is norun or notry; when
// the fence says try; otherwise when all its requests are GET, HEAD or
// OPTIONS and none uses a secret.
func (b *Block) ReadersMayRun() bool {
	switch {
	case b.NoRun || b.NoTry:
		return false
	case b.Try:
		return true
	}
	for _, r := range b.Requests {
		if r.Method != "GET" && r.Method != "HEAD" && r.Method != "OPTIONS" || len(r.Secrets()) > 0 {
			return false
		}
	}
	return len(b.Requests) > 0
}

// checkTry refuses a try block that uses a secret: a public runner never
// holds secrets, and a reader's run would send the request without it.
func checkTry(b *Block) error {
	if !b.Try {
		return nil
	}
	for _, r := range b.Requests {
		if names := r.Secrets(); len(names) > 0 {
			return fmt.Errorf("%s: http block %s says try, but uses the secret %s: a public runner holds no secrets; drop try, or the secret", r.Pos, b.ID, httpfile.EnvRef(names[0]))
		}
	}
	return nil
}

// TryRunner is the public runner's URL on a published lesson page with a
// block readers may run, and "" on any other page, which then carries no
// runner URL and no Try it script.
func (p *Page) TryRunner() string {
	if p.Dev || p.Lesson == nil || p.Site.Config.Try.Runner == "" {
		return ""
	}
	for _, b := range p.Lesson.Blocks {
		if b.ReadersMayRun() {
			return p.Site.Config.Try.Runner
		}
	}
	return ""
}

// TryRecorded is the recorded exchanges of a block readers may run, as
// JSON in the shape of the runner's answer, for the page's script to
// compare with a live run; a body longer than a page shows is left out
// and marked truncated, and is not compared.
func (e *Example) TryRecorded() string {
	out := []service.WireExchange{}
	for i, r := range e.Block.Requests {
		if i < len(e.exchanges) {
			w := service.NewWireExchange(e.File, e.Block.ID, r, e.exchanges[i])
			if w.Response != nil && len(w.Response.Body) > maxBodyBytes {
				// Longer than the page shows: not repeated in full as data.
				w.Response.Body, w.Response.Truncated = "", true
			}
			out = append(out, w)
		}
	}
	return toJSON(out)
}

// TryVolatile is the fields of the block that change from run to run, as
// a JSON list of specs such as "header:Date": the page marks them in the
// difference and does not count them.
func (e *Example) TryVolatile() string { return toJSON(e.Block.ignore.Specs()) }

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// TryHeaders is the response header fields the site shows (runner.headers),
// as a JSON list: the live exchange shows, and is compared on, the same.
func (p *Page) TryHeaders() string { return toJSON(p.Site.Config.Runner.Headers) }

// ConnectSrc is the sources a theme's Content-Security-Policy should give
// connect-src: the site itself and, on a page with a block readers may
// run, the public runner's origin; no other.
func (p *Page) ConnectSrc() string {
	if p.TryRunner() == "" {
		return "'self'"
	}
	return "'self' " + p.Site.Config.Try.Origin()
}
