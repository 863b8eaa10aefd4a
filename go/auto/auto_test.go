package auto

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gcpulse "github.com/gcpulse/gcpulse/go"
)

// The import already started a tuner (GCPULSE unset = on) unless the
// test environment says otherwise.
func TestStartedAtImport(t *testing.T) {
	if os.Getenv("GCPULSE") != "" {
		t.Skip("GCPULSE set in the environment")
	}
	if errors.Is(Err(), gcpulse.ErrCgoRequired) {
		t.Skip("built without cgo: ", Err())
	}
	if Tuner() == nil || Err() != nil {
		t.Fatalf("tuner %v, err %v", Tuner(), Err())
	}
	// one tuner per process: the package's own Start now refuses
	if _, err := gcpulse.Start(gcpulse.Config{}); !errors.Is(err, gcpulse.ErrAlreadyStarted) {
		t.Fatalf("second Start: %v", err)
	}
}

func TestModes(t *testing.T) {
	if errors.Is(Err(), gcpulse.ErrCgoRequired) {
		if _, err := start("on", ""); !errors.Is(err, gcpulse.ErrCgoRequired) {
			t.Fatalf("without cgo: %v", err)
		}
		return
	}
	if tu := Tuner(); tu != nil {
		tu.Stop()
	}
	var logged []string
	SetLogger(func(f string, a ...interface{}) { logged = append(logged, f) })
	defer SetLogger(nil)
	if _, err := start("off", ""); err != errOff {
		t.Errorf("off: %v", err)
	}
	if _, err := start("maybe", ""); err == nil || !strings.Contains(err.Error(), "want on, dry or off") {
		t.Errorf("bad mode: %v", err)
	}
	if _, err := start("on", "/nonexistent/gcpulse.json"); err == nil || !strings.Contains(err.Error(), "GCPULSE_CONFIG") {
		t.Errorf("missing config: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"gogc": {"mode": "warp"}}`), 0o644)
	if _, err := start("on", bad); !errors.Is(err, gcpulse.ErrConfig) {
		t.Errorf("bad config: %v", err)
	}
	good := filepath.Join(t.TempDir(), "good.json")
	os.WriteFile(good, []byte(`{"gogc": {"mode": "memory-target"}}`), 0o644)
	tu, err := start("dry", good)
	if err != nil {
		t.Fatal(err)
	}
	tu.Stop()
	if len(logged) == 0 || !strings.Contains(logged[len(logged)-1], "tuning") {
		t.Errorf("logged %q", logged)
	}
}

// F7: the log lines carry the numbers, in MiB for bytes.
func TestLogLines(t *testing.T) {
	d := gcpulse.Decision{Previous: 100, Value: 86.43380730965224, MemoryLimit: 200 << 20,
		ReasonDetails: []gcpulse.Reason{{Name: "hold_unknown_inputs"},
			{Name: "memory_budget_bound", Value: 241591910, Limit: 241172480, Unit: "bytes"},
			{Name: "gc_cpu_above_target", Value: 0.08213, Limit: 0.05, Unit: "fraction"}}}
	want := "gcpulse: GOGC 100 -> 86 (applied false), recommended heap limit 200.0 MiB: hold_unknown_inputs, " +
		"memory_budget_bound (230.4 MiB vs 230.0 MiB), gc_cpu_above_target (0.08213 fraction vs 0.05 fraction)"
	if got := decisionLine(d); got != want {
		t.Errorf("decision line\n got %s\nwant %s", got, want)
	}
	a := gcpulse.Action{Action: "scale_up_memory", Rule: "oom_bump", Final: 2.39075328e+08, Applied: true,
		Conditions: []gcpulse.Condition{
			{Feature: "heap_limit_ratio", Stat: "value", Op: ">=", Threshold: 0.95, Value: 1.0, Unit: "ratio", Known: true, Hits: 2, Seen: 3},
			{Feature: "heap_before_bytes", Stat: "max", Op: ">", Threshold: 64 << 20, Unit: "bytes", Why: "no_data"}}}
	want = "gcpulse: action scale_up_memory (rule oom_bump, magnitude 228.0 MiB, applied true): " +
		"heap_limit_ratio value 1 ratio >= 0.95 ratio (2 of 3), heap_before_bytes max unknown (no_data) > 64.0 MiB"
	if got := actionLine(a); got != want {
		t.Errorf("action line\n got %s\nwant %s", got, want)
	}
	a.Final, a.Applied, a.Constraints, a.Conditions = 1.2, false, []string{"Cooldown"}, nil
	if got, want := actionLine(a), "gcpulse: action scale_up_memory (rule oom_bump, magnitude 1.2, applied false, Cooldown)"; got != want {
		t.Errorf("action line\n got %s\nwant %s", got, want)
	}
}
