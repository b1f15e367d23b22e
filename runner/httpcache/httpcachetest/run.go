// Package httpcachetest replays the HTTP caching test suite
// (cache-tests.fyi, exported as data in testdata/cache-tests.json) against
// an [httpcache.Transport] over any [httpcache.Store], scores it as
// upstream does and checks the score against the floors recorded in
// testdata/conformance-floors.txt. It is meant for tests: a store's own
// package runs the suite against its store with
//
//	func TestConformanceShared(t *testing.T) {
//		store := newTestStore(t) // one store, or a new one per call
//		s := httpcachetest.Run(t, httpcachetest.Shared, func() httpcache.Store { return store })
//		httpcachetest.CheckFloors(t, s)
//	}
//
// Every test uses URLs of its own, so one store may serve them all.
package httpcachetest

import (
	"bufio"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/snapdoc/snapdoc/runner/httpcache"
)

// Profile is a selection of the suite's tests and a way of deploying the
// cache under test.
type Profile string

const (
	// Private is the cache as a client's own transport (a private
	// cache): the suite's browser selection plus the tests browsers skip
	// only because the Fetch API cannot run them.
	Private Profile = "private"
	// Shared is the suite run as its site runs proxies: every test but
	// the browser-only ones, the client talking to a reverse proxy whose
	// transport is a shared cache configured as a public runner's is (see
	// [SharedOptions]).
	Shared Profile = "shared"
)

// SharedOptions are the options the [Shared] profile gives the cache on
// top of its transport and clock: a shared cache honouring
// Snapdoc-Cache-Control and CDN-Cache-Control (RFC 9213), which serves a
// stale response for up to a day when the origin cannot be reached and no
// directive forbids it.
func SharedOptions() []httpcache.Option {
	return []httpcache.Option{
		httpcache.WithShared(true),
		httpcache.WithTargets("Snapdoc-Cache-Control", "CDN-Cache-Control"),
		httpcache.WithStaleIfDisconnected(24 * time.Hour),
	}
}

// ids is the data's name for the profile's test list.
func (p Profile) ids() string {
	if p == Shared {
		return "cli_proxy"
	}
	return "go_private"
}

func (p Profile) behindProxy() bool { return p == Shared }

func (p Profile) options() []httpcache.Option {
	if p == Shared {
		return SharedOptions()
	}
	return nil
}

// Score is the outcome of one run of a profile, counted as upstream does.
type Score struct {
	Profile                 Profile
	Required, RequiredTotal int // passes and tests of kind "required"
	Optimal, OptimalTotal   int // passes and tests of kind "optimal"
	Yes, Checks             int // "yes" answers and tests of kind "check"
	// Harness counts tests the harness itself could not run.
	Harness int
	// NotPassing lists the tests that are neither a pass nor a "yes", in
	// the profile's order.
	NotPassing []Result
}

// Result is the category of one test that did not pass, and why.
type Result struct {
	ID, Category, Message string
}

// String summarises the score on one line.
func (s Score) String() string {
	return fmt.Sprintf("cache-tests %s: required %d/%d optimal %d/%d check yes %d/%d",
		s.Profile, s.Required, s.RequiredTotal, s.Optimal, s.OptimalTotal, s.Yes, s.Checks)
}

