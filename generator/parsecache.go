package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/snapdoc/snapdoc/internal/atomicfile"
)

// A parseCache keeps what parsing each lesson file gave, by a hash of the
// file's bytes, so that a build parses only the lessons that changed since
// the last one: on a large site, parsing front matter and Markdown is most
// of the work of a build that renders few pages. Entries are valid for
// one snapdoc binary only, since another may parse differently.
type parseCache struct {
	root, path string // the site's root, and the cache file's path
	version    string

	mu   sync.Mutex
	old  map[string]*parsedLesson // by lesson file, from the last save
	next map[string]*parsedLesson
	hits int
}

// parsedLesson is what parsing a lesson file gave.
type parsedLesson struct {
	Sum    [sha256.Size]byte // of the file
	Meta   Meta
	Slug   string
	TOC    []Heading
	Words  int
	Body   int // offset of the body in the file
	Blocks []parsedBlock
	// Includes is set when the lesson's fences include files, which
	// may have changed since: such a lesson is parsed again.
	Includes bool
	// Links and IDs are the lesson's links into the site and its
	// headings' ids, for the link stage.
	Links []link
	IDs   []string
}

// parsedBlock is what parsing a lesson file gave of one http block.
type parsedBlock struct {
	Code string
	Line int
	Opts []string
}

// storedParseCache is a parseCache as its file holds it.
type storedParseCache struct {
	Version string // of the binary that wrote it
	Lessons map[string]*parsedLesson
}

// parseCacheFile is the cache's file, under the site's root.
const parseCacheFile = StateDir + "/lessons.gob"

// openParseCache reads the cache of the site at root. A missing, corrupt
// or outdated cache is an empty one.
func openParseCache(root string) *parseCache {
	c := &parseCache{root: root, path: filepath.Join(root, filepath.FromSlash(parseCacheFile)), next: map[string]*parsedLesson{}}
	// Without a known binary the cache is neither read nor written.
	c.version, _ = binaryVersion()
	data, err := os.ReadFile(c.path)
	if err != nil {
		return c
	}
	var stored storedParseCache
	if gob.NewDecoder(bytes.NewReader(data)).Decode(&stored) == nil && stored.Version == c.version {
		c.old = stored.Lessons
	}
	return c
}

// parse returns the lesson file whose bytes are src, parsed, from the
// cache when it holds them.
func (c *parseCache) parse(file string, src []byte, md *Markdown) (*Lesson, error) {
	sum := sha256.Sum256(src)
	c.mu.Lock()
	p := c.old[file]
	c.mu.Unlock()
	if p != nil && p.Sum == sum && !p.Includes && c.version != "" {
		if l, err := p.lesson(file, src); err == nil {
			c.mu.Lock()
			c.next[file] = p
			c.hits++
			c.mu.Unlock()
			return l, nil
		}
	}
	l, err := parseLesson(file, src, sum, md)
	if err != nil {
		return nil, err
	}
	p = parsed(l, len(src))
	c.mu.Lock()
	c.next[file] = p
	c.mu.Unlock()
	return l, nil
}

// parsed is what the cache keeps of l, parsed from a file of size bytes.
func parsed(l *Lesson, size int) *parsedLesson {
	p := &parsedLesson{Sum: l.sum, Meta: l.meta, Slug: l.Slug, TOC: l.TOC, Words: l.Words, Body: size - len(l.src), Includes: len(l.includes) > 0, Links: l.links, IDs: l.ids}
	for _, b := range l.Blocks {
		p.Blocks = append(p.Blocks, parsedBlock{Code: b.Code, Line: b.Line, Opts: b.opts})
	}
	return p
}

// lesson makes the lesson that parsing src, the bytes of file, gave.
func (p *parsedLesson) lesson(file string, src []byte) (*Lesson, error) {
	if p.Body < 0 || p.Body > len(src) {
		return nil, fmt.Errorf("%s: cached body offset out of range", file)
	}
	l := newLesson(file, p.Meta)
	l.Slug, l.TOC, l.Words, l.src, l.sum = p.Slug, p.TOC, p.Words, src[p.Body:], p.Sum
	l.links, l.ids = p.Links, p.IDs
	for i, pb := range p.Blocks {
		b, err := newBlock(file, i, pb.Code, pb.Line, pb.Opts)
		if err != nil {
			return nil, err
		}
		l.Blocks = append(l.Blocks, b)
	}
	return l, nil
}

// save writes the cache, atomically, unless it holds exactly what it
// read: the lessons parsed or reused since it was opened.
func (c *parseCache) save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version == "" || c.hits == len(c.next) && len(c.next) == len(c.old) {
		return nil
	}
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(storedParseCache{c.version, c.next}); err != nil {
		return err
	}
	if err := stateDir(c.root); err != nil {
		return err
	}
	return atomicfile.Write(c.path, b.Bytes())
}
