// Command benchhugo times cold builds of synthetic sites with snapdoc and
// with Hugo, side by side on the same machine in one run, and prints the
// ratios of their wall times and peak memory (make bench-hugo):
//
//	go run ./generator/sitegen/cmd/benchhugo -snapdoc bin/snapdoc [-sizes 1000,10000,30000] [-runs 5]
//
// For each size it writes a snapdoc site with generator/sitegen and a Hugo
// site over the same Markdown with a minimal theme, builds each once to
// warm up (the snapdoc build records the snapshots of the http blocks
// from the embedded demo API), then builds them alternately, snapdoc then
// Hugo, -runs times each, cold: every build goes to a new destination,
// with .snapdoc/ removed before a snapdoc build (`build --run replay`)
// and resources/ and Hugo's cache before a Hugo build. Wall time is the
// child's, from start to exit; peak memory is its maximum resident set
// from wait4. Their CPU times, user and system, follow in a second table. It installs nothing: without hugo on $PATH (or -hugo) it
// says how to install it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/snapdoc/snapdoc/generator/sitegen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// config is what the flags say.
type config struct {
	snapdoc, hugo string
	sizes         []int
	runs          int
	dir           string
	keep          bool
	seed          uint64
}

// run parses args, runs the benchmark and returns the exit code: 0 on
// success, 1 when a build fails, 2 on wrong usage or a missing tool.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchhugo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.snapdoc, "snapdoc", "bin/snapdoc", "the snapdoc `binary` to time")
	fs.StringVar(&c.hugo, "hugo", "hugo", "the hugo `binary` to time")
	sizes := fs.String("sizes", "1000,10000,30000", "the numbers of lessons, comma-separated")
	fs.IntVar(&c.runs, "runs", 5, "cold builds of each site with each tool")
	fs.StringVar(&c.dir, "dir", "", "where to write the sites and their output (default a new temporary `dir`, removed at the end)")
	fs.BoolVar(&c.keep, "keep", false, "keep the sites and their output")
	fs.Uint64Var(&c.seed, "seed", 1, "the seed of the sites' pseudo-random text")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var err error
	if c.sizes, err = parseSizes(*sizes); err != nil || c.runs < 1 || fs.NArg() > 0 {
		if err != nil {
			fmt.Fprintln(stderr, "benchhugo: -sizes:", err)
		}
		fmt.Fprintln(stderr, "usage: benchhugo [-snapdoc FILE] [-hugo FILE] [-sizes N,N...] [-runs N] [-dir DIR] [-keep]")
		return 2
	}
	if c.hugo, err = exec.LookPath(c.hugo); err != nil {
		fmt.Fprintf(stderr, "benchhugo: %v\nInstall Debian's Hugo, the reference: sudo apt-get install hugo (or name it with -hugo FILE)\n", err)
		return 2
	}
	if c.snapdoc, err = filepath.Abs(c.snapdoc); err == nil {
		_, err = os.Stat(c.snapdoc)
	}
	if err != nil {
		fmt.Fprintf(stderr, "benchhugo: -snapdoc: %v (build it first: go build -o bin/snapdoc .)\n", err)
		return 2
	}
	if err := bench(ctx, c, stdout, progressWriter(stderr)); err != nil {
		fmt.Fprintln(stderr, "benchhugo:", err)
		return 1
	}
	return 0
}

// parseSizes parses "1000,10000".
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a number of lessons", f)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

// bench runs every size and prints the table.
func bench(ctx context.Context, c config, stdout, progress io.Writer) (err error) {
	if c.dir == "" {
		if c.dir, err = os.MkdirTemp("", "benchhugo-"); err != nil {
			return err
		}
	}
	if !c.keep {
		// The output is removed only at the end: creating files soon after
		// deleting many others is slower on some file systems, which would
		// skew the later builds.
		defer func() {
			if rerr := os.RemoveAll(c.dir); err == nil {
				err = rerr
			}
		}()
	}
	version, err := exec.CommandContext(ctx, c.hugo, "version").Output()
	if err != nil {
		return fmt.Errorf("%s version: %w", c.hugo, err)
	}
	fmt.Fprintf(stdout, "Cold builds (--run replay), %d each, alternating snapdoc and Hugo; median (min).\n", c.runs)
	fmt.Fprintf(stdout, "snapdoc: %s; hugo: %s\n", c.snapdoc, strings.TrimSpace(string(version)))
	fmt.Fprintf(stdout, "%d CPUs; load average %s at the start.\n\n", runtime.NumCPU(), loadAverage())
	// Each size's line is printed as soon as it is measured, so that a
	// long run stopped part way keeps what it measured.
	writeHeader(stdout)
	rows := make([]row, 0, len(c.sizes))
	for _, n := range c.sizes {
		r, err := benchSize(ctx, c, n, progress)
		if err != nil {
			return err
		}
		writeRow(stdout, r)
		rows = append(rows, r)
	}
	writeSummary(stdout, rows)
	fmt.Fprintf(stdout, "\nLoad average %s at the end.\n", loadAverage())
	return nil
}

