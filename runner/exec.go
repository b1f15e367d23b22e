package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/redact"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner/httpcache"
	"github.com/snapdoc/snapdoc/runner/rawhttp"
)

// Config configures a [Runner].
type Config struct {
	// Timeout bounds each request; 10 s when zero.
	Timeout time.Duration
	// Hosts routes requests by host name: "embedded" answers the host
	// with the embedded demo API, an absolute URL such as
	// http://127.0.0.1:8080 sends its requests there instead, "network"
	// sends them to the host itself. Hosts not listed go to the network.
	// Redirects are followed only to listed hosts and to the host of the
	// request that was redirected.
	Hosts map[string]string
	// MaxBody caps the bytes of a response body that are kept; 1 MiB
	// when zero.
	MaxBody int64
	// Concurrency bounds the blocks run at once; 8 when zero. PerHost
	// bounds the requests in flight to one host; 4 when zero.
	Concurrency int
	PerHost     int
	// Shared is the cache below every block's private cache; nil for
	// none. Identical requests across blocks share its entries.
	Shared http.RoundTripper
	// Network is the transport to the network, and to the embedded demo
	// API's loopback server; when nil, a [rawhttp.Transport] (which puts
	// requests on the wire as written and reads responses as sent) using
	// the proxy $HTTPS_PROXY, $HTTP_PROXY and $NO_PROXY name.
	Network http.RoundTripper
	// Redact names the secret response fields, whose values are replaced
	// by [redact.Redacted] in exchanges. The values of environment variables
	// are secrets too; see [redact.Redactor].
	Redact redact.Redactions
	// Getenv looks up the values of secrets; os.LookupEnv when nil.
	Getenv func(string) (string, bool)
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Logger receives warnings that cost speed but not results, such as
	// a shared cache that cannot be written; nil discards them.
	Logger *slog.Logger
	// SharedStore, when set, keeps the entries of the shared cache that
	// [Open] makes, in place of its memory or disk store: a store
	// replicas share.
	SharedStore httpcache.Store
	// SharedCache makes that cache a shared cache in RFC 9111's sense
	// (private responses are not stored, s-maxage is honoured), as a
	// public runner's cache, which serves many users, must be.
	SharedCache bool
	// SharedCollapser, when set, collapses the shared cache's misses
	// across the processes that share SharedStore (see
	// [httpcache.WithCollapser]), such as a Redis store's replicas.
	SharedCollapser httpcache.Collapser
	// Origin, when set, wraps the transport to the origins (below every
	// cache), for example to take each request from a budget
	// ([github.com/snapdoc/snapdoc/runner/service.OriginBudget]).
	Origin func(http.RoundTripper) http.RoundTripper
}

// Runner executes blocks of requests. It is safe for concurrent use.
type Runner struct {
	cfg      Config
	upstream http.RoundTripper // the shared cache, or the router
	blocks   chan struct{}
	newCache func(upstream http.RoundTripper) http.RoundTripper
	close    func()       // finishes what the runner left running; may be nil
	warned   sync.Map     // names of the short secrets warned about
	logs     *logRedactor // redacts cfg.Logger
}

// Close waits for the work the runner started in the background, such as
// the shared cache's stale-while-revalidate refreshes, so that what they
// fetch is stored.
func (r *Runner) Close() error {
	if r.close != nil {
		r.close()
	}
	return nil
}

