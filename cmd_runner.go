package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	neturl "net/url"
	"os"
	"strings"
	"time"

	"github.com/snapdoc/snapdoc/generator"
	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/httpcache"
	"github.com/snapdoc/snapdoc/runner/redisstore"
	"github.com/snapdoc/snapdoc/runner/service"
)

// tokenEnv holds the runner service's token, kept out of argv.
const tokenEnv = "SNAPDOC_RUNNER_TOKEN"

func runRunner(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "runner", "[flags]", "Serve the runner's JSON API: it runs only the http blocks the site publishes, for callers\non this machine (or holding the token) whose Host is the listen address or an --allow-host.\nThe token, required when not bound to loopback, is read from $"+tokenEnv+".")
	source := fs.String("source", ".", "the site's root `dir`")
	listen := fs.String("listen", "127.0.0.1:7070", "the `address` to listen on")
	drafts := fs.Bool("drafts", false, "also run the blocks of lessons marked draft")
	var hosts, origins listFlag
	fs.Var(&hosts, "allow-host", "also answer for this host `name`, such as the one a reverse proxy forwards (repeatable)")
	fs.Var(&origins, "allow-origin", "let web pages of this `origin`, such as https://docs.example.org, call from a browser (repeatable)")
	def := service.DefaultLimits()
	maxConns := fs.Int("max-conns", def.MaxConns, "the most open `connections`; beyond, the longest idle is closed")
	maxRuns := fs.Int("max-runs", def.MaxRuns, "the most blocks running at once; a run waits up to 10 s for a slot, then gets 503")
	rate := fs.Float64("rate", def.Rate, "runs per second for each caller without the token (429 beyond)")
	tokenRate := fs.Float64("token-rate", def.TrustedRate, "runs per second for the token holder, or for this machine's programs when there is no token")
	public := fs.Bool("public", false, "serve the published site's readers: anonymous callers may run only the blocks readers may run (see try in snapdoc.yaml)")
	var proxies listFlag
	fs.Var(&proxies, "trust-proxy", "take the client's address from X-Forwarded-For when the peer is in this `CIDR` range, such as your reverse proxy's (repeatable)")
	store := fs.String("store", "", "where the shared HTTP cache lives: memory:, or empty for the site's .snapdoc/cache (memory: with --public); redis://[:PASSWORD@]HOST:PORT/DB to share it, the budgets and collapsing with other replicas")
	clientRate := fs.Int("client-rate", service.DefaultClientBudget.PerMinute, "with --public, runs a minute for each client")
	clientBurst := fs.Int("client-burst", service.DefaultClientBudget.Burst, "with --public, the runs a client may make at once")
	originRate := fs.Int("origin-rate", service.DefaultOriginBudget.PerMinute, "with --public, requests a minute that may leave the cache for the origins, for all clients")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if err := service.CheckOrigins(origins); err != nil {
		return usageError{err.Error()}
	}
	trusted, err := service.ParseProxies(proxies)
	if err != nil {
		return usageError{err.Error()}
	}
	if *clientRate <= 0 || *clientBurst <= 0 || *originRate <= 0 {
		return usageError{"--client-rate, --client-burst and --origin-rate want a positive number"}
	}
	token := os.Getenv(tokenEnv)
	if !*public {
		if err := service.CheckListen(*listen, token, tokenEnv); err != nil {
			return err
		}
	}
	if !service.IsLoopback(*listen) && !*public {
		fmt.Fprintf(e.stderr, "WARNING: the runner service listens on %s, beyond this machine; every caller needs the token\n", *listen)
	}
	site := os.DirFS(*source)
	cfg, err := generator.LoadConfig(site)
	if err != nil {
		return err
	}
	sh, err := openShared(*store, service.Budget{PerMinute: *clientRate, Burst: *clientBurst}, service.Budget{PerMinute: *originRate, Burst: *originRate})
	if err != nil {
		return err
	}
	defer sh.close()
	rn, err := openServiceRunner(&cfg, *source, *store, *public, e, sh)
	if err != nil {
		return err
	}
	defer rn.Close()
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	lim := def
	lim.MaxConns, lim.MaxRuns, lim.Rate, lim.TrustedRate = *maxConns, *maxRuns, *rate, *tokenRate
	lim.Burst, lim.TrustedBurst = max(def.Burst, int(2*lim.Rate)), max(1, int(2*lim.TrustedRate))
	svc := &service.Service{
		Runner:   rn,
		Catalog:  generator.SiteCatalog(*source, &cfg, *drafts),
		Access:   service.Access{Addr: *listen, AllowHosts: append(hosts, l.Addr().(*net.TCPAddr).IP.String()), AllowOrigins: origins, Token: token, Public: *public, TrustProxies: trusted},
		Limits:   lim,
		Log:      slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Public:   *public,
		Budgets:  sh.budgets,
		Collapse: sh.collapse,
		Metrics:  sh.metrics,
		Ready:    sh.ready,
	}
	fmt.Fprintf(e.stdout, "snapdoc runner listening on http://%s\n", l.Addr())
	return svc.Serve(ctx, l, 10*time.Second)
}

