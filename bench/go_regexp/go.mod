module gcpulse.local/bench/goregexp

go 1.19
