package browsertest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// page changes its text after a reload that it triggers itself, so a wait
// that does not survive reloads fails on it.
const page = `<!doctype html><body><p id="msg">first</p><script>
if (!sessionStorage.getItem("reloaded")) {
	sessionStorage.setItem("reloaded", "1");
	setTimeout(() => location.reload(), 50);
} else {
	setTimeout(() => { document.getElementById("msg").textContent = "after reload"; }, 50);
}
</script></body>`

func TestMain(m *testing.M) { Main(m) }

// TestOwnBrowser runs New as a package without [Main] does. It must not run
// in parallel: it turns sharing off for its duration.
func TestOwnBrowser(t *testing.T) {
	shared.mu.Lock()
	shared.on = false
	shared.mu.Unlock()
	defer func() {
		shared.mu.Lock()
		shared.on = true
		shared.mu.Unlock()
	}()
	ctx := New(t)
	if shared.ctx != nil || chromedp.FromContext(ctx).Browser == nil {
		t.Fatal("New did not start a browser of its own")
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int]("6 * 7"))
	if err != nil || n != 42 {
		t.Fatalf("evaluate: %d, %v", n, err)
	}
}

func TestWaitTextAcrossReload(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	}))
	t.Cleanup(srv.Close)

	ctx := New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL), WaitText("#msg", "after reload")); err != nil {
		t.Fatal(err)
	}
	reloads, err := chromedp.Run(ctx, chromedp.Evaluate[string](`sessionStorage.getItem("reloaded")`))
	if err != nil || reloads != "1" {
		t.Fatalf("page did not reload itself: %q, %v", reloads, err)
	}
}

func TestUntilGivesUp(t *testing.T) {
	ctx := New(t)
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	err := chromedp.Do(short, Until("false"))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Until(false) = %v, want the deadline", err)
	}
}

func TestQuote(t *testing.T) {
	t.Parallel()
	if got, want := quote(`a"b</script>`), `"a\"b\u003c/script\u003e"`; got != want {
		t.Fatalf("quote = %s, want %s", got, want)
	}
}
