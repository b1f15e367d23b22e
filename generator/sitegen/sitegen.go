// Package sitegen writes synthetic snapdoc sites for benchmarks and scale
// tests.
//
// A generated lesson looks like a real one: front matter with a title, a
// description, a category, three tags and an updated date, about sixty
// lines of prose under several headings, a GFM table, a Python code block
// and an http block. The text is pseudo-random but deterministic: the same
// seed and lesson number always give the same bytes, whatever the number of
// lessons or the order in which they are written.
package sitegen

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a generated site.
type Options struct {
	// Seed selects the pseudo-random text; the same seed gives the same site.
	Seed uint64
	// Config, when set, also writes dir/snapdoc.yaml, which maps
	// httpbin.org to the embedded demo API so the site builds offline.
	Config bool
}

// LessonFile returns the path, relative to the site root, of lesson i
// (1-based), for example "content/lesson-00001.md".
func LessonFile(i int) string {
	return fmt.Sprintf("content/lesson-%05d.md", i)
}

// Write writes a site of n lessons into dir: dir/content/lesson-00001.md to
// LessonFile(n), and dir/snapdoc.yaml when opts.Config is set. Existing
// files of the same names are replaced; other files are left alone. The
// lessons are written in parallel.
func Write(dir string, n int, opts Options) error {
	if n < 0 {
		return fmt.Errorf("sitegen: negative lesson count %d", n)
	}
	if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
		return err
	}
	if opts.Config {
		if err := os.WriteFile(filepath.Join(dir, "snapdoc.yaml"), []byte(siteConfig), 0o644); err != nil {
			return err
		}
	}
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	// Creating files mostly waits on the kernel, so run more writers than
	// there are processors.
	for range min(n, 4*runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			var buf bytes.Buffer
			for i := int(next.Add(1)); i <= n; i = int(next.Add(1)) {
				buf.Reset()
				Lesson(&buf, i, opts.Seed)
				if err := os.WriteFile(filepath.Join(dir, LessonFile(i)), buf.Bytes(), 0o644); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					next.Store(int64(n)) // stop the other writers too
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// siteConfig is the generated snapdoc.yaml.
const siteConfig = `title: Synthetic API Tutorials
description: A generated site for benchmarks and scale tests.
runner:
  hosts:
    httpbin.org: embedded
`

// Lesson writes the text of lesson i (1-based) for seed to buf.
func Lesson(buf *bytes.Buffer, i int, seed uint64) {
	g := &gen{rng: rand.New(rand.NewPCG(seed, uint64(i))), buf: buf}
	g.lesson(i)
}

// gen writes one lesson from its own random source.
type gen struct {
	rng *rand.Rand
	buf *bytes.Buffer
}

// epoch is the first day a generated lesson can be dated; dates spread
// over the 731 days of 2024 and 2025.
var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func (g *gen) lesson(i int) {
	b := g.buf
	title := fmt.Sprintf("%s %s %s, part %d", capitalize(g.pick(verbs)), g.pick(adjectives), g.pick(nouns), i)
	tags := g.tags()
	fmt.Fprintf(b, "---\ntitle: %q\n", title)
	fmt.Fprintf(b, "description: %q\n", strings.TrimSuffix(g.sentence(), "."))
	fmt.Fprintf(b, "category: %s\n", g.pick(categories))
	b.WriteString("language: python\n")
	fmt.Fprintf(b, "tags: [%s]\n", strings.Join(tags[:], ", "))
	fmt.Fprintf(b, "updated: %s\n---\n\n", epoch.AddDate(0, 0, g.rng.IntN(731)).Format(time.DateOnly))

	g.paragraph(3)
	g.heading("Overview")
	g.paragraph(4)
	g.heading("Parameters")
	g.paragraph(1)
	g.table()
	g.heading("Example")
	g.paragraph(2)
	word := g.pick(nouns)
	num := g.rng.IntN(1000)
	fmt.Fprintf(b, "```http\n# @name lesson-%d\nGET https://httpbin.org/anything/lesson-%d?x=%s&n=%d\nAccept: application/json\n```\n\n", i, i, word, num)
	fmt.Fprintf(b, "In Python:\n\n```python\nimport requests\n\nurl = \"https://httpbin.org/anything/lesson-%d\"\nresponse = requests.get(url, params={\"x\": %q, \"n\": %d}, timeout=10)\nresponse.raise_for_status()\nprint(response.json()[\"args\"])\n```\n\n", i, word, num)
	g.heading("Details")
	g.paragraph(3)
	g.heading("Summary")
	g.paragraph(2)
}

// tags picks three distinct tags.
func (g *gen) tags() [3]string {
	var t [3]string
	for k := 0; k < len(t); {
		c := g.pick(tagPool)
		if c != t[0] && c != t[1] {
			t[k] = c
			k++
		}
	}
	return t
}

func (g *gen) heading(s string) {
	fmt.Fprintf(g.buf, "## %s\n\n", s)
}

// paragraph writes n sentences wrapped at 76 columns.
func (g *gen) paragraph(n int) {
	col := 0
	for range n {
		for w := range strings.FieldsSeq(g.sentence()) {
			switch {
			case col == 0:
			case col+1+len(w) > 76:
				g.buf.WriteByte('\n')
				col = 0
			default:
				g.buf.WriteByte(' ')
				col++
			}
			g.buf.WriteString(w)
			col += len(w)
		}
	}
	g.buf.WriteString("\n\n")
}

// sentence returns a sentence of 8 to 15 words.
func (g *gen) sentence() string {
	n := 8 + g.rng.IntN(8)
	words := make([]string, n)
	for k := range words {
		switch k % 4 {
		case 0:
			words[k] = g.pick(nouns)
		case 1:
			words[k] = g.pick(verbs)
		case 2:
			words[k] = g.pick(adjectives)
		default:
			words[k] = g.pick(fillers)
		}
	}
	words[0] = capitalize(words[0])
	if n > 10 {
		words[5] += ","
	}
	return strings.Join(words, " ") + "."
}

func (g *gen) table() {
	b := g.buf
	b.WriteString("| Parameter | Type | Default | Notes |\n|---|---|---|---|\n")
	for range 3 + g.rng.IntN(3) {
		fmt.Fprintf(b, "| `%s_%s` | %s | `%d` | %s %s %s |\n",
			g.pick(adjectives), g.pick(nouns), g.pick(types), g.rng.IntN(100),
			capitalize(g.pick(verbs)), g.pick(fillers), g.pick(nouns))
	}
	b.WriteString("\n")
}

func (g *gen) pick(words []string) string { return words[g.rng.IntN(len(words))] }

// capitalize upper-cases the first letter of an ASCII word.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

var (
	categories = []string{
		"rest-api", "http-caching", "authentication", "webhooks", "pagination",
		"error-handling", "performance", "testing", "security", "data-formats",
	}
	tagPool = []string{
		"python", "javascript", "go", "java", "curl", "get", "post", "put", "patch", "delete",
		"json", "xml", "yaml", "api", "rest", "graphql", "grpc", "tutorial", "beginner", "advanced",
		"cache-control", "etag", "cdn", "proxy", "oauth", "bearer-token", "api-key", "jwt", "cors", "tls",
		"retry", "backoff", "timeout", "rate-limit", "pagination", "streaming", "compression", "gzip", "websocket", "sse",
		"headers", "cookies", "redirects", "uploads", "multipart", "idempotency", "logging", "metrics", "tracing", "mocking",
	}
	nouns = []string{
		"request", "response", "header", "client", "server", "cache", "token", "endpoint", "payload", "session",
		"connection", "proxy", "gateway", "queue", "schema", "record", "field", "cursor", "page", "limit",
		"timeout", "retry", "status", "body", "resource", "version", "validator", "policy", "route", "service",
		"handler", "socket", "stream", "buffer", "digest", "signature", "credential", "scope", "quota", "window",
	}
	verbs = []string{
		"fetch", "send", "cache", "validate", "retry", "parse", "encode", "decode", "stream", "paginate",
		"sign", "verify", "refresh", "revoke", "compress", "log", "trace", "measure", "throttle", "batch",
		"route", "serialise", "inspect", "reuse", "expire", "store", "rotate", "forward", "filter", "merge",
	}
	adjectives = []string{
		"fresh", "stale", "private", "public", "idempotent", "safe", "conditional", "partial", "chunked", "signed",
		"expired", "nested", "optional", "required", "cached", "secure", "slow", "fast", "concurrent", "empty",
		"large", "small", "binary", "textual", "strict", "lenient", "shared", "local", "remote", "default",
	}
	fillers = []string{
		"before", "after", "within", "across", "without", "through", "under", "beside", "behind", "between",
		"quickly", "carefully", "rarely", "always", "often", "again", "once", "twice", "early", "later",
	}
	types = []string{"string", "integer", "boolean", "duration", "list", "object"}
)
