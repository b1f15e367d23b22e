package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// profiles writes the CPU and heap profiles that build --cpuprofile and
// --memprofile ask for, in the gzipped protocol buffer format that
// `go tool pprof` reads.
type profiles struct {
	cpu, mem         *os.File
	cpuPath, memPath string
}

// startProfiles creates both files before the build starts, so that a bad
// path fails at once rather than after a long build, and starts the CPU
// profile. Either path may be empty.
func startProfiles(cpuPath, memPath string) (*profiles, error) {
	p := &profiles{cpuPath: cpuPath, memPath: memPath}
	if memPath != "" {
		f, err := os.Create(memPath)
		if err != nil {
			return nil, fmt.Errorf("--memprofile: %w", err)
		}
		p.mem = f
	}
	if cpuPath != "" {
		f, err := os.Create(cpuPath)
		if err != nil {
			p.closeMem()
			return nil, fmt.Errorf("--cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			p.closeMem()
			return nil, fmt.Errorf("--cpuprofile %s: %w", cpuPath, err)
		}
		p.cpu = f
	}
	return p, nil
}

// stop ends the CPU profile and writes the heap profile: what is live
// after a garbage collection, with every allocation since the start in its
// alloc_space and alloc_objects samples.
func (p *profiles) stop() error {
	var errs []error
	if p.cpu != nil {
		pprof.StopCPUProfile()
		if err := p.cpu.Close(); err != nil {
			errs = append(errs, fmt.Errorf("--cpuprofile %s: %w", p.cpuPath, err))
		}
		p.cpu = nil
	}
	if p.mem != nil {
		runtime.GC()
		err := pprof.Lookup("heap").WriteTo(p.mem, 0)
		if cerr := p.mem.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("--memprofile %s: %w", p.memPath, err))
		}
		p.mem = nil
	}
	return errors.Join(errs...)
}

func (p *profiles) closeMem() {
	if p.mem != nil {
		p.mem.Close()
		os.Remove(p.memPath)
		p.mem = nil
	}
}
