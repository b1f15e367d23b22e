package search

import "testing"

// TestPairTable checks that the table finds every key it was given, key
// 0 too, across its growth, and lists each once.
func TestPairTable(t *testing.T) {
	var tab pairTable
	const n = 5000
	key := func(i int) uint64 { return uint64(i%97)<<32 | uint64(i/97) } // 0 first
	for i := range n {
		s := tab.slot(key(i))
		if s.id != 0 {
			t.Fatalf("key %d found before it was added", i)
		}
		tab.add(s, key(i), uint32(i))
	}
	for i := range n {
		if s := tab.slot(key(i)); s.id == 0 || s.id-1 != uint32(i) {
			t.Fatalf("key %d: slot %+v", i, *s)
		}
	}
	seen := map[uint32]bool{}
	tab.all(func(k uint64, id uint32) {
		if k != key(int(id)) || seen[id] {
			t.Errorf("all: key %x, id %d", k, id)
		}
		seen[id] = true
	})
	if len(seen) != n || tab.n != n {
		t.Errorf("all listed %d ids, n = %d; want %d", len(seen), tab.n, n)
	}
}
