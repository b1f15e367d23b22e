package redisstore

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

const redisBin = "/usr/bin/redis-server"

// redisServer is a redis-server process the test started on a loopback
// port, with its data in a temporary directory and persistence off.
type redisServer struct {
	t    testing.TB
	port int
	dir  string
	cmd  *exec.Cmd
}

// startRedis starts a redis-server for the test and stops it at the end.
// Without the binary the test is skipped on a developer machine and fails
// under CI=true.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	bin := redisBin
	if _, err := os.Stat(bin); err != nil {
		if p, lerr := exec.LookPath("redis-server"); lerr == nil {
			bin = p
		} else if os.Getenv("CI") == "true" {
			t.Fatalf("redis-server is not installed (%s), and CI=true: install the redis-server package", redisBin)
		} else {
			t.Skipf("redis-server is not installed (%s); apt-get install redis-server to run this test", redisBin)
		}
	}
	s := &redisServer{t: t, port: freePort(t), dir: t.TempDir()}
	s.start(bin)
	t.Cleanup(s.stop)
	return s
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (s *redisServer) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// url is the store URL of database 0.
func (s *redisServer) url() string { return "redis://" + s.addr() + "/0" }

func (s *redisServer) start(bin string) {
	s.t.Helper()
	s.cmd = exec.Command(bin, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--dir", s.dir, "--save", "", "--appendonly", "no", "--protected-mode", "yes")
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("start redis-server: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if s.ping() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.t.Fatalf("redis-server on %s did not answer within 5s", s.addr())
}

// restart starts redis-server again on the same port.
func (s *redisServer) restart() {
	s.t.Helper()
	s.start(s.cmd.Path)
}

// kill kills the process, as a crash would.
func (s *redisServer) kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd.Process = nil
}

// pause stops the process without closing its sockets (a slow Redis);
// resume lets it go on.
func (s *redisServer) pause()  { _ = s.cmd.Process.Signal(syscall.SIGSTOP) }
func (s *redisServer) resume() { _ = s.cmd.Process.Signal(syscall.SIGCONT) }

func (s *redisServer) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.resume()
	}
	s.kill()
}

// ping reports whether the server answers PING, speaking RESP directly.
func (s *redisServer) ping() bool {
	c, err := net.DialTimeout("tcp", s.addr(), 100*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := fmt.Fprint(c, "PING\r\n"); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && line == "+PONG\r\n"
}