// withDefaults fills in the zero fields of c with their defaults.
func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.MaxBody <= 0 {
		c.MaxBody = 1 << 20
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 8
	}
	if c.PerHost <= 0 {
		c.PerHost = 4
	}
	if c.Network == nil {
		c.Network = &rawhttp.Transport{Proxy: http.ProxyFromEnvironment}
	}
	if c.Getenv == nil {
		c.Getenv = os.LookupEnv
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// New returns a runner. newCache makes the private cache of one block
// over the given upstream transport; nil runs blocks without one.
func New(cfg Config, newCache func(upstream http.RoundTripper) http.RoundTripper) (*Runner, error) {
	cfg = cfg.withDefaults()
	logs := newLogRedactor()
	cfg.Logger = logs.wrap(cfg.Logger)
	return newRunner(cfg, newCache, logs)
}

// newRunner is [New], its log redacted by logs.
func newRunner(cfg Config, newCache func(upstream http.RoundTripper) http.RoundTripper, logs *logRedactor) (*Runner, error) {
	upstream := cfg.Shared
	if upstream == nil {
		rt, err := newRouter(cfg)
		if err != nil {
			return nil, err
		}
		upstream = rt
	}
	r := &Runner{cfg: cfg, upstream: upstream, blocks: make(chan struct{}, cfg.Concurrency), newCache: newCache, logs: logs}
	if rt, ok := upstream.(*router); ok {
		r.close = rt.close
	}
	return r, nil
}

// RunOptions configure the run of one block.
type RunOptions struct {
	// Dir is the directory that "< ./file" bodies are relative to.
	Dir string
	// Root is the directory body files must resolve inside, after
	// symbolic links: the site's root. "" means Dir.
	Root string
	// Timeout overrides the runner's per-request timeout when positive.
	Timeout time.Duration
	// Redact adds to the runner's secret fields for this block.
	Redact redact.Redactions
	// Warn, when set, receives what to tell the author that does not
	// fail the block, such as a secret too short to be searched for in
	// responses; the runner's Logger does otherwise.
	Warn func(error)
	// Try is set for a block readers of the published site may run: a
	// public runner runs it for anonymous callers.
	Try bool
}

// RequestError is a request of a block that failed: it could not be sent,
// timed out, the server answered with a 5xx, 408 or 429 status, or
// redirected off the declared hosts. [Classify] says which; [ReaderText]
// says it for a published page.
type RequestError struct {
	Pos    fileerr.Pos
	Method string
	URL    string
	Err    error
}

// Error formats the error as "file:line:col: METHOD URL: cause".
func (e *RequestError) Error() string {
	return fmt.Sprintf("%s: %s %s: %v", e.Pos, e.Method, e.URL, e.Err)
}

// Unwrap returns the cause.
func (e *RequestError) Unwrap() error { return e.Err }

// As lets [errors.As] and [fileerr.As] find the request's position as a
// *[fileerr.Error] of phase "run" with the same text, so that what knows
// only the one positioned error (the CLI, the preview's overlay) shows
// the request's line.
func (e *RequestError) As(target any) bool {
	return positioned(target, e.Pos, e.Method+" "+e.URL+": ", e.Err)
}

// positioned sets target, when it is a **fileerr.Error and pos is known,
// to the error at pos whose text is prefix and cause's; it reports
// whether it did.
func positioned(target any, pos fileerr.Pos, prefix string, cause error) bool {
	t, ok := target.(**fileerr.Error)
	if !ok || pos.File == "" && pos.Line == 0 {
		return false
	}
	*t = &fileerr.Error{Pos: pos, Phase: "run", Err: &prefixed{prefix, cause}}
	return true
}

// prefixed is cause with a prefix to its text, such as the request's
// method and URL.
type prefixed struct {
	prefix string
	cause  error
}

func (e *prefixed) Error() string { return e.prefix + fmt.Sprint(e.cause) }
func (e *prefixed) Unwrap() error { return e.cause }

// Run executes the requests of one block in order through one private
// cache, so a later request can be answered from what an earlier one
// stored. It returns the exchanges of every request, or the first
// failure: the exchanges before it and, for an *[AssertionError], the
// exchange whose assertions failed.
func (r *Runner) Run(ctx context.Context, reqs []*httpfile.Request, opts RunOptions) ([]*httpfile.Exchange, error) {
	select {
	case r.blocks <- struct{}{}:
		defer func() { <-r.blocks }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	rt := r.upstream
	if r.newCache != nil {
		rt = r.newCache(rt)
	}
	client := &http.Client{Transport: rt, CheckRedirect: r.checkRedirect}
	timeout := r.cfg.Timeout
	if opts.Timeout > 0 {
		timeout = opts.Timeout
	}
	red := r.redactor(reqs, opts)
	var out []*httpfile.Exchange
	for _, req := range reqs {
		e, err := r.do(ctx, client, req, opts, timeout, red)
		if wait, ok := r.retryWait(err, timeout); ok {
			e, err = r.retry(ctx, client, req, opts, timeout, wait, red)
		}
		var perr *fileerr.Error
		if errors.As(err, &perr) {
			return out, red.Error(err) // it names its own position
		}
		if err != nil {
			return out, &RequestError{Pos: req.Pos, Method: req.Method, URL: red.String(req.URL), Err: red.Error(err)}
		}
		out = append(out, e)
		if err := CheckAssertions(req, e); err != nil {
			return out, err
		}
	}
	return out, nil
}

// retryWait is how long to wait before sending again a request that got
// a 429 whose Retry-After asks for no more than the block's timeout.
func (r *Runner) retryWait(err error, timeout time.Duration) (time.Duration, bool) {
	var se *StatusError
	if !errors.As(err, &se) || se.Code != http.StatusTooManyRequests {
		return 0, false
	}
	wait, ok := ParseRetryAfter(se.RetryAfter, r.cfg.Now())
	return wait, ok && wait <= timeout
}

// retry waits, then sends the request once more. A 429 again is final.
func (r *Runner) retry(ctx context.Context, client *http.Client, req *httpfile.Request, opts RunOptions, timeout, wait time.Duration, red *redact.Redactor) (*httpfile.Exchange, error) {
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	e, err := r.do(ctx, client, req, opts, timeout, red)
	var se *StatusError
	if errors.As(err, &se) && se.Code == http.StatusTooManyRequests {
		se.Retried, se.Waited = true, wait
	}
	return e, err
}

// do sends one request and records its exchange.
func (r *Runner) do(ctx context.Context, client *http.Client, req *httpfile.Request, opts RunOptions, timeout time.Duration, red *redact.Redactor) (*httpfile.Exchange, error) {
	root := opts.Root
	if root == "" {
		root = opts.Dir
	}
	out, err := httpfile.BuildOutgoing(req, root, opts.Dir, r.cfg.Getenv)
	if err != nil {
		return nil, err
	}
	for _, d := range out.Derived {
		red.AddPlaced(d.Value, d.Shown)
	}
	red.AddPlaced(out.URL, req.URL)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if len(req.Secrets()) > 0 || !opts.Redact.Secret().Empty() {
		ctx = withoutSharedCache(ctx)
	}
	hreq, err := out.HTTPRequest(ctx)
	if err != nil {
		return nil, err
	}
	hreq = hreq.WithContext(rawhttp.WithFields(ctx, wireFields(out.Headers)))
	start := r.cfg.Now()
	resp, err := client.Do(hreq)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, &TimeoutError{After: timeout}
		}
		return nil, err
	}
	defer resp.Body.Close()
	if failingStatus(resp.StatusCode) {
		return nil, &StatusError{Code: resp.StatusCode, Status: resp.Status, RetryAfter: resp.Header.Get("Retry-After"), Timeout: timeout}
	}
	// Read past the cap as far as the longest secret, so that a secret
	// the cap cuts is still found whole, and redacted, before the cut.
	data, err := io.ReadAll(io.LimitReader(resp.Body, r.cfg.MaxBody+1+int64(red.MaxLen())))
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, &TimeoutError{After: timeout}
	}
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	reason, received := receivedHead(resp)
	e := &httpfile.Exchange{
		Name: req.Name, Method: req.Method, URL: req.URL, Status: resp.StatusCode, Reason: reason,
		Headers:     received,
		Cache:       outcome(resp),
		CacheStatus: strings.Join(resp.Header.Values("Cache-Status"), ", "),
		Body:        data,
		Duration:    r.cfg.Now().Sub(start),
	}
	red.Exchange(e)
	if int64(len(data)) > r.cfg.MaxBody {
		e.Body, e.Truncated = e.Body[:min(len(e.Body), int(r.cfg.MaxBody))], true
	}
	return e, nil
}

