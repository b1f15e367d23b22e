package runner

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"

	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/redact"

	"github.com/snapdoc/snapdoc/runner/httpcache"
)

// redactor returns the redactor of one run of the block reqs: the
// runner's and the block's secret fields, and the values of the
// environment variables the requests substitute, with the strings they
// place them in. A value too short to be searched for is warned about,
// once per variable for the runner's life.
func (r *Runner) redactor(reqs []*httpfile.Request, opts RunOptions) *redact.Redactor {
	red := redact.New(r.cfg.Redact.Add(opts.Redact))
	value := func(name string) string {
		v, _ := r.cfg.Getenv(name)
		return v
	}
	for _, req := range reqs {
		for _, name := range req.Secrets() {
			red.AddSecret(name, value(name))
		}
	}
	for _, req := range reqs {
		red.PlaceRequest(req, value)
	}
	r.logs.add(red)
	for _, name := range red.ShortSecrets() {
		if _, done := r.warned.LoadOrStore(name, true); done {
			continue
		}
		pos := reqs[0].Pos
		for _, req := range reqs {
			if slices.Contains(req.Secrets(), name) {
				pos = req.Pos
				break
			}
		}
		w := fmt.Errorf("%s: secret %s is shorter than %d characters: it is redacted where the request places it, but not searched for in responses, where it would match ordinary text; a response that echoes it shows it", pos, name, redact.MinSearchLen)
		if opts.Warn != nil {
			opts.Warn(w)
		} else if r.cfg.Logger != nil {
			r.cfg.Logger.Warn(w.Error())
		}
	}
	return red
}

// noSharedCache marks the context of a request that must not pass
// through the shared cache.
type noSharedCache struct{}

// withoutSharedCache marks ctx so that its requests skip the shared
// cache: a request that carries a secret, or whose response may, is
// answered by the origin and kept only in its block's private cache,
// which lives in memory. The shared cache writes to disk (or to a store
// other runners share), and a secret must not be written there in any
// form, neither in its keys (URLs), nor its request fields (Vary), nor
// the bodies an API echoes. Leaving such requests out is simpler and
// surer than redacting or encrypting entries: a redacted entry would no
// longer be the response, and an encrypted one needs a key kept
// somewhere. They cost a request to the origin per block run.
func withoutSharedCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, noSharedCache{}, true)
}

// sharedOrDirect sends requests through the shared cache, except those
// marked by [withoutSharedCache], which go direct.
type sharedOrDirect struct {
	shared, direct http.RoundTripper
}

func (t sharedOrDirect) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Context().Value(noSharedCache{}) != nil {
		return t.direct.RoundTrip(req)
	}
	return t.shared.RoundTrip(req)
}

// secretFieldStore is a shared cache's store that does not keep responses
// holding a secret field (runner.redact): a field the site calls secret
// may come back from a request that carries none.
type secretFieldStore struct {
	httpcache.Store
	fields redact.Redactions
}

// Set stores e unless it holds a secret field; it then removes what the
// key held, which an older response may have left.
func (s secretFieldStore) Set(key string, e *httpcache.Entry) error {
	for name := range e.Header {
		if s.fields.HasHeader(name) {
			return s.Store.Delete(key)
		}
	}
	if s.fields.InBody(e.Body) {
		return s.Store.Delete(key)
	}
	return s.Store.Set(key, e)
}

// logRedactor redacts the runner's log, which all blocks share, with the
// secrets of every block the runner has run.
type logRedactor struct {
	mu  sync.Mutex
	red *redact.Redactor
}

func newLogRedactor() *logRedactor { return &logRedactor{red: redact.New(redact.Redactions{})} }

// add adds the secrets of a block's redactor.
func (l *logRedactor) add(red *redact.Redactor) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.red.Merge(red)
}

// text redacts a text of the log. Short secrets are left to the error
// texts that carry them, which each block's redactor redacts where they
// are made: searched for across every line of a log that all blocks
// share, a value such as "a" would rewrite snapdoc's own words.
func (l *logRedactor) text(s string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.red.String(s)
}

// wrap returns a logger whose messages and attributes are redacted
// before log writes them; nil for nil.
func (l *logRedactor) wrap(log *slog.Logger) *slog.Logger {
	if log == nil {
		return nil
	}
	if _, done := log.Handler().(redactHandler); done {
		return log
	}
	return slog.New(redactHandler{next: log.Handler(), red: l})
}

// redactHandler is a slog.Handler that redacts what it passes on.
type redactHandler struct {
	next slog.Handler
	red  *logRedactor
}

func (h redactHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.red.text(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = h.attr(a)
	}
	return redactHandler{next: h.next.WithAttrs(red), red: h.red}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{next: h.next.WithGroup(name), red: h.red}
}

// attr redacts the text of an attribute: strings, errors and anything
// else that formats as text.
func (h redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindGroup:
		group := v.Group()
		red := make([]any, len(group))
		for i, g := range group {
			red[i] = h.attr(g)
		}
		return slog.Group(a.Key, red...)
	case slog.KindString, slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, h.red.text(err.Error()))
		}
		return slog.String(a.Key, h.red.text(v.String()))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
