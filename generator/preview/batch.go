package preview

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/fsnotify/fsnotify"
)

// loop collects events into a pending set and sends it on w.out once no
// event has arrived for w.quiet, or w.max after the first pending change.
func (w *Watcher) loop() {
	defer close(w.stopped)
	defer close(w.out)

	pending := map[string]bool{}
	var first time.Time
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	ready := false
	var batch []string

	add := func(p string) {
		now := time.Now()
		if len(pending) == 0 {
			first = now
		}
		pending[w.rel(p)] = true
		batch = nil
		if !ready {
			timer.Reset(min(w.quiet, first.Add(w.max).Sub(now)))
		}
	}
	for {
		var out chan<- []string
		if ready && len(pending) > 0 {
			if batch == nil {
				batch = slices.Sorted(maps.Keys(pending))
			}
			out = w.out
		}
		select {
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			w.handle(ev, add)
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			w.log.Error("watch", "err", err)
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				w.rescan(add)
			}
		case <-timer.C:
			ready = true
		case out <- batch:
			pending = map[string]bool{}
			batch = nil
			ready = false
		case <-w.done:
			return
		}
	}
}

// handle turns one event into changed paths.
func (w *Watcher) handle(ev fsnotify.Event, add func(string)) {
	p := filepath.Clean(ev.Name)
	if !w.relevant(p) || isEditorTemp(filepath.Base(p)) {
		return
	}
	switch {
	case ev.Has(fsnotify.Create):
		add(p)
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			if err := w.watchTree(p, add); err != nil {
				w.log.Error("watch", "err", err)
			}
		}
	case ev.Has(fsnotify.Remove), ev.Has(fsnotify.Rename):
		add(p)
		w.forget(p)
	case ev.Has(fsnotify.Write):
		add(p)
	}
}

// rescan reports every root and watches any directory that appeared while
// events were lost.
func (w *Watcher) rescan(add func(string)) {
	for _, r := range w.roots {
		add(r)
		if err := w.watchRoot(r, nil); err != nil {
			w.log.Error("watch", "err", err)
		}
	}
}
