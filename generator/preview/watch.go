package preview

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Default batching delays of a [Watcher].
const (
	DefaultQuiet      = 10 * time.Millisecond
	DefaultMaxLatency = 100 * time.Millisecond
)

// WatchOptions configures a [Watcher]. The zero value is ready to use.
type WatchOptions struct {
	// Quiet is how long no event must arrive before the pending changes are
	// sent as one batch. Zero means [DefaultQuiet].
	Quiet time.Duration
	// MaxLatency bounds how long a change may wait while events keep
	// arriving. Zero means [DefaultMaxLatency].
	MaxLatency time.Duration
	// Logger receives the errors of the underlying file-system watcher. Nil
	// discards them.
	Logger *slog.Logger
}

// Watcher watches files and directory trees and sends the paths that changed
// in batches. Editors' temporary files are never reported, and chmod-only
// changes are ignored.
//
// A batch holds every created, written, removed or renamed file or directory,
// relative to the base directory, with forward slashes, sorted and without
// duplicates. A new directory is reported together with the files found in
// it; a removed or renamed directory is reported as itself only, so treat it
// as a prefix. If the kernel's event queue overflows, the batch holds the
// roots themselves: rebuild everything.
type Watcher struct {
	base  string
	roots []string // absolute and clean
	quiet time.Duration
	max   time.Duration
	log   *slog.Logger

	fsw  *fsnotify.Watcher
	dirs map[string]bool // watched directories; owned by the loop once started

	out       chan []string
	done      chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// NewWatcher watches roots and reports their changes relative to base. A root
// is a directory, watched recursively, or a single file; relative roots are
// taken from base, and every root must lie inside it. A root need not exist
// yet, but its parent directory must: the parent is watched so that the root
// is picked up when it appears, and again after it is deleted and recreated.
// Keep the build's output out of the roots, or every build triggers the next.
func NewWatcher(base string, roots []string, opts WatchOptions) (*Watcher, error) {
	base, err := filepath.Abs(base)
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	w := &Watcher{
		base:    base,
		quiet:   orDefault(opts.Quiet, DefaultQuiet),
		max:     orDefault(opts.MaxLatency, DefaultMaxLatency),
		log:     opts.Logger,
		dirs:    map[string]bool{},
		out:     make(chan []string),
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	for _, r := range roots {
		if !filepath.IsAbs(r) {
			r = filepath.Join(base, r)
		}
		r = filepath.Clean(r)
		if rel, err := filepath.Rel(base, r); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, fmt.Errorf("watch %s: not inside %s", r, base)
		}
		w.roots = append(w.roots, r)
	}
	if w.fsw, err = fsnotify.NewWatcher(); err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	for _, r := range w.roots {
		if err := w.watchRoot(r, nil); err != nil {
			w.fsw.Close()
			return nil, err
		}
	}
	go w.loop()
	return w, nil
}

// orDefault returns d, or def when d is not positive.
func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Batches returns the channel of batches of changed paths. It is closed by
// [Watcher.Close]. Changes that arrive while the receiver is busy are merged
// into the next batch, so a slow receiver never loses one.
func (w *Watcher) Batches() <-chan []string { return w.out }

// Close stops watching and closes the channel of batches. It is safe to call
// more than once.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() {
		close(w.done)
		w.closeErr = w.fsw.Close()
		<-w.stopped
	})
	return w.closeErr
}

// watchRoot watches the parent of root and, if root is a directory, the
// whole tree below it, passing each path it finds there to report when
// report is not nil.
func (w *Watcher) watchRoot(root string, report func(string)) error {
	// The parent of the base is outside the site: losing the base itself
	// ends the preview anyway.
	if parent := filepath.Dir(root); root != w.base && !w.dirs[parent] {
		if err := w.fsw.Add(parent); err != nil {
			return fmt.Errorf("watch %s: %w", parent, err)
		}
		w.dirs[parent] = true
	}
	if fi, err := os.Stat(root); err == nil && fi.IsDir() {
		return w.watchTree(root, report)
	}
	return nil
}

// watchTree adds a watch on dir and every directory below it, and passes
// every path below dir to report when report is not nil.
func (w *Watcher) watchTree(dir string, report func(string)) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // gone again before we got there
			}
			return fmt.Errorf("watch %s: %w", p, err)
		}
		if p != dir && isEditorTemp(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if report != nil && p != dir {
			report(p)
		}
		if d.IsDir() && !w.dirs[p] {
			if err := w.fsw.Add(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("watch %s: %w", p, err)
			}
			w.dirs[p] = true
		}
		return nil
	})
}

// forget drops the watches on dir and every directory below it.
func (w *Watcher) forget(dir string) {
	if !w.dirs[dir] {
		return
	}
	prefix := dir + string(filepath.Separator)
	for d := range w.dirs {
		if d == dir || strings.HasPrefix(d, prefix) {
			_ = w.fsw.Remove(d) // the kernel may have dropped it already
			delete(w.dirs, d)
		}
	}
}

// relevant reports whether p is a root or lies below one.
func (w *Watcher) relevant(p string) bool {
	for _, r := range w.roots {
		if p == r || strings.HasPrefix(p, r) && p[len(r)] == filepath.Separator {
			return true
		}
	}
	return false
}

// rel returns p relative to the base, with forward slashes.
func (w *Watcher) rel(p string) string {
	r, err := filepath.Rel(w.base, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}
