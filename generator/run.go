package generator

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/snapdoc/snapdoc/runner"
	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/runner/redact"
	"github.com/snapdoc/snapdoc/runner/service"
)

// RunMode says when a build executes the requests of a block.
type RunMode int

const (
	// RunAuto executes the blocks that have no snapshot or whose requests
	// changed since it was recorded.
	RunAuto RunMode = iota
	// RunRefresh executes every block, through the cache.
	RunRefresh
	// RunReplay never executes a block: a block without a matching
	// snapshot is an error.
	RunReplay
)

// ParseRunMode parses "auto", "refresh" or "replay".
func ParseRunMode(s string) (RunMode, error) {
	switch s {
	case "auto":
		return RunAuto, nil
	case "refresh":
		return RunRefresh, nil
	case "replay":
		return RunReplay, nil
	}
	return 0, fmt.Errorf("want auto, refresh or replay, not %q", s)
}

// String returns the mode as --run spells it.
func (m RunMode) String() string {
	return [...]string{"auto", "refresh", "replay"}[m]
}

// BlockRunner executes the requests of one block: ref names it, reqs and
// opts are what the site declares. See [LocalRunner] and [RemoteRunner].
type BlockRunner interface {
	Run(ctx context.Context, ref service.BlockRef, reqs []*httpfile.Request, opts runner.RunOptions) ([]*httpfile.Exchange, error)
}

// LocalRunner runs blocks in this process.
func LocalRunner(r *runner.Runner) BlockRunner { return localRunner{r} }

type localRunner struct{ r *runner.Runner }

func (l localRunner) Run(ctx context.Context, _ service.BlockRef, reqs []*httpfile.Request, opts runner.RunOptions) ([]*httpfile.Exchange, error) {
	return l.r.Run(ctx, reqs, opts)
}

// RemoteRunner runs blocks on a runner service, which holds its own copy
// of the site and the API credentials; a block whose requests differ
// there is refused.
func RemoteRunner(c *service.Client) BlockRunner { return remoteRunner{c} }

type remoteRunner struct{ c *service.Client }

func (r remoteRunner) Run(ctx context.Context, ref service.BlockRef, reqs []*httpfile.Request, _ runner.RunOptions) ([]*httpfile.Exchange, error) {
	ref.Hash = runner.Hash(reqs)
	return r.c.Run(ctx, ref)
}

// concurrency is how many lessons runBlocks works on at once: the
// processors for a local runner, more for a remote one, which waits on
// the network.
func concurrency(r BlockRunner) int {
	if rr, ok := r.(remoteRunner); ok {
		return max(runtime.GOMAXPROCS(0), rr.c.MaxConcurrency())
	}
	return runtime.GOMAXPROCS(0)
}

// SnapshotDir is where a site keeps its snapshots, under its root.
const SnapshotDir = "snapshots"

// parseBlocks parses the requests of every http block of the lessons.
// Variables come from the site config, overridden by the lesson's vars.
func parseBlocks(cfg *SiteConfig, lessons []*Lesson) error {
	volatile, err := redact.Parse(cfg.Runner.Volatile)
	if err != nil {
		return fmt.Errorf("%s: runner.volatile %w", ConfigFile, err)
	}
	errs := make([][]error, len(lessons))
	parallel(len(lessons), func(i int) {
		l := lessons[i]
		vars := maps.Clone(cfg.Vars)
		if vars == nil {
			vars = map[string]string{}
		}
		maps.Copy(vars, l.Vars)
		for _, b := range l.Blocks {
			b.ignore = volatile.Add(b.volatile)
			reqs, err := httpfile.Parse([]byte(b.Code), httpfile.ParseOptions{File: l.File, LineOffset: b.Line - 1, Vars: vars})
			if err != nil {
				errs[i] = append(errs[i], err)
				continue
			}
			b.Requests = reqs
			if err := checkTry(b); err != nil {
				errs[i] = append(errs[i], err)
			}
		}
	})
	return errors.Join(slices.Concat(errs...)...)
}

// runStats counts what the runner did in a build.
type runStats struct {
	Run, Replayed, Failed int
}

