package snippet

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// ErrNoInterpreter is returned by [Verify] when the program of a language
// cannot be run on this machine, because its interpreter is missing or
// snapdoc does not know how to run the language.
var ErrNoInterpreter = errors.New("snippet: no interpreter")

// program says how to run the code of one language: the file to write,
// then either the interpreter's arguments or a batch build.
type program struct {
	file string
	args []string
	// build compiles the programs of dirs at once with tool and says how
	// to run each.
	build func(ctx context.Context, tool, root string, dirs []string) []built
	// probe finds the interpreter; it returns its path or why not.
	probe func(ctx context.Context) (string, error)
}

var programs = map[string]program{
	"python":     {file: "main.py", args: []string{"main.py"}, probe: probePython},
	"javascript": {file: "main.js", args: []string{"main.js"}, probe: probeCommand("node", "-e", "if (typeof fetch !== 'function') process.exit(1)")},
	"go":         {file: "main.go", build: buildGo, probe: probeCommand("go", "version")},
	"java":       {file: "Main.java", build: buildJava, probe: probeCommand("java", "-version")},
	"curl":       {file: "main.sh", args: []string{"main.sh"}, probe: probeCurl},
}

// probePython finds a python3 that can import requests: the one on PATH
// may be a version manager's shim without it while the system's has it.
func probePython(ctx context.Context) (string, error) {
	var tried []string
	for _, name := range []string{"python3", "/usr/bin/python3", "python"} {
		p, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		out, err := exec.CommandContext(ctx, p, "-c", "import requests, sys; print(sys.executable)").Output()
		if err != nil {
			tried = append(tried, p)
			continue
		}
		if exe := strings.TrimSpace(string(out)); exe != "" {
			return exe, nil // the interpreter itself, not a slow shim script
		}
		return p, nil
	}
	if len(tried) == 0 {
		return "", errors.New("python3 not found on PATH")
	}
	return "", fmt.Errorf("no python with the requests module (tried %s)", strings.Join(tried, ", "))
}

// probeCurl finds sh, which runs the script, after checking that curl is
// there too.
func probeCurl(ctx context.Context) (string, error) {
	if _, err := probeCommand("curl", "--version")(ctx); err != nil {
		return "", err
	}
	return probeCommand("sh", "-c", "exit 0")(ctx)
}

// probeCommand finds name on PATH and checks that it runs with args.
func probeCommand(name string, args ...string) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		p, err := exec.LookPath(name)
		if err != nil {
			return "", fmt.Errorf("%s not found on PATH", name)
		}
		if out, err := exec.CommandContext(ctx, p, args...).CombinedOutput(); err != nil {
			return "", fmt.Errorf("%s %s: %v: %s", p, strings.Join(args, " "), err, out)
		}
		return p, nil
	}
}

// interpreters remembers which interpreters were found, once per
// language.
type interpreters struct {
	mu    sync.Mutex
	found map[string]probeResult
}

type probeResult struct {
	path string
	err  error
}

// lookup returns the interpreter for lang, probing on first use.
func (in *interpreters) lookup(ctx context.Context, lang string) (program, string, error) {
	prog, ok := programs[lang]
	if !ok {
		return program{}, "", fmt.Errorf("%w: snapdoc does not know how to run %q", ErrNoInterpreter, lang)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	res, ok := in.found[lang]
	if !ok {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		res.path, res.err = prog.probe(ctx)
		if in.found == nil {
			in.found = map[string]probeResult{}
		}
		in.found[lang] = res
	}
	if res.err != nil {
		return program{}, "", fmt.Errorf("%w for %s: %v", ErrNoInterpreter, lang, res.err)
	}
	return prog, res.path, nil
}
