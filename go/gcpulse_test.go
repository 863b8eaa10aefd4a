//go:build cgo

package gcpulse

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The helper child: when GCPULSE_TEST_CHILD=gctrace, the test binary
// allocates, runs a few GCs and exits, so that the parent can record its
// real GODEBUG=gctrace=1 output.
func TestMain(m *testing.M) {
	if childMain() {
		os.Exit(0)
	}
	if os.Getenv("GCPULSE_TEST_CHILD") == "gctrace" {
		var keep [][]byte
		for i := 0; i < 6; i++ {
			for j := 0; j < 2000; j++ {
				keep = append(keep, make([]byte, 1024))
			}
			runtime.GC()
		}
		runtime.KeepAlive(keep)
		// runtime.GC returns before the runtime has finished printing the
		// cycle's gctrace line: let it finish, or os.Exit cuts it short
		time.Sleep(200 * time.Millisecond)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// restoreRuntime puts GOGC and the memory limit back after a test.
func restoreRuntime(t *testing.T) {
	g := readGOGC()
	l := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(g)
		debug.SetMemoryLimit(l)
	})
}

// waitFor polls cond for up to d.
func waitFor(d time.Duration, cond func() bool) bool {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		if cond() {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return cond()
}

func TestStartStopRestoresGOGCAndLimit(t *testing.T) {
	restoreRuntime(t)
	debug.SetGCPercent(137)
	debug.SetMemoryLimit(3 << 30)
	tu, err := Start(Config{MemoryLimit: 1 << 30, SetMemoryLimit: true, LimitRatio: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if got := debug.SetMemoryLimit(-1); got != 512<<20 {
		t.Errorf("Go memory limit during tuning = %d, want %d", got, 512<<20)
	}
	debug.SetGCPercent(55) // as if the controller had changed it
	tu.Stop()
	tu.Stop() // idempotent
	if got := readGOGC(); got != 137 {
		t.Errorf("GOGC after Stop = %d, want 137", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 3<<30 {
		t.Errorf("memory limit after Stop = %d, want %d", got, int64(3<<30))
	}
}

func TestExistingGoMemLimitIsACeiling(t *testing.T) {
	restoreRuntime(t)
	debug.SetMemoryLimit(256 << 20)
	tu, err := Start(Config{MemoryLimit: 1 << 30, SetMemoryLimit: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := debug.SetMemoryLimit(-1); got != 256<<20 {
		t.Errorf("Go memory limit = %d, want the existing %d", got, 256<<20)
	}
	if got := tu.Stats().GoMemoryLimit; got != 256<<20 {
		t.Errorf("Stats().GoMemoryLimit = %d", got)
	}
	tu.Stop()
	if got := debug.SetMemoryLimit(-1); got != 256<<20 {
		t.Errorf("memory limit after Stop = %d", got)
	}
}

func TestExistingGoMemLimitUsedWhenNoCgroupLimit(t *testing.T) {
	restoreRuntime(t)
	debug.SetMemoryLimit(300 << 20)
	tu, err := Start(Config{CgroupRoot: "testdata/cgroup/v2-none"})
	if err != nil {
		t.Fatal(err)
	}
	defer tu.Stop()
	if got := tu.MemoryLimit(); got != 300<<20 {
		t.Fatalf("MemoryLimit() = %d, want GOMEMLIMIT %d", got, 300<<20)
	}
	// GOMEMLIMIT is not a container size: the Go limit is not lowered
	if got := debug.SetMemoryLimit(-1); got != 300<<20 {
		t.Errorf("Go memory limit %d, want GOMEMLIMIT %d untouched", got, 300<<20)
	}
}

func TestCgroupLimitUsed(t *testing.T) {
	restoreRuntime(t)
	tu, err := Start(Config{CgroupRoot: "testdata/cgroup/v2-parent"})
	if err != nil {
		t.Fatal(err)
	}
	if got := tu.MemoryLimit(); got != 536870912 {
		t.Fatalf("MemoryLimit() = %d", got)
	}
	// safe by default: the backstop is the limit x 0.9
	lim512 := float64(536870912)
	backstop512 := int64(lim512 * 0.9)
	if got := debug.SetMemoryLimit(-1); got != backstop512 {
		t.Errorf("Go memory limit %d, want the backstop %d", got, backstop512)
	}
	tu.Stop()
	tu2, err := Start(Config{MemoryLimit: NoLimit, CgroupRoot: "testdata/cgroup/v2-parent"})
	if err != nil {
		t.Fatal(err)
	}
	defer tu2.Stop()
	if got := tu2.MemoryLimit(); got != 0 {
		t.Fatalf("NoLimit: MemoryLimit() = %d", got)
	}
}

func TestStopRestoresGOGCOff(t *testing.T) {
	restoreRuntime(t)
	debug.SetGCPercent(-1)
	tu, err := Start(Config{MemoryLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	if tu.Stats().GOGC != -1 {
		t.Errorf("GOGC seen at start = %d, want -1", tu.Stats().GOGC)
	}
	runtime.GC()
	debug.SetGCPercent(80)
	tu.Stop()
	if got := readGOGC(); got != -1 {
		t.Errorf("GOGC after Stop = %d, want -1 (off)", got)
	}
}

func TestHookFiresEveryGC(t *testing.T) {
	restoreRuntime(t)
	var mu sync.Mutex
	var evs []Event
	tu, err := Start(Config{MemoryLimit: NoLimit, TickInterval: time.Hour,
		OnEvent: func(e Event) { mu.Lock(); evs = append(evs, e); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	defer tu.Stop()
	var keep [][]byte
	for i := 0; i < 5; i++ {
		keep = append(keep, make([]byte, 1<<20))
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	runtime.KeepAlive(keep)
	ok := waitFor(3*time.Second, func() bool { return tu.Stats().Hooks >= 4 })
	s := tu.Stats()
	if !ok {
		t.Fatalf("finalizer hook fired %d times for 5 GCs", s.Hooks)
	}
	if s.Records < 4 || s.EventsFed != s.Records+s.Synthetic || s.Rejected != 0 {
		t.Fatalf("records %d synthetic %d fed %d rejected %d", s.Records, s.Synthetic, s.EventsFed, s.Rejected)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(evs) < 4 {
		t.Fatalf("OnEvent saw %d records", len(evs))
	}
	for i, e := range evs {
		if e.Kind != "go_cycle" || e.Runtime != "go" || e.Collector != "go" {
			t.Fatalf("record %d: %+v", i, e)
		}
		for _, f := range []string{"seq", "t", "heap_goal", "heap_after", "pause_ms", "gc_cpu_ms", "stacks", "procs"} {
			if !e.Has(f) {
				t.Errorf("record %d: %s unknown", i, f)
			}
		}
		if e.Procs != uint32(runtime.GOMAXPROCS(0)) {
			t.Errorf("procs %d", e.Procs)
		}
		if e.HeapGoal < 4<<20 {
			t.Errorf("heap goal %d below the 4 MiB minimum", e.HeapGoal)
		}
		if i > 0 && (e.Seq <= evs[i-1].Seq || e.T < evs[i-1].T) {
			t.Errorf("record %d not after %d: seq %d/%d t %f/%f", i, i-1, e.Seq, evs[i-1].Seq, e.T, evs[i-1].T)
		}
		if e.Has("heap_live") && e.HeapLive > e.HeapGoal {
			t.Errorf("live %d above goal %d", e.HeapLive, e.HeapGoal)
		}
		if e.Has("heap_before") && e.HeapBefore < e.HeapAfter {
			t.Errorf("heap before %d < after %d", e.HeapBefore, e.HeapAfter)
		}
	}
	if s.ExactMetrics {
		last := evs[len(evs)-1]
		if !last.Has("heap_live") || !last.Has("globals") || last.Globals == 0 {
			t.Errorf("exact metrics but live/globals unknown: %+v", last)
		}
	}
	t.Logf("exact metrics: %v; last record %+v", s.ExactMetrics, evs[len(evs)-1])
}

func TestTickerFallback(t *testing.T) {
	restoreRuntime(t)
	tu, err := Start(Config{MemoryLimit: NoLimit, TickInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer tu.Stop()
	if !waitFor(2*time.Second, func() bool { return tu.Stats().Ticks >= 3 }) {
		t.Fatalf("ticks %d", tu.Stats().Ticks)
	}
}

func TestObserve(t *testing.T) {
	restoreRuntime(t)
	tu, err := Start(Config{MemoryLimit: NoLimit, TickInterval: time.Hour, CustomMetrics: []string{"queue_depth"}})
	if err != nil {
		t.Fatal(err)
	}
	defer tu.Stop()
	for _, m := range []struct {
		name Metric
		v    float64
	}{{MetricQPS, 1200}, {MetricLatencyMs, 3.5}, {MetricRSS, 64 << 20}, {"queue_depth", 7}} {
		if err := tu.Observe(m.name, m.v); err != nil {
			t.Fatalf("Observe(%s): %v", m.name, err)
		}
	}
	before := tu.Stats()
	for _, v := range []float64{math.NaN(), -1, math.Inf(1)} {
		if err := tu.Observe(MetricQPS, v); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("Observe(qps, %v) = %v, want ErrInvalidValue", v, err)
		}
	}
	for _, name := range []Metric{"qsp", "queue_dept", Metric(strings.Repeat("x", 40))} {
		if err := tu.Observe(name, 1); !errors.Is(err, ErrUnknownMetric) {
			t.Errorf("Observe(%q) = %v, want ErrUnknownMetric", name, err)
		}
	}
	s := tu.Stats()
	if s.Metrics != 4 || before.Metrics != 4 {
		t.Fatalf("metrics accepted %d (before the bad ones %d), want 4", s.Metrics, before.Metrics)
	}
	if s.Rejected != 6 {
		t.Fatalf("rejected %d, want 6", s.Rejected)
	}
}

func TestConcurrentObserveAndGC(t *testing.T) {
	restoreRuntime(t)
	tu, err := Start(Config{MemoryLimit: 256 << 20, TickInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var sink []byte
			for i := 0; i < 300; i++ {
				tu.Observe("qps", float64(100*w+i))
				sink = make([]byte, 64<<10)
				if i%50 == 0 {
					_ = tu.Stats()
					runtime.GC()
				}
			}
			runtime.KeepAlive(sink)
		}(w)
	}
	wg.Wait()
	tu.Stop()
	if err := tu.Observe("qps", 1); !errors.Is(err, ErrStopped) {
		t.Errorf("Observe after Stop: %v", err)
	}
	_ = tu.Stats()
}

func TestStatsFeatures(t *testing.T) {
	restoreRuntime(t)
	tu, err := Start(Config{MemoryLimit: 512 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer tu.Stop()
	for i := 0; i < 4; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	waitFor(2*time.Second, func() bool { return tu.Stats().Records >= 3 })
	s := tu.Stats()
	if s.ControllerGOGC != 100 && s.GOGCDecisions == 0 {
		t.Errorf("controller GOGC %v with no decisions", s.ControllerGOGC)
	}
	if v, ok, why := tu.Feature("gc_count", "value"); !ok || v < 3 {
		t.Errorf("gc_count = %v (%v, %s)", v, ok, why)
	}
	if _, ok, why := tu.Feature("no_such_feature", "value"); ok || why != "unknown_name" {
		t.Errorf("unknown feature: %v %s", ok, why)
	}
}

func TestConfigErrors(t *testing.T) {
	restoreRuntime(t)
	if _, err := Start(Config{Mode: "warp-speed"}); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "unknown mode") {
		t.Errorf("bad mode: %v", err)
	}
	if _, err := Start(Config{PolicyJSON: "{not json"}); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "PolicyJSON") {
		t.Errorf("bad JSON: %v", err)
	}
	for _, m := range []string{"", "off", "dual-factor", "memory-target", "cpu-target", "adaptive"} {
		tu, err := Start(Config{Mode: m, MemoryLimit: 1 << 30, MinGOGC: 30, MaxGOGC: 800, Period: time.Second})
		if err != nil {
			t.Fatalf("mode %q: %v", m, err)
		}
		tu.Stop()
	}
}

// allocLoop keeps about live bytes reachable and churns garbage until stop.
func allocLoop(live int, stop <-chan struct{}) {
	keep := make([][]byte, live/(64<<10))
	for i := 0; ; i++ {
		select {
		case <-stop:
			runtime.KeepAlive(keep)
			return
		default:
		}
		keep[i%len(keep)] = make([]byte, 64<<10)
		if i%64 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
}

func TestControllerDecisionsApplied(t *testing.T) {
	restoreRuntime(t)
	debug.SetGCPercent(100)
	var mu sync.Mutex
	var decs []Decision
	var self atomic.Pointer[Tuner]
	tu, err := Start(Config{Mode: "memory-target", MemoryLimit: 64 << 20, Period: 100 * time.Millisecond,
		Window: 5 * time.Second, TickInterval: 50 * time.Millisecond, CustomMetrics: []string{"from_callback"},
		OnGOGC: func(d Decision) {
			mu.Lock()
			decs = append(decs, d)
			mu.Unlock()
			if me := self.Load(); me != nil { // callbacks may feed metrics
				if err := me.Observe("from_callback", d.Value); err != nil {
					t.Errorf("Observe from a callback: %v", err)
				}
				_ = me.Stats()
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	self.Store(tu)
	stop := make(chan struct{})
	go allocLoop(24<<20, stop)
	waitFor(4*time.Second, func() bool {
		s := tu.Stats()
		return s.GOGCDecisions >= 3 && s.GOGCApplied >= 1
	})
	close(stop)
	s := tu.Stats()
	inForce := readGOGC()
	tu.Stop()
	mu.Lock()
	defer mu.Unlock()
	if s.GOGCDecisions == 0 {
		t.Fatalf("no controller decisions after %d records", s.Records)
	}
	if len(decs) == 0 || uint64(len(decs)) > s.GOGCDecisions {
		t.Fatalf("OnGOGC saw %d decisions, library counted %d", len(decs), s.GOGCDecisions)
	}
	last := decs[len(decs)-1]
	want := int(math.Round(last.Value))
	if inForce != want {
		t.Errorf("GOGC in force %d, last decision %v", inForce, last.Value)
	}
	if s.GOGC != inForce {
		t.Errorf("Stats().GOGC %d, in force %d", s.GOGC, inForce)
	}
	// 24 MiB live under a 64 MiB x 0.9 budget cannot afford GOGC 100+
	if last.Value > 200 || last.Value < 1 {
		t.Errorf("memory-target GOGC %v for 24 MiB live in a 57.6 MiB budget", last.Value)
	}
	t.Logf("%d decisions, last %+v", len(decs), last)
}

func TestDryRunNeverChangesGOGC(t *testing.T) {
	restoreRuntime(t)
	debug.SetGCPercent(100)
	n, recommended := 0, 0
	// NoRSS: under -race the shadow memory in the RSS leaves no budget
	tu, err := Start(Config{Mode: "memory-target", MemoryLimit: 48 << 20, DryRun: true, SetMemoryLimit: true,
		Period: 100 * time.Millisecond, TickInterval: 50 * time.Millisecond, NoRSS: true,
		OnGOGC: func(d Decision) {
			if d.Applied {
				t.Errorf("dry-run decision applied: %+v", d)
			}
			if d.MemoryLimit > 0 {
				recommended++ // the controller decides as with the backstop on
			}
			n++
		}})
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	go allocLoop(20<<20, stop)
	time.Sleep(600 * time.Millisecond)
	close(stop)
	if g := readGOGC(); g != 100 {
		t.Errorf("GOGC changed to %d in dry-run", g)
	}
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Errorf("memory limit set to %d in dry-run", l)
	}
	s := tu.Stats()
	tu.Stop()
	if s.GOGCApplied != 0 || s.GoMemoryLimit != 0 || s.LimitApplied != 0 {
		t.Errorf("applied %d, Go limit %d (%d sets)", s.GOGCApplied, s.GoMemoryLimit, s.LimitApplied)
	}
	if n == 0 || recommended == 0 {
		t.Errorf("dry run: %d decisions, none with a memory-limit recommendation (the live controller makes them)", n)
	}
	t.Logf("dry-run: %d decisions reported, %d with a limit recommendation", n, recommended)
}

// gctraceFromChild runs this test binary as a child with gctrace on.
func gctraceFromChild(t *testing.T) []byte {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GCPULSE_TEST_CHILD=gctrace", "GODEBUG=gctrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	return stderr.Bytes()
}

// complete gc lines only (a truncated line is rightly rejected by the parser)
var gcLine = regexp.MustCompile(`(?m)^gc (\d+) @[0-9.]+s .* (\d+) MB goal, .*\d+ P( \(forced\))?$`)

func TestParseTraceGoChild(t *testing.T) {
	trace := gctraceFromChild(t)
	want := gcLine.FindAllSubmatch(trace, -1)
	if len(want) < 6 {
		t.Fatalf("child printed %d gc lines:\n%s", len(want), trace)
	}
	var evs []Event
	if err := ParseTrace(bytes.NewReader(trace), func(e Event) { evs = append(evs, e) }); err != nil {
		t.Fatal(err)
	}
	if len(evs) == 0 {
		t.Fatalf("parser produced no events from %d gctrace lines", len(want))
	}
	var cycles []Event
	for _, e := range evs {
		if e.Kind == "go_cycle" {
			cycles = append(cycles, e)
		}
	}
	if len(cycles) != len(want) {
		t.Fatalf("%d go_cycle events for %d gc lines:\n%s", len(cycles), len(want), trace)
	}
	for i, e := range cycles {
		seq, _ := strconv.ParseUint(string(want[i][1]), 10, 64)
		goal, _ := strconv.ParseUint(string(want[i][2]), 10, 64)
		if e.Seq != seq {
			t.Errorf("event %d: seq %d, line says %d", i, e.Seq, seq)
		}
		if !e.Has("heap_goal") || e.HeapGoal/(1<<20) != goal {
			t.Errorf("event %d: goal %d bytes, line says %d MB", i, e.HeapGoal, goal)
		}
		if e.Flags&FlagForced == 0 {
			t.Errorf("event %d: runtime.GC() cycle not flagged forced", i)
		}
	}
}

// corpus returns a shared corpus file's content or skips.
// fixture reads a trace committed under the repository's tests/data (the
// module's tests run inside the repository; a copy of go/ alone has none).
func fixture(t *testing.T, rel string) []byte {
	b, err := os.ReadFile("../tests/data/" + rel)
	if err != nil {
		t.Skipf("%s: %v (outside the gcpulse repository)", rel, err)
	}
	return b
}

// TestParseTraceFixtures: ParseTrace gives the events the C library gives
// (counted with `gcpulse events` on the same files).
func TestParseTraceFixtures(t *testing.T) {
	for _, c := range []struct {
		file, rt, collector string
		events              int
		kinds               map[string]int
	}{
		{"go/go1.19-gogc50-2p.log", "go", "go", 88, map[string]int{"go_cycle": 88}},
		{"jvm/jdk17-g1-gconly.log", "jvm", "g1", 10, map[string]int{"young": 9, "full": 1}},
	} {
		t.Run(c.file, func(t *testing.T) {
			b := fixture(t, c.file)
			kinds := map[string]int{}
			n := 0
			err := ParseTrace(bytes.NewReader(b), func(e Event) {
				if e.Runtime != c.rt || e.Collector != c.collector {
					t.Errorf("event %+v", e)
				}
				kinds[e.Kind]++
				n++
			})
			if err != nil {
				t.Fatal(err)
			}
			if n != c.events {
				t.Errorf("%s: %d events, want %d", c.file, n, c.events)
			}
			for k, want := range c.kinds {
				if kinds[k] != want {
					t.Errorf("%s: %d %s events, want %d (%v)", c.file, kinds[k], k, want, kinds)
				}
			}
		})
	}
}

func TestParseTraceReadError(t *testing.T) {
	err := ParseTrace(errReader{}, nil)
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("got %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, fmt.Errorf("boom") }
