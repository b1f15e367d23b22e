package generator

import (
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// progress reports a long phase of a build on a terminal: nothing for the
// first second of the build, then a line that updates itself a few times
// a second and ends with the phase's count.
type progress struct {
	w     io.Writer // nil: report nothing
	start time.Time // of the build: only builds longer than a second report
	phase string
	total int
	done  atomic.Int64
	stop  chan struct{}
	wg    sync.WaitGroup
}

// progressDelay is how long a build runs before it reports progress; a
// variable for tests.
var progressDelay = time.Second

func startProgress(w io.Writer, buildStart time.Time, phase string, total int) *progress {
	p := &progress{w: w, start: buildStart, phase: phase, total: total, stop: make(chan struct{})}
	if w == nil || total == 0 {
		return p
	}
	p.wg.Go(func() {
		tick := time.NewTicker(150 * time.Millisecond)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-p.stop:
				if shown || time.Since(p.start) >= progressDelay {
					p.print()
					fmt.Fprint(p.w, "\n")
				}
				return
			case <-tick.C:
				if time.Since(p.start) >= progressDelay {
					p.print()
					shown = true
				}
			}
		}
	})
	return p
}

func (p *progress) print() {
	fmt.Fprintf(p.w, "\r\033[K%s %d/%d", p.phase, p.done.Load(), p.total)
}

// add counts n more items done.
func (p *progress) add(n int) { p.done.Add(int64(n)) }

// finish ends the report.
func (p *progress) finish() {
	close(p.stop)
	p.wg.Wait()
}

// phases logs how long each phase of a build took, at debug level.
type phases struct {
	log   *slog.Logger
	start time.Time // of the build
	last  time.Time // when the last phase ended
}

// buildStart is when the build began, or now for no build (nil).
func (ph *phases) buildStart() time.Time {
	if ph == nil {
		return time.Now()
	}
	return ph.start
}

func (ph *phases) done(name string) {
	if ph == nil {
		return
	}
	now := time.Now()
	ph.log.Debug("phase", "name", name, "elapsed", now.Sub(ph.last).Round(time.Microsecond))
	ph.last = now
}
