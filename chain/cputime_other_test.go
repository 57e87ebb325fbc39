//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package chain

// processCPU reports that process CPU time is not available here.
func processCPU() (int64, bool) { return 0, false }