// shared is what a runner's replicas share: in this process only, or
// through Redis for --store redis://.
type shared struct {
	store    httpcache.Store     // the shared cache's entries; nil for the default
	collapse service.Collapser   // identical runs
	misses   httpcache.Collapser // the shared cache's misses, across replicas; nil within one
	budgets  service.Budgets     // the clients' and the origin's
	metrics  *service.Metrics    // with the store's collectors
	ready    func() error        // what /readyz reports; nil when always ready
	close    func()              // releases the store's connections
}

// openShared opens the store of --store: memory: or "" keeps everything
// in this process; redis:// shares the cache, the budgets and collapsing
// with every replica on that Redis. Only a malformed URL is an error; it
// never shows the password.
func openShared(store string, client, origin service.Budget) (*shared, error) {
	if !strings.HasPrefix(store, "redis://") {
		if store != "" && store != "memory:" {
			return nil, usageError{fmt.Sprintf("--store %q: want memory: or redis://HOST:PORT/DB", redactURL(store))}
		}
		return &shared{
			collapse: &service.LocalCollapser{},
			budgets:  service.NewLocalBudgets(client, origin),
			metrics:  service.NewMetrics(),
			close:    func() {},
		}, nil
	}
	c, err := redisstore.Open(store, redisstore.WithTimeout(redisstore.DefaultTimeout))
	if err != nil {
		return nil, usageError{"--store: " + err.Error()}
	}
	st := c.Store(redisstore.StoreConfig{MaxBytes: 256 << 20, Targets: runner.SharedCacheTargets})
	return &shared{
		store:    st,
		collapse: st,
		misses:   st,
		budgets: c.Budgets(redisstore.BudgetConfig{
			Client: redisstore.Limit{Rate: client.PerMinute, Burst: client.Burst, Period: time.Minute},
			Origin: redisstore.Limit{Rate: origin.PerMinute, Burst: origin.Burst, Period: time.Minute},
		}),
		metrics: service.NewMetrics(c.Collectors()...),
		ready:   c.Ready,
		close:   func() { _ = c.Close() },
	}, nil
}

// redactURL is u without its password, or a placeholder when it does not
// parse.
func redactURL(u string) string {
	p, err := neturl.Parse(u)
	if err != nil {
		return "the store URL"
	}
	return p.Redacted()
}

// openServiceRunner opens the runner of snapdoc runner: the site's, with
// its shared cache in sh (see --store) or, for store "", in the site's
// .snapdoc/cache; a shared cache in RFC 9111's sense for a public runner,
// whose requests to the origins take from sh's origin budget.
func openServiceRunner(cfg *generator.SiteConfig, root, store string, public bool, e *env, sh *shared) (*runner.Runner, error) {
	rc, err := cfg.RunnerConfig()
	if err != nil {
		return nil, err
	}
	rc.Logger, rc.SharedCache, rc.Origin = e.logger(false), public, service.OriginBudget(sh.budgets, sh.metrics.OriginRequest)
	switch {
	case sh.store != nil:
		// The collapser is the store's own, taken before Open wraps it.
		rc.SharedStore, rc.SharedCollapser = sh.store, sh.misses
		return runner.Open(rc, "")
	case store == "" && !public:
		return generator.OpenRunnerWith(root, rc)
	}
	// memory:, and a public runner's default: not the build's cache on
	// disk, whose entries were stored by a private cache's rules.
	rc.SharedStore = httpcache.NewMemoryStore(256 << 20)
	return runner.Open(rc, "")
}

// listFlag is a flag that may be given more than once.
type listFlag []string

func (f *listFlag) String() string { return strings.Join(*f, ",") }

func (f *listFlag) Set(v string) error {
	*f = append(*f, v)
	return nil
}
