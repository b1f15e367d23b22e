package search

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// Document is a page as the index sees it.
type Document struct {
	// URL is the page's address as links on the site write it.
	URL string
	// Title is the page's title.
	Title string
	// Tags are the page's tags.
	Tags []string
	// Headings are the page's section headings.
	Headings []string
	// Text is the page's prose (description, paragraphs, lists, tables,
	// inline code), in reading order.
	Text string
	// Code is the text of the page's code blocks.
	Code string
}

// The weight of each field in a term's frequency (BM25F): a term of the
// title counts as four of the body.
const (
	titleWeight   = 4
	tagWeight     = 3
	headingWeight = 2
	textWeight    = 1
	codeWeight    = 1
)

// BM25's parameters.
const (
	k1 = 1.2
	b  = 0.75
)

// shardTarget is the size, before compression, that shards are made to
// average: small enough that a query's few shards cost little, large
// enough that a site does not become tens of thousands of files.
const shardTarget = 4 << 10

// gzipLevel is the compression of the shards: varint postings gain
// little from a slower level.
const gzipLevel = gzip.BestSpeed

// Format is the version of the index's files, in meta.json.
const Format = 1

// The index's files, under the directory the caller writes into.
const (
	MetaFile = "meta.json"
	// shardFile and pageFile are the formats of a shard's and a page
	// fragment's names, by number.
	shardFile = "t/%d.idx"
	pageFile  = "p/%d.json"
)

// ShardFile is the name of shard n.
func ShardFile(n int) string { return fmt.Sprintf(shardFile, n) }

// PageFile is the name of the fragment of page n.
func PageFile(n int) string { return fmt.Sprintf(pageFile, n) }

// Meta is the content of meta.json: what a client needs before it can
// look a term up.
type Meta struct {
	Format int `json:"format"`
	Pages  int `json:"pages"`
	Shards int `json:"shards"`
}

// Fragment is the content of a page's fragment file: what a result
// shows.
type Fragment struct {
	URL   string   `json:"url"`
	Title string   `json:"title"`
	Tags  []string `json:"tags,omitempty"`
	Text  string   `json:"text"`
	Code  string   `json:"code,omitempty"`
}

// Stats describes a built index.
type Stats struct {
	Pages, Terms, Shards int
	// Bytes is the size of all the index's files as written.
	Bytes int64
}

// A Builder makes an index of documents added one at a time, in the
// order of their page numbers. It is not safe for concurrent use.
type Builder struct {
	write func(name string, data []byte) error
	// Every term and word pair has an id, its posting list's index in
	// lists; ids and pairs find them, by the term and by the ids of the
	// pair's words. names are the terms by id ("" for a pair).
	ids   map[string]uint32
	pairs pairTable
	names []string
	lists []postings // by id
	lens  []uint32   // each page's length in words
	total uint64     // of lens
	// tf is the weighted frequency of each id in the page being added,
	// and seen the ids it has.
	tf      []uint32
	seen    []uint32
	scratch []byte // a term, lowercased
	stats   Stats
	gz      *gzip.Writer
	buf     bytes.Buffer // a shard, gzipped
	frag    bytes.Buffer // a page's fragment
	enc     *json.Encoder
}

// postings are a term's pages as the builder collects them: for each, the
// page number's difference from the previous one and the term's weighted
// frequency, both as uvarints.
type postings struct {
	last, n int32
	data    []byte
}

// NewBuilder returns a builder that writes the index's files through
// write, with slash-separated names relative to the index's directory.
func NewBuilder(write func(name string, data []byte) error) *Builder {
	gz, _ := gzip.NewWriterLevel(nil, gzipLevel)
	bd := &Builder{write: write, ids: map[string]uint32{}, gz: gz}
	bd.enc = json.NewEncoder(&bd.frag)
	return bd
}

