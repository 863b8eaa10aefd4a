module github.com/gcpulse/gcpulse/go

go 1.19
