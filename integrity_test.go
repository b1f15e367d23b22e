package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/snapdoc/snapdoc/generator/sitegen"
	"github.com/snapdoc/snapdoc/internal/sitelock"
)

// sitegenCmd writes a synthetic site of N lessons (see generator/sitegen)
// into the directory DIR: sitegen DIR N.
func sitegenCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: sitegen DIR N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	ts.Check(sitegen.Write(ts.MkAbs(args[0]), n, sitegen.Options{Seed: 1, Config: true}))
}

// snapdocCmd is the snapdoc binary of the script, run in dir.
func snapdocCmd(ts *testscript.TestScript, dir string, args ...string) *exec.Cmd {
	var bin string
	for _, d := range filepath.SplitList(ts.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(d, "snapdoc")); err == nil {
			bin = filepath.Join(d, "snapdoc")
			break
		}
	}
	if bin == "" {
		ts.Fatalf("no snapdoc in the script's PATH")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+ts.Getenv("PATH"), "HOME="+ts.Getenv("HOME"), "TMPDIR="+ts.Getenv("TMPDIR"))
	return cmd
}

// killscan SITE N kills `snapdoc build` in the directory SITE with SIGKILL
// at N moments spread over the time a whole build takes, and asserts after
// each that `snapdoc build --run replay` exits 0 and leaves public/ exactly
// as a build that was never killed does, and that the site's root holds no
// entry it did not hold before. Each killed build switches the site between
// two versions (another title, and one lesson more), so that it has every
// page to write and a page to remove.
func killscan(ts *testscript.TestScript, neg bool, args []string) {
	n, err := strconv.Atoi(strings.Join(args[1:], ""))
	if neg || len(args) != 2 || err != nil || n < 2 {
		ts.Fatalf("usage: killscan SITE N")
	}
	site := ts.MkAbs(args[0])
	cfgFile := filepath.Join(site, "snapdoc.yaml")
	cfg, err := os.ReadFile(cfgFile)
	ts.Check(err)
	extra := filepath.Join(site, "content", "extra.md")
	version := func(v int) {
		c := bytes.Replace(cfg, []byte("title: "), []byte("title: Version "+strconv.Itoa(v)+" of "), 1)
		ts.Check(os.WriteFile(cfgFile, c, 0o644))
		if v == 1 {
			ts.Check(os.WriteFile(extra, []byte("---\ntitle: Extra\n---\n\nOnly in version 1.\n"), 0o644))
		} else if err := os.Remove(extra); err != nil && !errors.Is(err, fs.ErrNotExist) {
			ts.Fatalf("%v", err)
		}
	}
	build := func(args ...string) (time.Duration, string) {
		cmd := snapdocCmd(ts, site, append([]string{"build"}, args...)...)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			ts.Fatalf("snapdoc build %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return time.Since(start), string(out)
	}
	// A reference build of each version, outside the site.
	var refs [2]map[string]string
	for v := range refs {
		version(v)
		ref := ts.MkAbs(fmt.Sprintf("ref-%d", v))
		build("--run", "replay", "--dest", ref)
		refs[v] = readTree(ts, ref)
	}
	version(0)
	build("--run", "replay")
	entries := rootEntries(ts, site)
	// How long a build that rewrites every page takes.
	version(1)
	whole, _ := build("--run", "replay")
	ts.Logf("a whole build takes %s", whole.Round(time.Millisecond))
	finished := 0
	for i := range n {
		v := i % 2 // public/ holds the other version
		version(v)
		delay := whole * time.Duration(i) / time.Duration(n-1)
		cmd := snapdocCmd(ts, site, "build")
		ts.Check(cmd.Start())
		time.Sleep(delay)
		ts.Check(cmd.Process.Signal(syscall.SIGKILL))
		if cmd.Wait() == nil {
			finished++
		}
		_, out := build("--run", "replay")
		if got := readTree(ts, filepath.Join(site, "public")); !sameTree(ts, got, refs[v]) {
			ts.Fatalf("killed after %s, then built again: public/ is not the site of version %d\n%s", delay.Round(time.Millisecond), v, out)
		}
		if got := rootEntries(ts, site); !slices.Equal(got, entries) {
			ts.Fatalf("killed after %s, then built again: the site's root holds %q, not %q", delay.Round(time.Millisecond), got, entries)
		}
		if left, _ := os.ReadDir(filepath.Join(site, ".snapdoc", "stage")); len(left) > 0 {
			ts.Fatalf("killed after %s, then built again: .snapdoc/stage still holds %s", delay.Round(time.Millisecond), left[0].Name())
		}
	}
	ts.Logf("killed %d builds, of which %d had finished", n, finished)
	if finished == n {
		ts.Fatalf("every build finished before it was killed: the scan killed none")
	}
}

// readTree returns the content of every file under dir, by slash path.
func readTree(ts *testscript.TestScript, dir string) map[string]string {
	files := map[string]string{}
	ts.Check(filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	}))
	return files
}