// newList returns the id of a new posting list.
func (bd *Builder) newList() uint32 {
	bd.lists = append(bd.lists, postings{last: -1})
	bd.names = append(bd.names, "")
	return uint32(len(bd.lists) - 1)
}

// term returns the id of the term t.
func (bd *Builder) term(t []byte) uint32 {
	id, ok := bd.ids[string(t)]
	if !ok {
		id = bd.newList()
		bd.names[id] = string(t)
		bd.ids[bd.names[id]] = id
	}
	return id
}

// pair returns the id of the word pair of terms a and b.
func (bd *Builder) pair(a, b uint32) uint32 {
	k := uint64(a)<<32 | uint64(b)
	s := bd.pairs.slot(k)
	if s.id == 0 {
		bd.pairs.add(s, k, bd.newList())
	}
	return s.id - 1
}

// Add indexes d as the next page and writes its fragment.
func (bd *Builder) Add(d Document) error {
	page := len(bd.lens)
	words := 0
	count := func(id, weight uint32) {
		if int(id) >= len(bd.tf) {
			bd.tf = append(bd.tf, make([]uint32, int(id)+1-len(bd.tf)+len(bd.tf)/2)...)
		}
		if bd.tf[id] == 0 {
			bd.seen = append(bd.seen, id)
		}
		bd.tf[id] += weight
	}
	field := func(text string, weight uint32) {
		prev := ^uint32(0)
		tokens(text, func(t token) {
			bd.scratch = lower(bd.scratch[:0], text[t.Start:t.End])
			id := bd.term(bd.scratch)
			count(id, weight)
			if t.Compound {
				return
			}
			words++
			if prev != ^uint32(0) {
				count(bd.pair(prev, id), weight)
			}
			prev = id
		})
	}
	field(d.Title, titleWeight)
	for _, t := range d.Tags {
		field(t, tagWeight)
	}
	for _, h := range d.Headings {
		field(h, headingWeight)
	}
	field(d.Text, textWeight)
	field(d.Code, codeWeight)
	for _, id := range bd.seen {
		p := &bd.lists[id]
		p.data = binary.AppendUvarint(p.data, uint64(int32(page)-p.last))
		p.data = binary.AppendUvarint(p.data, uint64(bd.tf[id]))
		p.last = int32(page)
		p.n++
		bd.tf[id] = 0
	}
	bd.seen = bd.seen[:0]
	bd.lens = append(bd.lens, uint32(words))
	bd.total += uint64(words)
	// The fragment is encoded into a buffer kept from page to page, as
	// json.Marshal would encode it (less the newline Encode adds).
	bd.frag.Reset()
	if err := bd.enc.Encode(Fragment{URL: d.URL, Title: d.Title, Tags: d.Tags, Text: d.Text, Code: d.Code}); err != nil {
		return err
	}
	data := bytes.TrimSuffix(bd.frag.Bytes(), []byte{'\n'})
	// Fragments are JSON as it is: they are the most files of the
	// index, gzip costs most on small files, and hosts compress JSON.
	bd.stats.Bytes += int64(len(data))
	return bd.write(PageFile(page), data)
}

// put writes data gzipped as name.
func (bd *Builder) put(name string, data []byte) error {
	bd.buf.Reset()
	bd.gz.Reset(&bd.buf)
	if _, err := bd.gz.Write(data); err != nil {
		return err
	}
	if err := bd.gz.Close(); err != nil {
		return err
	}
	bd.stats.Bytes += int64(bd.buf.Len())
	return bd.write(name, bd.buf.Bytes())
}

