package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/snapdoc/snapdoc/runner/httpcache"
)

// Defaults for [StoreConfig].
const (
	DefaultMaxBytes    = 256 << 20
	DefaultStaleWindow = time.Hour
	DefaultMaxTTL      = 24 * time.Hour
	DefaultLocalBytes  = 64 << 20
	DefaultEntryBytes  = 1 << 20
)

// StoreConfig sizes a [Store]; zero fields take the defaults.
type StoreConfig struct {
	// MaxBytes caps the bytes of entries kept in Redis; beyond it the
	// entries closest to expiring are removed. Default [DefaultMaxBytes].
	MaxBytes int64
	// MaxEntryBytes is the largest encoded entry written to Redis: a
	// larger one would take longer to move than the operation deadline.
	// It is kept in the local store, and Redis holds a marker saying so.
	// Default [DefaultEntryBytes].
	MaxEntryBytes int64
	// StaleWindow is how long an entry is kept after it turns stale, to be
	// revalidated or served stale; an entry's own stale-while-revalidate
	// or stale-if-error lengthens it. Keep it at least the transport's
	// httpcache.WithStaleIfDisconnected limit. Default
	// [DefaultStaleWindow].
	StaleWindow time.Duration
	// MaxTTL bounds how long any entry is kept (and is how long variant
	// indexes are kept). Default [DefaultMaxTTL].
	MaxTTL time.Duration
	// Local is the replica's own store: it is filled by every read and
	// write, and answers alone while Redis is unavailable. Default a
	// [httpcache.MemoryStore] of [DefaultLocalBytes].
	Local httpcache.Store
	// CollapseWait is how long a miss waits for another replica fetching
	// the same response before fetching itself. Default
	// [DefaultCollapseWait].
	CollapseWait time.Duration
	// LockTTL bounds how long a replica is taken to be fetching a
	// response: after it, a replica that crashed while fetching holds up
	// no one. Default [DefaultLockTTL].
	LockTTL time.Duration
	// Targets are the targeted cache-control fields the transport obeys
	// (httpcache.WithTargets), whose freshness counts towards TTLs.
	Targets []string
	// Now is the clock for TTLs, the transport's (httpcache.WithClock);
	// default [time.Now].
	Now func() time.Time
}

// Store is an [httpcache.Store] in Redis, shared by every replica using
// the same Redis and prefix, over a local store that answers while Redis
// is unavailable. It also collapses misses across replicas (it is an
// [httpcache.Collapser]).
//
// Each entry is one Redis string in [httpcache.EncodeEntry]'s form, named
// by a hash of its key, expiring when its freshness and stale window have
// passed. A sorted set of expiry times and a hash of sizes keep the total
// under [StoreConfig.MaxBytes]; a script updates them with each write, so
// a Get is one GET and a Set one script call.
type Store struct {
	c   *Client
	cfg StoreConfig
}

var (
	_ httpcache.Store     = (*Store)(nil)
	_ httpcache.Collapser = (*Store)(nil)
)

