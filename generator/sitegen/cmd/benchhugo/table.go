package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
)

// sample is one build: its wall time, its CPU time and the child's peak
// resident set in bytes.
type sample struct {
	wall, cpu time.Duration
	rss       int64
}

// row is the samples of one size.
type row struct {
	lessons       int
	snapdoc, hugo []sample
}

// stats are the median and the minimum of the samples' wall times in
// seconds and peak memory in MiB, and their median CPU time in seconds.
type stats struct {
	secs, minSecs float64
	mib, minMiB   float64
	cpu           float64
}

func summarize(ss []sample) stats {
	secs := make([]float64, len(ss))
	mib := make([]float64, len(ss))
	cpu := make([]float64, len(ss))
	for i, s := range ss {
		secs[i] = s.wall.Seconds()
		mib[i] = float64(s.rss) / (1 << 20)
		cpu[i] = s.cpu.Seconds()
	}
	return stats{secs: median(secs), minSecs: slices.Min(secs), mib: median(mib), minMiB: slices.Min(mib), cpu: median(cpu)}
}

// median returns the middle value, or the mean of the two middle values
// of an even count; the input is not modified.
func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// writeTable prints the rows as a Markdown table, then a table of their
// median CPU times (user and system), then how snapdoc's (and Hugo's) time
// and memory per lesson at the largest size compare with those at the
// smallest.
func writeTable(w io.Writer, rows []row) {
	writeHeader(w)
	for _, r := range rows {
		writeRow(w, r)
	}
	writeSummary(w, rows)
}

// writeHeader prints the head of the table of wall times and memory.
func writeHeader(w io.Writer) {
	fmt.Fprintln(w, "| lessons | snapdoc time | snapdoc memory | Hugo time | Hugo memory | time ratio | memory ratio |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
}

// writeRow prints the line of one size, as soon as it is measured.
func writeRow(w io.Writer, r row) {
	s, h := summarize(r.snapdoc), summarize(r.hugo)
	fmt.Fprintf(w, "| %s | %.2f s (%.2f) | %.0f MiB (%.0f) | %.2f s (%.2f) | %.0f MiB (%.0f) | %.2f | %.2f |\n",
		thousands(r.lessons), s.secs, s.minSecs, s.mib, s.minMiB, h.secs, h.minSecs, h.mib, h.minMiB,
		s.secs/h.secs, s.mib/h.mib)
}

// writeSummary prints the table of CPU times and the linearity lines.
func writeSummary(w io.Writer, rows []row) {
	fmt.Fprintln(w, "\n| lessons | snapdoc CPU | Hugo CPU | CPU ratio |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, r := range rows {
		s, h := summarize(r.snapdoc), summarize(r.hugo)
		fmt.Fprintf(w, "| %s | %.2f s | %.2f s | %.2f |\n", thousands(r.lessons), s.cpu, h.cpu, s.cpu/h.cpu)
	}
	if len(rows) < 2 {
		return
	}
	small, large := rows[0], rows[len(rows)-1]
	for _, tool := range []struct {
		name string
		pick func(row) []sample
	}{{"snapdoc", func(r row) []sample { return r.snapdoc }}, {"Hugo", func(r row) []sample { return r.hugo }}} {
		t, m := linearity(small.lessons, summarize(tool.pick(small)), large.lessons, summarize(tool.pick(large)))
		fmt.Fprintf(w, "\nLinearity, %s: per lesson at %s lessons relative to %s: time %.2f×, memory %.2f×",
			tool.name, thousands(large.lessons), thousands(small.lessons), t, m)
	}
	fmt.Fprintln(w)
}

// linearity returns the time and memory per lesson at size n2 divided by
// those at n1: 1 is linear, above 1 worse than linear.
func linearity(n1 int, s1 stats, n2 int, s2 stats) (time, mem float64) {
	return (s2.secs / float64(n2)) / (s1.secs / float64(n1)), (s2.mib / float64(n2)) / (s1.mib / float64(n1))
}

// formatTime is the median wall time of ss, for progress reports.
func formatTime(ss []sample) string {
	return fmt.Sprintf("%.2f s", summarize(ss).secs)
}

// thousands formats n with commas: 10,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
