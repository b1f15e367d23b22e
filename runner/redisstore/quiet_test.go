package redisstore

import (
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestGoRedisPrintsNothing checks that a client whose Redis is down
// prints nothing on stderr: go-redis's own logger, which would print each
// failed dial, is silenced. go-redis binds os.Stderr when it starts, so
// the client runs in a child process whose stderr the test reads.
func TestGoRedisPrintsNothing(t *testing.T) {
	if addr := os.Getenv("REDISSTORE_QUIET_CHILD"); addr != "" {
		c, err := Open("redis://" + addr + "/0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_, _ = c.Store(StoreConfig{}).Get("k")
		time.Sleep(3 * DefaultProbeInterval) // the probe dials again
		return
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now: every dial fails
	cmd := exec.Command(os.Args[0], "-test.run=^TestGoRedisPrintsNothing$", "-test.count=1")
	cmd.Env = append(os.Environ(), "REDISSTORE_QUIET_CHILD="+addr)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("a client with Redis down printed on stderr:\n%s", stderr.String())
	}
}
