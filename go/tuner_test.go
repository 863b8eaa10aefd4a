//go:build cgo

package gcpulse

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// runChild runs this test binary as a child in mode (see childMain) with
// extra environment; it returns stdout and stderr.
func runChild(t *testing.T, mode string, env ...string) (stdout, stderr []byte) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), "GCPULSE_TEST_CHILD="+mode), env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("child %s: %v\nstdout:\n%s\nstderr:\n%s", mode, err, o.Bytes(), e.Bytes())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("child %s: timed out", mode)
	}
	return o.Bytes(), e.Bytes()
}

// childMain runs the child modes; it returns false for a non-child run.
func childMain() bool {
	switch os.Getenv("GCPULSE_TEST_CHILD") {
	case "env":
		childEnv()
	case "accuracy":
		childAccuracy()
	default:
		return false
	}
	return true
}

// childEnv reports what Start and Stop do with GOGC/GOMEMLIMIT from the
// environment: "start GOGC LIMIT GOLIMIT" and "stop GOGC GOLIMIT".
func childEnv() {
	tu, err := Start(Config{CgroupRoot: os.Getenv("GCPULSE_TEST_CGROUP")})
	if err != nil {
		fmt.Println("error", err)
		return
	}
	s := tu.Stats()
	fmt.Println("start", s.GOGC, tu.MemoryLimit(), debug.SetMemoryLimit(-1))
	debug.SetGCPercent(33) // as if the controller had moved it
	tu.Stop()
	fmt.Println("stop", readGOGC(), debug.SetMemoryLimit(-1))
}

