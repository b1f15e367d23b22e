package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		in   []float64
		want float64
	}{
		"one":  {[]float64{3}, 3},
		"odd":  {[]float64{5, 1, 4, 2, 3}, 3},
		"even": {[]float64{4, 1, 3, 2}, 2.5},
	} {
		t.Run(name, func(t *testing.T) {
			in := append([]float64(nil), tc.in...)
			if got := median(in); got != tc.want {
				t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
			}
			for i := range in {
				if in[i] != tc.in[i] {
					t.Fatalf("median sorted its input: %v", in)
				}
			}
		})
	}
}

func TestThousands(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{1: "1", 999: "999", 1000: "1,000", 30000: "30,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestWriteTable(t *testing.T) {
	t.Parallel()
	const mib = 1 << 20
	s := func(secs float64, m int64) sample {
		d := time.Duration(secs * float64(time.Second))
		return sample{wall: d, cpu: 2 * d, rss: m * mib}
	}
	rows := []row{
		{lessons: 1000,
			snapdoc: []sample{s(0.6, 60), s(0.5, 50), s(0.7, 70)},
			hugo:    []sample{s(1.5, 250), s(1.2, 200), s(1.0, 210)}},
		{lessons: 10000,
			snapdoc: []sample{s(6, 400), s(5, 500)},
			hugo:    []sample{s(12, 2000), s(10, 1800)}},
	}
	var b bytes.Buffer
	writeTable(&b, rows)
	want := `| lessons | snapdoc time | snapdoc memory | Hugo time | Hugo memory | time ratio | memory ratio |
|---|---|---|---|---|---|---|
| 1,000 | 0.60 s (0.50) | 60 MiB (50) | 1.20 s (1.00) | 210 MiB (200) | 0.50 | 0.29 |
| 10,000 | 5.50 s (5.00) | 450 MiB (400) | 11.00 s (10.00) | 1900 MiB (1800) | 0.50 | 0.24 |

| lessons | snapdoc CPU | Hugo CPU | CPU ratio |
|---|---|---|---|
| 1,000 | 1.20 s | 2.40 s | 0.50 |
| 10,000 | 11.00 s | 22.00 s | 0.50 |

Linearity, snapdoc: per lesson at 10,000 lessons relative to 1,000: time 0.92×, memory 0.75×
Linearity, Hugo: per lesson at 10,000 lessons relative to 1,000: time 0.92×, memory 0.90×
`
	if got := b.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}

// TestMaxRSS measures a child that holds 64 MiB: wait4's figure must come
// out in bytes, not KiB or pages.
func TestMaxRSS(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMaxRSSChild$")
	cmd.Env = append(os.Environ(), "BENCHHUGO_HOLD=64")
	s, out, err := measure(cmd)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "held 64 MiB") {
		t.Fatalf("the child did not run: %q", out)
	}
	t.Logf("peak memory %d KiB", s.rss>>10)
	if mib := s.rss >> 20; mib < 64 || mib > 512 {
		t.Errorf("peak memory %d MiB for a child holding 64 MiB", mib)
	}
	if s.wall <= 0 || s.cpu <= 0 {
		t.Errorf("wall time %v, CPU time %v", s.wall, s.cpu)
	}
}

// TestMaxRSSChild is the child of TestMaxRSS: it touches every page of
// 64 MiB.
func TestMaxRSSChild(t *testing.T) {
	if os.Getenv("BENCHHUGO_HOLD") != "64" {
		t.Skip("the child of TestMaxRSS")
	}
	b := make([]byte, 64<<20)
	for i := range b {
		b[i] = byte(i)
	}
	os.Stdout.WriteString("held 64 MiB\n")
	_ = b[len(b)-1]
}

// TestHugoSite builds the Hugo site the benchmark writes, at a tiny size,
// with the real hugo.
func TestHugoSite(t *testing.T) {
	t.Parallel()
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("hugo is not installed (apt-get install hugo)")
		}
		t.Fatal(err)
	}
	dir := t.TempDir()
	site, dest := filepath.Join(dir, "site"), filepath.Join(dir, "public")
	const n = 4
	if err := writeHugoSite(site, n, 1); err != nil {
		t.Fatal(err)
	}
	s, _, err := measure(exec.Command(hugo, "--source", site, "--destination", dest, "--cacheDir", filepath.Join(dir, "cache"), "--quiet"))
	if err != nil {
		t.Fatal(err)
	}
	if s.rss == 0 {
		t.Error("no peak memory measured")
	}
	if err := checkHugoOutput(dest, n); err != nil {
		t.Fatal(err)
	}
	if err := checkHugoOutput(dest, n+1); err == nil {
		t.Error("checkHugoOutput found a lesson that was never written")
	}
	page, err := os.ReadFile(filepath.Join(dest, "lesson-00001", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<h1>`, `id="TableOfContents"`, `<table>`, `class="highlight"`, `href="/tags/`, `href="/category/`} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("lesson page lacks %s", want)
		}
	}
}

func TestRunUsage(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"bad size":     {[]string{"-sizes", "1000,x"}, `"x" is not a number of lessons`},
		"no runs":      {[]string{"-runs", "0"}, "usage: benchhugo"},
		"stray":        {[]string{"extra"}, "usage: benchhugo"},
		"no hugo":      {[]string{"-hugo", filepath.Join(t.TempDir(), "hugo")}, "apt-get install hugo"},
		"no snapdoc":   {[]string{"-hugo", os.Args[0], "-snapdoc", filepath.Join(t.TempDir(), "snapdoc")}, "go build -o bin/snapdoc ."},
		"unknown flag": {[]string{"-bogus"}, "-bogus"},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), tc.args, &stdout, &stderr); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.want)
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout %q", stdout.String())
			}
		})
	}
}
