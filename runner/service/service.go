package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/snapdoc/snapdoc/internal/fileerr"
	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// BlockRef names a block a site declares: the source file (relative to
// the site's root) and the block's id. Hash, when set, is the hash of the
// requests the caller expects the block to hold.
type BlockRef struct {
	File  string `json:"file"`
	Block string `json:"block"`
	Hash  string `json:"hash,omitempty"`
}

// ErrUnknownBlock is returned by a [Catalog] for a block the site does not
// declare.
var ErrUnknownBlock = errors.New("no such block")

// Catalog looks up the requests of a block the site declares, and the
// options to run them with. It returns an error wrapping ErrUnknownBlock
// for any other.
type Catalog func(ref BlockRef) ([]*httpfile.Request, runner.RunOptions, error)

// RunResult is the answer of the runner service to a run: the block's
// exchanges, the last one carrying the error that stopped the block, if
// any.
type RunResult struct {
	File      string         `json:"file"`
	Block     string         `json:"block"`
	Hash      string         `json:"hash"`
	Exchanges []WireExchange `json:"exchanges"`
	Error     *string        `json:"error"`
	// Failure is the error's class and Reason what it means for a reader
	// (see [ReaderText]), so that a build on another machine publishes
	// the same text as a local one; absent without an error.
	Failure *runner.Failure `json:"failure,omitempty"`
	Reason  *string         `json:"reason,omitempty"`
	// Line and Col are where in File the error is (the failed request's
	// or assertion's line, a syntax error's column), when it names a
	// place there; absent otherwise.
	Line int `json:"line,omitempty"`
	Col  int `json:"col,omitempty"`
}

// Service is the runner's HTTP JSON API. It runs only blocks its Catalog
// declares, never a request the caller makes up, and only for callers its
// Access admits, within its Limits.
//
//	GET     /healthz     {"ok": true} while the process serves (also /v1/health)
//	GET     /readyz      {"ok": true}, or 503 while every run slot is taken;
//	                     {"ok": true, "degraded": "why"} while Ready fails
//	POST    /v1/run      {"file": "content/a.md", "block": "cache", "hash": "..."} → RunResult
//	OPTIONS /v1/run      the CORS preflight, for the allowed origins
//	GET     /metrics     the counters, in the Prometheus text format (see [Service.Metrics])
//
// A run is refused with 404 for a block the catalog does not declare, 409
// when the hash given is not the block's, 413 for a body beyond the
// limit, 415 without Content-Type: application/json, 429 beyond the
// caller's budget (or, for a public runner, the origin's) and 503 when no
// run slot came free in time; the last two say when to retry in
// Retry-After. A public runner answers 403 for a block readers may not run.
type Service struct {
	// Runner executes the blocks.
	Runner *runner.Runner
	// Catalog declares the blocks that may run.
	Catalog Catalog
	// Access says who may call.
	Access Access
	// Limits bound what callers may take.
	Limits Limits
	// Log, when set, receives the access log, one line a request.
	Log *slog.Logger

	// Public makes the service a public runner, which the pages of a
	// published site call: a caller without the token may run only the
	// blocks readers may run ([runner.RunOptions.Try]; 403 for others), within
	// its budget in Budgets. The Runner's origin budget
	// ([OriginBudget]) should be Budgets too.
	Public bool
	// Budgets are a public runner's budgets, which replicas may share;
	// when nil, Handler sets [NewLocalBudgets] with the defaults.
	Budgets Budgets
	// Collapse, when set, collapses identical runs of anonymous callers,
	// across the replicas that share it.
	Collapse Collapser
	// Metrics, when set, count the runs; the token holder (or, for a
	// runner without a token that is not public, this machine's
	// programs) reads them at GET /metrics.
	Metrics *Metrics
	// Ready, when set, reports the state of what the replicas share (such
	// as a Redis client's Ready). While it fails the service still
	// serves, from its local stores, so /readyz answers 200 and says
	// degraded: a load balancer keeps the replica, and the operator sees
	// why.
	Ready func() error
}

// Handler returns the service's HTTP handler.
func (s *Service) Handler() http.Handler {
	lim := s.Limits.withDefaults()
	budgets := newBudgets(lim)
	if s.Public && s.Budgets == nil {
		s.Budgets = NewLocalBudgets(Budget{}, Budget{})
	}
	runs := NewGate(lim.MaxRuns, lim.QueueWait)
	mux := http.NewServeMux()
	health := func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	}
	mux.HandleFunc("GET /healthz", health)
	mux.HandleFunc("GET /v1/health", health)
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if runs.Full() {
			writeError(w, http.StatusServiceUnavailable, "every run slot is taken")
			return
		}
		if s.Ready != nil {
			if err := s.Ready(); err != nil {
				writeJSON(w, http.StatusOK, map[string]any{"ok": true, "degraded": err.Error()})
				return
			}
		}
		health(w, nil)
	})
	run := s.Access.Browser(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		s.run(w, req, lim, budgets, runs)
	}))
	mux.Handle("POST /v1/run", run)
	mux.Handle("OPTIONS /v1/run", run)
	if s.Metrics != nil {
		metrics := s.Metrics.Handler()
		mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, req *http.Request) {
			if !CallerOf(req).Trusted {
				refuse(w, req, http.StatusForbidden, "the metrics are for the token holder")
				return
			}
			metrics.ServeHTTP(w, req)
		})
	}
	return AccessLog(s.Log, slog.LevelInfo, slog.LevelWarn, s.Access.Wrap(mux))
}

