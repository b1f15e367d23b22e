package preview

import (
	"bytes"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultHeartbeat is how often [Server] writes a comment on idle event
// streams, so that proxies and the browser keep them open.
const DefaultHeartbeat = 15 * time.Second

//go:embed live.js
var liveJS []byte

// notFoundPage answers a missing file when the site has no 404.html, such
// as before the first build succeeded.
var notFoundPage = []byte(`<!doctype html><html><head><meta charset="utf-8"><title>Not found</title></head><body><h1>404 page not found</h1></body></html>`)

// ServerOptions configures a [Server]. The zero value is ready to use.
type ServerOptions struct {
	// Heartbeat is the interval of keep-alive comments on event streams.
	// Zero means [DefaultHeartbeat].
	Heartbeat time.Duration
	// Logger receives write errors on event streams. Nil discards them.
	Logger *slog.Logger
}

// BuildError is a failed build as shown in the browser's overlay.
type BuildError struct {
	Message string `json:"message"`
	File    string `json:"file,omitempty"` // relative to the site root
	Line    int    `json:"line,omitempty"` // 1-based; 0 when unknown
	Col     int    `json:"col,omitempty"`  // 1-based; 0 when unknown
}

// Server is an [http.Handler] that serves a site from memory for preview,
// and pushes changes to open pages over Server-Sent Events.
//
// Files are served with pretty URLs (/x/ serves x/index.html, /x redirects
// to /x/ when only x/index.html exists), a missing file gets the site's
// 404.html, or a plain HTML page, with status 404, and every response has
// Cache-Control: no-cache.
// HTML responses load the client script /_snapdoc/live.js, which listens on
// /_snapdoc/events. The files themselves never contain it.
//
// Open pages react to these events:
//
//   - reload: the page changed; it reloads and keeps its scroll position.
//   - unchanged: the site was updated but not this page; an error overlay
//     closes.
//   - error: the build failed; an overlay shows the message and file:line
//     over the last good page.
//   - navigate: the page opens the URL it is given; see
//     [Server.UpdateAndNavigate].
//   - warnings: the build's warnings, shown in a bar at the foot of the
//     page that opens to list them; see [Server.SetWarnings].
//
// A page reloads only if its own file changed, if it now resolves to a
// different file (a page that was missing appeared, or the other way round),
// or if a stylesheet, script, image or font changed. A page that was served
// before an update it has not heard of reloads as soon as it connects.
type Server struct {
	site      atomic.Pointer[site]
	token     string // tells one server's versions from another's
	heartbeat time.Duration
	log       *slog.Logger

	mu      sync.Mutex
	gen     int
	err     *BuildError // the active build error, if any
	warns   []string    // the warnings of the last build, see SetWarnings
	nav     string      // the URL the latest update navigated to, if any
	clients map[*client]struct{}
	closed  bool
	done    chan struct{} // closed by Close
}

var _ http.Handler = (*Server)(nil)

// NewServer returns a Server with an empty site; give it files with
// [Server.Update].
func NewServer(opts ServerOptions) *Server {
	var b [4]byte
	_, _ = rand.Read(b[:]) // never fails
	s := &Server{
		token:     hex.EncodeToString(b[:]),
		heartbeat: orDefault(opts.Heartbeat, DefaultHeartbeat),
		log:       opts.Logger,
		clients:   map[*client]struct{}{},
		done:      make(chan struct{}),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.site.Store(&site{files: map[string][]byte{}, version: s.version()})
	return s
}

// version names the current generation; s.mu must be held, or s unshared.
func (s *Server) version() string { return s.token + "-" + strconv.Itoa(s.gen) }

// Update replaces the whole site at once: a request is answered either from
// the old files or from the new ones, never from a mix. The keys of files are
// slash-separated paths relative to the site root ("index.html",
// "go/intro/index.html"); Update takes ownership of the map and of the byte
// slices, which the caller must not modify afterwards.
//
// changed lists the keys whose contents differ from the previous site, added
// or removed; nil means that anything may have changed, so every page
// reloads. Update clears the build error, if any.
func (s *Server) Update(files map[string][]byte, changed []string) {
	s.update(files, changed, "")
}

// UpdateAndNavigate is [Server.Update] for a site with a new page worth
// showing, such as a lesson just created: every open page opens url instead
// of reloading, and so does a page that connects later but was served before
// this update. One call does both, so that no page can start a reload that
// would lose the navigation.
func (s *Server) UpdateAndNavigate(files map[string][]byte, changed []string, url string) {
	s.update(files, changed, url)
}

func (s *Server) update(files map[string][]byte, changed []string, url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	next := &site{files: files, version: s.version()}
	prev := s.site.Swap(next)
	s.err = nil
	s.nav = url
	if len(s.clients) == 0 {
		return
	}
	if url != "" {
		ev := navigateEvent(url, next.version)
		for c := range s.clients {
			s.send(c, ev)
		}
		return
	}
	affects := affected(prev, next, changed)
	for c := range s.clients {
		name := "unchanged"
		if affects(c.path) {
			name = "reload"
		}
		s.send(c, event{name: name, id: next.version, data: "{}"})
	}
}

// affected returns the test of whether a page at a URL path must reload
// after the site went from prev to next, changing the keys in changed.
func affected(prev, next *site, changed []string) func(urlPath string) bool {
	if changed == nil {
		return func(string) bool { return true }
	}
	set := make(map[string]bool, len(changed))
	for _, k := range changed {
		k = strings.TrimPrefix(k, "/")
		if pageWide(k) {
			return func(string) bool { return true }
		}
		set[k] = true
	}
	return func(urlPath string) bool {
		was, is := prev.resolve(urlPath), next.resolve(urlPath)
		return was != is || set[is.key]
	}
}

// SetError reports a failed build to every open page, and to every page that
// connects until the next [Server.Update]. The last good site stays served.
func (s *Server) SetError(e BuildError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = &e
	ev := errorEvent(e)
	for c := range s.clients {
		s.send(c, ev)
	}
}

// SetWarnings shows warnings, such as "content/a.md:7:1: block could not
// be run", on every open page and on every page that connects later,
// until the next call; none clears them. Warnings do not reload a page.
func (s *Server) SetWarnings(warnings []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if slices.Equal(s.warns, warnings) {
		return
	}
	s.warns = slices.Clone(warnings)
	ev := warningsEvent(s.warns)
	for c := range s.clients {
		s.send(c, ev)
	}
}

// Close ends every event stream and refuses new ones; files are still
// served. An [http.Server] never finishes a graceful Shutdown while event
// streams are open, so register Close with [http.Server.RegisterOnShutdown].
func (s *Server) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.done)
	}
}

// ServeHTTP serves the site, the live-reload client and its event stream.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	switch r.URL.Path {
	case eventsPath:
		s.serveEvents(w, r)
		return
	case liveJSPath:
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		http.ServeContent(w, r, "live.js", time.Time{}, bytes.NewReader(liveJS))
		return
	}

	st := s.site.Load()
	t := st.resolve(r.URL.Path)
	switch {
	case t.status == http.StatusFound:
		loc := t.location
		if r.URL.RawQuery != "" {
			loc += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, loc, http.StatusFound)
		return
	}
	body, ctype := st.files[t.key], ""
	if t.key == "" {
		// Still HTML, so the page learns when the site appears or fails.
		body, ctype = notFoundPage, "text/html; charset=utf-8"
	} else {
		ctype = contentType(t.key, body)
	}
	if strings.HasPrefix(ctype, "text/html") {
		body = inject(body, st.version)
	}
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	if t.status == http.StatusNotFound {
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusNotFound)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
		return
	}
	http.ServeContent(w, r, t.key, time.Time{}, bytes.NewReader(body))
}