// wireFields is the order and spelling in which the header fields of an
// [httpfile.Outgoing] go on the wire.
func wireFields(headers []httpfile.Header) []rawhttp.Field {
	fields := make([]rawhttp.Field, len(headers))
	for i, h := range headers {
		fields[i] = rawhttp.Field{Name: h.Name, Value: h.Value}
	}
	return fields
}

// receivedHead returns the reason phrase and the header fields of resp as
// its server sent them, after the caches (see [rawhttp.Head]): a cache's
// Age and Cache-Status are not among them unless the server sent its own.
// A response that has no head as received, one a cache made up (a 504 for
// only-if-cached) or stored before snapdoc kept heads, gives its fields
// sorted by name without Cache-Status, and no reason.
func receivedHead(resp *http.Response) (string, []httpfile.Header) {
	var hs []httpfile.Header
	statusLine, fields, ok := rawhttp.Head(resp)
	if !ok {
		for name, values := range resp.Header {
			if name == "Cache-Status" || rawhttp.Reserved(name) {
				continue
			}
			for _, v := range values {
				hs = append(hs, httpfile.Header{Name: name, Value: v})
			}
		}
		sortHeaders(hs)
		return "", hs
	}
	for _, f := range fields {
		hs = append(hs, httpfile.Header{Name: f.Name, Value: f.Value})
	}
	// The reason phrase is the stored response's; a cache that answers
	// with another status (a 304 to a conditional request) has none.
	var reason string
	if parts := strings.SplitN(statusLine, " ", 3); len(parts) == 3 && parts[1] == strconv.Itoa(resp.StatusCode) {
		reason = parts[2]
	}
	return reason, hs
}