// Run replays the profile's tests, each against a cache over a fresh store
// from newStore (called once per test, possibly concurrently), with opts
// added after the profile's own options. It logs every test that does not
// pass and the score, and returns the score.
func Run(t testing.TB, p Profile, newStore func() httpcache.Store, opts ...httpcache.Option) Score {
	t.Helper()
	data, err := loadCacheTests()
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]ctTest{}
	for _, s := range data.Suites {
		for _, test := range s.Tests {
			tests[test.ID] = test
		}
	}
	ids := data.Derived.Profiles[p.ids()].IDs
	if len(ids) == 0 {
		t.Fatalf("testdata/cache-tests.json: no %s profile", p.ids())
	}

	origin := &ctOrigin{runs: map[string]*ctRun{}}
	srv := httptest.NewServer(origin)
	t.Cleanup(srv.Close)
	// Never reuse a connection to the origin: on a reused one net/http
	// retries a request the origin disconnected, which the suite would
	// score as a retry. (DisableKeepAlives would send "Connection:
	// close", and the server would then overwrite the scripted Connection
	// header.)
	next := &http.Transport{MaxIdleConnsPerHost: -1}
	t.Cleanup(next.CloseIdleConnections)
	cr := &ctRunner{profile: p, origin: origin, base: srv.URL, next: next, newStore: newStore, opts: opts,
		caches: map[string]*httpcache.Transport{}}
	if p.behindProxy() {
		target, _ := url.Parse(srv.URL)
		proxy := httptest.NewServer(&httputil.ReverseProxy{
			Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(target) },
			Transport: cr,
			ErrorLog:  log.New(io.Discard, "", 0),
		})
		t.Cleanup(proxy.Close)
		client := &http.Transport{}
		t.Cleanup(client.CloseIdleConnections)
		cr.base, cr.client = proxy.URL, client
	}

	results := make(map[string]ctResult, len(ids))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for _, id := range ids {
		test, ok := tests[id]
		if !ok {
			t.Fatalf("testdata/cache-tests.json: profile names unknown test %q", id)
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r := cr.run(test)
			mu.Lock()
			results[id] = r
			mu.Unlock()
		}()
	}
	wg.Wait()

	category := func(id string) string { return categorize(tests, results, id) }
	c := tally(ids, tests, category)
	s := Score{Profile: p, Required: c.reqPass, RequiredTotal: c.reqTotal, Optimal: c.optPass, OptimalTotal: c.optTotal,
		Yes: c.yes, Checks: c.checkTotal}
	for _, id := range ids {
		r := results[id]
		if r != nil && strings.HasPrefix(r.msg, "harness:") {
			s.Harness++
		}
		if cat := category(id); cat != ctPass && cat != ctYes {
			msg := ""
			if r != nil {
				msg = r.msg
			}
			s.NotPassing = append(s.NotPassing, Result{ID: id, Category: cat, Message: msg})
			t.Logf("%-16s %-45s %s", cat, id, msg)
		}
	}
	t.Logf("%s (other %d, harness failures %d)", s, c.other, s.Harness)
	t.Log(compare(p, data, ids, tests, c, category))
	return s
}

// compare sets the score beside the reference implementations' on the
// same tests: browsers for the private profile (pass/(pass+fail), as
// browsers cannot run some tests), proxies and CDNs for the shared one.
func compare(p Profile, data *ctFile, ids []string, tests map[string]ctTest, c ctScore, category func(string) string) string {
	var b strings.Builder
	if p == Private {
		browser := data.Derived.Profiles["browser"].IDs
		bs := tally(browser, tests, category)
		fmt.Fprintf(&b, "browser selection (pass/(pass+fail)): snapdoc required %d/%d optimal %d/%d",
			bs.reqPass, bs.reqPass+bs.reqFail, bs.optPass, bs.optPass+bs.optFail)
		for _, impl := range data.ReferenceResults.Implementations {
			if impl.Type == "browser" {
				r := tally(browser, tests, func(id string) string { return impl.Category[id] })
				fmt.Fprintf(&b, "; %s %d/%d %d/%d", impl.Name, r.reqPass, r.reqPass+r.reqFail, r.optPass, r.optPass+r.optFail)
			}
		}
		return b.String()
	}
	fmt.Fprintf(&b, "same tests: snapdoc required %d/%d optimal %d/%d", c.reqPass, c.reqTotal, c.optPass, c.optTotal)
	for _, impl := range data.ReferenceResults.Implementations {
		if impl.Type != "browser" {
			r := tally(ids, tests, func(id string) string { return impl.Category[id] })
			fmt.Fprintf(&b, "; %s %d/%d", impl.Name, r.reqPass, r.optPass)
		}
	}
	return b.String()
}

// CheckFloors fails t when the score is below a floor recorded for its
// profile in testdata/conformance-floors.txt, or when the harness could not
// run a test.
func CheckFloors(t testing.TB, s Score) {
	t.Helper()
	floors, err := parseFloors(floorsText)
	if err != nil {
		t.Fatal(err)
	}
	for kind, got := range map[string]int{"required": s.Required, "optimal": s.Optimal} {
		name := string(s.Profile) + " " + kind
		if floor, ok := floors[name]; !ok {
			t.Errorf("testdata/conformance-floors.txt: no floor for %s", name)
		} else if got < floor {
			t.Errorf("cache-tests %s passes dropped to %d, below the floor of %d", name, got, floor)
		}
	}
	if s.Harness > 0 {
		t.Errorf("cache-tests %s: %d harness failures", s.Profile, s.Harness)
	}
}

// parseFloors reads lines "profile kind count"; # starts a comment.
func parseFloors(text string) (map[string]int, error) {
	floors := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for line := 1; sc.Scan(); line++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		n, err := strconv.Atoi(f[len(f)-1])
		if len(f) != 3 || err != nil {
			return nil, fmt.Errorf("testdata/conformance-floors.txt:%d: want \"profile kind count\", got %q", line, sc.Text())
		}
		floors[f[0]+" "+f[1]] = n
	}
	return floors, nil
}
