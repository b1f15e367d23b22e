package snippet

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/snapdoc/snapdoc/runner/httpfile"
)

// VerifyOptions tune [Set.Verify] and [Set.VerifyAll].
type VerifyOptions struct {
	// Env holds the test values of secrets by name. A secret without one
	// gets "test-<name>-value" (name reduced to letters, digits and '-').
	Env map[string]string
	// Timeout bounds each program run and each batch build; zero means
	// two minutes.
	Timeout time.Duration
	// Parallel is how many programs run at once; zero means the number
	// of CPUs.
	Parallel int
}

// Verify renders r in lang, runs the program against a loopback echo
// server (go-httpbin's /anything endpoint) and checks that the server got
// exactly the request r describes: method, path and raw query byte for
// byte, every header field with its exact value (repeated ones in order),
// and the body (the same JSON value for a JSON body, the same bytes
// otherwise); and that the program printed the status and the response
// body. Only the scheme and host of the URL are changed, to the echo
// server's. The program gets the secrets' test values in its environment.
//
// The error wraps [ErrCannotExpress] when lang cannot express r,
// [ErrNoInterpreter] when the language's interpreter is missing, and
// otherwise says what differed.
func (s *Set) Verify(ctx context.Context, lang string, r *httpfile.Request, opts VerifyOptions) error {
	return s.VerifyAll(ctx, lang, []*httpfile.Request{r}, opts)[0]
}

// VerifyAll verifies each request of rs as [Set.Verify] does and returns
// their errors in order. Compiled languages (Go, Java) are built once for
// all the programs, which is much faster than one Verify per request.
func (s *Set) VerifyAll(ctx context.Context, lang string, rs []*httpfile.Request, opts VerifyOptions) []error {
	steps := make([]Step, len(rs))
	for i, r := range rs {
		steps[i].Request = r
	}
	return s.VerifySteps(ctx, lang, steps, opts)
}

// Step is a request of a block with how the page's runner answered it.
type Step struct {
	Request *httpfile.Request
	// Cached is how the runner's cache answered the request (see
	// [CachedSteps]), or nil.
	Cached *Cached
}

// VerifySteps is [Set.VerifyAll] of requests whose code reproduces what
// the runner's cache did. For a step whose code sends a conditional
// request, the echo server answers 304 Not Modified (no body) when
// If-None-Match is the validator the code should send, and the program
// must have sent it and printed the status alone.
func (s *Set) VerifySteps(ctx context.Context, lang string, steps []Step, opts VerifyOptions) []error {
	errs := make([]error, len(steps))
	if lang != "http" {
		if _, _, err := s.interp.lookup(ctx, lang); err != nil {
			for i := range errs {
				errs[i] = err
			}
			return errs
		}
	}
	var jobs []*job
	for i, st := range steps {
		j, err := s.prepare(lang, st, opts)
		if err != nil {
			errs[i] = err
			continue
		}
		j.index = i
		jobs = append(jobs, j)
	}
	if lang == "http" {
		s.sendAll(ctx, jobs, opts)
	} else {
		s.runAll(ctx, lang, jobs, opts)
	}
	for _, j := range jobs {
		errs[j.index] = j.check(lang)
		j.echo.Close()
	}
	return errs
}

// job is one program under verification.
type job struct {
	index int
	echo  *echoServer
	local *httpfile.Request // the request sent to the echo server
	view  *View
	code  string
	env   map[string]string

	out []byte // what the program printed
	err error  // why it did not run
}

// prepare starts an echo server for the step and renders the program
// aimed at it.
func (s *Set) prepare(lang string, st Step, opts VerifyOptions) (*job, error) {
	if _, ok := s.tmpl[lang]; !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownLanguage, lang)
	}
	v, err := NewView(st.Request)
	if err != nil {
		return nil, err
	}
	v.Cached = st.Cached
	if err := s.SupportsView(lang, v); err != nil {
		return nil, err
	}
	echo, err := startEcho()
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", lang, err)
	}
	j := &job{echo: echo}
	if j.local, err = rebase(st.Request, echo.URL); err == nil {
		if j.view, err = NewView(j.local); err == nil {
			j.view.Cached = st.Cached
			j.code, err = s.RenderView(lang, j.view)
		}
	}
	if err != nil {
		echo.Close()
		return nil, err
	}
	j.env = secretValues(j.local.Secrets(), opts.Env)
	echo.setETag(expected(j.view, j.env).validator())
	return j, nil
}