// runBlocks gives every http block of the lessons its output: from the
// lesson's snapshot, or by executing it, as the mode says. It returns the
// snapshots that changed, by path, to be written once the build has
// succeeded, and warnings, such as about blocks that could not be run,
// by lesson file.
func runBlocks(ctx context.Context, o *Options, lessons []*Lesson, start time.Time) (map[string]*runner.Snapshot, map[string][]error, runStats, error) {
	total := 0
	for _, l := range lessons {
		total += len(l.Blocks)
	}
	label := "Running http blocks"
	if o.Run == RunReplay {
		label = "Replaying http blocks" // from their snapshots
	}
	prog := startProgress(o.Progress, start, label, total)
	defer prog.finish()
	var (
		mu       sync.Mutex
		changed  = map[string]*runner.Snapshot{}
		warnings = map[string][]error{}
		errs     []error
		stats    runStats
	)
	snapDir := filepath.Join(o.Source, SnapshotDir)
	parallelN(concurrency(o.Runner), len(lessons), func(i int) {
		l := lessons[i]
		if len(l.Blocks) == 0 {
			return
		}
		path := runner.SnapshotPath(snapDir, l.File)
		old, err := readSnapshot(o.Source, l.File)
		if err != nil {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
			return
		}
		for _, b := range l.Blocks {
			if specs := b.redact.Volatile(); len(specs) > 0 {
				mu.Lock()
				warnings[l.File] = append(warnings[l.File], fmt.Errorf("%s:%d: http block: redact=%s: volatile, not secret: still redacted as the fence says; volatile= shows it as recorded, ignored only when deciding drift", l.File, b.Line-1, strings.Join(specs, ",")))
				mu.Unlock()
			}
			for _, r := range b.Requests {
				if ws := RequestWarnings(r); len(ws) > 0 {
					mu.Lock()
					warnings[l.File] = append(warnings[l.File], ws...)
					mu.Unlock()
				}
			}
		}
		next := &runner.Snapshot{Source: l.File}
		dirty := old == nil
		for _, b := range l.Blocks {
			prog.add(1)
			rec := old.Record(b.ID)
			hash := runner.Hash(b.Requests)
			b.Example = &Example{Block: b}
			if b.NoRun {
				b.Example.State = "norun"
				if rec != nil {
					dirty = true
				}
				continue
			}
			fresh := rec != nil && rec.Hash == hash
			if fresh && o.Run != RunRefresh || o.Run == RunReplay {
				if !fresh {
					mu.Lock()
					errs = append(errs, fmt.Errorf("%s:%d: block %s has no snapshot that matches its requests, and --run replay never runs one; build with --run auto to record it", l.File, b.Line, b.ID))
					mu.Unlock()
					continue
				}
				b.Example.show(rec, "recorded")
				next.Blocks = append(next.Blocks, rec)
				mu.Lock()
				stats.Replayed++
				mu.Unlock()
				continue
			}
			ropts := b.RunOptions(o.Source, l.File)
			ropts.Warn = func(w error) {
				mu.Lock()
				warnings[l.File] = append(warnings[l.File], w)
				mu.Unlock()
			}
			ex, err := o.Runner.Run(ctx, service.BlockRef{File: l.File, Block: b.ID}, b.Requests, ropts)
			if err != nil {
				// Only a record of these very requests may stand in for
				// their output; a changed block's old record stays in the
				// snapshot, unshown, for when the change is undone.
				kept := rec != nil && rec.Hash == hash
				msg, fatal := o.blockFailure(l, b, err, rec, kept)
				mu.Lock()
				stats.Failed++
				if fatal {
					errs = append(errs, msg)
				} else {
					warnings[l.File] = append(warnings[l.File], msg)
				}
				mu.Unlock()
				b.Example.Error, b.Example.Failure = runner.ReaderText(err), string(runner.Classify(err))
				var ae *runner.AssertionError
				if errors.As(err, &ae) && len(ex) > 0 { // the last exchange is the one that failed them
					b.Example.FailedChecks = ex[len(ex)-1].Asserts
				}
				if rec != nil {
					next.Blocks = append(next.Blocks, rec)
				}
				if kept {
					b.Example.show(rec, "stale")
				} else {
					b.Example.State = "unrecorded"
				}
				continue
			}
			mu.Lock()
			stats.Run++
			mu.Unlock()
			if rec != nil && rec.Hash == hash && slices.Equal(comparable(rec.Exchanges, b.ignore), comparable(ex, b.ignore)) {
				// Nothing that matters changed: keep the record, and its
				// date, so a refresh leaves unchanged snapshots alone.
				b.Example.show(rec, "recorded")
				next.Blocks = append(next.Blocks, rec)
				continue
			}
			rec = &runner.Record{Block: b.ID, Hash: hash, Recorded: o.now().UTC().Truncate(time.Second), Exchanges: ex}
			b.Example.show(rec, "recorded")
			next.Blocks = append(next.Blocks, rec)
			dirty = true
		}
		if old != nil && len(old.Blocks) != len(next.Blocks) {
			dirty = true
		}
		if dirty && len(next.Blocks) > 0 {
			mu.Lock()
			changed[path] = next
			mu.Unlock()
		}
	})
	// Lessons ran in parallel; report in a stable order.
	slices.SortFunc(errs, byMessage)
	return changed, warnings, stats, errors.Join(errs...)
}

