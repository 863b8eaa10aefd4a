//go:build go1.20

package gcpulse

// memStatsGCCPU: not used from Go 1.20 on (/cpu/classes/gc/total is read
// without stopping the world).
func memStatsGCCPU() (float64, bool) { return 0, false }
