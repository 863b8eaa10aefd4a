//go:build !go1.20

package gcpulse

import (
	"runtime"
	"time"
)

// procStart approximates the process start (package initialisation runs
// within milliseconds of it).
var procStart = time.Now()

// memStatsGCCPU estimates the cumulative GC CPU seconds on Go 1.19, which
// has no /cpu/classes metrics: runtime.ReadMemStats' GCCPUFraction (a
// stop-the-world read, once per GC) times the processor time elapsed.
func memStatsGCCPU() (float64, bool) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.GCCPUFraction * time.Since(procStart).Seconds() * float64(runtime.GOMAXPROCS(0)), true
}
