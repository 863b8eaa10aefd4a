//go:build cgo

package gcpulse

import (
	"testing"
	"time"
)

// BenchmarkPerGCWork measures the tuner's work for one GC cycle: sample
// runtime/metrics, build the record, feed it to the library (window,
// controller, policy), deliver the results; the cycle counter is rewound
// so that every iteration is a "new" cycle.  Defaults, no callbacks.
func BenchmarkPerGCWork(b *testing.B) {
	tu, err := Start(Config{MemoryLimit: 1 << 30, TickInterval: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	defer tu.Stop()
	tu.mu.Lock()
	tu.hook.stopped.Store(true) // the benchmark drives step itself
	tu.mu.Unlock()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tu.mu.Lock()
		tu.rec.lastCycles-- // the next poll sees one new cycle
		tu.mu.Unlock()
		tu.step(false)
		tu.deliver()
	}
}

func BenchmarkStats(b *testing.B) {
	tu, err := Start(Config{MemoryLimit: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	defer tu.Stop()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = tu.Stats()
	}
}

func BenchmarkObserve(b *testing.B) {
	tu, err := Start(Config{MemoryLimit: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	defer tu.Stop()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = tu.Observe(MetricQPS, float64(i%1000))
	}
}
