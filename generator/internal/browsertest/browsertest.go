// Package browsertest starts a headless Chromium for tests that drive pages
// with chromedp, and offers waits that survive page reloads.
package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Timeout bounds the whole life of the browser of one test, so that a test
// that waits for something that never happens fails instead of hanging.
const Timeout = time.Minute

// pollInterval is how often [Until] evaluates its expression.
const pollInterval = 10 * time.Millisecond

// Chromium returns the path of Debian's chromium: "chromium" on PATH, or
// /usr/bin/chromium.
func Chromium() (string, error) {
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, nil
	}
	const debian = "/usr/bin/chromium"
	if _, err := os.Stat(debian); err != nil {
		return "", errors.New("chromium not found on PATH nor at " + debian)
	}
	return debian, nil
}

// shared is the browser that [Main] lets the tests of a package share.
var shared struct {
	mu     sync.Mutex
	on     bool            // Main is running the tests
	ctx    context.Context // the browser's first tab, once started
	err    error           // why the browser did not start
	cancel context.CancelFunc
}

// Main runs the tests of a package with one browser shared by all of them,
// each test in its own tab and its own browser context (separate cookies and
// storage), and closes the browser afterwards. Starting Chromium takes
// seconds on a busy machine and a tab takes milliseconds, so call it from
// TestMain:
//
//	func TestMain(m *testing.M) { browsertest.Main(m) }
//
// Without it, [New] starts a browser for each test. A busy tab keeps a core
// busy, so on a small machine browser tests finish sooner without
// t.Parallel.
func Main(m *testing.M) {
	shared.mu.Lock()
	shared.on = true
	shared.mu.Unlock()
	defer func() {
		shared.mu.Lock()
		defer shared.mu.Unlock()
		if shared.ctx != nil {
			_ = chromedp.Cancel(shared.ctx)
			shared.cancel()
		}
	}()
	m.Run()
}

// New returns the chromedp context of a new tab in a headless Chromium. The
// context ends after [Timeout]; the tab, and the browser unless [Main]
// shares it, close when t ends. The page's console messages and uncaught
// exceptions go to t.Log.
//
// Without chromium, New skips t with a message saying what to install, unless
// the environment variable CI is "true": CI installs chromium, so there its
// absence fails the test.
func New(t testing.TB) context.Context {
	t.Helper()
	return newTab(t, nil)
}

// NewWithFlags is [New] in a browser of its own, started with the extra
// command-line flags, such as host-resolver-rules to reach a loopback
// server under another name. Its tab context ends after [Timeout], and the
// browser closes when t ends.
func NewWithFlags(t testing.TB, flags map[string]any) context.Context {
	t.Helper()
	var extra []chromedp.ExecAllocatorOption
	for name, value := range flags {
		extra = append(extra, chromedp.Flag(name, value))
	}
	return newTab(t, extra)
}

// newTab opens a tab in the shared browser, or with extra flags or
// without [Main] in a browser of its own.
func newTab(t testing.TB, extra []chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path, err := Chromium()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browsertest: %v (CI=true, so browser tests must run)", err)
		}
		t.Skipf("browsertest: %v; install Debian's chromium package to run this browser test", err)
	}

	var ctx context.Context
	var cancel context.CancelFunc
	if extra != nil {
		ctx, cancel = start(path, extra...)
	} else if browser, err := sharedBrowser(path); err != nil {
		t.Fatalf("browsertest: start %s: %v", path, err)
	} else if browser != nil {
		ctx, cancel = chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	} else {
		ctx, cancel = start(path)
	}
	// Open the tab with a context that has no deadline: a deadline on the
	// first run would close it when it passes.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("browsertest: open a tab in %s: %v", path, err)
	}

	logged := make(chan struct{})
	logCtx, stopLog := context.WithCancel(ctx)
	messages := chromedp.Console(logCtx)
	go func() {
		defer close(logged)
		for m, err := range messages {
			if err != nil {
				return
			}
			t.Logf("browser %s", m)
		}
	}()

	timed, cancelTimed := context.WithTimeout(ctx, Timeout)
	t.Cleanup(func() {
		stopLog()
		<-logged // no t.Log once t has ended
		cancelTimed()
		_ = chromedp.Cancel(ctx)
		cancel()
	})
	return timed
}

// sharedBrowser returns the first tab of the browser that [Main] shares,
// starting it on first use, or nil when Main is not in use.
func sharedBrowser(path string) (context.Context, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.on || shared.err != nil {
		return shared.ctx, shared.err
	}
	if shared.ctx == nil {
		ctx, cancel := start(path)
		if err := chromedp.Do(ctx); err != nil {
			cancel()
			shared.err = err
			return nil, err
		}
		shared.ctx, shared.cancel = ctx, cancel
	}
	return shared.ctx, nil
}

// start returns the context of a browser that starts on its first run,
// with the extra options.
func start(path string, extra ...chromedp.ExecAllocatorOption) (context.Context, context.CancelFunc) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.WindowSize(1024, 768),
	)
	opts = append(opts, extra...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	return ctx, func() {
		cancelCtx()
		cancelAlloc()
	}
}

// Until waits until the JavaScript expression is true in the page, checking
// every 10 ms. Unlike [chromedp.Poll], it keeps waiting across reloads and
// navigations, when the page's scripts start over; it gives up only when the
// context ends.
func Until(expr string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		var last error
		for {
			ok, err := chromedp.Evaluate[bool](expr)(ctx, t)
			if err == nil && ok {
				return chromedp.Void{}, nil
			}
			if err != nil {
				last = err // a page in the middle of a reload has no context to evaluate in
			}
			select {
			case <-ctx.Done():
				if last != nil {
					return chromedp.Void{}, fmt.Errorf("wait for %s: %w (last error: %v)", expr, ctx.Err(), last)
				}
				return chromedp.Void{}, fmt.Errorf("wait for %s: %w", expr, ctx.Err())
			case <-time.After(pollInterval):
			}
		}
	}
}

// WaitText waits until the first element that matches the CSS selector
// contains text, across reloads as [Until] does. When it gives up, its
// error says what the element held last, so a failure shows what the page
// said instead.
func WaitText(selector, text string) chromedp.Action[chromedp.Void] {
	expr := fmt.Sprintf("document.querySelector(%s)?.textContent ?? null", quote(selector))
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		last := "(no such element)"
		for {
			got, err := chromedp.Evaluate[*string](expr)(ctx, t)
			if err == nil && got != nil {
				if strings.Contains(*got, text) {
					return chromedp.Void{}, nil
				}
				last = fmt.Sprintf("%q", *got)
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, fmt.Errorf("wait for %s to contain %q: %w (it held %s)", selector, text, ctx.Err(), last)
			case <-time.After(pollInterval):
			}
		}
	}
}

// Press focuses the first element that matches the CSS selector and
// presses Enter, as a keyboard user activates a button. Unlike
// [chromedp.Click], which aims the mouse at where the element is when it
// looks, it cannot miss an element that moves meanwhile: the page's
// smooth scrolling, or content inserted above it, can move it between
// the aim and the click.
func Press(selector string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		return chromedp.Void{}, chromedp.Do(ctx, chromedp.Focus(selector), chromedp.KeyEvent("\r"))
	}
}

// quote returns s as a JavaScript string literal.
func quote(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b)
}
