package search

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"slices"
	"strings"
)

// Query is a parsed search: the keys (terms and word pairs) a page must
// have.
type Query struct {
	// Keys are the index keys the query looks up: its words, and for a
	// quoted phrase the pairs of its consecutive words ("cache control").
	Keys []string
	// Phrase reports whether the query has a quoted phrase; without one,
	// a query of several words whose pages have no word in common falls
	// back to pages that have any.
	Phrase bool
}

// ParseQuery parses what a reader typed. Words are looked up as the
// index's terms; a compound such as `max-age` is looked up whole, not by
// its parts. Text between double quotes is a phrase: its consecutive
// words must be consecutive on the page.
func ParseQuery(q string) Query {
	var out Query
	seen := map[string]bool{}
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			out.Keys = append(out.Keys, k)
		}
	}
	for i, part := range strings.Split(q, `"`) {
		if i%2 == 1 { // inside quotes
			var words []string
			tokenize(part, func(t token) {
				if !t.Compound {
					words = append(words, t.Term)
				}
			})
			if len(words) == 1 {
				add(words[0])
			}
			for j := 1; j < len(words); j++ {
				out.Phrase = true
				add(words[j-1] + " " + words[j])
			}
			continue
		}
		end := -1 // of the last compound
		tokenize(part, func(t token) {
			if t.Start < end {
				return // a part of a compound
			}
			if t.Compound {
				end = t.End
			}
			add(t.Term)
		})
	}
	return out
}

// Hit is a page that matches a query.
type Hit struct {
	Page  int
	Score float64
}

// Searcher answers queries from an index's files as a client does, and
// records which files it read: the bytes a reader's browser downloads.
type Searcher struct {
	fsys   fs.FS
	meta   Meta
	shards map[int]map[string][]posting
	// Read lists the files read, in order, each once.
	Read []string
}

type posting struct {
	page   int
	impact byte
}

// NewSearcher opens the index in fsys (its directory as the root),
// reading meta.json.
func NewSearcher(fsys fs.FS) (*Searcher, error) {
	s := &Searcher{fsys: fsys, shards: map[int]map[string][]posting{}}
	data, err := s.read(MetaFile, false)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, &s.meta); err != nil {
		return nil, fmt.Errorf("search: %s: %w", MetaFile, err)
	}
	if s.meta.Format != Format || s.meta.Shards < 1 {
		return nil, fmt.Errorf("search: %s: format %d with %d shards, want format %d", MetaFile, s.meta.Format, s.meta.Shards, Format)
	}
	return s, nil
}

// read returns the file name, gunzipped if gz, and records it as read.
func (s *Searcher) read(name string, gz bool) ([]byte, error) {
	data, err := fs.ReadFile(s.fsys, name)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if !slices.Contains(s.Read, name) {
		s.Read = append(s.Read, name)
	}
	if !gz {
		return data, nil
	}
	r, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("search: %s: %w", name, err)
	}
	data, err = io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("search: %s: %w", name, err)
	}
	return data, nil
}

// Search returns the pages that match q, best first.
func (s *Searcher) Search(q string) ([]Hit, error) {
	pq := ParseQuery(q)
	if len(pq.Keys) == 0 {
		return nil, nil
	}
	lists := make([][]posting, len(pq.Keys))
	for i, k := range pq.Keys {
		n := Shard(k, s.meta.Shards)
		sh, ok := s.shards[n]
		if !ok {
			data, err := s.read(ShardFile(n), true)
			if err != nil {
				return nil, err
			}
			if sh, err = parseShard(data); err != nil {
				return nil, fmt.Errorf("search: %s: %w", ShardFile(n), err)
			}
			s.shards[n] = sh
		}
		lists[i] = sh[k]
	}
	hits := s.rank(lists, true)
	if len(hits) == 0 && !pq.Phrase && len(lists) > 1 {
		hits = s.rank(lists, false)
	}
	return hits, nil
}

// rank scores the pages of lists by BM25, keeping only the pages in
// every list when all is set.
func (s *Searcher) rank(lists [][]posting, all bool) []Hit {
	score := map[int]float64{}
	count := map[int]int{}
	for _, l := range lists {
		df := float64(len(l))
		idf := math.Log(1 + (float64(s.meta.Pages)-df+0.5)/(df+0.5))
		for _, p := range l {
			score[p.page] += idf * Impact(p.impact)
			count[p.page]++
		}
	}
	var hits []Hit
	for page, sc := range score {
		if !all || count[page] == len(lists) {
			hits = append(hits, Hit{Page: page, Score: sc})
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return a.Page - b.Page
	})
	return hits
}

// Fragment reads page n's fragment.
func (s *Searcher) Fragment(n int) (*Fragment, error) {
	data, err := s.read(PageFile(n), false)
	if err != nil {
		return nil, err
	}
	var f Fragment
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("search: %s: %w", PageFile(n), err)
	}
	return &f, nil
}

// errShard is a shard that ends inside a record.
var errShard = errors.New("truncated record")

// parseShard decodes a shard's records (see appendRecord).
func parseShard(data []byte) (map[string][]posting, error) {
	out := map[string][]posting{}
	uvarint := func() (int, error) {
		v, k := binary.Uvarint(data)
		if k <= 0 || v > math.MaxInt32 {
			return 0, errShard
		}
		data = data[k:]
		return int(v), nil
	}
	for len(data) > 0 {
		n, err := uvarint()
		if err != nil || n > len(data) {
			return nil, errShard
		}
		term := string(data[:n])
		data = data[n:]
		df, err := uvarint()
		if err != nil {
			return nil, err
		}
		list := make([]posting, 0, min(df, len(data)))
		page := -1
		for range df {
			d, err := uvarint()
			if err != nil || len(data) == 0 {
				return nil, errShard
			}
			page += d
			list = append(list, posting{page, data[0]})
			data = data[1:]
		}
		out[term] = list
	}
	return out, nil
}

// Dir is where a site's index lives, under the site's root.
const Dir = "search"

// Name is the site path of the index file name.
func Name(name string) string { return path.Join(Dir, name) }
