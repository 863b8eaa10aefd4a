//go:build !cgo

package gcpulse

import "io"

// Tuner is a running gcpulse instance; without cgo none can be started.
type Tuner struct{}

// Start returns ErrCgoRequired: this build has no cgo.
func Start(cfg Config) (*Tuner, error) { return nil, ErrCgoRequired }

// Observe returns ErrCgoRequired.
func (t *Tuner) Observe(metric Metric, value float64) error { return ErrCgoRequired }

// Stats returns zero counters.
func (t *Tuner) Stats() Stats { return Stats{} }

// Feature reports every feature unknown ("no_cgo").
func (t *Tuner) Feature(feature, stat string) (float64, bool, string) { return 0, false, "no_cgo" }

// MemoryLimit returns 0.
func (t *Tuner) MemoryLimit() int64 { return 0 }

// Stop does nothing.
func (t *Tuner) Stop() {}

// ParseTrace returns ErrCgoRequired.
func ParseTrace(r io.Reader, fn func(Event)) error { return ErrCgoRequired }
