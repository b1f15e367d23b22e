package rawhttp

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Idle connections are kept briefly, few per host: a build sends its
// requests in bursts, and servers close idle connections after a few
// seconds (Node's default is 5 s), which a shorter idle time avoids
// racing.
const (
	maxIdlePerHost = 8
	maxIdleTime    = 2 * time.Second
)

// pool keeps idle connections by scheme and address. The zero value is an
// empty pool.
type pool struct {
	mu   sync.Mutex
	idle map[string][]*idleConn
}

// idleConn is a connection waiting for reuse. A goroutine reads from it
// meanwhile: a server may only close an idle connection, so any byte or
// EOF means it is dead.
type idleConn struct {
	conn  net.Conn
	since time.Time
	taken bool       // by take, which stops the watcher
	read  chan error // the watcher's read's result
}

func poolKey(u, proxy *url.URL) string {
	if proxy != nil {
		return u.Scheme + "://" + u.Host + " via " + proxy.Host
	}
	return u.Scheme + "://" + u.Host
}

// reusableRequest reports whether req may go on a reused connection: a
// safe method without a body, which can be sent again if the server
// closed the connection as it arrived, and no Connection: close.
func reusableRequest(req *http.Request) bool {
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
	default:
		return false
	}
	return (req.Body == nil || req.Body == http.NoBody) && !hasToken(req.Header["Connection"], "close")
}

// put keeps conn for reuse; false when the pool for key is full.
func (p *pool) put(key string, conn net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.idle[key]) >= maxIdlePerHost {
		return false
	}
	if p.idle == nil {
		p.idle = map[string][]*idleConn{}
	}
	ic := &idleConn{conn: conn, since: time.Now(), read: make(chan error, 1)}
	p.idle[key] = append(p.idle[key], ic)
	go p.watch(key, ic)
	return true
}

func (p *pool) watch(key string, ic *idleConn) {
	var b [1]byte
	n, err := ic.conn.Read(b[:])
	if n > 0 {
		err = errors.New("rawhttp: unsolicited bytes on an idle connection")
	}
	p.mu.Lock()
	if !ic.taken {
		ic.conn.Close()
		p.remove(key, ic)
	}
	p.mu.Unlock()
	ic.read <- err
}

func (p *pool) remove(key string, ic *idleConn) {
	list := p.idle[key]
	for i, c := range list {
		if c == ic {
			p.idle[key] = append(list[:i:i], list[i+1:]...)
			return
		}
	}
}

// take returns an idle connection for key that is still open, or nil.
func (p *pool) take(key string) net.Conn {
	for {
		p.mu.Lock()
		list := p.idle[key]
		if len(list) == 0 {
			p.mu.Unlock()
			return nil
		}
		ic := list[len(list)-1]
		p.idle[key] = list[:len(list)-1]
		ic.taken = true
		p.mu.Unlock()
		// A read deadline in the past ends the watcher's read.
		ic.conn.SetReadDeadline(time.Unix(1, 0))
		err := <-ic.read
		if errors.Is(err, os.ErrDeadlineExceeded) && time.Since(ic.since) < maxIdleTime {
			ic.conn.SetReadDeadline(time.Time{})
			return ic.conn
		}
		ic.conn.Close()
	}
}

func (p *pool) closeAll() {
	p.mu.Lock()
	all := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, list := range all {
		for _, ic := range list {
			ic.conn.Close()
		}
	}
}

// hasToken reports whether a comma-separated list field has token.
func hasToken(values []string, token string) bool {
	for _, v := range values {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(trimOWS(t), token) {
				return true
			}
		}
	}
	return false
}

// isReset reports a connection the server reset.
func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
