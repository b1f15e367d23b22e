// Command sitegen writes a synthetic snapdoc site for benchmarks and scale
// tests:
//
//	go run ./generator/sitegen/cmd/sitegen -n 10000 -dir /tmp/site
//
// The site's lessons go to DIR/content; DIR/snapdoc.yaml maps httpbin.org
// to the embedded demo API unless -config=false.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/snapdoc/snapdoc/generator/sitegen"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run parses args, writes the site and returns the exit code: 0 on
// success, 1 when writing fails, 2 on wrong usage.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sitegen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 1000, "the number of lessons")
	dir := fs.String("dir", "", "the site's root `dir` (required)")
	seed := fs.Uint64("seed", 1, "the seed of the pseudo-random text")
	config := fs.Bool("config", true, "also write snapdoc.yaml")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dir == "" || *n < 0 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: sitegen -dir DIR [-n N] [-seed S] [-config=false]")
		return 2
	}
	start := time.Now()
	if err := sitegen.Write(*dir, *n, sitegen.Options{Seed: *seed, Config: *config}); err != nil {
		fmt.Fprintln(stderr, "sitegen:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d lessons to %s in %s\n", *n, *dir, time.Since(start).Round(time.Millisecond))
	return 0
}
