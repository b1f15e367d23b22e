package httpcache

import (
	"container/list"
	"fmt"
	"sync"
)

// MemoryStore is a [Store] that keeps entries in memory, evicting the least
// recently used ones when their total size exceeds a bound.
type MemoryStore struct {
	mu       sync.Mutex
	maxBytes int64
	size     int64
	lru      *list.List // of *memItem, most recently used first
	items    map[string]*list.Element
}

type memItem struct {
	key   string
	entry *Entry
	size  int64
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty store holding at most maxBytes bytes of
// entries (by [Entry.Size]); maxBytes <= 0 means unbounded.
func NewMemoryStore(maxBytes int64) *MemoryStore {
	return &MemoryStore{maxBytes: maxBytes, lru: list.New(), items: make(map[string]*list.Element)}
}

// Get returns the entry stored under key.
func (s *MemoryStore) Get(key string) (*Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	el, ok := s.items[key]
	if !ok {
		return nil, fmt.Errorf("memory store: %q: %w", key, ErrNotExist)
	}
	s.lru.MoveToFront(el)
	return el.Value.(*memItem).entry, nil
}

// Set stores e under key and evicts old entries beyond the size bound.
func (s *MemoryStore) Set(key string, e *Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remove(key)
	it := &memItem{key: key, entry: e, size: e.Size()}
	s.items[key] = s.lru.PushFront(it)
	s.size += it.size
	for s.maxBytes > 0 && s.size > s.maxBytes && s.lru.Len() > 1 {
		s.remove(s.lru.Back().Value.(*memItem).key)
	}
	return nil
}

// Delete removes the entry stored under key.
func (s *MemoryStore) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remove(key)
	return nil
}

func (s *MemoryStore) remove(key string) {
	if el, ok := s.items[key]; ok {
		s.size -= el.Value.(*memItem).size
		s.lru.Remove(el)
		delete(s.items, key)
	}
}
