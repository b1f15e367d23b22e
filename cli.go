package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/snapdoc/snapdoc/internal/fileerr"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the work failed: invalid content, drift, failed requests
	exitUsage = 2
)

// command is a snapdoc subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a command may touch: its output streams.
type env struct {
	stdout, stderr io.Writer
}

// terminal returns stderr when it is a terminal, for progress reports, and
// nil when it is a pipe or a file, which must stay quiet.
func (e *env) terminal() io.Writer {
	f, ok := e.stderr.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return f
}

// logger logs to stderr as text.
func (e *env) logger(verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
}

var commands = map[string]command{
	"build":   {"build the site into public/", runBuild},
	"check":   {"run every http block again and report drift from its snapshot", runCheck},
	"init":    {"write a new site that builds at once, with a GitHub Pages workflow", runInit},
	"new":     {"scaffold a lesson in content/", runNew},
	"run":     {"execute the http blocks of lessons or .http files", runRun},
	"runner":  {"serve the runner's JSON API for the site's blocks", runRunner},
	"serve":   {"preview the site with live reload", runServe},
	"snippet": {"print the code of a file's requests in one language", runSnippet},
	"version": {"print the version", runVersion},
}

// usageError is wrong usage of the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// run runs snapdoc with args and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "snapdoc: unknown command %q\n", args[0])
		printUsage(stderr)
		return exitUsage
	}
	err := cmd.run(ctx, e, args[1:])
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "snapdoc %s: %s\n", args[0], ue.msg)
		return exitUsage
	default:
		fmt.Fprintln(stderr, formatError(err))
		return exitFail
	}
}

// formatError prints one line per joined error.
func formatError(err error) string {
	lines := fileerr.Lines(err)
	for i, l := range lines {
		lines[i] = "error: " + l
	}
	return strings.Join(lines, "\n")
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "snapdoc builds API tutorials whose examples really run.")
	fmt.Fprintln(w, "\nUsage: snapdoc <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'snapdoc <command> -h' for a command's flags.")
}

// newFlagSet returns a flag set for a command whose usage goes to stdout
// when asked for with -h and to stderr on a mistake.
func newFlagSet(e *env, name, args, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet("snapdoc "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: snapdoc %s %s\n\n%s\n\nFlags:\n", name, args, summary)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args, turning a flag mistake into a usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	// On -h, Parse has printed the usage itself.
	err := fs.Parse(args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usageError{err.Error()}
}

func runVersion(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "version", "", "Print snapdoc's version, the commit it was built from, and the Go toolchain.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintln(e.stdout, versionLine(info))
	return nil
}

// versionLine describes the build: the module's version (a release such
// as v1.2.0 when installed with go install, a pseudo-version or (devel)
// when built from a checkout), then the commit, its time and whether the
// tree had changes, when the build recorded them, and the toolchain.
func versionLine(info *debug.BuildInfo) string {
	if info == nil {
		return "snapdoc (unknown version: built without module information)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, when, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "snapdoc %s", v)
	if rev != "" {
		fmt.Fprintf(&b, ", commit %s", rev)
		if when != "" {
			fmt.Fprintf(&b, " of %s", when)
		}
		if modified == "true" {
			b.WriteString(" with uncommitted changes")
		}
	}
	fmt.Fprintf(&b, ", %s %s/%s", info.GoVersion, runtime.GOOS, runtime.GOARCH)
	return b.String()
}

// plural formats a count with its noun, adding an s when it is not one.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
