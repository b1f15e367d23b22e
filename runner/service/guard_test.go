package service

import "testing"

func TestHostAllowed(t *testing.T) {
	for _, tc := range []struct {
		addr  string
		allow []string
		host  string
		want  bool
	}{
		{"127.0.0.1:7070", nil, "127.0.0.1:7070", true},
		{"127.0.0.1:7070", nil, "localhost:7070", true},
		{"127.0.0.1:7070", nil, "LocalHost.:7070", true},
		{"127.0.0.1:7070", nil, "[::1]:7070", true},
		{"127.0.0.1:7070", nil, "127.0.0.2", true}, // loopback, cannot be rebound
		{"127.0.0.1:7070", nil, "10.0.0.5:7070", false},
		{"127.0.0.1:7070", nil, "attacker.example:7070", false},
		{"127.0.0.1:7070", nil, "localhost.attacker.example", false},
		{"127.0.0.1:7070", nil, "a.localhost", false},
		{"127.0.0.1:7070", nil, "", false},
		{"127.0.0.1:7070", []string{"docs.example.org:443"}, "docs.example.org", true},
		{"127.0.0.1:7070", []string{"docs.example.org"}, "Docs.Example.Org:8443", true},
		{"127.0.0.1:7070", []string{"docs.example.org"}, "x.docs.example.org", false},
		{"0.0.0.0:7070", nil, "10.0.0.5:7070", true},
		{"0.0.0.0:7070", nil, "[2001:db8::1]:7070", true},
		{"0.0.0.0:7070", nil, "runner.internal:7070", false},
		{":7070", nil, "192.168.1.2", true},
		{"10.0.0.5:7070", nil, "10.0.0.5:7070", true},
		{"10.0.0.5:7070", nil, "10.0.0.6:7070", false},
		{"10.0.0.5:7070", nil, "localhost:7070", false},
		{"myhost.lan:7070", nil, "myhost.lan:7070", true},
	} {
		a := &Access{Addr: tc.addr, AllowHosts: tc.allow}
		if got := hostAllowed(a.hosts(), tc.host); got != tc.want {
			t.Errorf("listening on %s, allowing %v: Host %q allowed %v, want %v", tc.addr, tc.allow, tc.host, got, tc.want)
		}
	}
}

func TestCheckListen(t *testing.T) {
	if err := CheckListen("127.0.0.1:0", "", "TOK"); err != nil {
		t.Error(err)
	}
	if err := CheckListen("0.0.0.0:7070", "x", "TOK"); err != nil {
		t.Error(err)
	}
	for _, addr := range []string{"0.0.0.0:7070", ":7070", "10.0.0.5:80", "[::]:80", "example.org:80"} {
		if err := CheckListen(addr, "", "TOK"); err == nil || err.Error() != "refusing to listen on "+addr+", which is not loopback, without a token: set $TOK" {
			t.Errorf("%s without a token: %v", addr, err)
		}
	}
	if err := CheckOrigins([]string{"https://docs.example.org", "http://localhost:1313"}); err != nil {
		t.Error(err)
	}
	for _, o := range []string{"docs.example.org", "https://docs.example.org/path", "*"} {
		if CheckOrigins([]string{o}) == nil {
			t.Errorf("origin %q accepted", o)
		}
	}
}