// benchSize writes the two sites of n lessons, warms up, and builds each
// c.runs times, alternately.
func benchSize(ctx context.Context, c config, n int, progress io.Writer) (row, error) {
	r := row{lessons: n}
	root := filepath.Join(c.dir, strconv.Itoa(n))
	snapSite, hugoSite, out := filepath.Join(root, "snapdoc"), filepath.Join(root, "hugo"), filepath.Join(root, "out")
	say := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, "\r\033[K%s lessons: "+format, append([]any{thousands(n)}, args...)...)
		}
	}
	say("writing the sites")
	if err := sitegen.Write(snapSite, n, sitegen.Options{Seed: c.seed, Config: true}); err != nil {
		return r, err
	}
	if err := writeHugoSite(hugoSite, n, c.seed); err != nil {
		return r, err
	}
	snapdoc := func(name string, extra ...string) (sample, error) {
		if err := os.RemoveAll(filepath.Join(snapSite, ".snapdoc")); err != nil {
			return sample{}, err
		}
		args := append([]string{"build", "--source", snapSite, "--dest", filepath.Join(out, name), "--base-url", "https://example.org/"}, extra...)
		s, stdout, err := measure(exec.CommandContext(ctx, c.snapdoc, args...))
		if err == nil && !regexp.MustCompile(`^Built `+strconv.Itoa(n)+` lessons`).MatchString(stdout) {
			err = fmt.Errorf("snapdoc build %s: unexpected output %q", snapSite, stdout)
		}
		return s, err
	}
	hugo := func(name string) (sample, error) {
		for _, d := range []string{"resources", "cache"} {
			if err := os.RemoveAll(filepath.Join(hugoSite, d)); err != nil {
				return sample{}, err
			}
		}
		dest := filepath.Join(out, name)
		cmd := exec.CommandContext(ctx, c.hugo, "--source", hugoSite, "--destination", dest, "--cacheDir", filepath.Join(hugoSite, "cache"), "--quiet")
		s, _, err := measure(cmd)
		if err == nil && name == "hugo-warm" {
			err = checkHugoOutput(dest, n)
		}
		return s, err
	}
	say("warming up snapdoc (recording the snapshots)")
	if _, err := snapdoc("snapdoc-warm", "--run", "auto"); err != nil {
		return r, err
	}
	say("warming up hugo")
	if _, err := hugo("hugo-warm"); err != nil {
		return r, err
	}
	for i := 1; i <= c.runs; i++ {
		say("snapdoc run %d/%d", i, c.runs)
		s, err := snapdoc(fmt.Sprintf("snapdoc-%d", i), "--run", "replay")
		if err != nil {
			return r, err
		}
		r.snapdoc = append(r.snapdoc, s)
		say("hugo run %d/%d", i, c.runs)
		if s, err = hugo(fmt.Sprintf("hugo-%d", i)); err != nil {
			return r, err
		}
		r.hugo = append(r.hugo, s)
	}
	say("done: snapdoc %s, hugo %s\n", formatTime(r.snapdoc), formatTime(r.hugo))
	return r, nil
}

// measure runs cmd and returns its wall time, its peak resident set and
// its standard output; a failure includes what it printed.
func measure(cmd *exec.Cmd) (sample, string, error) {
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%s: %w\n%s%s", strings.Join(cmd.Args, " "), err, stdout.String(), stderr.String())
		}
		return sample{}, "", err
	}
	return sample{wall: wall, cpu: cpuTime(cmd.ProcessState), rss: maxRSS(cmd.ProcessState)}, stdout.String(), nil
}

// loadAverage returns the machine's one-minute load average, or "unknown"
// where there is no /proc/loadavg: a loaded machine slows both tools.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

// progressWriter returns w when it is a terminal, and nil when it is a
// pipe or a file, which stays quiet.
func progressWriter(w io.Writer) io.Writer {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return f
}
