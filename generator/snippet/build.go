package snippet

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// built is how to run one program once the batch build is done, or why it
// did not build.
type built struct {
	cmd []string
	err error
}

// runAll writes each job's program into its own directory under one
// temporary root, builds them all at once when the language is compiled,
// and runs them with the secrets' test values in their environment.
func (s *Set) runAll(ctx context.Context, lang string, jobs []*job, opts VerifyOptions) {
	fail := func(err error) {
		for _, j := range jobs {
			j.err = err
		}
	}
	prog, tool, err := s.interp.lookup(ctx, lang)
	if err != nil {
		fail(err)
		return
	}
	root, err := os.MkdirTemp("", "snippet-"+lang+"-")
	if err != nil {
		fail(err)
		return
	}
	defer os.RemoveAll(root)
	dirs := make([]string, len(jobs))
	for i, j := range jobs {
		dirs[i] = filepath.Join(root, fmt.Sprintf("p%d", i))
		if err := os.Mkdir(dirs[i], 0o755); err != nil {
			fail(err)
			return
		}
		if err := os.WriteFile(filepath.Join(dirs[i], prog.file), []byte(j.code), 0o644); err != nil {
			fail(err)
			return
		}
	}
	builds := make([]built, len(jobs))
	if prog.build != nil {
		bctx, cancel := context.WithTimeout(ctx, opts.timeout())
		builds = prog.build(bctx, tool, root, dirs)
		cancel()
	} else {
		for i := range builds {
			builds[i].cmd = append([]string{tool}, prog.args...)
		}
	}
	index := map[*job]int{}
	for i, j := range jobs {
		index[j] = i
	}
	each(jobs, opts, func(j *job) {
		i := index[j]
		if builds[i].err != nil {
			j.err = fmt.Errorf("%w\n--- program ---\n%s", builds[i].err, j.code)
			return
		}
		ctx, cancel := context.WithTimeout(ctx, opts.timeout())
		defer cancel()
		j.out, j.err = runProgram(ctx, builds[i].cmd, dirs[i], j.env)
		if j.err != nil {
			j.err = fmt.Errorf("%w\n--- program ---\n%s", j.err, j.code)
		}
	})
}

// runProgram runs cmd in dir with env added to snapdoc's environment and
// a UTF-8 locale, and returns its standard output.
func runProgram(ctx context.Context, cmdline []string, dir string, env map[string]string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, cmdline[0], cmdline[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	for n, v := range env {
		cmd.Env = append(cmd.Env, n+"="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s: %v\n%s", strings.Join(cmdline, " "), err, tail(stderr.String()))
	}
	return stdout.Bytes(), nil
}

// buildGo builds every program as a main package of one temporary module
// with a single go build, which shares the compiler's start-up and cache.
func buildGo(ctx context.Context, tool, root string, dirs []string) []built {
	const mod = "snippetcheck"
	builds := make([]built, len(dirs))
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module "+mod+"\n\ngo 1.22\n"), 0o644); err != nil {
		return failAll(builds, err)
	}
	bin := filepath.Join(root, "bin")
	cmd := exec.CommandContext(ctx, tool, "build", "-ldflags=-s -w", "-o", bin+string(filepath.Separator), "./...")
	cmd.Dir = root
	out, buildErr := cmd.CombinedOutput()
	for i, dir := range dirs {
		name := filepath.Base(dir)
		exe := filepath.Join(bin, name)
		if _, err := os.Stat(exe); err == nil {
			builds[i].cmd = []string{exe}
			continue
		}
		builds[i].err = fmt.Errorf("go build: %v\n%s", buildErr, linesAbout(string(out), name+"/", "# "+mod+"/"+name))
	}
	return builds
}

// javaCompiler compiles the Main.java of each directory given as an
// argument into its classes/ directory, in one JVM, and prints the
// directories whose source has errors (javac may still write some class
// files for them).
const javaCompiler = `import javax.tools.ToolProvider;

public class Compile {
    public static void main(String[] dirs) {
        var javac = ToolProvider.getSystemJavaCompiler();
        for (String dir : dirs) {
            if (javac.run(null, null, null, "-d", dir + "/classes", dir + "/Main.java") != 0) {
                System.out.println(dir);
            }
        }
    }
}
`

// buildJava compiles every program in one JVM, which saves the compiler's
// start-up per program that "java Main.java" pays.
func buildJava(ctx context.Context, tool, root string, dirs []string) []built {
	builds := make([]built, len(dirs))
	if err := os.WriteFile(filepath.Join(root, "Compile.java"), []byte(javaCompiler), 0o644); err != nil {
		return failAll(builds, err)
	}
	args := append(append(javaFlags(), "Compile.java"), dirs...)
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Dir = root
	var failed, diagnostics bytes.Buffer
	cmd.Stdout, cmd.Stderr = &failed, &diagnostics
	buildErr := cmd.Run()
	failedDirs := strings.Split(failed.String(), "\n")
	for i, dir := range dirs {
		classes := filepath.Join(dir, "classes")
		_, statErr := os.Stat(filepath.Join(classes, "Main.class"))
		switch {
		case buildErr != nil:
			builds[i].err = fmt.Errorf("javac: %v\n%s", buildErr, tail(diagnostics.String()))
		case statErr != nil || slices.Contains(failedDirs, dir):
			builds[i].err = fmt.Errorf("javac:\n%s", linesAbout(diagnostics.String(), dir+string(filepath.Separator)))
		default:
			builds[i].cmd = append(append([]string{tool}, javaFlags()...), "-cp", classes, "Main")
		}
	}
	return builds
}

// javaFlags make a short-lived JVM start faster.
func javaFlags() []string {
	return []string{"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"}
}

// linesAbout returns the lines of out that start with one of prefixes,
// with the lines indented below them (a compiler's notes on one file).
func linesAbout(out string, prefixes ...string) string {
	var b strings.Builder
	keep := false
	for _, line := range strings.Split(out, "\n") {
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "\t") {
			keep = false
			for _, p := range prefixes {
				if strings.HasPrefix(line, p) {
					keep = true
				}
			}
		}
		if keep {
			b.WriteString(line + "\n")
		}
	}
	if b.Len() == 0 {
		return tail(out)
	}
	return b.String()
}

func failAll(builds []built, err error) []built {
	for i := range builds {
		builds[i].err = err
	}
	return builds
}
