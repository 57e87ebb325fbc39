//go:build unix

package scale

import (
	"syscall"
	"testing"
	"time"
)

// processCPU returns the CPU time this process has used (user + system, all
// threads, so garbage collection counts).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuMeter reports CPU time per operation beside a benchmark's wall time:
// on a loaded shared machine wall time counts waiting for a core, CPU time
// does not. Call stop after the loop.
func cpuMeter(b *testing.B, bytes int) (stop func()) {
	start := processCPU()
	return func() {
		per := float64(processCPU()-start) / float64(b.N)
		b.ReportMetric(per, "cpu-ns/op")
		if bytes > 0 && per > 0 {
			b.ReportMetric(float64(bytes)/per*1e3, "cpu-MB/s")
		}
	}
}
