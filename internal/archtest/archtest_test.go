package archtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const (
	module = "github.com/snapdoc/snapdoc"
	// maxLines is the most lines of non-test Go code a package may have.
	maxLines = 3000
)

// oversized are the packages allowed beyond maxLines for now, and why.
// Remove an entry once its package is split: the test then fails for it
// like for any other.
var oversized = map[string]string{
	// generator still runs every phase itself; issue 17 splits it into a
	// package per stage.
	module + "/generator": "issue 17",
}

// pkg is what the test reads of `go list -json` for a package.
type pkg struct {
	ImportPath string
	Dir        string
	Standard   bool
	Imports    []string
	Deps       []string
	Module     *struct{ Path string }
}

// list runs `go list -deps -json ./...` at the module's root.
func list(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json", "./...")
	cmd.Dir = filepath.Join("..", "..")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// within reports whether path is the package dir or one below it.
func within(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, dir+"/")
}

// TestDependencyRules checks the dependency rules of issue 17:
// runner never depends on generator; runner/httpcache imports only the
// standard library; generator never imports runner/httpcache (it asks the
// runner for outputs and makes no HTTP call through a cache of its own).
func TestDependencyRules(t *testing.T) {
	t.Parallel()
	pkgs := list(t)
	standard := map[string]bool{}
	for _, p := range pkgs {
		standard[p.ImportPath] = p.Standard
	}
	var seen int
	for _, p := range pkgs {
		if p.Module == nil || p.Module.Path != module {
			continue
		}
		seen++
		if within(p.ImportPath, module+"/runner") {
			for _, d := range p.Deps {
				if within(d, module+"/generator") {
					t.Errorf("%s depends on %s: runner never imports generator", p.ImportPath, d)
				}
			}
		}
		if p.ImportPath == module+"/runner/httpcache" {
			for _, d := range p.Deps {
				if !standard[d] {
					t.Errorf("%s depends on %s: runner/httpcache imports only the standard library", p.ImportPath, d)
				}
			}
		}
		if within(p.ImportPath, module+"/generator") {
			for _, d := range p.Imports {
				if within(d, module+"/runner/httpcache") {
					t.Errorf("%s imports %s: generator never imports runner/httpcache", p.ImportPath, d)
				}
			}
		}
	}
	if seen < 10 {
		t.Fatalf("go list gave %d packages of %s; want them all", seen, module)
	}
}

// TestPackageSize checks that no package of the module has more than
// maxLines lines of non-test Go code (every .go file of its directory
// that is not a _test.go file, whatever its build constraints).
func TestPackageSize(t *testing.T) {
	t.Parallel()
	for _, p := range list(t) {
		if p.Module == nil || p.Module.Path != module {
			continue
		}
		n := lines(t, p.Dir)
		why, excepted := oversized[p.ImportPath]
		switch {
		case n > maxLines && !excepted:
			t.Errorf("%s has %d lines of non-test code; at most %d: split it into packages that show its shape", p.ImportPath, n, maxLines)
		case n > maxLines:
			t.Logf("%s has %d lines of non-test code, beyond %d until %s splits it", p.ImportPath, n, maxLines, why)
		case excepted:
			t.Errorf("%s has %d lines of non-test code, within %d: remove its entry from oversized", p.ImportPath, n, maxLines)
		}
	}
}

// lines counts the lines of the non-test .go files in dir.
func lines(t *testing.T, dir string) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			n++
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	return n
}
