package generator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/snapdoc/snapdoc/internal/atomicfile"
)

// DestManifest is the file in which a build lists, inside the destination
// itself, the files it left there, so that the next build removes those the
// site no longer has even when the site's state directory (which records
// them too) is gone or belongs to another checkout. Files it does not list
// (a CNAME, a .git directory) are never removed.
const DestManifest = ".snapdoc-manifest"

// destManifestData is the destination manifest as it is stored.
type destManifestData struct {
	About string   `json:"about"`
	Files []string `json:"files"`
}

// destManifestAbout says what the destination manifest is to whoever
// opens it.
const destManifestAbout = "The files snapdoc wrote here; the next build removes those its site no longer has, and no others."

// dirOutput is a build's destination directory under construction.
//
// Files are written into a staging directory, and only when they differ
// from the destination's current file, so a build that changes nothing
// writes nothing and unchanged files keep their bytes and modification
// times. commit moves the staged files in and removes the files of the
// previous build that this one did not produce, leaving alone files no
// build wrote (a CNAME, a .git directory); discard throws the staging
// away, leaving the destination as it was. Nothing touches the destination
// before commit, so a failed build leaves the previous site intact.
//
// The staging directory is under the site's state directory (see
// [stageDir]), never in the site's root, so a build killed before it
// cleans up leaves nothing there; the next build reclaims it.
type dirOutput struct {
	dest  string
	stage string
	fresh bool // dest did not exist: commit renames the whole stage
	// listed are the files the destination's own manifest says an
	// earlier build wrote.
	listed []string

	mu      sync.Mutex
	names   map[string]bool // every file of the new site
	written atomic.Int64    // files that differ from the old site
}

// stageDir holds, under a site's root, the staging directories of its
// builds in progress.
const stageDir = StateDir + "/stage"

// newDirOutput starts the output of the site at root into dest.
func newDirOutput(root, dest string) (*dirOutput, error) {
	dest = filepath.Clean(dest)
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	stages := filepath.Join(root, stageDir)
	if err := os.MkdirAll(stages, 0o755); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	// Staged files are renamed into dest, which needs one file system:
	// a dest on another one is staged beside it, as older versions did.
	where, prefix := stages, filepath.Base(dest)+"-"
	if !sameDevice(stages, parent) {
		where, prefix = parent, legacyStagePrefix(dest)
	}
	stage, err := os.MkdirTemp(where, prefix)
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	if err := os.Chmod(stage, 0o755); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	o := &dirOutput{dest: dest, stage: stage, names: map[string]bool{}}
	if _, err := os.Stat(dest); errors.Is(err, fs.ErrNotExist) {
		o.fresh = true
	} else {
		o.listed = readDestManifest(dest)
	}
	return o, nil
}

// legacyStagePrefix is the name of the staging directories made beside
// dest: by a build into another file system, and by snapdoc before it
// staged under the state directory.
func legacyStagePrefix(dest string) string {
	return "." + filepath.Base(dest) + "-new-"
}

// reclaimStages removes the staging directories that builds of the site
// at root into dest left behind when they were killed. The caller holds
// the site's lock, so no build in progress owns one.
func reclaimStages(root, dest string) error {
	var errs []error
	stages := filepath.Join(root, stageDir)
	entries, err := os.ReadDir(stages)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		errs = append(errs, err)
	}
	for _, e := range entries {
		errs = append(errs, os.RemoveAll(filepath.Join(stages, e.Name())))
	}
	// A snapshot is written through a temporary file beside it.
	err = filepath.WalkDir(filepath.Join(root, SnapshotDir), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && atomicfile.IsTemp(d.Name()) {
			errs = append(errs, os.Remove(p))
		}
		return nil
	})
	errs = append(errs, err)
	parent := filepath.Dir(filepath.Clean(dest))
	legacy, _ := filepath.Glob(filepath.Join(parent, legacyStagePrefix(dest)+"*"))
	for _, p := range legacy {
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			errs = append(errs, os.RemoveAll(p))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("remove the staging left by an earlier build: %w", err)
	}
	return nil
}

// readDestManifest returns the files the manifest in dest lists, or none
// when it is missing or unreadable: a build then removes only what the
// site's state directory says an earlier build wrote.
func readDestManifest(dest string) []string {
	data, err := os.ReadFile(filepath.Join(dest, DestManifest))
	if err != nil {
		return nil
	}
	var m destManifestData
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	return m.Files
}

