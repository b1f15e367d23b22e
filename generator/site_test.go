package generator

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRelated compares related lessons with a direct reading of their
// definition, on random sites where many lessons share a set of tags.
func TestRelated(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pool := []string{"a", "b", "c", "d", "e", "f"}
	for trial := range 50 {
		var lessons []*Lesson
		for i := range 1 + rng.IntN(40) {
			l := &Lesson{Slug: fmt.Sprint("l", i)}
			for _, tag := range pool {
				if rng.IntN(3) == 0 {
					l.Tags = append(l.Tags, tag)
				}
			}
			rng.Shuffle(len(l.Tags), func(i, j int) { l.Tags[i], l.Tags[j] = l.Tags[j], l.Tags[i] })
			lessons = append(lessons, l)
		}
		s := newSite(SiteConfig{}, lessons)
		for _, l := range lessons {
			for _, n := range []int{1, 3} {
				got := s.related(l, n)
				if want := relatedByDefinition(lessons, l, n); !slices.Equal(got, want) {
					t.Fatalf("trial %d: related(%s %v, %d) = %v, want %v", trial, l.Slug, l.Tags, n, slugs(got), slugs(want))
				}
			}
		}
	}
}

// relatedByDefinition is the n lessons other than l that share at least
// one tag with it, by most shared tags, then by position (newest first).
func relatedByDefinition(lessons []*Lesson, l *Lesson, n int) []*Lesson {
	shared := func(o *Lesson) int {
		c := 0
		for _, t := range o.Tags {
			if slices.Contains(l.Tags, t) {
				c++
			}
		}
		return c
	}
	var out []*Lesson
	for _, o := range lessons {
		if o != l && shared(o) > 0 {
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b *Lesson) int { return shared(b) - shared(a) })
	return out[:min(n, len(out))]
}

func slugs(ls []*Lesson) []string {
	var s []string
	for _, l := range ls {
		s = append(s, l.Slug)
	}
	return s
}

// BenchmarkRelated finds the related lessons of every lesson of a site
// whose lessons carry three of fifty tags, as sitegen's do.
func BenchmarkRelated(b *testing.B) {
	for _, n := range []int{1000, 10000, 30000} {
		b.Run(fmt.Sprintf("lessons=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			lessons := make([]*Lesson, n)
			for i := range lessons {
				lessons[i] = &Lesson{}
				for _, t := range rng.Perm(50)[:3] {
					lessons[i].Tags = append(lessons[i].Tags, fmt.Sprint("tag", t))
				}
			}
			for b.Loop() {
				s := newSite(SiteConfig{}, lessons)
				for _, l := range lessons {
					s.related(l, 3)
				}
			}
		})
	}
}
