package preview

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// sse is one frame of an event stream.
type sse struct {
	name, id, data string
	comment        string
	retry          string
}

// stream reads the event stream of a page at a URL path.
type stream struct {
	frames chan sse
	cancel context.CancelFunc
}

// openStream connects as the page at path, served from site version v,
// with the given Last-Event-ID header unless it is empty.
func openStream(t testing.TB, ts *httptest.Server, path, v, lastID string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	q := url.Values{"path": {path}, "v": {v}}
	req, err := http.NewRequestWithContext(ctx, "GET", ts.URL+eventsPath+"?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %s %q", resp.Status, resp.Header.Get("Content-Type"))
	}
	st := &stream{frames: make(chan sse, 64), cancel: cancel}
	t.Cleanup(cancel)
	go func() {
		defer resp.Body.Close()
		defer close(st.frames)
		sc := bufio.NewScanner(resp.Body)
		var f sse
		for sc.Scan() {
			line := sc.Text()
			if line == "" {
				st.frames <- f
				f = sse{}
				continue
			}
			k, v, _ := strings.Cut(line, ": ")
			switch k {
			case "event":
				f.name = v
			case "id":
				f.id = v
			case "data":
				f.data = v
			case "retry":
				f.retry = v
			case "":
				f.comment = v
			}
		}
	}()
	if f := st.next(t); f.retry == "" {
		t.Fatalf("first frame %+v, want the retry interval", f)
	}
	return st
}

// next returns the next frame that is not a heartbeat.
func (st *stream) next(t testing.TB) sse {
	t.Helper()
	for {
		select {
		case f, ok := <-st.frames:
			if !ok {
				t.Fatal("stream ended")
			}
			if f.comment == "ping" {
				continue
			}
			return f
		case <-time.After(failAfter):
			t.Fatal("no event")
		}
	}
}

// expect reads the next frame and checks its name.
func (st *stream) expect(t testing.TB, name string) sse {
	t.Helper()
	f := st.next(t)
	if f.name != name {
		t.Fatalf("event %+v, want %q", f, name)
	}
	return f
}

// expectNothingPending asserts that no event is pending: it makes an update
// that changes nothing and checks that its event comes first.
func (st *stream) expectNothingPending(t testing.TB, s *Server) {
	t.Helper()
	s.Update(s.site.Load().files, []string{})
	if f := st.expect(t, "unchanged"); f.id != currentVersion(s) {
		t.Fatalf("unchanged id %q, want %q", f.id, currentVersion(s))
	}
}

func currentVersion(s *Server) string { return s.site.Load().version }

func TestEventsReloadOnlyAffectedPages(t *testing.T) {
	t.Parallel()
	s, ts := startServer(t, ServerOptions{})
	s.Update(testSite(), nil)
	v := currentVersion(s)
	home := openStream(t, ts, "/", v, "")
	intro := openStream(t, ts, "/go/intro/", v, "")
	missing := openStream(t, ts, "/new/", v, "")

	// One page changes.
	next := testSite()
	next["go/intro/index.html"] = []byte("<body>Intro 2</body>")
	s.Update(next, []string{"go/intro/index.html"})
	v2 := currentVersion(s)
	if f := intro.expect(t, "reload"); f.id != v2 {
		t.Errorf("reload id %q, want %q", f.id, v2)
	}
	if f := home.expect(t, "unchanged"); f.id != v2 {
		t.Errorf("unchanged id %q, want %q", f.id, v2)
	}
	missing.expect(t, "unchanged")

	// A page appears where there was a 404.
	next = testSite()
	next["new/index.html"] = []byte("<body>New</body>")
	s.Update(next, []string{"new/index.html", "go/intro/index.html"})
	missing.expect(t, "reload")
	intro.expect(t, "reload")
	home.expect(t, "unchanged")

	// A stylesheet changes: every page reloads.
	s.Update(testSite(), []string{"style.css"})
	for _, st := range []*stream{home, intro, missing} {
		st.expect(t, "reload")
	}

	// Unknown changes: every page reloads.
	s.Update(testSite(), nil)
	for _, st := range []*stream{home, intro, missing} {
		st.expect(t, "reload")
	}
}

