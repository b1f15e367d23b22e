package httpcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// DiskStore is a persistent [Store]: one file per entry under a directory,
// named by a hash of the key.
//
// Files are written to a temporary name and renamed into place, so readers
// (in this process or another sharing the directory) see either the old or
// the new entry, never a partial one. Each file carries its length and a
// checksum: a truncated or damaged file reads as a miss and is removed, so
// the next response stored repairs it. Files are not synced: after a crash
// an entry may be lost or damaged, which again only costs a miss. When the
// files exceed the size bound, the least recently used ones (by
// modification time, which a read refreshes at most once a minute per
// process) are removed.
type DiskStore struct {
	dir      string
	maxBytes int64

	mu      sync.Mutex
	size    int64                // approximate bytes in the directory, by this process's count
	touched map[string]time.Time // when this process last refreshed a file's mtime
}

var _ Store = (*DiskStore)(nil)

const (
	tmpPrefix     = ".tmp-"
	entrySuffix   = ".entry"
	touchInterval = time.Minute
	staleTemp     = time.Hour
)

// NewDiskStore opens (creating it if needed) a store in dir holding at most
// maxBytes bytes of entry files; maxBytes <= 0 means unbounded. Temporary
// files left over by a crashed writer are removed.
func NewDiskStore(dir string, maxBytes int64) (*DiskStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("disk store: %w", err)
	}
	s := &DiskStore{dir: dir, maxBytes: maxBytes, touched: make(map[string]time.Time)}
	files, err := s.scan()
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		s.size += f.size
	}
	return s, nil
}

func (s *DiskStore) path(key string) string {
	sum := sha256.Sum256([]byte(key))
	name := hex.EncodeToString(sum[:])
	return filepath.Join(s.dir, name[:2], name[2:]+entrySuffix)
}

// Get reads the entry stored under key. A damaged file is removed and
// reported as [ErrNotExist].
func (s *DiskStore) Get(key string) (*Entry, error) {
	p := s.path(key)
	data, err := readFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("disk store: %q: %w", key, ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("disk store: %w", err)
	}
	storedKey, e, err := decodeEntry(data)
	if err != nil {
		// Truncated or damaged: drop it. (A concurrent writer's rename
		// may already have replaced it with a good file, which costs at
		// most one extra miss.)
		_ = os.Remove(p)
		return nil, fmt.Errorf("disk store: %s: %w: %w", p, err, ErrNotExist)
	}
	if storedKey != key {
		return nil, fmt.Errorf("disk store: %q: hash collision: %w", key, ErrNotExist)
	}
	s.touch(p)
	return e, nil
}

// readFile reads a whole file; small files take one read call and no stat.
func readFile(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bp := readBufs.Get().(*[]byte)
	defer readBufs.Put(bp)
	buf := *bp
	n, err := io.ReadFull(f, buf)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return bytes.Clone(buf[:n]), nil // the whole file
	case err != nil:
		return nil, err
	}
	rest, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	return append(bytes.Clone(buf), rest...), nil
}

var readBufs = sync.Pool{New: func() any { b := make([]byte, 16<<10); return &b }}

// touch refreshes the modification time of a file that was read, which
// eviction uses as its recency, at most once a minute per file.
func (s *DiskStore) touch(p string) {
	now := time.Now()
	s.mu.Lock()
	last, ok := s.touched[p]
	if !ok || now.Sub(last) > touchInterval {
		s.touched[p] = now
	}
	s.mu.Unlock()
	if !ok || now.Sub(last) > touchInterval {
		_ = os.Chtimes(p, now, now)
	}
}

// Set stores e under key atomically, then evicts if over the size bound.
func (s *DiskStore) Set(key string, e *Entry) error {
	p := s.path(key)
	data := encodeEntry(key, e)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("disk store: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), tmpPrefix+"*")
	if err != nil {
		return fmt.Errorf("disk store: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("disk store: write %s: %w", tmp.Name(), errors.Join(werr, cerr))
	}
	var old int64
	if info, err := os.Stat(p); err == nil {
		old = info.Size()
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("disk store: %w", err)
	}
	s.mu.Lock()
	s.size += int64(len(data)) - old
	over := s.maxBytes > 0 && s.size > s.maxBytes
	s.mu.Unlock()
	if over {
		return s.evict(p)
	}
	return nil
}

// Delete removes the entry stored under key.
func (s *DiskStore) Delete(key string) error {
	p := s.path(key)
	info, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("disk store: %w", err)
	}
	s.mu.Lock()
	s.size -= info.Size()
	delete(s.touched, p)
	s.mu.Unlock()
	return nil
}

type diskFile struct {
	path  string
	size  int64
	mtime time.Time
}

// scan lists the entry files and removes stale temporary files.
func (s *DiskStore) scan() ([]diskFile, error) {
	var files []diskFile
	now := time.Now()
	err := filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed by another process meanwhile
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		switch {
		case strings.HasPrefix(d.Name(), tmpPrefix):
			if now.Sub(info.ModTime()) > staleTemp {
				_ = os.Remove(p)
			}
		case strings.HasSuffix(d.Name(), entrySuffix):
			files = append(files, diskFile{p, info.Size(), info.ModTime()})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("disk store: scan %s: %w", s.dir, err)
	}
	return files, nil
}

// evict removes least recently used files until the directory holds at
// most 90% of the bound. The file just written (keep) goes last.
func (s *DiskStore) evict(keep string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	files, err := s.scan()
	if err != nil {
		return err
	}
	slices.SortFunc(files, func(a, b diskFile) int {
		if (a.path == keep) != (b.path == keep) {
			if a.path == keep {
				return 1
			}
			return -1
		}
		return a.mtime.Compare(b.mtime)
	})
	var total int64
	for _, f := range files {
		total += f.size
	}
	target := s.maxBytes / 10 * 9
	for _, f := range files {
		if total <= target {
			break
		}
		if f.path == keep && total <= s.maxBytes {
			break
		}
		if err := os.Remove(f.path); err == nil || errors.Is(err, fs.ErrNotExist) {
			total -= f.size
		}
	}
	s.size = total
	clear(s.touched)
	return nil
}
