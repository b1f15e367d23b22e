package generator

import (
	"sort"
)

// Site is everything the templates know about the site being built.
type Site struct {
	Config     SiteConfig
	Lessons    []*Lesson // newest first
	Tags       []*Term   // by name
	Categories []*Term   // by name

	tagIndex map[string]*Term
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
	// Dev is true when the page is served by snapdoc serve.
	Dev bool
}

// newSite indexes lessons by tag and category.
func newSite(cfg SiteConfig, lessons []*Lesson) *Site {
	s := &Site{Config: cfg, Lessons: lessons}
	s.Tags = terms("tags", lessons, func(l *Lesson) []string { return l.Tags })
	s.tagIndex = make(map[string]*Term, len(s.Tags))
	for _, t := range s.Tags {
		s.tagIndex[t.Name] = t
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
	score := map[*Lesson]int{}
	for _, tag := range l.Tags {
		for _, o := range s.tagIndex[tag].Lessons {
			if o != l {
				score[o]++
			}
		}
	}
	var out []*Lesson
	for _, o := range s.Lessons { // already newest first
		if score[o] > 0 {
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return score[out[i]] > score[out[j]] })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// tagLessons are the lessons carrying tag, newest first.
func (s *Site) tagLessons(tag string) []*Lesson {
	if t := s.tagIndex[tag]; t != nil {
		return t.Lessons
	}
	return nil
}
