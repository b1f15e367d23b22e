// Package search builds the full-text search index of a site: a static
// index, split into small files, that the theme's search.js queries in the
// reader's browser with no service behind it. It follows Pagefind's design
// (an index sharded so that a query fetches only what it needs, and
// excerpts from per-page fragments) with smaller parts.
//
// # What is indexed
//
// A [Document] per lesson: its title, tags, headings, prose and code. Text
// is split into terms by tokenize: runs of letters, digits and marks,
// lowercased (Unicode's simple case mapping), Han and kana characters one
// term each; words joined by '-', '_' or '.' are also indexed whole, so
// `max-age`, `Cache-Control` and `requests.get` are found as typed and by
// their parts. Consecutive words are indexed as pairs ("cache control"),
// which answers two-word phrases without storing positions. There is no
// stemming and no prefix search: a query's words are matched whole.
//
// # Files
//
// Under the site's search/ directory:
//
//   - meta.json: the format, the number of pages and of shards.
//   - t/N.idx, the shards, gzipped: every term and word pair goes to shard
//     FNV-1a(term) mod shards, so a client finds a term's shard without a
//     directory of terms. A shard is a list of records: the term's length
//     and bytes, its number of pages, then per page the difference of its
//     number from the previous one (uvarints) and one byte, the term's
//     BM25F weight in the page quantised to 1/255 of its maximum. Shards
//     average about 4 KB before compression.
//   - p/N.json, a fragment per page: URL, title, tags, text and code, which
//     a client fetches for the results it shows, to show their titles and
//     excerpts.
//
// # Ranking
//
// BM25 (k1 = 1.2, b = 0.75) with field weights (title 4, tags 3, headings
// 2, text and code 1), computed at build time into each posting's weight
// byte, so a client needs no page lengths: a page's score is the sum over
// the query's keys of idf(key) × weight, with idf from the key's number of
// pages. Every key must match; a query of several words that no page has
// all of falls back to pages that have any.
//
// [Searcher] answers queries from the files as the client does, and
// records which files it read: the benchmark sums their sizes as the bytes
// a reader downloads.
package search
