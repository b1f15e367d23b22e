package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Access says who may call a service that listens on a socket, such as
// the runner or the preview: any web page its user visits can reach
// 127.0.0.1, so every caller is assumed hostile until checked.
//
// [Access.Wrap] checks every request's Host against the listen address and
// AllowHosts (421 otherwise, which defeats DNS rebinding) and, when Token
// is set, its bearer token (401 otherwise). [Access.Browser] guards an
// endpoint that runs something: it wants Content-Type: application/json
// (415), which a form post cannot send, and refuses a browser's
// cross-origin call (403) unless its Origin is among AllowOrigins.
type Access struct {
	// Addr is the address the service listens on, such as
	// 127.0.0.1:7070: its host, and for loopback every loopback name and
	// address, are accepted in Host; for all interfaces (0.0.0.0, ::, or
	// no host, as in the zero Access) any IP address is.
	Addr string
	// AllowHosts are more host names to accept in Host, such as the name
	// a reverse proxy forwards as; a port, if given, is ignored.
	AllowHosts []string
	// AllowOrigins are the web origins, such as https://docs.example.org,
	// whose pages may call the service from a browser.
	AllowOrigins []string
	// Token, when set, must be sent as "Authorization: Bearer TOKEN" by
	// every caller but the health checks.
	Token string
	// Cookie, when set with Token, is the name of a cookie that may carry
	// the token instead, for a browser: opening any page with ?token=TOKEN
	// sets it. The preview uses it when it listens beyond loopback.
	Cookie string
	// Public admits callers without the token as anonymous, even a
	// program on this machine (a public runner's peer may be the reverse
	// proxy in front of it); a wrong token is still refused.
	Public bool
	// TrustProxies are the reverse proxies whose X-Forwarded-For names
	// the client: a caller's address is the right-most hop that is not
	// one of them; from any other peer, the peer's.
	TrustProxies []netip.Prefix
}

// CheckListen refuses a listen address beyond loopback without a token:
// anyone who can reach it could run the site's requests with its
// credentials.
func CheckListen(addr, token, tokenEnv string) error {
	if IsLoopback(addr) || token != "" {
		return nil
	}
	return fmt.Errorf("refusing to listen on %s, which is not loopback, without a token: set $%s", addr, tokenEnv)
}

// Caller is who made a request, as the access log names it and as rate
// limits count it.
type Caller struct {
	// Name is "token" for the holder of the token, "local" for a program
	// on this machine calling a runner that has no token (it listens on
	// loopback only), and the client's address for anyone else, such as
	// a browser page of an allowed origin: the peer's, or behind a trusted
	// proxy the one it forwards (see [Access.TrustProxies]).
	Name string
	// Trusted callers, the first two kinds, get the build clients'
	// budget; the others one budget each, much smaller.
	Trusted bool
}

// openPaths answer without the token: they say nothing of the site.
var openPaths = []string{"/healthz", "/readyz", "/v1/health"}

// Wrap checks the Host and the token of every request before next sees
// it, and records who the caller is for [CallerOf].
func (a *Access) Wrap(next http.Handler) http.Handler {
	hosts := a.hosts()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hostAllowed(hosts, r.Host) {
			refuse(w, r, http.StatusMisdirectedRequest, "this server does not answer for that host name")
			return
		}
		c := Caller{Name: clientAddr(r, a.TrustProxies), Trusted: false}
		switch tok, how := a.presented(r); {
		case a.Token != "" && a.tokenOK(tok):
			c = Caller{Name: "token", Trusted: true}
			if how == "query" {
				a.setCookie(w, r, tok)
				return
			}
		case a.Public && tok == "":
			// An anonymous reader of the published site.
		case a.Token != "" && !slices.Contains(openPaths, r.URL.Path) && r.Method != http.MethodOptions:
			w.Header().Set("WWW-Authenticate", `Bearer realm="snapdoc"`)
			refuse(w, r, http.StatusUnauthorized, "missing or wrong token")
			return
		case !a.Public && a.Token == "" && r.Header.Get("Origin") == "" && r.Header.Get("Sec-Fetch-Site") == "":
			// Not a browser, on a runner that only this machine reaches.
			c = Caller{Name: "local", Trusted: true}
		}
		if e := logEntryOf(r.Context()); e != nil {
			e.caller = c.Name
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)))
	})
}

