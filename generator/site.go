package generator

import (
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Site is everything the templates know about the site being built.
type Site struct {
	Config     SiteConfig
	Lessons    []*Lesson // newest first
	Tags       []*Term   // by name
	Categories []*Term   // by name

	tagIndex map[string]*Term

	// relatedMu guards relatedBySet, the best related lessons of each
	// count and set of tags, by position in Lessons: lessons with the same
	// tags share them.
	relatedMu    sync.Mutex
	relatedBySet map[string][]int32
	// tagMembers are the positions in Lessons of the lessons of each tag:
	// related reads these rather than the lessons themselves, which are
	// scattered in memory.
	tagMembers map[string]members
	// uncategorized are the lessons without a category, in the order of
	// Lessons; position is each lesson's place in its category's list or
	// in uncategorized, for [Site.neighbours].
	uncategorized []*Lesson
	position      map[*Lesson]int
	// sections are the site's sections, for the section pages and the
	// breadcrumbs.
	sections *sections
}

// members are the positions in [Site.Lessons] of the lessons of a tag, in
// the form [Site.bestSharing] reads faster. A tag that at least one lesson
// in 64 carries is a bitset, which then takes at most twice the memory of
// a list of positions: in all at most 64 bits per tag of a lesson. Other
// tags are a list.
type members struct {
	bits []uint64 // bit i%64 of word i/64 is set when lesson i carries the tag
	list []int32  // when bits is nil: the positions, ascending
}

// Term is a tag or a category with the lessons that carry it.
type Term struct {
	Kind    string // "tags" or "categories"
	Name    string
	URL     string // site path, for example "tags/python/"
	Lessons []*Lesson
}

// Page is the data a page template is executed with.
type Page struct {
	Site        *Site
	Kind        string // "lesson", "index", "tag", "category" or "404"
	Title       string
	Description string
	URL         string // the page's site path, "" for the home page
	Lesson      *Lesson
	Body        any // the lesson's body as template.HTML
	Related     []*Lesson
	// Prev and Next are the lessons before and after a lesson in the
	// list of its category (of the lessons without one, when it has
	// none), nil at the ends.
	Prev, Next *Lesson
	Term       *Term
	// Pager is the page's part of a long list: the lessons of the term it
	// shows, and links to the rest.
	Pager *Pager
	// Crumbs are the pages of the sections around a lesson, outermost
	// first, for its breadcrumbs.
	Crumbs []*Lesson
	// Lessons and Sections are what a section's page lists: the lessons
	// of the section and the pages of its subsections, by weight, then
	// title.
	Lessons, Sections []*Lesson
	// Dev is true when the page is served by snapdoc serve.
	Dev bool
}

// Pager is one page of a term's lessons.
type Pager struct {
	URL     string    // the page's site path
	Lessons []*Lesson // on this page
	// Number is the page's number, from 1; Total is the number of pages.
	Number, Total int
	// Prev and Next are the site paths of the pages before and after this
	// one, or "" at the ends.
	Prev, Next string
}

// pageCount is the number of HTML pages a full render of the site makes:
// the home page, the 404 page, a page per lesson and the pages of every
// tag and category.
func (s *Site) pageCount() int {
	n := 2 + len(s.Lessons)
	for _, t := range slices.Concat(s.Tags, s.Categories) {
		n += len(t.pages(s.Config.Paginate))
	}
	return n
}

// pages splits the lessons of t into pages of at most size lessons, all
// on one page when size is 0.
func (t *Term) pages(size int) []*Pager {
	n := 1
	if size > 0 && len(t.Lessons) > size {
		n = (len(t.Lessons) + size - 1) / size
	}
	pagers := make([]*Pager, n)
	for i := range n {
		p := &Pager{URL: pageURL(t.URL, i+1), Lessons: t.Lessons, Number: i + 1, Total: n}
		if n > 1 {
			p.Lessons = t.Lessons[i*size : min(len(t.Lessons), (i+1)*size)]
		}
		if i > 0 {
			p.Prev = pageURL(t.URL, i)
		}
		if i < n-1 {
			p.Next = pageURL(t.URL, i+2)
		}
		pagers[i] = p
	}
	return pagers
}

// pageURL is the site path of page number n of the list at url.
func pageURL(url string, n int) string {
	if n == 1 {
		return url
	}
	return url + "page/" + itoa(n) + "/"
}

// newSite indexes lessons by tag and category.
func newSite(cfg SiteConfig, lessons []*Lesson) *Site {
	s := &Site{Config: cfg, Lessons: lessons}
	for i, l := range lessons {
		l.index = i
	}
	s.Tags = terms("tags", lessons, func(l *Lesson) []string { return l.Tags })
	s.tagIndex = make(map[string]*Term, len(s.Tags))
	s.tagMembers = make(map[string]members, len(s.Tags))
	for _, t := range s.Tags {
		s.tagIndex[t.Name] = t
		var m members
		if 64*len(t.Lessons) >= len(lessons) {
			m.bits = make([]uint64, words(len(lessons)))
			for _, l := range t.Lessons {
				m.bits[l.index/64] |= 1 << (l.index % 64)
			}
		} else {
			m.list = make([]int32, len(t.Lessons))
			for i, l := range t.Lessons {
				m.list[i] = int32(l.index)
			}
		}
		s.tagMembers[t.Name] = m
	}
	s.Categories = terms("categories", lessons, func(l *Lesson) []string {
		if l.Category == "" {
			return nil
		}
		return []string{l.Category}
	})
	s.sections = newSections(lessons)
	s.position = make(map[*Lesson]int, len(lessons))
	for _, t := range s.Categories {
		for i, l := range t.Lessons {
			s.position[l] = i
		}
	}
	for _, l := range lessons {
		if l.Category == "" {
			s.position[l] = len(s.uncategorized)
			s.uncategorized = append(s.uncategorized, l)
		}
	}
	return s
}

// neighbours returns the lessons before and after l in the list of its
// category, or of the lessons without a category; nil at the ends.
func (s *Site) neighbours(l *Lesson) (prev, next *Lesson) {
	var list []*Lesson
	if l.Category == "" {
		list = s.uncategorized
	} else if i, ok := slices.BinarySearchFunc(s.Categories, l.Category, func(t *Term, name string) int { return strings.Compare(t.Name, name) }); ok {
		list = s.Categories[i].Lessons
	}
	i := s.position[l]
	if i < 0 || i >= len(list) || list[i] != l {
		return nil, nil
	}
	if i > 0 {
		prev = list[i-1]
	}
	if i+1 < len(list) {
		next = list[i+1]
	}
	return prev, next
}

func terms(kind string, lessons []*Lesson, names func(*Lesson) []string) []*Term {
	byName := map[string]*Term{}
	var out []*Term
	for _, l := range lessons {
		for _, n := range names(l) {
			t := byName[n]
			if t == nil {
				t = &Term{Kind: kind, Name: n, URL: taxonomyURL(kind, n)}
				byName[n] = t
				out = append(out, t)
			}
			t.Lessons = append(t.Lessons, l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// related returns up to n other lessons that share the most tags with l,
// newest first among equals.
func (s *Site) related(l *Lesson, n int) []*Lesson {
	tags := slices.Clone(l.Tags)
	slices.Sort(tags)
	key := itoa(n) + "\x00" + strings.Join(tags, "\x00")
	s.relatedMu.Lock()
	best, ok := s.relatedBySet[key]
	s.relatedMu.Unlock()
	if !ok {
		// One more than asked for, since l itself is among the best.
		best = s.bestSharing(tags, n+1)
		s.relatedMu.Lock()
		if s.relatedBySet == nil {
			s.relatedBySet = map[string][]int32{}
		}
		s.relatedBySet[key] = best
		s.relatedMu.Unlock()
	}
	out := make([]*Lesson, 0, n)
	for _, i := range best {
		if o := s.Lessons[i]; o != l && len(out) < n {
			out = append(out, o)
		}
	}
	return out
}

// bestSharing returns the positions of the n lessons that carry the most
// of tags, which are distinct as a lesson's are (decodeMeta drops
// repeats), newest first among equals; lessons that carry none are left
// out.
//
// Tags that are all lists are counted lesson by lesson, which costs the
// length of the lists. With a bitset among them, a bit-sliced counter is
// faster: it costs a few operations on a word for each 64 lessons and
// bitset, where the bitset's list would take at least one for each lesson.
func (s *Site) bestSharing(tags []string, n int) []int32 {
	if n <= 0 || len(tags) == 0 {
		return nil
	}
	// Not put back if a panic leaves it dirty.
	sc := sharingPool.Get().(*sharing)
	r := ranking{n: n, least: 1, pos: make([]int32, 0, n+1), counts: sc.ranked[:0]}
	if slices.ContainsFunc(tags, func(tag string) bool { return s.tagMembers[tag].bits != nil }) {
		s.rankBits(tags, &r, &sc.counter)
	} else {
		s.rankLists(tags, &r, sc)
	}
	sc.ranked = r.counts
	sharingPool.Put(sc)
	return r.pos
}

// rankLists ranks the lessons of tags, which are all lists, counting them
// one at a time by position.
func (s *Site) rankLists(tags []string, r *ranking, sc *sharing) {
	if len(sc.count) < len(s.Lessons) {
		sc.count = make([]int32, len(s.Lessons))
	}
	touched := sc.touched[:0]
	for _, tag := range tags {
		for _, i := range s.tagMembers[tag].list {
			if sc.count[i] == 0 {
				touched = append(touched, i)
			}
			sc.count[i]++
		}
	}
	for _, i := range touched {
		r.add(i, int(sc.count[i]))
		sc.count[i] = 0
	}
	sc.touched = touched
}

// rankBits ranks the lessons of tags, of which some are bitsets, counting
// them with c and then reading the counts 64 at a time, in order of
// position, for those that can still get in.
func (s *Site) rankBits(tags []string, r *ranking, c *counter) {
	// Enough planes for a count of len(tags).
	c.reset(bits.Len(uint(len(tags))), words(len(s.Lessons)))
	for _, tag := range tags {
		if m := s.tagMembers[tag]; m.bits != nil {
			c.addBits(m.bits)
		} else {
			c.addList(m.list)
		}
	}
	for w := 0; w < c.words && r.least <= len(tags); w++ {
		for m := c.atLeast(w, r.least); m != 0; m &= c.atLeast(w, r.least) {
			bit := bits.TrailingZeros64(m)
			m &= m - 1
			r.add(int32(w*64+bit), c.count(w, bit))
		}
	}
	clear(c.planes[:c.width*c.words])
}

// sharing is the scratch space of [Site.bestSharing], which several
// goroutines may call at once. Its counter and count are zero between
// uses.
type sharing struct {
	counter counter // of rankBits
	count   []int32 // of rankLists: the count of each lesson, by position
	touched []int32 // of rankLists: the positions whose count is not zero
	ranked  []int   // the counts of the ranking
}

var sharingPool = sync.Pool{New: func() any { return new(sharing) }}

// ranking is the best n lessons by count, most first, then by position.
type ranking struct {
	n int
	// least is the least count that a lesson after all those in the
	// ranking needs to get in: 1 until there are n, then one more than the
	// count of the last.
	least  int
	pos    []int32 // with room for n+1
	counts []int   // of the lessons of pos
}

// add adds the lesson at position p with count, if it is among the best.
func (r *ranking) add(p int32, count int) {
	k := len(r.pos)
	for k > 0 && (r.counts[k-1] < count || r.counts[k-1] == count && r.pos[k-1] > p) {
		k--
	}
	if k == r.n {
		return
	}
	r.pos, r.counts = slices.Insert(r.pos, k, p), slices.Insert(r.counts, k, count)
	if len(r.pos) > r.n {
		r.pos, r.counts = r.pos[:r.n], r.counts[:r.n]
	}
	if len(r.pos) == r.n {
		r.least = r.counts[r.n-1] + 1
	}
}

// counter counts how many of a set of tags each lesson of a site carries.
// It is bit-sliced: bit j of the count of lesson i is bit i%64 of word
// i/64 of plane j, so that an operation on a word of each plane adds or
// compares the counts of 64 lessons.
type counter struct {
	words  int      // of a plane: one for each 64 lessons
	width  int      // the number of planes
	planes []uint64 // plane j is planes[j*words:(j+1)*words]
	tags   int      // the number added, so the most any count can be
	carry  []uint64 // scratch space of addBits
}

// reset makes c count, from zero, in width planes of nwords words. The
// planes must be zero, as when the last use cleared them.
func (c *counter) reset(width, nwords int) {
	c.words, c.width, c.tags = nwords, width, 0
	if len(c.planes) < width*nwords {
		c.planes = make([]uint64, width*nwords)
	}
	if len(c.carry) < nwords {
		c.carry = make([]uint64, nwords)
	}
}

// addBits adds 1 to the count of each lesson of the bitset b.
func (c *counter) addBits(b []uint64) {
	c.tags++
	// The counts are now at most c.tags, which planes 0 to last hold: the
	// carry out of plane last is zero.
	carry, last := b[:c.words], bits.Len(uint(c.tags))-1
	for j := range last {
		plane, next := c.plane(j)[:len(carry)], c.carry[:len(carry)]
		for w, x := range carry {
			plane[w], next[w] = plane[w]^x, plane[w]&x
		}
		carry = next
	}
	plane := c.plane(last)[:len(carry)]
	for w, x := range carry {
		plane[w] ^= x
	}
}

// addList adds 1 to the count of each lesson of list, distinct positions.
func (c *counter) addList(list []int32) {
	c.tags++
	for _, i := range list {
		w := int(i / 64)
		for j, carry := 0, uint64(1)<<(i%64); carry != 0; j++ {
			x := &c.planes[j*c.words+w]
			*x, carry = *x^carry, *x&carry
		}
	}
}

// plane returns plane j.
func (c *counter) plane(j int) []uint64 { return c.planes[j*c.words : (j+1)*c.words] }

// atLeast returns the bits of the lessons of word w whose count is at
// least v.
func (c *counter) atLeast(w, v int) uint64 {
	if v>>c.width != 0 {
		return 0 // more than any count
	}
	// Compare with v from the highest bit down.
	var more uint64     // the counts known to be more than v
	equal := ^uint64(0) // the counts equal to v so far
	for j := c.width - 1; j >= 0; j-- {
		if x := c.planes[j*c.words+w]; v>>j&1 == 1 {
			equal &= x
		} else {
			more |= equal & x
			equal &^= x
		}
	}
	return more | equal
}

// count returns the count of the lesson of bit bit of word w.
func (c *counter) count(w, bit int) int {
	n := 0
	for j := range c.width {
		n |= int(c.planes[j*c.words+w]>>bit&1) << j
	}
	return n
}

// words is the number of 64-bit words of a bitset of n bits.
func words(n int) int { return (n + 63) / 64 }

// tagLessons are the lessons carrying tag, newest first.
func (s *Site) tagLessons(tag string) []*Lesson {
	if t := s.tagIndex[tag]; t != nil {
		return t.Lessons
	}
	return nil
}
