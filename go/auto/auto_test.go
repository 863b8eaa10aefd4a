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
