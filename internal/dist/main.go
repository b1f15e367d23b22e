// Command dist builds snapdoc's release archives: a static binary for each
// of linux, darwin and windows on amd64 and arm64 (CGO_ENABLED=0,
// -trimpath, -ldflags "-s -w"), each packed with README.md and LICENSE
// (when there is one) into snapdoc_VERSION_OS_ARCH.tar.gz (.zip for
// windows), and SHA256SUMS over the archives, in sha256sum's format.
//
// Run it from the module's root, as make dist does:
//
//	go run ./internal/dist [-out dist] [-version v1.2.0] [-targets linux/amd64,...]
//
// The version defaults to git describe's. The archives' entries carry the
// time of the commit built (or SOURCE_DATE_EPOCH), so that the same commit
// gives the same bytes.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	out := flag.String("out", "dist", "the `dir` to write the archives and SHA256SUMS into")
	version := flag.String("version", "", "the `version` in the archives' names (default: git describe --tags --always --dirty)")
	only := flag.String("targets", "", "build only these comma-separated `os/arch` pairs (default: all six)")
	flag.Parse()
	if err := run(*out, *version, *only); err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
}

func run(out, version, only string) error {
	targets := allTargets
	if only != "" {
		var err error
		if targets, err = parseTargets(only); err != nil {
			return err
		}
	}
	if version == "" {
		version = gitOutput("describe", "--tags", "--always", "--dirty")
		if version == "" {
			version = "devel"
		}
	}
	if err := checkVersion(version); err != nil {
		return err
	}
	mtime := sourceTime()
	docs, err := docFiles(".")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "snapdoc-dist-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	var archives []string
	for _, t := range targets {
		start := time.Now()
		bin := filepath.Join(tmp, t.GOOS+"_"+t.GOARCH, t.exe())
		if err := build(t, bin); err != nil {
			return err
		}
		data, err := os.ReadFile(bin)
		if err != nil {
			return err
		}
		files := append([]file{{name: t.exe(), mode: 0o755, data: data}}, docs...)
		if err := writeArchive(out, t, version, files, mtime); err != nil {
			return err
		}
		name := t.archive(version)
		archives = append(archives, name)
		fmt.Printf("%s (binary %.1f MB, built in %s)\n", filepath.Join(out, name), float64(len(data))/1e6, time.Since(start).Round(time.Second))
	}
	sums, err := checksums(out, archives)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "SHA256SUMS"), sums, 0o644); err != nil {
		return err
	}
	fmt.Println(filepath.Join(out, "SHA256SUMS"))
	return nil
}

// build cross-compiles the snapdoc command in the current directory for t.
func build(t target, bin string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=auto", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+t.GOOS, "GOARCH="+t.GOARCH)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build for %s: %v", t, err)
	}
	return nil
}

// docFiles reads the files every archive carries beside the binary: the
// README and, when the repository has one, the licence.
func docFiles(root string) ([]file, error) {
	var files []file
	for _, name := range []string{"README.md", "LICENSE"} {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) && name == "LICENSE" {
			continue
		}
		if err != nil {
			return nil, err
		}
		files = append(files, file{name: name, mode: 0o644, data: data})
	}
	return files, nil
}

// sourceTime is the time the archives' entries carry: SOURCE_DATE_EPOCH,
// else the commit's time, else now.
func sourceTime() time.Time {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		s = gitOutput("log", "-1", "--format=%ct")
	}
	if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(sec, 0).UTC()
	}
	return time.Now().UTC().Truncate(time.Second)
}

// gitOutput runs git with args and returns its output trimmed, or "" when
// git fails (no git, or not a checkout).
func gitOutput(args ...string) string {
	out, err := exec.Command("git", args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