// run serves POST /v1/run.
func (s *Service) run(w http.ResponseWriter, req *http.Request, lim Limits, budgets *budgets, runs *Gate) {
	caller := CallerOf(req)
	public := s.Public && !caller.Trusted
	if !s.takeBudget(w, req, caller, public, budgets) {
		return
	}
	ref, ok := decodeRef(w, req, lim.MaxBodyBytes)
	if !ok {
		return
	}
	NoteBlock(req, ref.File, ref.Block)
	reqs, opts, err := s.Catalog(ref)
	if errors.Is(err, ErrUnknownBlock) {
		NoteRefused(req, "unknown block")
		writeError(w, http.StatusNotFound, err.Error())
		return
	}
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	if public && !opts.Try {
		NoteRefused(req, "readers may not run it")
		writeError(w, http.StatusForbidden, fmt.Sprintf("%s block %s: readers of the published site may not run this block", ref.File, ref.Block))
		return
	}
	hash := runner.Hash(reqs)
	if ref.Hash != "" && ref.Hash != hash {
		NoteRefused(req, "hash differs")
		writeError(w, http.StatusConflict, fmt.Sprintf("%s block %s: the runner's copy of the block differs from the caller's", ref.File, ref.Block))
		return
	}
	release, ok := runs.Enter(req.Context())
	if !ok {
		tooBusy(w, req, http.StatusServiceUnavailable, time.Second, "the runner is busy")
		return
	}
	defer release()
	ctx := req.Context()
	if public {
		ctx = context.WithValue(ctx, publicRun{}, true)
		if s.Collapse != nil {
			if done := s.Collapse.Collapse(ctx, ref.File+"\x00"+ref.Block+"\x00"+hash); done != nil {
				defer done()
			} else {
				s.Metrics.wasCollapsed()
			}
		}
	}
	ex, runErr := s.Runner.Run(ctx, reqs, opts)
	var spent *OriginBudgetError
	if errors.As(runErr, &spent) {
		s.Metrics.wasRefused("origin")
		tooBusy(w, req, http.StatusTooManyRequests, spent.RetryAfter, "the runner's budget of requests to the origin is spent")
		return
	}
	s.Metrics.ran(callerLabel(public), runOutcome(runErr), ex)
	res := RunResult{File: ref.File, Block: ref.Block, Hash: hash, Exchanges: []WireExchange{}}
	for i, r := range reqs {
		if i < len(ex) {
			res.Exchanges = append(res.Exchanges, NewWireExchange(ref.File, ref.Block, r, ex[i]))
		}
	}
	if runErr != nil {
		msg, class, reason := runErr.Error(), runner.Classify(runErr), runner.ReaderText(runErr)
		res.Error, res.Failure, res.Reason = &msg, &class, &reason
		if fe, ok := fileerr.As(runErr); ok && fe.File == ref.File {
			res.Line, res.Col = fe.Line, fe.Col
		}
	}
	writeJSON(w, http.StatusOK, res)
}

// takeBudget spends one run of the caller's budget: an anonymous caller
// of a public runner's from Budgets, others' from their own; it answers
// 429 and returns false when the budget is spent.
func (s *Service) takeBudget(w http.ResponseWriter, req *http.Request, c Caller, public bool, budgets *budgets) bool {
	ok, wait := false, time.Duration(0)
	if public {
		ok, wait = s.Budgets.AllowClient(req.Context(), c.Name)
	} else {
		ok, wait = budgets.take(c)
	}
	if !ok {
		s.Metrics.wasRefused(map[bool]string{true: "client", false: "token"}[public])
		tooBusy(w, req, http.StatusTooManyRequests, wait, "too many runs")
	}
	return ok
}

// callerLabel names the kind of caller in the metrics.
func callerLabel(public bool) string {
	if public {
		return "public"
	}
	return "token"
}

// runOutcome names a run's outcome in the metrics.
func runOutcome(err error) string {
	if err != nil {
		return "failed"
	}
	return "ok"
}

// decodeRef reads the block a run names from its body, at most max
// bytes, answering 400 or 413 when it cannot.
func decodeRef(w http.ResponseWriter, req *http.Request, max int64) (BlockRef, bool) {
	var ref BlockRef
	dec := json.NewDecoder(http.MaxBytesReader(w, req.Body, max))
	dec.DisallowUnknownFields()
	err := dec.Decode(&ref)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		NoteRefused(req, "body too large")
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a run's body is at most %d bytes", max))
		return ref, false
	case err != nil || ref.File == "" || ref.Block == "":
		NoteRefused(req, "bad body")
		writeError(w, http.StatusBadRequest, `want a JSON body {"file": "...", "block": "...", "hash": "..."}`)
		return ref, false
	}
	return ref, true
}

// Serve serves the service on l until ctx is done, then shuts down
// gracefully, letting runs in flight finish for up to grace.
func (s *Service) Serve(ctx context.Context, l net.Listener, grace time.Duration) error {
	srv := NewHTTPServer(s.Handler(), s.Limits)
	l = LimitConns(l, srv, s.Limits.withDefaults().MaxConns)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// IsLoopback reports whether the listen address addr (host:port) binds
// only to the loopback interface.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
