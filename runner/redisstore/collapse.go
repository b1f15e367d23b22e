package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults for collapsing across replicas.
const (
	// DefaultCollapseWait is how long a miss waits for another replica
	// fetching the same response.
	DefaultCollapseWait = 3 * time.Second
	// DefaultLockTTL is how long a fetching replica holds its lock at
	// most.
	DefaultLockTTL = 15 * time.Second
)

// pollInterval bounds how late a waiting replica notices a finished fetch
// whose notification it missed (while its subscription reconnects).
const pollInterval = 100 * time.Millisecond

// Collapse implements [httpcache.Collapser]. The replica that takes the
// key's lock in Redis fetches; the lock expires after LockTTL, so a
// replica that dies while fetching does not hold up the others for long.
// The others wait for the lock's release, announced on a channel, at most
// CollapseWait, then fetch themselves. While Redis is unavailable every replica fetches (misses
// still collapse within each process).
func (s *Store) Collapse(ctx context.Context, key string) (done func()) {
	noop := func() {}
	if !s.c.Healthy() {
		s.c.metrics.fallbacks.WithLabelValues("collapse").Inc()
		return noop
	}
	m := member(key)
	lock := s.c.key("lock", m)
	wake := s.c.waiters.add(m) // before trying the lock, not to miss its release
	defer s.c.waiters.remove(m, wake)

	token := newToken()
	octx, cancel := s.c.opContext(ctx)
	state, err := lockScript.Run(octx, s.c.rdb, []string{s.entryKey(m), lock}, token, s.cfg.LockTTL.Milliseconds()).Int()
	cancel()
	switch {
	case err != nil:
		if ctx.Err() == nil {
			s.c.failed("collapse", err)
		}
		return noop
	case state == lockStored:
		return nil // another replica stored it since this one looked
	case state == lockTaken:
		return func() { s.release(lock, token, m) }
	}
	s.c.metrics.collapsed.Inc()
	if !s.wait(ctx, lock, wake) {
		s.c.metrics.collapseTO.Inc()
	}
	return nil
}

// lockScript takes the lock of a key unless its entry was stored since
// the caller's miss (another replica fetched it meanwhile: the caller
// looks again rather than fetch it a second time). KEYS: entry, lock.
// ARGV: token, lock TTL in ms. It returns a lock* state.
var lockScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 2 end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`)

// The answers of lockScript other than 0, which means that another
// replica holds the lock.
const (
	lockTaken  = 1 // this replica fetches
	lockStored = 2 // the entry is there now
)

// wait blocks until the lock is released (true), or the wait's deadline or
// ctx ends it (false).
func (s *Store) wait(ctx context.Context, lock string, wake <-chan struct{}) bool {
	deadline := time.NewTimer(s.cfg.CollapseWait)
	defer deadline.Stop()
	poll := time.NewTicker(pollInterval)
	defer poll.Stop()
	for {
		select {
		case <-wake:
			return true
		case <-deadline.C:
			return false
		case <-ctx.Done():
			return false
		case <-poll.C:
			if !s.c.Healthy() {
				return false
			}
			octx, cancel := s.c.opContext(ctx)
			n, err := s.c.rdb.Exists(octx, lock).Result()
			cancel()
			if err != nil {
				s.c.failed("collapse", err)
				return false
			}
			if n == 0 {
				return true
			}
		}
	}
}

// releaseScript deletes the lock if this replica still holds it, and
// announces the release. KEYS: lock. ARGV: token, channel, member.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 0
`)

func (s *Store) release(lock, token, m string) {
	if !s.c.Healthy() {
		return // the lock expires by itself
	}
	ctx, cancel := s.c.opContext(context.Background())
	defer cancel()
	if err := releaseScript.Run(ctx, s.c.rdb, []string{lock}, token, s.c.key("done"), m).Err(); err != nil {
		s.c.failed("collapse", err)
	}
}

func newToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// startSubscription listens, once per client, for released locks and
// wakes the local waiters. The subscription reconnects by itself.
func (c *Client) startSubscription() {
	c.waitOnce.Do(func() {
		ps := c.rdb.Subscribe(c.ctx, c.key("done"))
		started := c.goBackground(func() {
			defer ps.Close()
			ch := ps.Channel()
			for {
				select {
				case <-c.ctx.Done():
					return
				case msg, ok := <-ch:
					if !ok {
						return
					}
					c.waiters.wake(msg.Payload)
				}
			}
		})
		if !started {
			_ = ps.Close()
		}
	})
}

// waiters are the misses of this process waiting for another replica's
// fetch, by member.
type waiters struct {
	mu sync.Mutex
	by map[string][]chan struct{}
}

func newWaiters() *waiters { return &waiters{by: make(map[string][]chan struct{})} }

func (w *waiters) add(m string) chan struct{} {
	ch := make(chan struct{}, 1)
	w.mu.Lock()
	w.by[m] = append(w.by[m], ch)
	w.mu.Unlock()
	return ch
}

func (w *waiters) remove(m string, ch chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	list := w.by[m]
	for i, c := range list {
		if c == ch {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(w.by, m)
	} else {
		w.by[m] = list
	}
}

func (w *waiters) wake(m string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, ch := range w.by[m] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