// Browser guards an endpoint that runs something against calls from web
// pages: the body must be JSON, which a cross-origin form cannot send
// without a CORS preflight, and a browser's cross-origin or cross-site
// call must come from an allowed origin. Preflights from allowed origins
// are answered; for them, responses carry Access-Control-Allow-Origin.
func (a *Access) Browser(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	for _, o := range a.AllowOrigins {
		_ = cop.AddTrustedOrigin(o) // validated by CheckOrigins
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		refuse(w, r, http.StatusForbidden, "cross-origin calls are refused; only this site's own pages and the allowed origins may run blocks")
	}))
	guarded := cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			refuse(w, r, http.StatusUnsupportedMediaType, "want Content-Type: application/json")
			return
		}
		next.ServeHTTP(w, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && slices.Contains(a.AllowOrigins, origin) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", "Retry-After") // a page says how long to wait
			h.Add("Vary", "Origin")
			if r.Method == http.MethodOptions {
				h.Set("Access-Control-Allow-Methods", "POST")
				h.Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		if r.Method == http.MethodOptions {
			refuse(w, r, http.StatusForbidden, "cross-origin calls are refused")
			return
		}
		guarded.ServeHTTP(w, r)
	})
}

// CheckOrigins validates origins as --allow-origin takes them:
// scheme://host[:port], nothing else.
func CheckOrigins(origins []string) error {
	cop := http.NewCrossOriginProtection()
	for _, o := range origins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return fmt.Errorf("--allow-origin %q: want scheme://host[:port], such as https://docs.example.org", o)
		}
	}
	return nil
}

// CallerOf returns who made the request, as [Access.Wrap] found.
func CallerOf(r *http.Request) Caller {
	c, ok := r.Context().Value(callerKey{}).(Caller)
	if !ok {
		return Caller{Name: peer(r)}
	}
	return c
}

type callerKey struct{}

// presented returns the token the request carries, and how: in the
// Authorization header, the cookie, or the query (?token=).
func (a *Access) presented(r *http.Request) (token, how string) {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return tok, "header"
	}
	if a.Cookie == "" {
		return "", ""
	}
	// The address first, so that a new token replaces an old cookie.
	if tok := r.URL.Query().Get("token"); tok != "" && r.Method == http.MethodGet {
		return tok, "query"
	}
	if ck, err := r.Cookie(a.Cookie); err == nil {
		return ck.Value, "cookie"
	}
	return "", ""
}

// tokenOK compares in constant time, over hashes so that not even the
// token's length shows in the timing.
func (a *Access) tokenOK(tok string) bool {
	got, want := sha256.Sum256([]byte(tok)), sha256.Sum256([]byte(a.Token))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// setCookie stores the token a browser brought in ?token= as a cookie
// scripts cannot read and other sites cannot send, and sends the browser
// to the same page without the token in its address.
func (a *Access) setCookie(w http.ResponseWriter, r *http.Request, tok string) {
	http.SetCookie(w, &http.Cookie{Name: a.Cookie, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil, MaxAge: int((30 * 24 * time.Hour).Seconds())})
	q := r.URL.Query()
	q.Del("token")
	u := *r.URL
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
}

// hosts are the host names Host may carry: the listen address's host,
// for loopback every loopback name, and AllowHosts. An entry "*" stands
// for any IP address, when listening on all interfaces.
func (a *Access) hosts() []string {
	host, _, err := net.SplitHostPort(a.Addr)
	if err != nil {
		host = a.Addr
	}
	hosts := []string{normHost(host)}
	ip := net.ParseIP(host)
	switch {
	case host == "localhost" || ip != nil && ip.IsLoopback():
		hosts = append(hosts, "localhost", "127.0.0.1", "::1")
	case host == "" || ip != nil && ip.IsUnspecified():
		// An IP address cannot be rebound: the browser's origin is then
		// this very server.
		hosts = append(hosts, "*")
	}
	for _, h := range a.AllowHosts {
		if hh, _, err := net.SplitHostPort(h); err == nil {
			h = hh
		}
		hosts = append(hosts, normHost(h))
	}
	return hosts
}

// hostAllowed reports whether the Host header value hostport names one of
// hosts.
func hostAllowed(hosts []string, hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	host = normHost(host)
	if host == "" {
		return false
	}
	if slices.Contains(hosts, host) {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (slices.Contains(hosts, "*") || ip.IsLoopback() && slices.Contains(hosts, "localhost"))
}

// normHost lowercases a host name and drops brackets and a final dot.
func normHost(h string) string {
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.TrimSuffix(strings.ToLower(h), ".")
}

// peer is the request's remote IP address.
func peer(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// refuse answers a refused request with a JSON error, and closes the
// connection: a caller that was refused gets nothing more from it.
func refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	hangUp(w, r)
	NoteRefused(r, msg)
	writeError(w, status, msg)
}

// lingerRefused is how long the server still reads the body of a refused
// request, which it discards before it closes the connection.
const lingerRefused = 200 * time.Millisecond

// hangUp makes the server close the connection after this response, and
// soon: net/http discards the rest of an unread body first, which a
// caller sending it slowly would make last until the read timeout. Till
// then the connection is the first that [LimitConns] closes to make room.
func hangUp(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(lingerRefused))
	condemn(r)
}
