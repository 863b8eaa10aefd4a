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
	"math"
	"os"
	"runtime/debug"
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
				printf("%s", decisionLine(d))
			}
		},
		OnAction: func(a gcpulse.Action) { printf("%s", actionLine(a)) },
		OnError:  func(err error) { printf("%v", err) },
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
	printf("gcpulse: tuning (memory limit %s, Go memory limit %s, dry run %v)",
		limitText(t.MemoryLimit()), limitText(debug.SetMemoryLimit(-1)), cfg.DryRun)
	return t, nil
}

// decisionLine: "gcpulse: GOGC 100 -> 86 (applied false): reason
// (v vs limit unit), ..." with bytes in MiB.
func decisionLine(d gcpulse.Decision) string {
	var b strings.Builder
	fmt.Fprintf(&b, "gcpulse: GOGC %s -> %s (applied %v)", gogcText(d.Previous), gogcText(d.Value), d.Applied)
	if d.MemoryLimit > 0 {
		fmt.Fprintf(&b, ", recommended heap limit %s", num(d.MemoryLimit, "bytes"))
	}
	for i, r := range d.ReasonDetails {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(r.Name)
		if r.Unit != "" {
			fmt.Fprintf(&b, " (%s vs %s)", num(r.Value, r.Unit), num(r.Limit, r.Unit))
		}
	}
	return b.String()
}

// actionLine: "gcpulse: action A (rule R, magnitude M, applied B[,
// constraints]): feature stat v op threshold (hits of seen), ...".  A
// magnitude of 1 MiB or more is a byte amount (the bump rules').
func actionLine(a gcpulse.Action) string {
	var b strings.Builder
	mag := num(a.Final, "")
	if a.Final >= 1<<20 {
		mag = num(a.Final, "bytes")
	}
	fmt.Fprintf(&b, "gcpulse: action %s (rule %s, magnitude %s, applied %v", a.Action, a.Rule, mag, a.Applied)
	if len(a.Constraints) > 0 {
		fmt.Fprintf(&b, ", %s", strings.Join(a.Constraints, " "))
	}
	b.WriteString(")")
	for i, c := range a.Conditions {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s ", c.Feature, c.Stat)
		if c.Known {
			b.WriteString(num(c.Value, c.Unit))
		} else {
			fmt.Fprintf(&b, "unknown (%s)", c.Why)
		}
		fmt.Fprintf(&b, " %s %s", c.Op, num(c.Threshold, c.Unit))
		if c.Seen > 1 {
			fmt.Fprintf(&b, " (%d of %d)", c.Hits, c.Seen)
		}
	}
	return b.String()
}

// num prints a value in its unit: bytes as MiB with one decimal, others
// with 4 significant digits.
func num(v float64, unit string) string {
	switch unit {
	case "bytes":
		return fmt.Sprintf("%.1f MiB", v/(1<<20))
	case "bytes/s":
		return fmt.Sprintf("%.1f MiB/s", v/(1<<20))
	case "":
		return fmt.Sprintf("%.4g", v)
	}
	return fmt.Sprintf("%.4g %s", v, unit)
}

func gogcText(v float64) string {
	if v < 0 {
		return "off"
	}
	return fmt.Sprintf("%.0f", v)
}

func limitText(l int64) string {
	if l <= 0 || l == math.MaxInt64 {
		return "none"
	}
	return num(float64(l), "bytes")
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
