package search

// pairTable maps a word pair, the ids of its two words as one key, to the
// id of its posting list. It is the builder's busiest lookup, one per
// word of every page: an open-addressing table of (key, id) slots in one
// array finds a key in one cache line where a map reads two.
type pairTable struct {
	slots []pairSlot // a power of two of them
	n     int        // used
}

// A pairSlot holds a key and its id plus one; 0 marks an empty slot.
type pairSlot struct {
	key uint64
	id  uint32
}

// slot returns key's slot: its own, or the empty one where it goes,
// which the caller fills (see [pairTable.add]).
func (t *pairTable) slot(key uint64) *pairSlot {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	return t.find(key)
}

// find is slot in a table with room.
func (t *pairTable) find(key uint64) *pairSlot {
	mask := len(t.slots) - 1
	// Fibonacci hashing: the key's bits spread over the index's.
	i := int((key*0x9E3779B97F4A7C15)>>32) & mask
	for t.slots[i].id != 0 && t.slots[i].key != key {
		i = (i + 1) & mask
	}
	return &t.slots[i]
}

// add fills the empty slot s with key and id.
func (t *pairTable) add(s *pairSlot, key uint64, id uint32) {
	*s = pairSlot{key, id + 1}
	t.n++
}

// grow doubles the table (at most half full, its probes stay short).
func (t *pairTable) grow() {
	old := t.slots
	t.slots = make([]pairSlot, max(1024, 2*len(old)))
	for _, s := range old {
		if s.id != 0 {
			*t.find(s.key) = s
		}
	}
}

// all calls fn with each key and its id.
func (t *pairTable) all(fn func(key uint64, id uint32)) {
	for _, s := range t.slots {
		if s.id != 0 {
			fn(s.key, s.id-1)
		}
	}
}