func TestEventsBuildError(t *testing.T) {
	t.Parallel()
	s, ts := startServer(t, ServerOptions{})
	s.Update(testSite(), nil)
	v := currentVersion(s)
	open := openStream(t, ts, "/", v, "")

	s.SetError(BuildError{Message: "front matter: unknown field \"tittle\"", File: "content/a.md", Line: 3, Col: 1})
	f := open.expect(t, "error")
	var got BuildError
	if err := json.Unmarshal([]byte(f.data), &got); err != nil {
		t.Fatal(err)
	}
	want := BuildError{Message: "front matter: unknown field \"tittle\"", File: "content/a.md", Line: 3, Col: 1}
	if got != want || f.id != "" {
		t.Fatalf("error event %+v decoded %+v, want %+v without id", f, got, want)
	}

	// The last good site is still served.
	if resp, body := fetch(t, "GET", ts.URL+"/"); resp.StatusCode != 200 || !strings.Contains(body, "Home") {
		t.Fatalf("during error: %d %q", resp.StatusCode, body)
	}

	// A page that connects now gets the error at once.
	late := openStream(t, ts, "/go/intro/", v, "")
	if f := late.expect(t, "error"); f.data != mustJSON(want) {
		t.Fatalf("replayed error %q", f.data)
	}

	// The fix: the error clears and pages hear of the update.
	s.Update(testSite(), []string{"index.html"})
	open.expect(t, "reload")
	late.expect(t, "unchanged")
	after := openStream(t, ts, "/", currentVersion(s), "")
	after.expectNothingPending(t, s)
}

func TestEventsStaleVersionReloads(t *testing.T) {
	t.Parallel()
	// v and lastID name versions: "old" is from before the latest update,
	// "cur" the current one, "other" one of another server.
	tests := map[string]struct {
		v, lastID string
		reload    bool
	}{
		"served before the update": {v: "old", reload: true},
		"current":                  {v: "cur"},
		"no version":               {},
		"reconnect, stale":         {v: "cur", lastID: "old", reload: true},
		"reconnect, current":       {v: "old", lastID: "cur"},
		"another server":           {v: "other", reload: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, ts := startServer(t, ServerOptions{})
			s.Update(testSite(), nil)
			versions := map[string]string{"old": currentVersion(s), "other": "00000000-2"}
			s.Update(testSite(), []string{"data.json"})
			versions["cur"] = currentVersion(s)

			st := openStream(t, ts, "/", versions[tc.v], versions[tc.lastID])
			if tc.reload {
				if f := st.expect(t, "reload"); f.id != versions["cur"] {
					t.Errorf("reload id %q, want %q", f.id, versions["cur"])
				}
			}
			st.expectNothingPending(t, s)
		})
	}
}

func TestEventsOrder(t *testing.T) {
	t.Parallel()
	s, ts := startServer(t, ServerOptions{})
	s.Update(testSite(), nil)
	st := openStream(t, ts, "/", currentVersion(s), "")

	s.SetError(BuildError{Message: "one"})
	s.Update(testSite(), nil)
	s.SetError(BuildError{Message: "two"})
	s.UpdateAndNavigate(testSite(), nil, "/go/intro/")
	s.Update(testSite(), []string{"data.json"})
	for _, want := range []string{"error", "reload", "error", "navigate", "unchanged"} {
		st.expect(t, want)
	}
}

func TestEventsNavigate(t *testing.T) {
	t.Parallel()
	s, ts := startServer(t, ServerOptions{})
	s.Update(testSite(), nil)
	version1 := currentVersion(s)
	home := openStream(t, ts, "/", version1, "")
	intro := openStream(t, ts, "/go/intro/", version1, "")

	next := testSite()
	next["new/index.html"] = []byte("<body>New</body>")
	s.UpdateAndNavigate(next, []string{"new/index.html", "index.html"}, "/new/")
	for _, st := range []*stream{home, intro} {
		f := st.expect(t, "navigate")
		if f.data != `{"url":"/new/"}` || f.id != currentVersion(s) {
			t.Errorf("navigate %+v, want /new/ at version %s", f, currentVersion(s))
		}
	}
	if resp, body := fetch(t, "GET", ts.URL+"/new/"); resp.StatusCode != 200 || !strings.Contains(body, "New") {
		t.Fatalf("the new page: %d %q", resp.StatusCode, body)
	}

	// A page served before the update, connecting only now, navigates too;
	// a page served after it stays.
	if f := openStream(t, ts, "/", version1, "").expect(t, "navigate"); f.data != `{"url":"/new/"}` {
		t.Errorf("late page got navigate %q", f.data)
	}
	openStream(t, ts, "/new/", currentVersion(s), "").expectNothingPending(t, s)
}

func TestEventsHeartbeat(t *testing.T) {
	t.Parallel()
	_, ts := startServer(t, ServerOptions{Heartbeat: 5 * time.Millisecond})
	st := openStream(t, ts, "/", "", "")
	select {
	case f := <-st.frames:
		if f.comment != "ping" {
			t.Fatalf("frame %+v, want a heartbeat", f)
		}
	case <-time.After(failAfter):
		t.Fatal("no heartbeat")
	}
}

