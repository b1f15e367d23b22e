package runner

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"
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
type Catalog func(ref BlockRef) ([]*Request, RunOptions, error)

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
	Failure *Failure `json:"failure,omitempty"`
	Reason  *string  `json:"reason,omitempty"`
}

// Service is the runner's HTTP JSON API. It runs only blocks its Catalog
// declares, never a request the caller makes up.
//
//	GET  /v1/health  {"ok": true}
//	POST /v1/run     {"file": "content/a.md", "block": "cache"} → RunResult
type Service struct {
	// Runner executes the blocks.
	Runner *Runner
	// Catalog declares the blocks that may run.
	Catalog Catalog
	// Token, when set, must be sent as "Authorization: Bearer TOKEN".
	Token string
	// Rate and Burst limit the runs per second the service accepts; 5
	// and 20 when zero.
	Rate  float64
	Burst int
}

// maxRunBody bounds the size of a run request.
const maxRunBody = 16 << 10

// Handler returns the service's HTTP handler.
func (s *Service) Handler() http.Handler {
	r, burst := s.Rate, s.Burst
	if r <= 0 {
		r = 5
	}
	if burst <= 0 {
		burst = 20
	}
	limiter := rate.NewLimiter(rate.Limit(r), burst)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	})
	mux.HandleFunc("POST /v1/run", func(w http.ResponseWriter, req *http.Request) {
		if !limiter.Allow() {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, "too many runs; retry in a second")
			return
		}
		var ref BlockRef
		dec := json.NewDecoder(http.MaxBytesReader(w, req.Body, maxRunBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ref); err != nil || ref.File == "" || ref.Block == "" {
			writeError(w, http.StatusBadRequest, `want a JSON body {"file": "...", "block": "..."}`)
			return
		}
		reqs, opts, err := s.Catalog(ref)
		if errors.Is(err, ErrUnknownBlock) {
			writeError(w, http.StatusNotFound, err.Error())
			return
		}
		if err != nil {
			writeError(w, http.StatusUnprocessableEntity, err.Error())
			return
		}
		hash := Hash(reqs)
		if ref.Hash != "" && ref.Hash != hash {
			writeError(w, http.StatusConflict, fmt.Sprintf("%s block %s: the runner's copy of the block differs from the caller's", ref.File, ref.Block))
			return
		}
		ex, runErr := s.Runner.Run(req.Context(), reqs, opts)
		res := RunResult{File: ref.File, Block: ref.Block, Hash: hash, Exchanges: []WireExchange{}}
		for i, r := range reqs {
			if i < len(ex) {
				res.Exchanges = append(res.Exchanges, NewWireExchange(ref.File, ref.Block, r, ex[i]))
			}
		}
		if runErr != nil {
			msg, class, reason := runErr.Error(), Classify(runErr), ReaderText(runErr)
			res.Error, res.Failure, res.Reason = &msg, &class, &reason
		}
		writeJSON(w, http.StatusOK, res)
	})
	if s.Token == "" {
		return mux
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		got, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.Token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="snapdoc runner"`)
			writeError(w, http.StatusUnauthorized, "missing or wrong token")
			return
		}
		mux.ServeHTTP(w, req)
	})
}

// Serve serves the service on l until ctx is done, then shuts down
// gracefully, letting runs in flight finish for up to grace.
func (s *Service) Serve(ctx context.Context, l net.Listener, grace time.Duration) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
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

// Client runs blocks on a remote runner service, so that API credentials
// live only where the service runs.
type Client struct {
	// URL is the service's base URL, such as http://127.0.0.1:7070.
	URL string
	// Token is sent as a bearer token when set.
	Token string
	// HTTP is the client to use; http.DefaultClient when nil.
	HTTP *http.Client
}

// Run asks the service to run the block ref and returns its exchanges,
// and the error that stopped the block, if any.
func (c *Client) Run(ctx context.Context, ref BlockRef) ([]*Exchange, error) {
	body, err := json.Marshal(ref)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.URL, "/")+"/v1/run", strings.NewReader(string(body)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("runner service: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		_ = json.NewDecoder(resp.Body).Decode(&e)
		return nil, fmt.Errorf("runner service: %s: %s", resp.Status, e.Error)
	}
	var res RunResult
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return nil, fmt.Errorf("runner service: %w", err)
	}
	var out []*Exchange
	for _, w := range res.Exchanges {
		x, err := w.Exchange()
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	if res.Error != nil {
		e := &RemoteError{Msg: *res.Error, Class: FailRequest}
		if res.Failure != nil {
			e.Class = *res.Failure
		}
		if res.Reason != nil {
			e.Reason = *res.Reason
		}
		return out, e
	}
	return out, nil
}