// Finish writes the shards and meta.json, and reports what it built.
func (bd *Builder) Finish() (Stats, error) {
	n := len(bd.lens)
	avg := 1.0
	if n > 0 && bd.total > 0 {
		avg = float64(bd.total) / float64(n)
	}
	// Norms: BM25's length factor of each page.
	norm := make([]float64, n)
	for i, l := range bd.lens {
		norm[i] = k1 * (1 - b + b*float64(l)/avg)
	}
	// A pair's name is its words' with a space between; it is made when
	// its record is, never kept.
	names := bd.names
	pairOf := make([]uint64, len(names))
	bd.pairs.all(func(k uint64, id uint32) { pairOf[id] = k })
	name := func(dst []byte, id int) []byte {
		if names[id] != "" {
			return append(dst, names[id]...)
		}
		k := pairOf[id]
		return append(append(append(dst, names[k>>32]...), ' '), names[uint32(k)]...)
	}
	size := 0
	for id := range names {
		size += len(names[id]) + 4 + len(bd.lists[id].data)
		if names[id] == "" {
			k := pairOf[id]
			size += len(names[k>>32]) + 1 + len(names[uint32(k)])
		}
	}
	shards := max(1, (size+shardTarget-1)/shardTarget)
	// Each shard is made and written in turn: its records in the order
	// of their ids, which is the order the pages first used them in, the
	// same for the same pages. order lists the ids by shard, and start
	// where each shard's begin in it.
	shardOf := make([]uint32, len(names))
	start := make([]int, shards+1)
	for id := range names {
		bd.scratch = name(bd.scratch[:0], id)
		shardOf[id] = uint32(shard(bd.scratch, shards))
		start[shardOf[id]+1]++
	}
	for i := 1; i <= shards; i++ {
		start[i] += start[i-1]
	}
	order := make([]uint32, len(names))
	next := slices.Clone(start[:shards])
	for id, s := range shardOf {
		order[next[s]] = uint32(id)
		next[s]++
	}
	var rec []byte
	for i := range shards {
		rec = rec[:0]
		for _, id := range order[start[i]:start[i+1]] {
			bd.scratch = name(bd.scratch[:0], int(id))
			rec = appendRecord(rec, bd.scratch, &bd.lists[id], norm)
			bd.lists[id].data = nil
		}
		if err := bd.put(ShardFile(i), rec); err != nil {
			return Stats{}, err
		}
	}
	meta, err := json.Marshal(Meta{Format: Format, Pages: n, Shards: shards})
	if err != nil {
		return Stats{}, err
	}
	if err := bd.write(MetaFile, meta); err != nil {
		return Stats{}, err
	}
	bd.stats.Bytes += int64(len(meta))
	bd.stats.Pages, bd.stats.Terms, bd.stats.Shards = n, len(names), shards
	return bd.stats, nil
}

// appendRecord appends the record of term t to a shard: the term's length
// and bytes, its number of pages, and for each page the difference of its
// number from the previous one (uvarints) and the term's BM25 weight in
// the page, quantised to a byte (see [Impact]).
func appendRecord(rec, t []byte, p *postings, norm []float64) []byte {
	rec = binary.AppendUvarint(rec, uint64(len(t)))
	rec = append(rec, t...)
	rec = binary.AppendUvarint(rec, uint64(p.n))
	page := -1
	for data := p.data; len(data) > 0; {
		delta, k := binary.Uvarint(data)
		tf, m := binary.Uvarint(data[k:])
		data = data[k+m:]
		page += int(delta)
		rec = binary.AppendUvarint(rec, delta)
		w := float64(tf) * (k1 + 1) / (float64(tf) + norm[page])
		rec = append(rec, byte(max(1, min(255, math.Round(w/(k1+1)*255)))))
	}
	return rec
}

// Impact is the BM25 term weight a quantised byte q stands for.
func Impact(q byte) float64 { return float64(q) / 255 * (k1 + 1) }

// Shard is the shard of term t in an index of n shards: FNV-1a of its
// UTF-8 bytes, modulo n.
func Shard(t string, n int) int { return shard(t, n) }

// shard is [Shard] of a string or of its bytes.
func shard[T string | []byte](t T, n int) int {
	h := uint32(2166136261)
	for i := 0; i < len(t); i++ {
		h ^= uint32(t[i])
		h *= 16777619
	}
	return int(h % uint32(n))
}
