package generator

import (
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
	// tagPositions are the positions in Lessons of the lessons of each
	// tag: related reads these rather than the lessons themselves, which
	// are scattered in memory.
	tagPositions map[string][]int32
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
	Term        *Term
	// Pager is the page's part of a long list: the lessons of the term it
	// shows, and links to the rest.
	Pager *Pager
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
	s.tagPositions = make(map[string][]int32, len(s.Tags))
	for _, t := range s.Tags {
		s.tagIndex[t.Name] = t
		pos := make([]int32, len(t.Lessons))
		for i, l := range t.Lessons {
			pos[i] = int32(l.index)
		}
		s.tagPositions[t.Name] = pos
	}
	s.Categories = terms("categories", lessons, func(l *Lesson) []string {
		if l.Category == "" {
			return nil
		}
		return []string{l.Category}
	})
	return s
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
// of tags, newest first among equals.
func (s *Site) bestSharing(tags []string, n int) []int32 {
	// Count shared tags in a slice indexed by position in s.Lessons (which
	// is newest first), reused across calls; a map was a fifth of the
	// build of a large site.
	sc := scorePool.Get().(*scores)
	defer scorePool.Put(sc)
	if len(sc.count) < len(s.Lessons) {
		sc.count = make([]int32, len(s.Lessons))
	}
	sc.touched = sc.touched[:0]
	for _, tag := range tags {
		for _, i := range s.tagPositions[tag] {
			if sc.count[i] == 0 {
				sc.touched = append(sc.touched, i)
			}
			sc.count[i]++
		}
	}
	// The best n by (score, newest), by insertion into a short list.
	best := make([]int32, 0, n+1)
	for _, i := range sc.touched {
		j := len(best)
		for j > 0 && (sc.count[best[j-1]] < sc.count[i] || sc.count[best[j-1]] == sc.count[i] && best[j-1] > i) {
			j--
		}
		if j < n {
			best = slices.Insert(best, j, i)
			if len(best) > n {
				best = best[:n]
			}
		}
	}
	for _, i := range sc.touched {
		sc.count[i] = 0
	}
	return best
}

// scores are the scratch space of [Site.related].
type scores struct {
	count   []int32
	touched []int32
}

var scorePool = sync.Pool{New: func() any { return new(scores) }}

// tagLessons are the lessons carrying tag, newest first.
func (s *Site) tagLessons(tag string) []*Lesson {
	if t := s.tagIndex[tag]; t != nil {
		return t.Lessons
	}
	return nil
}
