package main

import (
	"os"
	"syscall"
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