// childAccuracy runs a service-shaped workload (a retained table that
// grows, then churns, plus per-request garbage) with a tuner whose OnEvent
// prints every record: "rec seq before after live goal" (bytes, 0 =
// unknown).  The parent compares them with the same run's gctrace.
func childAccuracy() {
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	tu, err := Start(Config{MemoryLimit: NoLimit, Mode: "off", OnEvent: func(e Event) {
		get := func(f string, v uint64) uint64 {
			if e.Has(f) {
				return v
			}
			return 0
		}
		mu.Lock()
		fmt.Fprintln(out, "rec", e.Seq, get("heap_before", e.HeapBefore), get("heap_after", e.HeapAfter),
			get("heap_live", e.HeapLive), get("heap_goal", e.HeapGoal))
		mu.Unlock()
	}})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	burst, _ := strconv.Atoi(os.Getenv("GCPULSE_TEST_BURST")) // requests between 1 ms sleeps
	if burst <= 0 {
		burst = 16 // about 40 MiB/s of allocation: a busy service, not a benchmark loop
	}
	table := make([][]byte, 0, 4096)
	var sink []byte
	end := time.Now().Add(2 * time.Second)
	for i := 0; time.Now().Before(end); i++ {
		if len(table) < cap(table) {
			table = append(table, make([]byte, 8<<10)) // retained state grows to 32 MiB
		} else {
			table[i%len(table)] = make([]byte, 8<<10)
		}
		for j := 0; j < 8; j++ {
			sink = make([]byte, 4<<10) // per-request garbage
		}
		if i%burst == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	runtime.KeepAlive(sink)
	runtime.KeepAlive(table)
	time.Sleep(100 * time.Millisecond)
	tu.Stop()
	mu.Lock()
	out.Flush()
	mu.Unlock()
	time.Sleep(100 * time.Millisecond) // let the runtime finish its gctrace line
}

func TestDoubleStart(t *testing.T) {
	restoreRuntime(t)
	tu, err := Start(Config{MemoryLimit: NoLimit})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Start(Config{MemoryLimit: NoLimit})
	var ase *AlreadyStartedError
	if !errors.Is(err, ErrAlreadyStarted) || !errors.As(err, &ase) || ase.Since.IsZero() {
		t.Fatalf("second Start: %v", err)
	}
	tu.Stop()
	tu2, err := Start(Config{MemoryLimit: NoLimit})
	if err != nil {
		t.Fatalf("Start after Stop: %v", err)
	}
	tu2.Stop()
	tu.Stop() // a stale Stop does not touch the new tuner's slot
	var none *Tuner
	none.Stop() // defer t.Stop() after a failed Start is harmless
}

func TestValidation(t *testing.T) {
	restoreRuntime(t)
	if _, err := Start(Config{MemoryLimit: 512}); !errors.Is(err, ErrLimitTooSmall) ||
		!strings.Contains(err.Error(), "512<<20") {
		t.Errorf("MemoryLimit 512: %v", err)
	}
	keep := make([]byte, 40<<20)
	for i := range keep {
		keep[i] = 1
	}
	runtime.GC()
	if _, err := Start(Config{MemoryLimit: 20 << 20}); !errors.Is(err, ErrLimitBelowHeap) {
		t.Errorf("MemoryLimit 20 MiB with 40 MiB live: %v", err)
	}
	runtime.KeepAlive(keep)
	if _, err := Start(Config{MemoryLimit: NoLimit, SetMemoryLimit: true}); !errors.Is(err, ErrNoLimitFound) {
		t.Errorf("SetMemoryLimit without a limit: %v", err)
	}
	many := make([]string, 17)
	for i := range many {
		many[i] = fmt.Sprintf("m%d", i)
	}
	if _, err := Start(Config{MemoryLimit: NoLimit, CustomMetrics: many}); !errors.Is(err, ErrTooManyMetrics) {
		t.Errorf("17 custom metrics: %v", err)
	}
	if _, err := Start(Config{MemoryLimit: NoLimit, CustomMetrics: []string{"qps"}}); !errors.Is(err, ErrConfig) {
		t.Errorf("custom metric named like a built-in: %v", err)
	}
	// nothing above left a tuner running or the runtime changed
	tu, err := Start(Config{MemoryLimit: NoLimit})
	if err != nil {
		t.Fatal(err)
	}
	tu.Stop()
}

func TestBackstopOptOut(t *testing.T) {
	restoreRuntime(t)
	debug.SetMemoryLimit(-1 >> 1)
	tu, err := Start(Config{MemoryLimit: 1 << 30, NoBackstop: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := debug.SetMemoryLimit(-1); got != 1<<63-1 {
		t.Errorf("NoBackstop: Go memory limit set to %d", got)
	}
	tu.Stop()
	tu, err = Start(Config{MemoryLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	if got := debug.SetMemoryLimit(-1); got != 1<<30/10*9+(1<<30)%10*9/10 && (got < 966367641 || got > 966367642) {
		t.Errorf("default: Go memory limit %d, want 0.9 GiB", got)
	}
	tu.Stop()
	if got := debug.SetMemoryLimit(-1); got != 1<<63-1 {
		t.Errorf("after Stop: %d", got)
	}
}

// goid returns the current goroutine's id (test diagnostics only).
func goid() string {
	b := make([]byte, 64)
	b = b[:runtime.Stack(b, false)]
	f := strings.Fields(string(b))
	if len(f) > 1 {
		return f[1]
	}
	return "?"
}

func TestPanickingCallbackRecovered(t *testing.T) {
	restoreRuntime(t)
	var mu sync.Mutex
	var errs []error
	gids := map[string]bool{}
	tu, err := Start(Config{Mode: "memory-target", MemoryLimit: 64 << 20, Period: 50 * time.Millisecond,
		TickInterval: 20 * time.Millisecond,
		OnGOGC: func(d Decision) {
			mu.Lock()
			gids[goid()] = true
			mu.Unlock()
			panic("boom in OnGOGC")
		},
		OnError: func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	me := goid()
	stop := make(chan struct{})
	go allocLoop(24<<20, stop)
	// the caller's goroutine feeds metrics: callbacks never run inside Observe
	for i := 0; i < 200; i++ {
		if err := tu.Observe(MetricQPS, float64(i)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	ok := waitFor(5*time.Second, func() bool {
		s := tu.Stats()
		return s.CallbackPanics >= 3 && s.GOGCApplied >= 1
	})
	close(stop)
	r0 := tu.Stats().Records
	runtime.GC()
	runtime.GC()
	more := waitFor(2*time.Second, func() bool { return tu.Stats().Records > r0 })
	t0 := time.Now()
	tu.Stop()
	if d := time.Since(t0); d > StopTimeout {
		t.Errorf("Stop took %v", d)
	}
	s := tu.Stats()
	mu.Lock()
	defer mu.Unlock()
	if !ok || !more {
		t.Fatalf("tuning stopped after a panicking callback: %+v", s)
	}
	if len(errs) == 0 || uint64(len(errs)) != s.CallbackPanics {
		t.Fatalf("OnError got %d errors for %d panics", len(errs), s.CallbackPanics)
	}
	var cpe *CallbackPanicError
	if !errors.As(errs[0], &cpe) || cpe.Callback != "OnGOGC" || cpe.Value != "boom in OnGOGC" {
		t.Errorf("error %v", errs[0])
	}
	if len(gids) != 1 || gids[me] {
		t.Errorf("callbacks ran on goroutines %v (test goroutine %s): want one, the tuner's", gids, me)
	}
}

func TestStopBoundedWithBlockedCallback(t *testing.T) {
	restoreRuntime(t)
	block := make(chan struct{})
	entered := make(chan struct{}, 1)
	tu, err := Start(Config{MemoryLimit: NoLimit, OnEvent: func(Event) {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-block
	}, OnError: func(error) {}})
	if err != nil {
		t.Fatal(err)
	}
	defer close(block)
	runtime.GC()
	select {
	case <-entered:
	case <-time.After(3 * time.Second):
		t.Fatal("OnEvent not called")
	}
	t0 := time.Now()
	tu.Stop()
	if d := time.Since(t0); d > StopTimeout+time.Second {
		t.Fatalf("Stop took %v with a blocked callback", d)
	}
	tu2, err := Start(Config{MemoryLimit: NoLimit})
	if err != nil {
		t.Fatalf("Start after a timed-out Stop: %v", err)
	}
	tu2.Stop()
}

func TestEnvPrecedence(t *testing.T) {
	parse := func(out []byte) (start, stop []string) {
		for _, l := range strings.Split(string(out), "\n") {
			f := strings.Fields(l)
			if len(f) > 0 && f[0] == "start" {
				start = f[1:]
			}
			if len(f) > 0 && f[0] == "stop" {
				stop = f[1:]
			}
			if len(f) > 0 && f[0] == "error" {
				t.Fatalf("child: %s", l)
			}
		}
		return
	}
	const mib200 = "209715200"
	// GOGC from the environment is the starting point; GOMEMLIMIT alone
	// is the limit the tuner plans with and stays the Go limit (a ceiling,
	// not a container size: not lowered to 90 %); Stop restores both.
	out, _ := runChild(t, "env", "GOGC=50", "GOMEMLIMIT=200MiB", "GCPULSE_TEST_CGROUP=testdata/cgroup/v2-none")
	start, stop := parse(out)
	if want := []string{"50", mib200, mib200}; !reflect.DeepEqual(start, want) {
		t.Errorf("GOGC=50 GOMEMLIMIT=200MiB: start %v, want %v", start, want)
	}
	if want := []string{"50", mib200}; !reflect.DeepEqual(stop, want) {
		t.Errorf("after Stop %v, want %v", stop, want)
	}
	// a cgroup limit (512 MiB) with a lower GOMEMLIMIT: GOMEMLIMIT is the
	// ceiling the tuner plans within, and the Go limit stays at it
	out, _ = runChild(t, "env", "GOMEMLIMIT=200MiB", "GCPULSE_TEST_CGROUP=testdata/cgroup/v2-parent")
	start, stop = parse(out)
	if want := []string{"100", mib200, mib200}; !reflect.DeepEqual(start, want) {
		t.Errorf("cgroup 512 MiB + GOMEMLIMIT=200MiB: start %v, want %v", start, want)
	}
	if want := []string{"100", mib200}; !reflect.DeepEqual(stop, want) {
		t.Errorf("after Stop %v, want %v", stop, want)
	}
	// a higher GOMEMLIMIT than the cgroup's 512 MiB: the backstop is
	// 0.9 x 512 MiB, below the ceiling
	out, _ = runChild(t, "env", "GOMEMLIMIT=1GiB", "GCPULSE_TEST_CGROUP=testdata/cgroup/v2-parent")
	start, stop = parse(out)
	if want := []string{"100", "536870912", "483183820"}; !reflect.DeepEqual(start, want) {
		t.Errorf("cgroup 512 MiB + GOMEMLIMIT=1GiB: start %v, want %v", start, want)
	}
	if want := []string{"100", "1073741824"}; !reflect.DeepEqual(stop, want) {
		t.Errorf("after Stop %v, want %v", stop, want)
	}
	// GOGC=off stays off; Stop restores off and no limit
	out, _ = runChild(t, "env", "GOGC=off", "GCPULSE_TEST_CGROUP=testdata/cgroup/v2-none")
	start, stop = parse(out)
	if want := []string{"-1", "0", "9223372036854775807"}; !reflect.DeepEqual(start, want) {
		t.Errorf("GOGC=off: start %v, want %v", start, want)
	}
	if want := []string{"-1", "9223372036854775807"}; !reflect.DeepEqual(stop, want) {
		t.Errorf("GOGC=off: after Stop %v, want %v", stop, want)
	}
}

// TestRecordsMatchGctrace: the per-GC record's heap numbers are within 5 %
// of the same cycle's gctrace line, cycle by cycle (issue 13 item 9).
func TestRecordsMatchGctrace(t *testing.T) {
	stdout, stderr := runChild(t, "accuracy", "GODEBUG=gctrace=1")
	type heap struct{ before, after, live, goal uint64 }
	trace := map[uint64]heap{}
	if err := ParseTrace(bytes.NewReader(stderr), func(e Event) {
		if e.Kind == "go_cycle" {
			trace[e.Seq] = heap{e.HeapBefore, e.HeapAfter, e.HeapLive, e.HeapGoal}
		}
	}); err != nil {
		t.Fatal(err)
	}
	// gctrace prints MB (2^20, truncated): allow that rounding on top of 5 %
	near := func(got, want uint64) bool {
		d := float64(got) - float64(want)
		if d < 0 {
			d = -d
		}
		return d <= 0.05*float64(want)+float64(1<<20)
	}
	matched, worst, bad := 0, [4]float64{}, [4]int{}
	for _, l := range strings.Split(string(stdout), "\n") {
		f := strings.Fields(l)
		if len(f) != 6 || f[0] != "rec" {
			continue
		}
		var v [5]uint64
		for i := range v {
			v[i], _ = strconv.ParseUint(f[i+1], 10, 64)
		}
		g, ok := trace[v[0]]
		if !ok || v[1] == 0 || v[2] == 0 || v[3] == 0 || v[4] == 0 || g.after < 8<<20 {
			continue // unknown (missed cycle) or a tiny heap where MB rounding dominates
		}
		matched++
		for i, p := range [][2]uint64{{v[1], g.before}, {v[2], g.after}, {v[3], g.live}, {v[4], g.goal}} {
			rel := (float64(p[0]) - float64(p[1])) / float64(p[1])
			if rel < 0 {
				rel = -rel
			}
			if rel > worst[i] {
				worst[i] = rel
			}
			if !near(p[0], p[1]) {
				bad[i]++
				t.Logf("gc %d %s: record %d, gctrace %d (%.1f %%)", v[0],
					[]string{"heap_before", "heap_after", "heap_live", "heap_goal"}[i], p[0], p[1], 100*rel)
			}
		}
	}
	if matched < 15 {
		t.Fatalf("only %d cycles comparable (%d gctrace cycles)\n%s", matched, len(trace), stdout)
	}
	for i, n := range bad {
		if n*10 > matched { // more than 1 cycle in 10 off by more than 5 %
			t.Errorf("%s: %d of %d cycles off by more than 5 %%",
				[]string{"heap_before", "heap_after", "heap_live", "heap_goal"}[i], n, matched)
		}
	}
	t.Logf("%s: %d cycles compared; worst relative error before %.1f%% after %.1f%% live %.1f%% goal %.1f%%",
		runtime.Version(), matched, 100*worst[0], 100*worst[1], 100*worst[2], 100*worst[3])
}

func TestFieldNamesMatchC(t *testing.T) {
	if got := cFieldNames(); !reflect.DeepEqual(got, fieldNames[:]) {
		t.Fatalf("C fields %v\nGo fields %v", got, fieldNames)
	}
	tags := map[string]bool{}
	ty := reflect.TypeOf(Event{})
	for i := 0; i < ty.NumField(); i++ {
		tags[ty.Field(i).Tag.Get("json")] = true
	}
	for _, n := range fieldNames {
		if !tags[n] {
			t.Errorf("Event has no field for the C event field %q", n)
		}
	}
}

func TestVersionMatchesC(t *testing.T) {
	if err := checkVersion(); err != nil {
		t.Fatal(err)
	}
}

// TestPerGCAllocations: with no callbacks the per-GC path allocates
// nothing, and Stats allocates nothing.
func TestPerGCAllocations(t *testing.T) {
	restoreRuntime(t)
	tu, err := Start(Config{MemoryLimit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	defer tu.Stop()
	// Go 1.19/1.20's cgo wrappers allocate for pointer arguments: the
	// zero-allocation promise is for Go 1.21+ (measured and logged before)
	strict := goMinor() >= 21
	if n := testing.AllocsPerRun(200, func() { _ = tu.Stats() }); n != 0 {
		if strict {
			t.Errorf("Stats: %v allocations per call", n)
		}
		t.Logf("%s: Stats: %v allocations per call", runtime.Version(), n)
	}
	for i := 0; i < 5; i++ { // warm up: queues and histograms reach their size
		runtime.GC()
		waitFor(time.Second, func() bool { return tu.Stats().Records >= uint64(i+1) })
	}
	const cycles = 50
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	r0 := tu.Stats().Records
	for i := 0; i < cycles; i++ {
		runtime.GC()
		for w := 0; w < 2000 && tu.Stats().Records < r0+uint64(i+1); w++ {
			time.Sleep(500 * time.Microsecond)
		}
	}
	runtime.ReadMemStats(&m1)
	recs := tu.Stats().Records - r0
	if recs < cycles*9/10 {
		t.Fatalf("%d records for %d GCs", recs, cycles)
	}
	per := float64(m1.Mallocs-m0.Mallocs) / float64(recs)
	t.Logf("%s: %.2f allocations per GC over %d records", runtime.Version(), per, recs)
	if per > 0.2 && strict {
		t.Errorf("%.2f allocations per GC, want 0", per)
	}
}

// goMinor is the running Go's minor version (99 when unknown: a dev build).
func goMinor() int {
	v := strings.TrimPrefix(runtime.Version(), "go1.")
	if i := strings.IndexAny(v, ".rb"); i >= 0 {
		v = v[:i]
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 99
	}
	return n
}

// TestEventCarriesEveryCField: for real Go and JVM logs, every field the C
// library reports in its JSON has the same value in the Go Event.
func TestEventCarriesEveryCField(t *testing.T) {
	byTag := map[string]int{}
	ty := reflect.TypeOf(Event{})
	for i := 0; i < ty.NumField(); i++ {
		byTag[ty.Field(i).Tag.Get("json")] = i
	}
	seen := map[string]int{}
	defer func() { traceJSONHook = nil }()
	traceJSONHook = func(e Event, js string) {
		var m map[string]interface{}
		if err := json.Unmarshal([]byte(js), &m); err != nil {
			t.Fatalf("C JSON %q: %v", js, err)
		}
		v := reflect.ValueOf(e)
		for _, name := range fieldNames {
			c, ok := m[name].(float64)
			if !ok {
				continue
			}
			if !e.Has(name) {
				t.Errorf("%s in the C JSON but not known in Go: %s", name, js)
				continue
			}
			seen[name]++
			f := v.Field(byTag[name])
			var g float64
			switch f.Kind() {
			case reflect.Float64:
				g = f.Float()
			default:
				g = float64(f.Uint())
			}
			if math.Abs(g-c) > 1e-6*math.Max(1, math.Abs(c)) {
				t.Errorf("%s: Go %v, C %v (%s)", name, g, c, js)
			}
		}
	}
	for _, f := range []string{"go/go1.19-gogc50-2p.log", "go/go1.23-scavtrace-2p.log",
		"jvm/jdk17-g1-alldecor.log", "jvm/jdk17-parallel-none.log", "jvm/jdk17-serial-debug.log",
		"jvm/jdk17-z-gcstar.log", "jvm/jdk17-shenandoah-gcstar.log"} {
		if err := ParseTrace(bytes.NewReader(fixture(t, f)), nil); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("fields compared: %v", seen)
	if seen["heap_before"] == 0 || seen["metaspace_used"] == 0 {
		t.Errorf("the logs exercised too few fields: %v", seen)
	}
}

// TestActionExplained: a rule on a custom metric declared by PolicyJSON
// fires, and the Go Action carries what its condition compared.
func TestActionExplained(t *testing.T) {
	restoreRuntime(t)
	const doc = `{"policy": {"rules": [{"id": "queue_fuse", "conditions": [
		{"feature": "queue_depth", "stat": "last", "op": ">", "enter": 10}],
		"actions": [{"name": "shed_load", "magnitude": 2}]},
		{"id": "qps_fuse", "conditions": [{"feature": "qps", "stat": "last", "op": ">=", "enter": 100}],
		"actions": [{"name": "qps_alarm"}]}]}}`
	got := make(chan Action, 16)
	var qps []Action
	var mu sync.Mutex
	tu, err := Start(Config{MemoryLimit: NoLimit, PolicyJSON: doc, Warmup: time.Millisecond,
		TickInterval: 10 * time.Millisecond, OnAction: func(a Action) {
			if a.Action == "qps_alarm" {
				mu.Lock()
				qps = append(qps, a)
				mu.Unlock()
			}
			if a.Action == "shed_load" {
				select {
				case got <- a:
				default:
				}
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer tu.Stop()
	var a Action
	deadline := time.After(10 * time.Second)
wait:
	for {
		if err := tu.Observe("queue_depth", 50); err != nil { // declared by the rule
			t.Fatal(err)
		}
		if err := tu.Observe(MetricQPS, 500); err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		select {
		case a = <-got:
			break wait
		case <-deadline:
			t.Fatalf("no shed_load action; stats %+v", tu.Stats())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if a.Rule != "queue_fuse" || len(a.Conditions) != 1 {
		t.Fatalf("action %+v", a)
	}
	c := a.Conditions[0]
	if !c.Known || c.Value != 50 || c.Threshold != 10 || !c.Latched ||
		c.Feature != "queue_depth" || c.Stat != "last" || c.Op != ">" {
		t.Errorf("condition %+v, want queue_depth last 50 > 10", c)
	}
	t.Logf("action %+v", a)
	waitFor(2*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(qps) > 0 })
	mu.Lock()
	defer mu.Unlock()
	if len(qps) == 0 || len(qps[0].Conditions) != 1 {
		t.Fatalf("qps_alarm actions %+v", qps)
	}
	if c := qps[0].Conditions[0]; c.Feature != "qps" || c.Stat != "last" || c.Op != ">=" ||
		c.Threshold != 100 || c.Value != 500 || c.Unit != "1/s" {
		t.Errorf("qps condition %+v, want qps last 500 >= 100 1/s", c)
	}
}

// F5: the Go limit is the backstop less the growth of memory outside Go's
// accounting, never below the live heap's need (a lower limit only forces
// back-to-back GCs) and never above the backstop.
func TestGoLimitNeverBelowLiveNeed(t *testing.T) {
	const mib = 1 << 20
	tu := &Tuner{goLimitMax: 576 * mib / 10, bounds: bounds{min: 25}}
	// 64 MiB limit, live 108 MB: the need (145.25 MB) is above the
	// backstop; the Go limit stays at the backstop 0.9 x 64 MiB
	if got := tu.goLimitFor(108e6, 1e6, 10e6); got != tu.goLimitMax {
		t.Errorf("live above the limit: Go limit %d, want the backstop %d", got, tu.goLimitMax)
	}
	// cgo memory grew 40 MB over its least: room is made for it, but the
	// live heap of 30 MB still needs live + 25 % (+ roots) + overhead
	tu.outside, tu.outsideMin = 45e6, 5e6
	if got := tu.goLimitFor(30e6, 1e6, 10e6); got != 47750000 {
		t.Errorf("Go limit %d, want 47750000", got)
	}
	// 0.9 x 268 MiB less 23.3 MB of growth, above the need: applied
	tu.goLimitMax = 2416 * mib / 10
	tu.outside = tu.outsideMin + float64(tu.goLimitMax) - 230e6
	if got := tu.goLimitFor(100e6, 1e6, 10e6); got != 230e6 {
		t.Errorf("Go limit %d, want 230000000", got)
	}
	// no growth, live unknown: the backstop
	tu.outside = tu.outsideMin
	if got := tu.goLimitFor(0, 0, 10e6); got != tu.goLimitMax {
		t.Errorf("Go limit %d, want the backstop", got)
	}
}

// F21: a GOGC outside [MinGOGC, MaxGOGC] is moved to the nearest bound at
// Start (not in a dry run) and restored by Stop.
func TestOutOfBoundsGOGCMovedToBound(t *testing.T) {
	restoreRuntime(t)
	for _, c := range []struct {
		orig, want int
		dry        bool
		mode       string
	}{{1000, 500, false, ""}, {10, 25, false, ""}, {1000, 1000, true, ""}, {300, 300, false, ""}, {1000, 1000, false, "off"}} {
		debug.SetGCPercent(c.orig)
		tu, err := Start(Config{MemoryLimit: NoLimit, DryRun: c.dry, Mode: c.mode})
		if err != nil {
			t.Fatal(err)
		}
		got, st := readGOGC(), tu.Stats().GOGC
		tu.Stop()
		if got != c.want || st != c.want {
			t.Errorf("GOGC %d (dry %v, mode %q): %d after Start, Stats %d, want %d", c.orig, c.dry, c.mode, got, st, c.want)
		}
		if g := readGOGC(); g != c.orig {
			t.Errorf("GOGC %d: %d after Stop", c.orig, g)
		}
	}
}

// F6: on Go 1.19/1.20 the live heap is solved from the goal; when the
// memory limit (not GOGC) sets the goal it is unknown, never a made-up
// number.  (Go 1.21+ reads it exactly: it must be right.)
func TestLiveUnderLimitPressure(t *testing.T) {
	restoreRuntime(t)
	debug.SetGCPercent(100)
	const live = 64 << 20
	keep := make([][]byte, 0, 64)
	for i := 0; i < 64; i++ {
		keep = append(keep, make([]byte, 1<<20))
	}
	for _, lim := range []int64{48 << 20, 80 << 20, math.MaxInt64} {
		debug.SetMemoryLimit(lim)
		r := newRecorder(time.Now(), readGOGC)
		runtime.GC()
		runtime.GC()
		r.poll()
		rec := r.take(time.Now())
		if rec.liveKnown && math.Abs(float64(rec.live)-live) > 0.25*live {
			t.Errorf("limit %d MiB: live %d bytes known, truth about %d", lim>>20, rec.live, live)
		}
		if (r.exact() || lim == math.MaxInt64) && !rec.liveKnown {
			t.Errorf("limit %d MiB: live unknown", lim>>20)
		}
		t.Logf("limit %d MiB: live %d known %v goal %d", lim>>20, rec.live, rec.liveKnown, rec.goal)
	}
	runtime.KeepAlive(keep)
}

// TestReasonNumbersFromEffectiveConfig: a reason compares against the
// controller's settings in force, including those set by PolicyJSON.
func TestReasonNumbersFromEffectiveConfig(t *testing.T) {
	b := bounds{cpuTarget: 0.12, min: 40, max: 300}
	d := Decision{GCCPUFraction: 0.2, Raw: 900}
	for _, c := range []struct {
		name         string
		value, limit float64
	}{{"gc_cpu_above_target", 0.2, 0.12}, {"clamped_max", 900, 300}} {
		for i, n := range reasonNamesForTest() {
			if n == c.name {
				r := reasonNumbers(i, &d, &b)
				if r.Value != c.value || r.Limit != c.limit {
					t.Errorf("%s: %+v", c.name, r)
				}
			}
		}
	}
	restoreRuntime(t)
	tu2, err := Start(Config{MemoryLimit: NoLimit, PolicyJSON: `{"gogc": {"cpu_target": 0.12, "max": 300}}`})
	if err != nil {
		t.Fatal(err)
	}
	defer tu2.Stop()
	if tu2.bounds.cpuTarget != 0.12 || tu2.bounds.max != 300 || tu2.bounds.min != 25 {
		t.Errorf("bounds %+v", tu2.bounds)
	}
}
