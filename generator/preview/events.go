package preview

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// eventsPath is where [Server] serves the Server-Sent Events stream.
const eventsPath = "/_snapdoc/events"

// clientQueue is how many events a client may fall behind before it is
// dropped; it reconnects and then reloads because its version is stale.
const clientQueue = 16

// retryMillis tells the browser how soon to reconnect a broken stream.
const retryMillis = 500

// event is one Server-Sent Event. data must be a single line.
type event struct {
	name string
	id   string // the site version, for events that carry one
	data string
}

// String returns the event in the wire format of text/event-stream.
func (e event) String() string {
	var b strings.Builder
	b.WriteString("event: " + e.name + "\n")
	if e.id != "" {
		b.WriteString("id: " + e.id + "\n")
	}
	b.WriteString("data: " + e.data + "\n\n")
	return b.String()
}

// errorEvent reports a failed build; it leaves the page's version alone.
func errorEvent(e BuildError) event {
	return event{name: "error", data: mustJSON(e)}
}

// warningsEvent lists the build's warnings (an empty list clears them);
// it leaves the page's version alone.
func warningsEvent(warnings []string) event {
	if warnings == nil {
		warnings = []string{}
	}
	return event{name: "warnings", data: mustJSON(warnings)}
}

// navigateEvent sends pages to url, which exists in the site version.
func navigateEvent(url, version string) event {
	return event{name: "navigate", id: version, data: mustJSON(struct {
		URL string `json:"url"`
	}{url})}
}

// mustJSON encodes v, which must be a type that always encodes; JSON never
// contains a raw newline, so the result fits one data line.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// client is one open event stream.
type client struct {
	path   string        // the URL path of the page that opened the stream
	events chan event    // events to write, in order
	gone   chan struct{} // closed when the client was dropped for falling behind
}

// send queues ev for c, dropping c if its queue is full; s.mu must be held.
func (s *Server) send(c *client, ev event) {
	select {
	case c.events <- ev:
	default:
		delete(s.clients, c)
		close(c.gone)
	}
}

// serveEvents streams events to one page. The page names its URL path in
// the query parameter "path" and the site version it was served from in "v"
// (or, on reconnecting, in the Last-Event-ID header).
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	c := &client{
		path:   r.URL.Query().Get("path"),
		events: make(chan event, clientQueue),
		gone:   make(chan struct{}),
	}
	seen := r.Header.Get("Last-Event-ID")
	if seen == "" {
		seen = r.URL.Query().Get("v")
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "preview server closed", http.StatusServiceUnavailable)
		return
	}
	// Decide the first events and register c under one lock, so that no
	// update can fall between them.
	first := "retry: " + strconv.Itoa(retryMillis) + "\n\n"
	if cur := s.site.Load().version; seen != "" && seen != cur {
		if s.nav != "" {
			first += navigateEvent(s.nav, cur).String()
		} else {
			first += event{name: "reload", id: cur, data: "{}"}.String()
		}
	}
	if s.err != nil {
		first += errorEvent(*s.err).String()
	}
	if len(s.warns) > 0 {
		first += warningsEvent(s.warns).String()
	}
	s.clients[c] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.clients, c)
		s.mu.Unlock()
	}()

	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives any write timeout; not every writer supports it
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	write := func(text string) bool {
		_, err := w.Write([]byte(text))
		if err == nil {
			err = rc.Flush()
		}
		if err != nil {
			s.log.Debug("preview: event stream ended", "path", c.path, "err", err)
		}
		return err == nil
	}
	if !write(first) {
		return
	}

	beat := time.NewTicker(s.heartbeat)
	defer beat.Stop()
	for {
		select {
		case ev := <-c.events:
			if !write(ev.String()) {
				return
			}
		case <-beat.C:
			if !write(": ping\n\n") {
				return
			}
		case <-c.gone:
			return
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
}
