package runner

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/snapdoc/snapdoc/runner/httpcache"
)

// redactor returns the redactor of one run of the block reqs: the
// runner's and the block's secret fields, and the values of the
// environment variables the requests substitute, with the strings they
// place them in. A value too short to be searched for is warned about,
// once per variable for the runner's life.
func (r *Runner) redactor(reqs []*Request, opts RunOptions) *Redactor {
	red := NewRedactor(r.cfg.Redact.Add(opts.Redact))
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
		red.placeRequest(req, value)
	}
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
		w := fmt.Errorf("%s: secret %s is shorter than %d characters: it is redacted where the request places it, but not searched for in responses, where it would match ordinary text; a response that echoes it shows it", pos, name, MinSearchLen)
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
	fields Redactions
}

// Set stores e unless it holds a secret field; it then removes what the
// key held, which an older response may have left.
func (s secretFieldStore) Set(key string, e *httpcache.Entry) error {
	for name := range e.Header {
		if s.fields.HasHeader(name) {
			return s.Store.Delete(key)
		}
	}
	if len(s.fields.fields) > 0 {
		if _, found := redactJSON(e.Body, s.fields.fields, Redacted, false); len(found) > 0 {
			return s.Store.Delete(key)
		}
	}
	return s.Store.Set(key, e)
}
