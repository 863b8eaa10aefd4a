//go:build cgo

package gcpulse_test

import (
	"errors"
	"log"

	gcpulse "github.com/gcpulse/gcpulse/go"
)

// Start with the defaults: memory limit from the cgroup (else GOMEMLIMIT),
// the runtime backstop when one is known, the adaptive controller.
func ExampleStart() {
	t, err := gcpulse.Start(gcpulse.Config{
		OnAction: func(a gcpulse.Action) {
			if a.Applied && a.Action == "scale_out" {
				log.Printf("gcpulse asks for more replicas: %+v", a.Conditions)
			}
		},
	})
	switch {
	case errors.Is(err, gcpulse.ErrCgoRequired):
		log.Print(err) // built with CGO_ENABLED=0: run untuned
		return
	case err != nil:
		log.Fatal(err)
	}
	defer t.Stop() // restores GOGC and the memory limit in force before Start

	if err := t.Observe(gcpulse.MetricQPS, 1200); err != nil {
		log.Print(err)
	}
}