// check compares what the server received and the program printed with
// what the request says.
func (j *job) check(lang string) error {
	if j.err != nil {
		return fmt.Errorf("verify %s: %w", lang, j.err)
	}
	got := j.echo.requests()
	if len(got) != 1 {
		return fmt.Errorf("verify %s: the server received %d requests, want 1", lang, len(got))
	}
	w := expected(j.view, j.env)
	problems := compareRequest(w, got[0], builtins[lang].combines)
	if w.validator() != "" && got[0].status != http.StatusNotModified {
		problems = append(problems, fmt.Sprintf("the server answered %d to the conditional request, want 304", got[0].status))
	}
	problems = append(problems, compareOutput(lang, j.view.Method, got[0], j.out)...)
	if len(problems) > 0 {
		return fmt.Errorf("verify %s: %s", lang, strings.Join(problems, "; "))
	}
	return nil
}

func (o VerifyOptions) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return 2 * time.Minute
}

func (o VerifyOptions) parallel() int {
	if o.Parallel > 0 {
		return o.Parallel
	}
	return runtime.NumCPU()
}

// each calls fn for every job, at most opts.parallel() at a time.
func each(jobs []*job, opts VerifyOptions, fn func(*job)) {
	sem := make(chan struct{}, opts.parallel())
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fn(j)
		}()
	}
	wg.Wait()
}

// sendAll sends each job's raw HTTP message.
func (s *Set) sendAll(ctx context.Context, jobs []*job, opts VerifyOptions) {
	each(jobs, opts, func(j *job) {
		ctx, cancel := context.WithTimeout(ctx, opts.timeout())
		defer cancel()
		msg := httpfile.Expand(j.code, func(n string) string { return j.env[n] })
		j.out, j.err = sendRaw(ctx, j.echo.URL, j.local.Method, msg)
	})
}

// rebase returns a copy of r sent to origin: scheme and host replaced,
// path and query kept.
func rebase(r *httpfile.Request, origin string) (*httpfile.Request, error) {
	u, err := NormalizeURL(r.URL)
	if err != nil {
		return nil, fmt.Errorf("snippet: %w", err)
	}
	_, target, err := splitURL(u)
	if err != nil {
		return nil, fmt.Errorf("snippet: %w", err)
	}
	local := *r
	local.URL = origin + target
	return &local, nil
}

// secretValues returns a test value for each secret.
func secretValues(names []string, given map[string]string) map[string]string {
	env := map[string]string{}
	for _, n := range names {
		if v, ok := given[n]; ok {
			env[n] = v
			continue
		}
		env[n] = "test-" + strings.Map(func(r rune) rune {
			if r < 0x80 && isUnreserved(byte(r)) && r != '.' && r != '_' && r != '~' {
				return r
			}
			return '-'
		}, n) + "-value"
	}
	return env
}

// tail returns the end of a long output.
func tail(s string) string {
	const max = 2000
	if len(s) > max {
		return "..." + s[len(s)-max:]
	}
	return s
}

// sendRaw sends the raw HTTP message msg (lines ending in "\n", the body
// cut at its Content-Length) to the server at origin and returns the
// response as the other languages print it: "Status Code: <n>", then the
// body.
func sendRaw(ctx context.Context, origin, method, msg string) ([]byte, error) {
	head, rest, _ := strings.Cut(msg, "\n\n")
	head = strings.TrimSuffix(head, "\n")
	n := 0
	for _, line := range strings.Split(head, "\n") {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.EqualFold(name, "Content-Length") {
			var err error
			if n, err = strconv.Atoi(strings.TrimSpace(value)); err != nil || n > len(rest) {
				return nil, fmt.Errorf("raw message: bad Content-Length %q for a body of %d bytes", value, len(rest))
			}
		}
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", strings.TrimPrefix(origin, "http://"))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	wire := strings.ReplaceAll(head, "\n", "\r\n") + "\r\n\r\n" + rest[:n]
	if _, err := io.WriteString(conn, wire); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		return nil, errors.New("raw message: " + resp.Status)
	}
	return append([]byte(fmt.Sprintf("Status Code: %d\n", resp.StatusCode)), body...), nil
}
