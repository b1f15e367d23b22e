package rawhttp

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
)

// authority returns host:port of an http or https URL.
func authority(u *url.URL) (string, error) {
	port := u.Port()
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("rawhttp: unsupported scheme %q", u.Scheme)
	case u.Hostname() == "":
		return "", errors.New("rawhttp: no host in the URL")
	case port == "" && u.Scheme == "https":
		port = "443"
	case port == "":
		port = "80"
	}
	return net.JoinHostPort(u.Hostname(), port), nil
}

// proxyFor returns the proxy for req, or nil.
func (t *Transport) proxyFor(req *http.Request) (*url.URL, error) {
	if t.Proxy == nil {
		return nil, nil
	}
	p, err := t.Proxy(req)
	if err != nil || p == nil {
		return nil, err
	}
	if p.Scheme != "http" || p.Host == "" {
		return nil, fmt.Errorf("rawhttp: proxy %s://%s: only http:// proxies are supported", p.Scheme, p.Host)
	}
	return p, nil
}

// proxyAuthorization is the Basic credentials of the proxy URL, or "".
func proxyAuthorization(proxy *url.URL) string {
	if proxy == nil || proxy.User == nil {
		return ""
	}
	pass, _ := proxy.User.Password()
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(proxy.User.Username()+":"+pass))
}

// dialProxy connects to the proxy and, for an https target, opens a
// tunnel to addr with CONNECT (RFC 9110, 9.3.6).
func (t *Transport) dialProxy(ctx context.Context, dial func(context.Context, string, string) (net.Conn, error), proxy *url.URL, tunnel bool, addr string) (net.Conn, error) {
	paddr, err := authority(proxy)
	if err != nil {
		return nil, err
	}
	conn, err := dial(ctx, "tcp", paddr)
	if err != nil || !tunnel {
		return conn, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	msg := "CONNECT " + addr + " HTTP/1.1\r\nHost: " + addr + "\r\n"
	if auth := proxyAuthorization(proxy); auth != "" {
		msg += "Proxy-Authorization: " + auth + "\r\n"
	}
	br := bufio.NewReader(conn)
	budget := t.maxHead()
	var h *head
	if _, err = conn.Write([]byte(msg + "\r\n")); err == nil {
		h, err = readHead(br, &budget)
	}
	switch {
	case ctx.Err() != nil:
		err = ctx.Err()
	case err != nil:
		err = fmt.Errorf("rawhttp: proxy %s: %w", paddr, err)
	case h.code < 200 || h.code > 299:
		err = fmt.Errorf("rawhttp: proxy %s refused the tunnel: %s", paddr, h.statusLine)
	case br.Buffered() > 0:
		err = fmt.Errorf("rawhttp: proxy %s sent bytes before the tunnel opened", paddr)
	}
	if err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}
