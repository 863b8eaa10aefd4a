module gcpulse.dev/demo-workload

go 1.19
