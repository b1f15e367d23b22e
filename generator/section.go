package generator

import (
	"path"
	"sort"
	"strings"
)

// dir is the folder of the lesson's file under content/, "." for the
// top.
func (l *Lesson) dir() string { return path.Dir(strings.TrimPrefix(l.File, ContentDir+"/")) }

// IsSection reports whether the lesson is the page of a section: the file
// _index.md or index.md of a folder under content/, published at the
// folder's path (content/guide/_index.md at guide/).
func (l *Lesson) IsSection() bool {
	base := path.Base(l.File)
	return (base == "_index.md" || base == "index.md") && l.dir() != "."
}

// sectionOf is the folder whose section the lesson belongs to: a
// section's page belongs to the section around it.
func (l *Lesson) sectionOf() string {
	if l.IsSection() {
		return path.Dir(l.dir())
	}
	return l.dir()
}

// sections are the sections of a site, by folder, and what each holds.
type sections struct {
	byDir map[string]*Lesson // the section's page
	// lessons and subs are the lessons and the pages of the subsections
	// directly in each section's folder, by weight, then title.
	lessons, subs map[string][]*Lesson
}

// newSections finds the sections among lessons.
func newSections(lessons []*Lesson) *sections {
	s := &sections{byDir: map[string]*Lesson{}, lessons: map[string][]*Lesson{}, subs: map[string][]*Lesson{}}
	for _, l := range lessons {
		if l.IsSection() {
			s.byDir[l.dir()] = l
		}
	}
	if len(s.byDir) == 0 {
		return s
	}
	for _, l := range lessons {
		in := l.sectionOf()
		if s.byDir[in] == nil {
			continue
		}
		if l.IsSection() {
			s.subs[in] = append(s.subs[in], l)
		} else {
			s.lessons[in] = append(s.lessons[in], l)
		}
	}
	for _, m := range []map[string][]*Lesson{s.lessons, s.subs} {
		for _, list := range m {
			sort.SliceStable(list, func(i, j int) bool {
				if list[i].Weight != list[j].Weight {
					return list[i].Weight < list[j].Weight
				}
				return list[i].Title < list[j].Title
			})
		}
	}
	return s
}

// crumbs are the pages of the sections around l, outermost first: the
// breadcrumbs between the home page and l. Folders without a page of
// their own are left out.
func (s *sections) crumbs(l *Lesson) []*Lesson {
	var out []*Lesson
	for dir := l.sectionOf(); dir != "."; dir = path.Dir(dir) {
		if sec := s.byDir[dir]; sec != nil {
			out = append(out, sec)
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
