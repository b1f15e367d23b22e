package snippet

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/snapdoc/snapdoc/runner"
)

// VerifyOptions tune [Verify].
type VerifyOptions struct {
	// Env holds the test values of secrets by name. A secret without one
	// gets "test-<name>-value" (name reduced to letters, digits and '-').
	Env map[string]string
	// Timeout bounds one program run; zero means two minutes.
	Timeout time.Duration
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
func (s *Set) Verify(ctx context.Context, lang string, r *runner.Request, opts VerifyOptions) error {
	if err := s.Supports(lang, r); err != nil {
		return err
	}
	if lang != "http" {
		if _, _, err := s.interp.lookup(ctx, lang); err != nil {
			return err
		}
	}
	echo, err := startEcho()
	if err != nil {
		return fmt.Errorf("verify %s: %w", lang, err)
	}
	defer echo.Close()

	local, err := rebase(r, echo.URL)
	if err != nil {
		return err
	}
	code, err := s.Render(lang, local)
	if err != nil {
		return err
	}
	env := secretValues(local.Secrets(), opts.Env)
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	var out []byte
	if lang == "http" {
		out, err = sendRaw(ctx, echo.URL, local.Method, runner.Expand(code, func(n string) string { return env[n] }))
	} else {
		out, err = s.run(ctx, lang, code, env)
	}
	if err != nil {
		return fmt.Errorf("verify %s: %w", lang, err)
	}
	v, err := NewView(local)
	if err != nil {
		return err
	}
	got := echo.requests()
	if len(got) != 1 {
		return fmt.Errorf("verify %s: the server received %d requests, want 1", lang, len(got))
	}
	want := expected(v, env)
	problems := compareRequest(want, got[0], builtins[lang].combines)
	problems = append(problems, compareOutput(lang, v.Method, got[0], out)...)
	if len(problems) > 0 {
		return fmt.Errorf("verify %s: %s", lang, strings.Join(problems, "; "))
	}
	return nil
}

// rebase returns a copy of r sent to origin: scheme and host replaced,
// path and query kept.
func rebase(r *runner.Request, origin string) (*runner.Request, error) {
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

// run writes code to a new temporary directory and runs it there with the
// secrets in its environment, returning its standard output.
func (s *Set) run(ctx context.Context, lang, code string, env map[string]string) ([]byte, error) {
	prog, path, err := s.interp.lookup(ctx, lang)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "snippet-"+lang+"-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, prog.file), []byte(code), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, path, prog.args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	for n, v := range env {
		cmd.Env = append(cmd.Env, n+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %v\n%s\n--- program ---\n%s", path, strings.Join(prog.args, " "), err, tail(stderr.String()), code)
	}
	return stdout.Bytes(), nil
}

// tail returns the end of a long output.
func tail(s string) string {
	const max = 2000
	if len(s) > max {
		return "..." + s[len(s)-max:]
	}
	return s
}

// sendRaw sends the raw HTTP message msg (lines ending in "\n") to the
// server at origin and returns the response body.
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
