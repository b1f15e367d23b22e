package search

import (
	"bytes"
	"compress/gzip"
	"io"
	"reflect"
	"testing"
	"testing/fstest"
)

func terms(text string) []string {
	var out []string
	tokenize(text, func(t token) { out = append(out, t.Term) })
	return out
}

func TestTokenize(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		in   string
		want []string
	}{
		"words":        {"Cache the RESPONSE, twice.", []string{"cache", "the", "response", "twice"}},
		"header":       {"Cache-Control: max-age=60", []string{"cache-control", "cache", "control", "max-age", "max", "age", "60"}},
		"identifier":   {"nested_token requests.get(url)", []string{"nested_token", "nested", "token", "requests.get", "requests", "get", "url"}},
		"no connector": {"a - b -- c. d", []string{"a", "b", "c", "d"}},
		"accents":      {"Ärger über Caché", []string{"ärger", "über", "caché"}},
		"greek":        {"ΚΑΛΗΜΕΡΑ κόσμε ΟΔΟΣ οδός", []string{"καλημερα", "κόσμε", "οδοσ", "οδόσ"}},
		"cjk":          {"東京のAPI", []string{"東", "京", "の", "api"}},
		"long":         {"x " + string(bytes.Repeat([]byte("a"), 65)) + " y", []string{"x", "y"}},
		"combining":    {"cafe\u0301 ok", []string{"cafe\u0301", "ok"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := terms(c.in); !reflect.DeepEqual(got, c.want) {
				t.Errorf("tokenize(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestTokenizeOffsets(t *testing.T) {
	t.Parallel()
	text := "Set Cache-Control über"
	tokenize(text, func(tk token) {
		if got := text[tk.Start:tk.End]; !bytes.EqualFold([]byte(got), []byte(tk.Term)) {
			t.Errorf("token %q at %d:%d spans %q", tk.Term, tk.Start, tk.End, got)
		}
	})
}

func TestParseQuery(t *testing.T) {
	t.Parallel()
	cases := map[string]Query{
		"Cache max-age":        {Keys: []string{"cache", "max-age"}},
		`"cache control" etag`: {Keys: []string{"cache control", "etag"}, Phrase: true},
		`"Cache-Control"`:      {Keys: []string{"cache control"}, Phrase: true},
		`"etag"`:               {Keys: []string{"etag"}},
		`"a b c"`:              {Keys: []string{"a b", "b c"}, Phrase: true},
		"  ,, ":                {},
		"cache cache":          {Keys: []string{"cache"}},
	}
	for in, want := range cases {
		if got := ParseQuery(in); !reflect.DeepEqual(got, want) {
			t.Errorf("ParseQuery(%q) = %+v, want %+v", in, got, want)
		}
	}
}

// index builds an index of docs in memory.
func index(t testing.TB, docs ...Document) (fstest.MapFS, Stats) {
	t.Helper()
	fsys := fstest.MapFS{}
	bd := NewBuilder(func(name string, data []byte) error {
		fsys[name] = &fstest.MapFile{Data: bytes.Clone(data)}
		return nil
	})
	for _, d := range docs {
		if err := bd.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	st, err := bd.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return fsys, st
}

// pages returns the page numbers q finds.
func pages(t *testing.T, fsys fstest.MapFS, q string) []int {
	t.Helper()
	s, err := NewSearcher(fsys)
	if err != nil {
		t.Fatal(err)
	}
	hits, err := s.Search(q)
	if err != nil {
		t.Fatal(err)
	}
	out := []int{}
	for _, h := range hits {
		out = append(out, h.Page)
	}
	return out
}

var corpus = []Document{
	{URL: "/a/", Title: "Caching with ETags", Tags: []string{"etag"}, Text: "Revalidate with If-None-Match. The server answers 304.", Code: "GET /etag/abc\nIf-None-Match: \"abc\""},
	{URL: "/b/", Title: "Python requests", Tags: []string{"python"}, Headings: []string{"Cache-Control"}, Text: "Read the max-age of a response and cache it.", Code: "requests.get(url)"},
	{URL: "/c/", Title: "Unrelated", Text: "Control the cache of your browser; the cache is a control point. Cache, cache, cache."},
	{URL: "/d/", Title: "Größe und Übersicht", Text: "Die Antwort ist groß: über 1 MB. 東京のサーバー"},
}

func TestSearch(t *testing.T) {
	t.Parallel()
	fsys, st := index(t, corpus...)
	if st.Pages != len(corpus) || st.Shards < 1 || st.Terms == 0 {
		t.Fatalf("stats %+v", st)
	}
	cases := map[string][]int{
		"max-age":         {1},
		"MAX-AGE":         {1},
		"age":             {1},
		"Cache-Control":   {1},
		`"cache control"`: {1},
		`"control cache"`: {},
		"cache control":   {2, 1}, // both have both words; c has more of them
		"etag":            {0},
		"python":          {1},
		"if-none-match":   {0},
		"über":            {3},
		"ÜBER":            {3},
		"東京":              {3},
		`"東京"`:            {3},
		"nothing":         {},
		"etag zebra":      {0}, // no page has both: any of them
		`"etag" zebra`:    {0},
		`"etag zebra"`:    {},
	}
	for q, want := range cases {
		if got := pages(t, fsys, q); !reflect.DeepEqual(got, want) {
			t.Errorf("Search(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestRankingBoostsTitle(t *testing.T) {
	t.Parallel()
	fsys, _ := index(t,
		Document{URL: "/body/", Title: "One", Text: "a lesson about tokens and tokens"},
		Document{URL: "/title/", Title: "Tokens", Text: "a lesson about something else"},
		Document{URL: "/none/", Title: "Two", Text: "nothing to see"},
	)
	if got := pages(t, fsys, "tokens"); !reflect.DeepEqual(got, []int{1, 0}) {
		t.Errorf("tokens: %v, want the page titled Tokens first", got)
	}
}

func TestFragment(t *testing.T) {
	t.Parallel()
	doc := Document{URL: "/x/", Title: "<script>alert(1)</script>", Tags: []string{"t"}, Text: "Body with <b>markup</b>", Code: "x := 1"}
	fsys, _ := index(t, doc)
	s, err := NewSearcher(fsys)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Fragment(0)
	if err != nil {
		t.Fatal(err)
	}
	want := Fragment{URL: doc.URL, Title: doc.Title, Tags: doc.Tags, Text: doc.Text, Code: doc.Code}
	if !reflect.DeepEqual(*f, want) {
		t.Errorf("fragment %+v, want %+v", *f, want)
	}
}

// TestShardsPerQuery checks that a query reads only its terms' shards.
func TestShardsPerQuery(t *testing.T) {
	t.Parallel()
	var docs []Document
	for i := range 400 {
		docs = append(docs, Document{URL: "/p/", Title: "page", Text: "common words and unique" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + " more text"})
	}
	fsys, st := index(t, docs...)
	if st.Shards < 2 {
		t.Fatalf("%d shards, want several", st.Shards)
	}
	s, err := NewSearcher(fsys)
	if err != nil {
		t.Fatal(err)
	}
	hits, err := s.Search("uniqueba")
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].Page != 1 {
		t.Errorf("hits %v, want page 1 alone", hits)
	}
	want := []string{MetaFile, ShardFile(Shard("uniqueba", st.Shards))}
	if !reflect.DeepEqual(s.Read, want) {
		t.Errorf("read %v, want %v", s.Read, want)
	}
}

func TestParseShardTruncated(t *testing.T) {
	t.Parallel()
	fsys, _ := index(t, corpus...)
	for name, f := range fsys {
		if name == MetaFile || name[0] != 't' {
			continue
		}
		r, err := gzip.NewReader(bytes.NewReader(f.Data))
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(r)
		if len(data) == 0 {
			continue
		}
		if _, err := parseShard(data); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := parseShard(data[:len(data)-1]); err == nil {
			t.Errorf("%s: truncated shard parsed", name)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, d := range corpus {
		f.Add(d.Text + d.Code)
	}
	f.Fuzz(func(t *testing.T, s string) {
		last := -1
		tokenize(s, func(tk token) {
			if tk.Start < 0 || tk.End > len(s) || tk.Start >= tk.End || tk.Term == "" {
				t.Fatalf("bad token %+v of %q", tk, s)
			}
			if !tk.Compound && tk.Start < last {
				t.Fatalf("token %+v before %d in %q", tk, last, s)
			}
			if !tk.Compound {
				last = tk.End
			}
		})
		ParseQuery(s)
	})
}
