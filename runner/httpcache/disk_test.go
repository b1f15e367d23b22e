package httpcache

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func newTestDiskStore(t *testing.T, max int64) *DiskStore {
	t.Helper()
	s, err := NewDiskStore(t.TempDir(), max)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDiskStore(t *testing.T) {
	runStoreAcceptance(t, func(t *testing.T) Store { return newTestDiskStore(t, 0) })
}

func TestDiskStoreSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	s1, err := NewDiskStore(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s1.Set("k", testEntry(1)); err != nil {
		t.Fatal(err)
	}
	s2, err := NewDiskStore(dir, 0) // a second process sharing the directory
	if err != nil {
		t.Fatal(err)
	}
	got, err := s2.Get("k")
	if err != nil {
		t.Fatal(err)
	}
	sameEntry(t, got, testEntry(1))
	if err := s2.Delete("k"); err != nil {
		t.Fatal(err)
	}
	if _, err := s1.Get("k"); !errors.Is(err, ErrNotExist) {
		t.Fatalf("Get after the other store deleted: %v", err)
	}
}

func TestDiskStoreDamagedEntryIsMissAndRepaired(t *testing.T) {
	damage := map[string]func(data []byte) []byte{
		"truncated":   func(d []byte) []byte { return d[:len(d)/2] },
		"empty":       func([]byte) []byte { return nil },
		"flipped bit": func(d []byte) []byte { d[len(d)-3] ^= 0x10; return d },
		"bad magic":   func(d []byte) []byte { d[0] = 'X'; return d },
		"long length": func(d []byte) []byte { d[4] ^= 0xff; return d },
		"extra bytes": func(d []byte) []byte { return append(d, 0) },
	}
	for name, corrupt := range damage {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newTestDiskStore(t, 0)
			if err := s.Set("k", testEntry(2)); err != nil {
				t.Fatal(err)
			}
			p := s.path("k")
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, corrupt(data), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Get("k"); !errors.Is(err, ErrNotExist) {
				t.Fatalf("Get(damaged) error = %v, want ErrNotExist", err)
			}
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("damaged file not removed: %v", err)
			}
			if err := s.Set("k", testEntry(2)); err != nil {
				t.Fatal(err)
			}
			got, err := s.Get("k")
			if err != nil {
				t.Fatalf("Get after repair: %v", err)
			}
			sameEntry(t, got, testEntry(2))
		})
	}
}

func TestDiskStoreEvictsLeastRecentlyUsed(t *testing.T) {
	one := int64(len(encodeEntry("k0", testEntry(0))))
	s := newTestDiskStore(t, 3*one+one/2)
	old := time.Now().Add(-time.Hour)
	for i, k := range []string{"k0", "k1", "k2"} {
		if err := s.Set(k, testEntry(0)); err != nil {
			t.Fatal(err)
		}
		// Spread the modification times: k0 oldest.
		mt := old.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(s.path(k), mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Get("k0"); err != nil { // refreshes k0: now the newest
		t.Fatal(err)
	}
	if err := s.Set("k3", testEntry(0)); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]bool{"k0": true, "k1": false, "k3": true} {
		_, err := s.Get(k)
		if got := err == nil; got != want {
			t.Errorf("after eviction, %s present = %v, want %v", k, got, want)
		}
	}
	var total int64
	_ = filepath.WalkDir(s.dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			total += info.Size()
		}
		return nil
	})
	if total > s.maxBytes {
		t.Errorf("directory holds %d bytes, bound is %d", total, s.maxBytes)
	}
}

func TestDiskStoreRemovesStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, tmpPrefix+"crashed")
	fresh := filepath.Join(dir, tmpPrefix+"writing")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleTemp)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := NewDiskStore(dir, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temp file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("a temp file another process may be writing was removed: %v", err)
	}
}
