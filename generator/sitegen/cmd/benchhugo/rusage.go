package main

import (
	"os"
	"syscall"
	"time"
)

// maxRSS returns the peak resident set, in bytes, of the exited process:
// the ru_maxrss that wait4 reported, which Linux counts in KiB.
func maxRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	return int64(ru.Maxrss) * maxrssUnit
}

// cpuTime returns the CPU time, user and system, that the exited process
// used: on a machine other work is loading, it moves less than wall time.
func cpuTime(ps *os.ProcessState) time.Duration {
	return ps.UserTime() + ps.SystemTime()
}
