// Package auto starts a gcpulse tuner with defaults when it is imported:
//
//	import _ "github.com/gcpulse/gcpulse/go/auto"
//
// The environment configures it:
//
//	GCPULSE=on (default) | dry | off   tune; decide and log only; do nothing
//	GCPULSE_CONFIG=file.json           a gcpulse JSON configuration (Config.PolicyJSON)
//
// Everything else is gcpulse.Config's zero value: adaptive mode, memory
// limit from the cgroup (else GOMEMLIMIT), the runtime backstop when a
// limit is known.  GOGC and GOMEMLIMIT from the environment keep their
// meaning (starting point; ceiling).  Decisions that change GOGC, policy
// actions and errors are logged through the standard log package, or the
// function given to SetLogger.  Without cgo the tuner cannot start: the
// import logs why and the program runs untuned.
package auto

import (
	"fmt"
	"log"
	"os"
	"strings"
	"sync"

	gcpulse "github.com/gcpulse/gcpulse/go"
)

var (
	mu     sync.Mutex
	logf   = log.Printf
	tuner  *gcpulse.Tuner
	status error
)

func init() {
	t, err := start(os.Getenv("GCPULSE"), os.Getenv("GCPULSE_CONFIG"))
	mu.Lock()
	tuner, status = t, err
	mu.Unlock()
	if err != nil {
		printf("gcpulse/auto: not tuning: %v", err)
	}
}

// errOff is Err's value when GCPULSE=off.
var errOff = fmt.Errorf("GCPULSE=off")

func start(mode, configFile string) (*gcpulse.Tuner, error) {
	cfg := gcpulse.Config{
		OnGOGC: func(d gcpulse.Decision) {
			if d.Applied || d.Changed {
				printf("gcpulse: GOGC %v -> %v (applied %v) %s", d.Previous, d.Value, d.Applied, reasons(d.ReasonDetails))
			}
		},
		OnAction: func(a gcpulse.Action) {
			printf("gcpulse: action %s (rule %s, magnitude %v, applied %v)", a.Action, a.Rule, a.Final, a.Applied)
		},
		OnError: func(err error) { printf("%v", err) },
	}
	switch strings.ToLower(strings.TrimSpace(mode)) {
	case "", "on", "1", "true":
	case "dry", "dry-run", "dryrun":
		cfg.DryRun = true
	case "off", "0", "false":
		return nil, errOff
	default:
		return nil, fmt.Errorf("GCPULSE=%q: want on, dry or off", mode)
	}
	if configFile != "" {
		b, err := os.ReadFile(configFile)
		if err != nil {
			return nil, fmt.Errorf("GCPULSE_CONFIG: %w", err)
		}
		cfg.PolicyJSON = string(b)
	}
	t, err := gcpulse.Start(cfg)
	if err != nil {
		return nil, err
	}
	printf("gcpulse: tuning (memory limit %d bytes, dry run %v)", t.MemoryLimit(), cfg.DryRun)
	return t, nil
}

func reasons(rs []gcpulse.Reason) string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(r.Name)
		if r.Unit != "" {
			fmt.Fprintf(&b, " (%.4g vs %.4g %s)", r.Value, r.Limit, r.Unit)
		}
	}
	return b.String()
}

func printf(format string, args ...interface{}) {
	mu.Lock()
	f := logf
	mu.Unlock()
	if f != nil {
		f(format, args...)
	}
}

// SetLogger replaces the log function (default log.Printf; nil = silent).
func SetLogger(f func(format string, args ...interface{})) {
	mu.Lock()
	logf = f
	mu.Unlock()
}

// Tuner returns the tuner started at import, or nil (see Err).
func Tuner() *gcpulse.Tuner {
	mu.Lock()
	defer mu.Unlock()
	return tuner
}

// Err says why no tuner runs (nil when one does): GCPULSE=off, a bad
// GCPULSE or GCPULSE_CONFIG, or Start's error (e.g. gcpulse.ErrCgoRequired).
func Err() error {
	mu.Lock()
	defer mu.Unlock()
	return status
}
