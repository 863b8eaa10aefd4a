module gcpulse.dev/bench-gogc

go 1.19

require gcpulse.dev/gcpulse v0.0.0

replace gcpulse.dev/gcpulse => ../../go