func TestCloseEndsStreams(t *testing.T) {
	t.Parallel()
	s, ts := startServer(t, ServerOptions{})
	s.Update(testSite(), nil)
	st := openStream(t, ts, "/", "", "")
	s.Close()
	select {
	case f, ok := <-st.frames:
		if ok {
			t.Fatalf("frame %+v after Close", f)
		}
	case <-time.After(failAfter):
		t.Fatal("stream still open after Close")
	}
	if resp, _ := fetch(t, "GET", ts.URL+eventsPath); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("events after Close: %d, want 503", resp.StatusCode)
	}
	if resp, _ := fetch(t, "GET", ts.URL+"/"); resp.StatusCode != 200 {
		t.Errorf("page after Close: %d, want 200", resp.StatusCode)
	}
	s.Close() // a second Close is harmless
}

func TestDisconnectedClientIsForgotten(t *testing.T) {
	t.Parallel()
	s, ts := startServer(t, ServerOptions{})
	st := openStream(t, ts, "/", "", "")
	if n := clientCount(s); n != 1 {
		t.Fatalf("%d clients, want 1", n)
	}
	st.cancel()
	deadline := time.Now().Add(failAfter)
	for clientCount(s) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("client still registered after it went away")
		}
		time.Sleep(time.Millisecond)
	}
}

func clientCount(s *Server) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.clients)
}

func TestSlowClientIsDropped(t *testing.T) {
	t.Parallel()
	s := NewServer(ServerOptions{})
	c := &client{events: make(chan event, clientQueue), gone: make(chan struct{})}
	s.clients[c] = struct{}{}
	for range clientQueue {
		s.SetError(BuildError{Message: "x"})
	}
	select {
	case <-c.gone:
		t.Fatal("dropped with room left in its queue")
	default:
	}
	s.SetError(BuildError{Message: "x"})
	select {
	case <-c.gone:
	default:
		t.Fatal("not dropped with a full queue")
	}
	if clientCount(s) != 0 {
		t.Fatal("dropped client still registered")
	}
}

// TestShutdownEndsStreams checks the wiring that Close's documentation
// gives: an http.Server shuts down gracefully with event streams open.
func TestShutdownEndsStreams(t *testing.T) {
	t.Parallel()
	s := NewServer(ServerOptions{})
	ts := httptest.NewUnstartedServer(s)
	ts.Config.RegisterOnShutdown(s.Close)
	ts.Start()
	t.Cleanup(ts.Close)
	st := openStream(t, ts, "/", "", "")

	ctx, cancel := context.WithTimeout(context.Background(), failAfter)
	defer cancel()
	if err := ts.Config.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if _, ok := <-st.frames; ok {
		t.Fatal("stream still open after Shutdown")
	}
}

// TestBaseContextEndsStreams checks that cancelling the server's base
// context ends the streams.
func TestBaseContextEndsStreams(t *testing.T) {
	t.Parallel()
	s := NewServer(ServerOptions{})
	base, cancel := context.WithCancel(context.Background())
	ts := httptest.NewUnstartedServer(s)
	ts.Config.BaseContext = func(net.Listener) context.Context { return base }
	ts.Start()
	t.Cleanup(ts.Close)
	st := openStream(t, ts, "/", "", "")

	cancel()
	select {
	case _, ok := <-st.frames:
		if ok {
			t.Fatal("frame after cancel")
		}
	case <-time.After(failAfter):
		t.Fatal("stream still open after its context ended")
	}
	if clientCount(s) != 0 {
		// The handler unregisters before it returns, and the stream ends
		// only after the handler returned.
		t.Fatal("client still registered")
	}
}

func TestEventsWarnings(t *testing.T) {
	t.Parallel()
	s, ts := startServer(t, ServerOptions{})
	s.Update(testSite(), nil)
	open := openStream(t, ts, "/", currentVersion(s), "")

	warnings := []string{`content/a.md:7:1: "Accept application/json" starts the body`, "content/b.md:6:1: GET https://api.test/: timeout"}
	s.SetWarnings(warnings)
	if f := open.expect(t, "warnings"); f.data != mustJSON(warnings) || f.id != "" {
		t.Fatalf("warnings event %+v, want %s without id", f, mustJSON(warnings))
	}
	// The same warnings again say nothing new.
	s.SetWarnings(slices.Clone(warnings))
	open.expectNothingPending(t, s)

	// A page that connects now gets them at once, and an update leaves
	// them standing.
	late := openStream(t, ts, "/go/intro/", currentVersion(s), "")
	if f := late.expect(t, "warnings"); f.data != mustJSON(warnings) {
		t.Fatalf("replayed warnings %q", f.data)
	}
	late.expectNothingPending(t, s)
	open.expect(t, "unchanged")

	// None clears them, as an empty list, and new pages hear nothing.
	s.SetWarnings(nil)
	if f := open.expect(t, "warnings"); f.data != "[]" {
		t.Fatalf("cleared warnings %q, want []", f.data)
	}
	after := openStream(t, ts, "/", currentVersion(s), "")
	after.expectNothingPending(t, s)
}