// sameTree reports whether two trees hold the same files, logging the
// first difference.
func sameTree(ts *testscript.TestScript, got, want map[string]string) bool {
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			ts.Logf("%s is missing", name)
			return false
		case g != w:
			ts.Logf("%s differs", name)
			return false
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			ts.Logf("%s should not be there", name)
			return false
		}
	}
	return true
}

// rootEntries lists the names in the directory dir.
func rootEntries(ts *testscript.TestScript, dir string) []string {
	entries, err := os.ReadDir(dir)
	ts.Check(err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// holdlock SITE takes the lock of the site at SITE, as a build does, until
// the script says releaselock.
func holdlock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: holdlock SITE")
	}
	site := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(filepath.Join(site, ".snapdoc"), 0o755))
	l, err := sitelock.Acquire(context.Background(), site, filepath.Join(site, ".snapdoc"), sitelock.Options{NoWait: true})
	ts.Check(err)
	ts.Defer(func() { l.Release() })
	heldLocks.Store(ts, l)
}

// heldLocks are the locks holdlock took, by script.
var heldLocks sync.Map

// releaselock releases the lock holdlock took.
func releaselock(ts *testscript.TestScript, neg bool, args []string) {
	v, _ := heldLocks.LoadAndDelete(ts)
	l, ok := v.(*sitelock.Lock)
	if neg || len(args) != 0 || !ok {
		ts.Fatalf("usage: releaselock, after holdlock")
	}
	ts.Check(l.Release())
}

// waitbuild SITE runs `snapdoc build --run replay` in SITE while holdlock
// holds its lock, and asserts that the build says it waits for the lock's
// holder (this process), and succeeds once releaselock releases it.
func waitbuild(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitbuild SITE, after holdlock")
	}
	cmd := snapdocCmd(ts, ts.MkAbs(args[0]), "build", "--run", "replay")
	stderr, err := cmd.StderrPipe()
	ts.Check(err)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	ts.Check(cmd.Start())
	said := make(chan string, 1)
	go func() {
		var all []byte
		buf := make([]byte, 4096)
		for {
			n, err := stderr.Read(buf)
			all = append(all, buf[:n]...)
			if bytes.Contains(all, []byte("\n")) || err != nil {
				said <- string(all)
				io.Copy(io.Discard, stderr)
				return
			}
		}
	}()
	select {
	case line := <-said:
		want := fmt.Sprintf("waiting for another snapdoc build in %s (pid %d)...\n", ts.MkAbs(args[0]), os.Getpid())
		if line != want {
			cmd.Process.Kill()
			ts.Fatalf("the second build said %q, want %q", line, want)
		}
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		ts.Fatalf("the second build did not say it waits within a minute")
	}
	releaselock(ts, false, nil)
	if err := cmd.Wait(); err != nil {
		ts.Fatalf("the build that waited: %v", err)
	}
	ts.Logf("%s", stdout.Bytes())
}

// racebuilds SITE starts two `snapdoc build`s in SITE at once, one of them
// with --no-wait, and asserts that at least one succeeds, that one that does
// not failed because the other held the lock, that one of them saw the
// other (waited, or failed for the lock), and that public/ is then the
// whole site, as a build on its own makes it.
func racebuilds(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: racebuilds SITE")
	}
	site := ts.MkAbs(args[0])
	// Every page changes, so that both builds have work to do.
	cfgFile := filepath.Join(site, "snapdoc.yaml")
	cfg, err := os.ReadFile(cfgFile)
	ts.Check(err)
	ts.Check(os.WriteFile(cfgFile, bytes.Replace(cfg, []byte("title: "), []byte("title: Raced "), 1), 0o644))
	ref := ts.MkAbs("ref-race")
	if out, err := snapdocCmd(ts, site, "build", "--run", "replay", "--dest", ref).CombinedOutput(); err != nil {
		ts.Fatalf("reference build: %v\n%s", err, out)
	}
	type result struct {
		err error
		out []byte
	}
	results := make(chan result, 2)
	var cmds []*exec.Cmd
	for _, extra := range [][]string{nil, {"--no-wait"}} {
		cmds = append(cmds, snapdocCmd(ts, site, append([]string{"build", "--run", "replay"}, extra...)...))
	}
	for _, c := range cmds {
		go func() {
			out, err := c.CombinedOutput()
			results <- result{err, out}
		}()
	}
	ok, saw := 0, 0
	for range cmds {
		r := <-results
		ts.Logf("%s", r.out)
		switch {
		case r.err == nil:
			ok++
		case !bytes.Contains(r.out, []byte("another snapdoc build is writing the site")):
			ts.Fatalf("a build failed, and not for the lock: %v\n%s", r.err, r.out)
		}
		if bytes.Contains(r.out, []byte("another snapdoc build")) {
			saw++
		}
	}
	if ok == 0 {
		ts.Fatalf("neither build succeeded")
	}
	if saw == 0 {
		ts.Fatalf("neither build waited for the other or failed for its lock")
	}
	if !sameTree(ts, readTree(ts, filepath.Join(site, "public")), readTree(ts, ref)) {
		ts.Fatalf("public/ is not the whole site")
	}
}
