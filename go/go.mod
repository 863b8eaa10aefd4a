module gcpulse.dev/gcpulse

go 1.19