// checkRedirect follows a redirect only to a host the site declares or to
// the host of the request being redirected.
func (r *Runner) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	// net/http adds a Referer to a redirected request; the block wrote
	// none, and curl and httpyac send none.
	if via[0].Header.Get("Referer") == "" {
		req.Header.Del("Referer")
	}
	host := strings.ToLower(req.URL.Hostname())
	if host == strings.ToLower(via[len(via)-1].URL.Hostname()) {
		return nil
	}
	if _, ok := r.cfg.Hosts[host]; ok {
		return nil
	}
	return &RedirectError{Status: req.Response.StatusCode, To: req.URL}
}

// router sends requests where the config's Hosts say, at most PerHost at
// a time to one host.
type router struct {
	demo    *demoServer // nil when no host is embedded
	bases   map[string]*url.URL
	hosts   map[string]string
	network http.RoundTripper
	perHost int

	mu   sync.Mutex
	sems map[string]chan struct{}
}

func newRouter(cfg Config) (*router, error) {
	rt := &router{bases: map[string]*url.URL{}, hosts: map[string]string{}, network: cfg.Network, perHost: cfg.PerHost, sems: map[string]chan struct{}{}}
	for host, to := range cfg.Hosts {
		host = strings.ToLower(host)
		base, err := parseRoute(to)
		if err != nil {
			return nil, fmt.Errorf("runner.hosts: %s: %w", host, err)
		}
		switch {
		case to == Embedded:
			if rt.demo == nil {
				rt.demo = &demoServer{}
			}
		case base != nil:
			rt.bases[host] = base
		}
		rt.hosts[host] = to
	}
	return rt, nil
}

// CheckRoute reports whether to can route a host in [Config.Hosts]:
// [Embedded], "network" (or empty), or an absolute http or https URL.
func CheckRoute(to string) error {
	_, err := parseRoute(to)
	return err
}

// parseRoute checks the route to, and returns its URL when it is one.
func parseRoute(to string) (*url.URL, error) {
	switch to {
	case Embedded, "network", "":
		return nil, nil
	}
	u, err := url.Parse(to)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("want embedded, network or an absolute URL, not %q", to)
	}
	return u, nil
}

func (rt *router) RoundTrip(req *http.Request) (*http.Response, error) {
	host := strings.ToLower(req.URL.Hostname())
	if rt.hosts[host] == Embedded {
		// The demo API is snapdoc's own: no per-host bound.
		addr, err := rt.demo.addr(req.URL.Scheme)
		if err != nil {
			return nil, err
		}
		return rt.network.RoundTrip(rerouted(req, "http", addr, ""))
	}
	if base, ok := rt.bases[host]; ok {
		req = rerouted(req, base.Scheme, base.Host, base.Path)
	}
	sem := rt.sem(req.URL.Host)
	select {
	case sem <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	resp, err := rt.network.RoundTrip(req)
	if err != nil {
		<-sem
		return nil, err
	}
	resp.Body = &releaseBody{ReadCloser: resp.Body, release: func() { <-sem }}
	return resp, nil
}

// rerouted returns a copy of req sent to scheme://host/prefix/path, still
// naming its own host in Host.
func rerouted(req *http.Request, scheme, host, prefix string) *http.Request {
	req = req.Clone(req.Context())
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	req.URL.Scheme, req.URL.Host = scheme, host
	req.URL.Path = strings.TrimSuffix(prefix, "/") + req.URL.Path
	if req.URL.RawPath != "" {
		req.URL.RawPath = strings.TrimSuffix(prefix, "/") + req.URL.RawPath
	}
	return req
}

// close stops the demo API's server, if it was started, and closes the
// network's idle connections.
func (rt *router) close() {
	if rt.demo != nil {
		rt.demo.close()
	}
	if c, ok := rt.network.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (rt *router) sem(host string) chan struct{} {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	s, ok := rt.sems[host]
	if !ok {
		s = make(chan struct{}, rt.perHost)
		rt.sems[host] = s
	}
	return s
}

// releaseBody releases its host's slot once, when the body is closed.
type releaseBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releaseBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}

// outcome says how the response was obtained; a response that passed
// through no cache came from the network.
func outcome(resp *http.Response) string {
	if o := httpcache.Outcome(resp); o != "" {
		return o
	}
	return httpcache.OutcomeMiss
}
