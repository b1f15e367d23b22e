package generator

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
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

// TestRelatedLarge compares related lessons with their definition on
// sites large enough that the counts span several words and some tags are
// bitsets while others are lists: a lesson carries up to 21 tags or none,
// of a vocabulary whose first tags are common and the rest rare, and one
// lesson in five carries the same tags as an earlier one. It asks from
// several goroutines at once, as a build does.
func TestRelatedLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, size := range []struct{ lessons, vocabulary int }{{300, 200}, {1000, 300}, {3000, 1000}, {3000, 100}} {
		lessons := make([]*Lesson, size.lessons)
		for i := range lessons {
			l := &Lesson{Slug: fmt.Sprint("l", i)}
			lessons[i] = l
			if i > 0 && rng.IntN(5) == 0 {
				l.Tags = slices.Clone(lessons[rng.IntN(i)].Tags)
				rng.Shuffle(len(l.Tags), func(i, j int) { l.Tags[i], l.Tags[j] = l.Tags[j], l.Tags[i] })
				continue
			}
			k := []int{0, 1, 1, 2, 3, 3, 3, 4, 5, 8, 13, 21}[rng.IntN(12)]
			for len(l.Tags) < k {
				// Tag i is about 1/(i+1) as common as tag 0.
				tag := fmt.Sprint("t", int(math.Exp(rng.Float64()*math.Log(float64(size.vocabulary+1))))-1)
				if !slices.Contains(l.Tags, tag) {
					l.Tags = append(l.Tags, tag)
				}
			}
		}
		s := newSite(SiteConfig{}, lessons)
		var bitsets, lists int
		for _, m := range s.tagMembers {
			if m.bits != nil {
				bitsets++
			} else {
				lists++
			}
		}
		if bitsets == 0 || lists == 0 {
			t.Fatalf("%d lessons: %d tags as bitsets and %d as lists, want some of each", size.lessons, bitsets, lists)
		}
		t.Logf("%d lessons: %d tags as bitsets, %d as lists", size.lessons, bitsets, lists)
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := g; i < len(lessons); i += 4 * max(1, len(lessons)/200) {
					l := lessons[i]
					all := relatedByDefinition(lessons, l, 10)
					for _, n := range []int{1, 3, 10} {
						if got, want := s.related(l, n), all[:min(n, len(all))]; !slices.Equal(got, want) {
							t.Errorf("%d lessons: related(%s %v, %d) = %v, want %v", size.lessons, l.Slug, l.Tags, n, slugs(got), slugs(want))
						}
					}
				}
			})
		}
		wg.Wait()
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
