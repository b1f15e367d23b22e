// Package sitelock keeps two snapdoc processes from writing one site at
// once: a build, or a preview while it records snapshots, holds the site's
// lock file, and a second one waits for it or gives up.
package sitelock

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Name is the lock file's name in the site's state directory.
const Name = "lock"

// pollEvery is how often a waiting process tries the lock again.
const pollEvery = 50 * time.Millisecond

// BusyError is a lock another process holds, returned when the caller
// asked not to wait.
type BusyError struct {
	Site string // the site's root
	PID  int    // the holder's process id; 0 if unknown
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("another snapdoc build is writing the site in %s%s; wait for it to end, or leave out --no-wait to wait for it", e.Site, pidNote(e.PID))
}

func pidNote(pid int) string {
	if pid <= 0 {
		return ""
	}
	return " (pid " + strconv.Itoa(pid) + ")"
}

// Lock is a held site lock.
type Lock struct{ f *os.File }

// Options say what Acquire does when another process holds the lock.
type Options struct {
	// NoWait returns a *BusyError at once instead of waiting.
	NoWait bool
	// Waiting, when set, is told once that the caller waits, and for whom.
	Waiting io.Writer
}

// Acquire takes the lock of the site at root, whose state directory
// stateDir (an existing directory) holds the lock file. Another process
// holding it makes Acquire wait until it is released or ctx ends, saying
// so to opts.Waiting, or, with opts.NoWait, fail with a *BusyError. The
// lock is released by Release, or by the end of the process however it
// ends, so a killed build never leaves the site locked.
func Acquire(ctx context.Context, root, stateDir string, opts Options) (*Lock, error) {
	f, err := os.OpenFile(filepath.Join(stateDir, Name), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	told := false
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		if ok {
			break
		}
		if opts.NoWait {
			pid := holder(f)
			f.Close()
			return nil, &BusyError{Site: root, PID: pid}
		}
		if !told && opts.Waiting != nil {
			fmt.Fprintf(opts.Waiting, "waiting for another snapdoc build in %s%s...\n", root, pidNote(holder(f)))
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(pollEvery):
		}
	}
	// Say who holds it, for whoever waits.
	if err := errors.Join(f.Truncate(0), writeAt0(f, strconv.Itoa(os.Getpid())+"\n")); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return &Lock{f: f}, nil
}

func writeAt0(f *os.File, s string) error {
	_, err := f.WriteAt([]byte(s), 0)
	return err
}

// holder reads the process id the lock's holder wrote, or 0.
func holder(f *os.File) int {
	buf := make([]byte, 32)
	n, _ := f.ReadAt(buf, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil {
		return 0
	}
	return pid
}

// Release releases the lock. The file stays: removing it would let a
// process that opened it already lock a file no one else sees.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the file releases its lock
	l.f = nil
	return err
}