// Store returns the cache store on c.
func (c *Client) Store(cfg StoreConfig) *Store {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.MaxEntryBytes <= 0 {
		cfg.MaxEntryBytes = DefaultEntryBytes
	}
	if cfg.StaleWindow <= 0 {
		cfg.StaleWindow = DefaultStaleWindow
	}
	if cfg.MaxTTL <= 0 {
		cfg.MaxTTL = DefaultMaxTTL
	}
	if cfg.Local == nil {
		cfg.Local = httpcache.NewMemoryStore(DefaultLocalBytes)
	}
	if cfg.CollapseWait <= 0 {
		cfg.CollapseWait = DefaultCollapseWait
	}
	if cfg.LockTTL <= 0 {
		cfg.LockTTL = DefaultLockTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c.startSubscription()
	return &Store{c: c, cfg: cfg}
}

// localMarker stands in Redis for an entry too large for it
// (MaxEntryBytes): the replicas that have it locally may use their copy,
// the others miss, and deleting the marker invalidates every copy.
const localMarker = "snapdoc:local-only"

// member names an entry in the accounting structures: a hash of its key,
// so that Redis holds no unbounded key names.
func member(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

func (s *Store) entryKey(m string) string { return s.c.key("e", m) }

// Get returns the entry stored under key: from Redis while it is
// available (a copy goes to the local store), else from the local store.
func (s *Store) Get(key string) (*httpcache.Entry, error) {
	if !s.c.Healthy() {
		s.c.metrics.fallbacks.WithLabelValues("get").Inc()
		return s.cfg.Local.Get(key)
	}
	ctx, cancel := s.c.opContext(context.Background())
	data, err := s.c.rdb.Get(ctx, s.entryKey(member(key))).Bytes()
	cancel()
	switch {
	case errors.Is(err, redis.Nil):
		// Redis is the truth while it answers: a local copy of an
		// entry another replica invalidated must not be served.
		_ = s.cfg.Local.Delete(key)
		return nil, fmt.Errorf("redis store: %w", httpcache.ErrNotExist)
	case err != nil:
		s.c.failed("get", err)
		return s.cfg.Local.Get(key)
	}
	if string(data) == localMarker {
		return s.cfg.Local.Get(key)
	}
	stored, e, err := httpcache.DecodeEntry(data)
	if err != nil {
		return nil, fmt.Errorf("redis store: %w", err)
	}
	if stored != key {
		return nil, fmt.Errorf("redis store: hash collision: %w", httpcache.ErrNotExist)
	}
	_ = s.cfg.Local.Set(key, e)
	return e, nil
}

// setScript writes an entry and keeps the total size under the cap.
// KEYS: entry, expiry zset, size hash, total. ARGV: value, ttl ms, now ms,
// max bytes, member, entry key prefix. It returns the number of entries
// evicted.
var setScript = redis.NewScript(`
local now = tonumber(ARGV[3])
local function forget(m)
  local s = redis.call('HGET', KEYS[3], m)
  if s then
    redis.call('DECRBY', KEYS[4], s)
    redis.call('HDEL', KEYS[3], m)
  end
  redis.call('ZREM', KEYS[2], m)
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 64)) do
  forget(m)
end
forget(ARGV[5])
local size = string.len(ARGV[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[5])
redis.call('HSET', KEYS[3], ARGV[5], size)
local total = redis.call('INCRBY', KEYS[4], size)
local max = tonumber(ARGV[4])
local evicted = 0
while total > max do
  local victim
  for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, 1)) do
    if m ~= ARGV[5] then victim = m break end
  end
  if not victim then break end
  redis.call('DEL', ARGV[6] .. victim)
  forget(victim)
  evicted = evicted + 1
  total = tonumber(redis.call('GET', KEYS[4]))
end
return evicted
`)

// deleteScript removes an entry and its accounting. KEYS: entry, expiry
// zset, size hash, total. ARGV: member.
var deleteScript = redis.NewScript(`
redis.call('DEL', KEYS[1])
local s = redis.call('HGET', KEYS[3], ARGV[1])
if s then
  redis.call('DECRBY', KEYS[4], s)
  redis.call('HDEL', KEYS[3], ARGV[1])
end
redis.call('ZREM', KEYS[2], ARGV[1])
return 0
`)

func (s *Store) scriptKeys(m string) []string {
	return []string{s.entryKey(m), s.c.key("exp"), s.c.key("size"), s.c.key("bytes")}
}

// Set stores e under key in the local store and, while it is available,
// in Redis, to expire there after [Store.TTL].
func (s *Store) Set(key string, e *httpcache.Entry) error {
	if err := s.cfg.Local.Set(key, e); err != nil {
		return err
	}
	if !s.c.Healthy() {
		s.c.metrics.fallbacks.WithLabelValues("set").Inc()
		return nil
	}
	data := httpcache.EncodeEntry(key, e)
	if int64(len(data)) > s.cfg.MaxEntryBytes {
		data = []byte(localMarker)
	}
	now := s.cfg.Now()
	m := member(key)
	ctx, cancel := s.c.opContext(context.Background())
	defer cancel()
	evicted, err := setScript.Run(ctx, s.c.rdb, s.scriptKeys(m),
		data, s.TTL(e, now).Milliseconds(), now.UnixMilli(),
		s.cfg.MaxBytes, m, s.entryKey("")).Int()
	if err != nil {
		s.c.failed("set", err)
		return nil // stored locally; a lost shared copy costs a miss
	}
	s.c.metrics.evictions.Add(float64(evicted))
	return nil
}

// Delete removes the entry stored under key from the local store and,
// while it is available, from Redis.
func (s *Store) Delete(key string) error {
	if err := s.cfg.Local.Delete(key); err != nil {
		return err
	}
	return s.deleteShared(key)
}

// deleteShared removes the entry stored under key from Redis.
func (s *Store) deleteShared(key string) error {
	if !s.c.Healthy() {
		s.c.metrics.fallbacks.WithLabelValues("delete").Inc()
		return nil
	}
	m := member(key)
	ctx, cancel := s.c.opContext(context.Background())
	defer cancel()
	if err := deleteScript.Run(ctx, s.c.rdb, s.scriptKeys(m), m).Err(); err != nil {
		s.c.failed("delete", err)
	}
	return nil
}

// TTL is how long Redis keeps e stored at now: its remaining freshness (by
// Cache-Control or a targeted field) plus
// the stale window (or its stale-while-revalidate or stale-if-error, when
// longer), at most MaxTTL and at least a second. A variant index (status 0)
// is kept MaxTTL, as long as any variant it leads to.
func (s *Store) TTL(e *httpcache.Entry, now time.Time) time.Duration {
	if e.StatusCode == 0 {
		return s.cfg.MaxTTL
	}
	stale := s.cfg.StaleWindow
	cc := httpcache.ParseCacheControl(e.Header.Values("Cache-Control"))
	for _, d := range [...]string{"stale-while-revalidate", "stale-if-error"} {
		if n, ok, valid := cc.Seconds(d); ok && valid {
			stale = max(stale, time.Duration(n)*time.Second)
		}
	}
	ttl := httpcache.FreshFor(e, now, s.cfg.Targets...) + stale
	return min(max(ttl, time.Second), s.cfg.MaxTTL)
}

// Bytes returns the total size of the entries in Redis, by the store's
// accounting (entries that expired are subtracted at the next Set).
func (s *Store) Bytes(ctx context.Context) (int64, error) {
	n, err := s.c.rdb.Get(ctx, s.c.key("bytes")).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}