// write stages the file at the slash-separated path name unless the
// destination already holds these bytes. It is safe for concurrent use.
// The name [DestManifest] is snapdoc's own.
func (o *dirOutput) write(name string, data []byte) error {
	if name == DestManifest {
		return fmt.Errorf("output: %s is the name of snapdoc's list of the files it wrote; rename the file", name)
	}
	return o.put(name, data)
}

// put is write without the check of the name.
func (o *dirOutput) put(name string, data []byte) error {
	o.mu.Lock()
	o.names[name] = true
	o.mu.Unlock()
	rel := filepath.FromSlash(name)
	if !o.fresh {
		if old, err := os.ReadFile(filepath.Join(o.dest, rel)); err == nil && bytes.Equal(old, data) {
			return nil
		}
	}
	o.written.Add(1)
	p := filepath.Join(o.stage, rel)
	if err := mkdir(filepath.Dir(p)); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return nil
}

// mkdir makes the directory dir and its parents. Most pages have a
// directory of their own whose parent exists: one mkdir makes it.
func mkdir(dir string) error {
	err := os.Mkdir(dir, 0o755)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return nil
	}
	return os.MkdirAll(dir, 0o755)
}

// commit makes the destination the new site, listing its files in the
// destination's manifest. previous are the files of the last build into
// it as the site's state recorded them; they and those the destination's
// manifest lists are removed if this build lacks them.
func (o *dirOutput) commit(previous map[string]fileState) error {
	if err := o.writeManifest(); err != nil {
		return err
	}
	if o.fresh {
		if err := os.Rename(o.stage, o.dest); err != nil {
			return fmt.Errorf("output: %w", err)
		}
		o.stage = ""
		return nil
	}
	// Move the changed files in, each with one rename.
	err := filepath.WalkDir(o.stage, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(o.stage, p)
		target := filepath.Join(o.dest, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if fi, err := os.Lstat(target); err == nil && fi.IsDir() {
			if err := os.RemoveAll(target); err != nil {
				return err
			}
		}
		return os.Rename(p, target)
	})
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	// Remove what the new site no longer has, and the directories that
	// leaves empty.
	old := slices.Collect(maps.Keys(previous))
	for _, name := range append(old, o.listed...) {
		if o.names[name] || !fs.ValidPath(name) || o.linkedDir(name) {
			continue
		}
		p := filepath.Join(o.dest, filepath.FromSlash(name))
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("output: %w", err)
		}
		for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
			if os.Remove(filepath.Join(o.dest, filepath.FromSlash(dir))) != nil {
				break // not empty
			}
		}
	}
	return os.RemoveAll(o.stage)
}

// writeManifest stages the destination's manifest: every file of the new
// site, sorted, so that a build that changes nothing leaves it as it was.
func (o *dirOutput) writeManifest() error {
	o.mu.Lock()
	files := slices.Sorted(maps.Keys(o.names))
	o.mu.Unlock()
	data, err := json.MarshalIndent(destManifestData{About: destManifestAbout, Files: files}, "", "  ")
	if err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return o.put(DestManifest, append(data, '\n'))
}

// linkedDir reports whether a directory on the way to the slash-separated
// path name in the destination is a symbolic link (or cannot be read), so
// that removing the file could reach outside the destination.
func (o *dirOutput) linkedDir(name string) bool {
	dir := o.dest
	parts := strings.Split(name, "/")
	for _, part := range parts[:len(parts)-1] {
		dir = filepath.Join(dir, part)
		fi, err := os.Lstat(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return false // nothing to remove
		}
		if err != nil || fi.Mode()&fs.ModeSymlink != 0 {
			return true
		}
	}
	return false
}

// files returns the state of every file of the new site, once committed.
func (o *dirOutput) files() (map[string]fileState, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	files := make(map[string]fileState, len(o.names))
	for name := range o.names {
		fi, err := os.Stat(filepath.Join(o.dest, filepath.FromSlash(name)))
		if err != nil {
			return nil, fmt.Errorf("output: %w", err)
		}
		files[name] = fileState{Size: fi.Size(), ModTime: fi.ModTime().UnixNano()}
	}
	return files, nil
}

// discard removes the staging directory, unless it became the site.
func (o *dirOutput) discard() {
	if o.stage != "" {
		_ = os.RemoveAll(o.stage)
	}
}
