module gcpulse.dev/bench-gogc

go 1.19

require github.com/gcpulse/gcpulse/go v0.0.0

replace github.com/gcpulse/gcpulse/go => ../../go
