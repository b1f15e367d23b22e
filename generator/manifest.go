package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/snapdoc/snapdoc/internal/atomicfile"
	"github.com/snapdoc/snapdoc/runner"
)

// A manifest remembers the files the last build into a destination wrote
// and, for each page, a key of everything the page was made from. A build that
// finds the same key, and the page still in place, keeps the page without
// rendering it, so a rebuild with nothing changed does almost no work.
//
// The key covers the lesson's file (front matter and body), the files its
// fences include, what its
// blocks show (state and recorded exchanges), and a fingerprint of
// everything site-wide: the theme's files, the config, the listing of
// every lesson (which decides the lessons a page lists as related, and
// what it shows of them), and the snapdoc binary itself, so that a new
// version of snapdoc renders everything again.
type manifest struct {
	root, path string       // the site's root, and the manifest's path
	old        manifestData // from the last build
	mu         sync.Mutex
	next       manifestData
}

// manifestData is a manifest as it is stored.
type manifestData struct {
	// Pages maps a page to the key it was built from.
	Pages map[string]string `json:"pages"`
	// Files are every file of the built site as the build left it, so
	// that the next build removes those the site no longer has, and
	// nothing else.
	Files map[string]fileState `json:"files"`
	// Stamp is the stamp of the build's inputs (see inputStamp), set
	// when the build had no warnings and every input had settled; Built
	// is what the build reported.
	Stamp string       `json:"stamp,omitempty"`
	Built *builtCounts `json:"built,omitempty"`
}

// builtCounts are the counts of a build's [Result].
type builtCounts struct {
	Lessons, Pages, Replayed int
}

// manifestDir holds manifests, under the site's root.
const manifestDir = StateDir + "/builds"

// loadManifest reads the manifest of the builds of the site at root into
// dest. A missing or unreadable manifest is an empty one: every page is
// rendered.
func loadManifest(root, dest string) *manifest {
	abs, err := filepath.Abs(dest)
	if err != nil {
		abs = dest
	}
	sum := sha256.Sum256([]byte(abs))
	m := &manifest{
		root: root,
		path: filepath.Join(root, manifestDir, hex.EncodeToString(sum[:8])+".json"),
		next: manifestData{Pages: map[string]string{}},
	}
	if data, err := os.ReadFile(m.path); err == nil {
		_ = json.Unmarshal(data, &m.old)
	}
	return m
}

// unchanged reports whether page was built from key last time, and
// records key for the next build.
func (m *manifest) unchanged(page, key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.next.Pages[page] = key
	return m.old.Pages[page] == key
}

// save writes the manifest of this build, atomically.
func (m *manifest) save() error {
	data, err := json.Marshal(m.next)
	if err != nil {
		return err
	}
	if err := stateDir(m.root); err != nil {
		return err
	}
	return atomicfile.Write(m.path, data)
}

// binaryVersion identifies the running snapdoc binary by its path, size
// and modification time: what it makes may change with it.
func binaryVersion() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s\x00%d\x00%d", exe, fi.Size(), fi.ModTime().UnixNano()), nil
}

// siteFingerprint hashes what every page depends on.
func siteFingerprint(theme *Theme, site *Site, dev bool) (string, error) {
	h := sha256.New()
	bin, err := binaryVersion()
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "%s\x00%v\x00", bin, dev)
	err = fs.WalkDir(theme.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(theme.fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", err
	}
	cfg, err := json.Marshal(site.Config)
	if err != nil {
		return "", err
	}
	h.Write(cfg)
	// Every lesson's listing, so that a theme whose lesson page shows
	// anything of the other lessons (counts, tags, neighbours) is never
	// stale: adding a lesson or retitling one renders every page again;
	// an edit to a lesson's body renders its page alone.
	for _, l := range site.Lessons {
		fmt.Fprintf(h, "\x00%s\x00%s", l.URL(), l.listing())
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// lessonKey is the key of the page of l. The lessons it lists as related
// need no part in it: they follow from the listings of all lessons, which
// the site's fingerprint covers.
func lessonKey(fingerprint string, l *Lesson) string {
	h := sha256.New()
	var n [20]byte
	field := func(s []byte) {
		h.Write(append(strconv.AppendInt(n[:0], int64(len(s)), 10), ':'))
		h.Write(s)
	}
	field([]byte(fingerprint))
	field([]byte(l.File))
	h.Write(l.sum[:]) // the front matter and the body
	for _, inc := range l.includes {
		field([]byte(inc.file))
		h.Write(inc.sum[:])
	}
	for _, k := range l.links { // the link stage's hrefs, made from other lessons
		field([]byte(l.hrefs[k.Dest]))
	}
	for _, b := range l.Blocks {
		e := b.Example
		if e == nil {
			field([]byte("none"))
			continue
		}
		field([]byte(e.State + "\x00" + e.Error))
		snap := &runner.Snapshot{Blocks: []*runner.Record{{Block: b.ID, Hash: runner.Hash(b.Requests), Recorded: e.Recorded, Exchanges: e.exchanges}}}
		h.Write(snap.Marshal())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// keep marks the page name, already in the destination, as part of the
// new site without writing it. It reports false when the destination no
// longer has the page, which must then be written.
func (o *dirOutput) keep(name string) bool {
	if o.fresh {
		return false
	}
	if _, err := os.Stat(filepath.Join(o.dest, filepath.FromSlash(name))); errors.Is(err, fs.ErrNotExist) || err != nil {
		return false
	}
	o.mu.Lock()
	o.names[name] = true
	o.mu.Unlock()
	return true
}