// blockFailure is what the build tells the author of a block that could
// not be run: the failure at lesson:line, the block, and what became of
// its output. fatal says the message fails the build: under --strict
// always, and for a block with no record of these requests (new, or
// changed since it was recorded) unless --keep-going publishes it as not
// recorded yet.
func (o *Options) blockFailure(l *Lesson, b *Block, err error, rec *runner.Record, kept bool) (msg error, fatal bool) {
	if !Positioned(err) {
		err = fmt.Errorf("%s:%d: %w", l.File, b.Line, err)
	}
	switch {
	case kept && o.Strict:
		return fmt.Errorf("%w; block %s failed, and --strict does not keep its snapshot recorded %s", err, b.ID, rec.Recorded.Format(time.RFC3339)), true
	case kept:
		return fmt.Errorf("%w; kept block %s's snapshot recorded %s, shown as stale", err, b.ID, rec.Recorded.Format(time.RFC3339)), false
	case o.KeepGoing && !o.Strict:
		return fmt.Errorf("%w; block %s is published as not recorded yet", err, b.ID), false
	case rec != nil:
		return fmt.Errorf("%w; block %s's requests changed since its snapshot, and the new ones could not be recorded (--keep-going publishes it as not recorded yet)", err, b.ID), true
	default:
		return fmt.Errorf("%w; block %s has no snapshot, and could not be recorded (--keep-going publishes it as not recorded yet)", err, b.ID), true
	}
}

// Positioned reports whether an error of a block's run already starts
// with the lesson, line and column of the request that failed: one of the
// runner's, local or reported by the runner service.
func Positioned(err error) bool {
	var (
		re     *runner.RequestError
		remote *runner.RemoteError
		ae     *runner.AssertionError
	)
	return errors.As(err, &re) || errors.As(err, &remote) || errors.As(err, &ae)
}

// allWarnings returns the warnings of every lesson, in order of their
// messages, which start with the file and line.
func allWarnings(byFile map[string][]error) []error {
	var all []error
	for _, ws := range byFile {
		all = append(all, ws...)
	}
	slices.SortFunc(all, byMessage)
	return all
}

func byMessage(a, b error) int { return strings.Compare(a.Error(), b.Error()) }

// show sets the example's output from a record.
func (e *Example) show(rec *runner.Record, state string) {
	e.State, e.Recorded = state, rec.Recorded
	e.exchanges = rec.Exchanges
}

// RequestWarnings are what to tell the author of a request, which is
// sent as parsed all the same: the features of its source that snapdoc
// does not support, and text that likely does not mean what its author
// meant. Each names the file and line.
func RequestWarnings(r *httpfile.Request) []error {
	var ws []error
	for _, u := range r.Unsupported {
		ws = append(ws, fmt.Errorf("%s: snapdoc does not support %s; the request is sent as written", r.Pos, u))
	}
	for _, w := range r.Warnings {
		ws = append(ws, w)
	}
	return ws
}

// readSnapshot reads the snapshot of the lesson file in the site at root,
// nil if it has none. Its errors name the snapshot by its path in the site
// ("snapshots/x.snap"), as the site's other errors name their files, so
// the preview's overlay can point at it.
func readSnapshot(root, file string) (*runner.Snapshot, error) {
	rel := runner.SnapshotPath(SnapshotDir, file)
	return runner.ReadSnapshot(filepath.Join(root, rel), filepath.ToSlash(rel))
}
