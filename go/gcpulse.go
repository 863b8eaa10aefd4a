// Package gcpulse tunes the Go garbage collector with the gcpulse C
// library: one call, Start, hooks every GC cycle, feeds a structured
// per-GC record (runtime/metrics) to the library's sliding-window feature
// store, GOGC controller and scaling-policy table, and applies the
// controller's decisions with debug.SetGCPercent (and, when configured,
// debug.SetMemoryLimit).  Stop restores the settings in force before
// Start.
//
// Design:
//   - A self re-arming finalizer fires once per GC cycle and only does a
//     non-blocking send on a buffered channel, so a slow finalizer queue
//     or a slow tuning step never blocks the runtime's finalizer
//     goroutine.  A low-rate ticker polls /gc/cycles/total as a fallback
//     and advances the library's clock between cycles.
//   - One goroutine owns the hook; every call into the C instance holds a
//     mutex (the instance must not be used from two threads at once).
//   - The C callbacks reach Go through exported functions with a
//     runtime/cgo.Handle as the user value: no Go pointer is ever stored
//     in C memory (safe under cgocheck=2).  The callbacks only copy the
//     record; GOGC changes and user callbacks run after the C call
//     returned, outside the mutex, so user callbacks may call Observe.
package gcpulse

// #include <stdlib.h>
// #include "gcpulse.h"
// #include "bridge.h"
import "C"

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/cgo"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// NoLimit as Config.MemoryLimit means: no memory limit, do not look at
// the cgroup.
const NoLimit int64 = -1

// Config selects what the tuner does.  The zero value is usable: adaptive
// mode, limit from the cgroup, library defaults for everything else.
type Config struct {
	// Mode is the controller mode: "adaptive" (default), "memory-target",
	// "cpu-target", "dual-factor" or "off" (observe and run the policy
	// table only).
	Mode string
	// MemoryLimit in bytes: > 0 this value; 0 read the cgroup v2/v1 limit
	// (walking parents; an existing GOMEMLIMIT is used when there is no
	// cgroup limit); NoLimit (-1) no limit.
	MemoryLimit int64
	// CgroupRoot is the filesystem root for cgroup detection ("" = "/").
	CgroupRoot string
	// MinGOGC, MaxGOGC bound the controller (0 = library defaults 25/500).
	MinGOGC, MaxGOGC float64
	// DryRun: decide and report, never change GOGC or the memory limit;
	// policy actions are reported with Applied = false.
	DryRun bool
	// PolicyJSON is a gcpulse JSON configuration document (the schema of
	// gcpulse_config_load_json: window, gogc, policy rules...).  It is
	// applied first; the fields of this struct override it when set.
	PolicyJSON string
	// SetMemoryLimit also drives debug.SetMemoryLimit: at Start the Go
	// memory limit becomes LimitRatio x the memory limit (never above a
	// GOMEMLIMIT already in force), and later the controller's recommended
	// limits are applied with the same ceiling.
	SetMemoryLimit bool
	// LimitRatio is the fraction of the memory limit the Go heap may use
	// (0 = library default 0.9).
	LimitRatio float64
	// CPUTarget is the GC CPU fraction the cpu-target/adaptive modes aim
	// at (0 = library default 0.05).
	CPUTarget float64
	// Period is the controller's adjustment period (0 = library default).
	Period time.Duration
	// Window is the sliding feature window (0 = library default 60 s).
	Window time.Duration
	// Warmup delays policy actions after Start (0 = library default;
	// use a tiny positive value for "none").
	Warmup time.Duration
	// TickInterval is the fallback ticker's period (default 1 s).
	TickInterval time.Duration
	// OnGOGC is called for every controller decision (after it was
	// applied).  OnAction for every policy action.  Both run on the
	// tuner's goroutine (or the caller of Observe), never concurrently,
	// and may call Observe, Stats and Feature, but not Stop.
	OnGOGC   func(Decision)
	OnAction func(Action)
	// OnEvent, when set, receives every per-GC record fed to the library.
	OnEvent func(Event)
	// NoRSS stops the tuner from feeding the process's resident set size
	// (/proc/self/statm, else the Go runtime's mapped memory) as the "rss"
	// metric on every record and tick.  With it the controller's memory
	// budget accounts for memory outside the Go heap (cgo, C libraries).
	NoRSS bool
}

// Tuner is a running gcpulse instance bound to this process's GC.
type Tuner struct {
	cfg        Config
	handle     cgo.Handle
	limit      int64 // memory limit used (bytes), 0 = none
	goLimit    int64 // Go memory limit applied (0 = not driving); atomic
	goLimitMax int64 // the limit set at Start (limit x ratio): recommendations never exceed it

	mu     sync.Mutex // guards g and the pending queues
	g      *C.gcpulse_t
	closed bool
	// filled by the exported callbacks while mu is held
	pendDec []Decision
	pendAct []Action
	pendEv  []Event

	applyMu sync.Mutex // serialises applying decisions and user callbacks

	origGOGC  int
	origLimit int64
	start     time.Time
	rec       *recorder

	hookCh chan struct{}
	stopCh chan struct{}
	done   chan struct{}
	hook   *hookState
	once   sync.Once

	// counters (atomic)
	hooks, ticks, records, feedErrors, applied, limitSets uint64
	synthetic                                             uint64
	curGOGC                                               int64
}

type hookState struct {
	ch      chan struct{}
	stopped atomic.Bool
}

// sentinel is the object whose finalizer fires once per GC.  It holds a
// pointer so the allocator never puts it in a tiny block (tiny blocks may
// never be finalized).
type sentinel struct{ s *hookState }

func hookFinalizer(x *sentinel) {
	if x.s.stopped.Load() {
		return
	}
	select {
	case x.s.ch <- struct{}{}:
	default: // a signal is already pending: the goroutine is behind
	}
	runtime.SetFinalizer(x, hookFinalizer)
}

func armHook(s *hookState) {
	runtime.SetFinalizer(&sentinel{s: s}, hookFinalizer)
}

func modeID(name string) (C.int, error) {
	if name == "" {
		name = "adaptive"
	}
	for i := 0; i < int(C.GCPULSE_GOGC_MODE_COUNT); i++ {
		if C.GoString(C.gcpulse_gogc_mode_name(C.int(i))) == name {
			return C.int(i), nil
		}
	}
	return 0, fmt.Errorf("gcpulse: unknown mode %q", name)
}

// readGOGC returns the GOGC in force (-1 = off) without changing it.
func readGOGC() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// libErr converts a negative gcpulse_errno_t.
func libErr(what string, rc C.int) error {
	return fmt.Errorf("gcpulse: %s: %s", what, C.GoString(C.gcpulse_strerror(rc)))
}

// resolveLimit turns Config.MemoryLimit into bytes (0 = none).
func resolveLimit(cfg *Config, existingGo int64) (int64, error) {
	switch {
	case cfg.MemoryLimit > 0:
		return cfg.MemoryLimit, nil
	case cfg.MemoryLimit < 0:
		return 0, nil
	}
	l, err := CgroupMemoryLimit(cfg.CgroupRoot)
	if err == nil {
		return l, nil
	}
	if existingGo > 0 && existingGo < math.MaxInt64 {
		return existingGo, nil
	}
	if errors.Is(err, ErrNoLimit) || os.IsNotExist(err) {
		return 0, nil
	}
	return 0, nil // unreadable cgroup files: run without a limit
}

// setPolicyPeriod lowers the policy evaluation period to P seconds,
// growing the stabilisation history so that every window still fits
// (ceil(window/period)+1 slots, at most 1024); when it cannot, the period
// stays as short as the longest window allows.
func setPolicyPeriod(c *C.gcpulse_config_t, p float64) {
	win := math.Max(float64(c.escalate_stabilization_s), float64(c.deescalate_stabilization_s))
	for i := 0; i < int(c.n_rules) && i < len(c.rules); i++ {
		win = math.Max(win, float64(c.rules[i].stabilization_s))
	}
	const maxSlots = 1024
	if need := math.Ceil(win/p) + 1; need > maxSlots {
		p = win / (maxSlots - 2)
	}
	need := int(math.Ceil(win/p)) + 1
	if need > int(c.stabilization_slots) {
		c.stabilization_slots = C.int(need)
	}
	c.policy_period_s = C.double(p)
}

// Start creates the C instance, hooks the GC and starts tuning.
func Start(cfg Config) (*Tuner, error) {
	mode, err := modeID(cfg.Mode)
	if err != nil {
		return nil, err
	}
	t := &Tuner{cfg: cfg, start: time.Now()}
	t.origGOGC = readGOGC()
	t.origLimit = debug.SetMemoryLimit(-1)
	t.curGOGC = int64(t.origGOGC)
	t.limit, err = resolveLimit(&cfg, t.origLimit)
	if err != nil {
		return nil, err
	}

	c := C.gp_config_new()
	if c == nil {
		return nil, errors.New("gcpulse: out of memory")
	}
	defer C.gp_config_free(c)
	if cfg.PolicyJSON != "" {
		var e C.gcpulse_error_t
		txt := C.CString(cfg.PolicyJSON)
		rc := C.gcpulse_config_load_json(c, txt, C.size_t(len(cfg.PolicyJSON)), &e)
		C.free(unsafe.Pointer(txt))
		if rc < 0 {
			return nil, fmt.Errorf("gcpulse: policy JSON: %s at %q (line %d, column %d): %s",
				C.GoString(C.gcpulse_errname(e.code)), C.GoString(&e.path[0]), int(e.line),
				int(e.column), C.GoString(&e.text[0]))
		}
	}
	c.gogc.mode = mode
	if cfg.MinGOGC > 0 {
		c.gogc.min = C.double(cfg.MinGOGC)
	}
	if cfg.MaxGOGC > 0 {
		c.gogc.max = C.double(cfg.MaxGOGC)
	}
	// the controller starts from the GOGC in force (GOGC=off stays off;
	// a value outside the bounds starts at the nearest bound)
	if t.origGOGC < 0 {
		c.gogc.initial = -1
	} else {
		c.gogc.initial = C.double(math.Max(float64(c.gogc.min), math.Min(float64(c.gogc.max), float64(t.origGOGC))))
	}
	if cfg.LimitRatio > 0 {
		c.gogc.limit_ratio = C.double(cfg.LimitRatio)
	}
	if cfg.CPUTarget > 0 {
		c.gogc.cpu_target = C.double(cfg.CPUTarget)
	}
	if cfg.Period > 0 {
		p := cfg.Period.Seconds()
		c.gogc.period_s = C.double(p)
		if float64(c.gogc.dwell_s) > p {
			c.gogc.dwell_s = C.double(p)
		}
		if float64(c.policy_period_s) > p {
			setPolicyPeriod(c, p)
		}
	}
	if cfg.Window > 0 {
		c.window_s = C.double(cfg.Window.Seconds())
	}
	if cfg.Warmup > 0 {
		c.warmup_s = C.double(cfg.Warmup.Seconds())
		if float64(c.settle_s) > cfg.Warmup.Seconds() {
			c.settle_s = C.double(cfg.Warmup.Seconds())
		}
	}
	if t.limit > 0 {
		c.memory_limit = C.double(t.limit)
	}
	if cfg.SetMemoryLimit {
		c.gogc.recommend_limit = 1
	}
	if cfg.DryRun {
		c.dry_run = 1
	}
	var e C.gcpulse_error_t
	if rc := C.gcpulse_config_check(c, &e); rc < 0 {
		return nil, fmt.Errorf("gcpulse: configuration: %s: %s", C.GoString(&e.path[0]), C.GoString(&e.text[0]))
	}

	t.handle = cgo.NewHandle(receiver(t))
	var g *C.gcpulse_t
	rc := C.gp_new(c, C.uintptr_t(t.handle), 0, 1, 1, &g)
	if rc < 0 {
		t.handle.Delete()
		return nil, libErr("gcpulse_new", rc)
	}
	t.g = g

	if t.limit > 0 {
		t.mu.Lock()
		C.gcpulse_feed_metric(t.g, C.GCPULSE_METRIC_MEMORY_LIMIT, 0, C.double(t.limit))
		t.mu.Unlock()
	}
	if cfg.SetMemoryLimit && t.limit > 0 && !cfg.DryRun {
		ratio := float64(c.gogc.limit_ratio)
		if ratio <= 0 || ratio > 1 {
			ratio = 0.9
		}
		gl := int64(float64(t.limit) * ratio)
		if t.origLimit > 0 && t.origLimit < gl {
			gl = t.origLimit
		}
		t.goLimit = gl
		t.goLimitMax = gl
		debug.SetMemoryLimit(gl)
		atomic.AddUint64(&t.limitSets, 1)
	}

	t.rec = newRecorder(t.start, func() int { return int(atomic.LoadInt64(&t.curGOGC)) })
	t.hookCh = make(chan struct{}, 1)
	t.stopCh = make(chan struct{})
	t.done = make(chan struct{})
	t.hook = &hookState{ch: t.hookCh}
	armHook(t.hook)
	tick := cfg.TickInterval
	if tick <= 0 {
		tick = time.Second
	}
	go t.loop(tick)
	return t, nil
}

func (t *Tuner) loop(tick time.Duration) {
	defer close(t.done)
	tk := time.NewTicker(tick)
	defer tk.Stop()
	for {
		select {
		case <-t.stopCh:
			return
		case <-t.hookCh:
			atomic.AddUint64(&t.hooks, 1)
			t.step(false)
		case <-tk.C:
			atomic.AddUint64(&t.ticks, 1)
			t.step(true)
		}
	}
}

const (
	bitSeq       = 1 << C.GCPULSE_FIELD_SEQ
	bitT         = 1 << C.GCPULSE_FIELD_T
	bitPause     = 1 << C.GCPULSE_FIELD_PAUSE_MS
	bitGCCPU     = 1 << C.GCPULSE_FIELD_GC_CPU_MS
	bitBefore    = 1 << C.GCPULSE_FIELD_HEAP_BEFORE
	bitAfter     = 1 << C.GCPULSE_FIELD_HEAP_AFTER
	bitLive      = 1 << C.GCPULSE_FIELD_HEAP_LIVE
	bitGoal      = 1 << C.GCPULSE_FIELD_HEAP_GOAL
	bitStacks    = 1 << C.GCPULSE_FIELD_STACKS
	bitGlobals   = 1 << C.GCPULSE_FIELD_GLOBALS
	bitProcs     = 1 << C.GCPULSE_FIELD_PROCS
	maxSynthetic = 16
)

// step samples the runtime; a new GC cycle becomes a record fed to the
// library, a tick without one just advances the library's clock.
func (t *Tuner) step(tick bool) {
	now := time.Now()
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	cyc := t.rec.poll()
	if cyc == t.rec.lastCycles {
		if tick {
			sec := now.Sub(t.start).Seconds()
			t.feedRSS(sec)
			C.gcpulse_tick(t.g, C.double(sec))
		}
		t.mu.Unlock()
		t.flush()
		return
	}
	r := t.rec.take(now)
	// cycles that ran between two hooks: count them as synthetic records
	// (seq and time only) so the window's GC rate stays right
	var ev C.gcpulse_event_t
	if r.cycles > 1 {
		n := r.cycles - 1
		if n > maxSynthetic {
			n = maxSynthetic
		}
		for i := uint64(0); i < n; i++ {
			C.gcpulse_event_init(&ev)
			ev.runtime = C.GCPULSE_RT_GO
			ev.collector = C.GCPULSE_COLLECTOR_GO
			ev.kind = C.GCPULSE_KIND_GO_CYCLE
			ev.flags = C.uint32_t(FlagSynthetic)
			ev.seq = C.uint64_t(r.seq - n + i)
			ev.t = C.double(r.t)
			ev.known = C.uint64_t(bitSeq | bitT)
			if C.gcpulse_feed_event(t.g, &ev) < 0 {
				atomic.AddUint64(&t.feedErrors, 1)
			}
			atomic.AddUint64(&t.synthetic, 1)
		}
	}
	C.gcpulse_event_init(&ev)
	ev.runtime = C.GCPULSE_RT_GO
	ev.collector = C.GCPULSE_COLLECTOR_GO
	ev.kind = C.GCPULSE_KIND_GO_CYCLE
	known := uint64(bitSeq | bitT | bitProcs | bitAfter)
	ev.seq = C.uint64_t(r.seq)
	ev.t = C.double(r.t)
	ev.procs = C.uint32_t(r.procs)
	ev.heap_after = C.uint64_t(r.after)
	if r.forced {
		ev.flags |= C.uint32_t(FlagForced)
	}
	if r.pauseKnown {
		ev.pause_ms = C.double(r.pauseMs)
		known |= bitPause
	}
	if r.gcCPUKnown {
		ev.gc_cpu_ms = C.double(r.gcCPUMs)
		known |= bitGCCPU
	}
	if r.beforeKnown {
		ev.heap_before = C.uint64_t(r.before)
		known |= bitBefore
	}
	if r.liveKnown {
		ev.heap_live = C.uint64_t(r.live)
		known |= bitLive
	}
	if r.goal > 0 {
		ev.heap_goal = C.uint64_t(r.goal)
		known |= bitGoal
	}
	if r.stacksKnown {
		ev.stacks = C.uint64_t(r.stacks)
		known |= bitStacks
	}
	if r.globalsKnown {
		ev.globals = C.uint64_t(r.globals)
		known |= bitGlobals
	}
	ev.known = C.uint64_t(known)
	if t.cfg.OnEvent != nil {
		t.pendEv = append(t.pendEv, eventFromC(&ev))
	}
	if C.gcpulse_feed_event(t.g, &ev) < 0 {
		atomic.AddUint64(&t.feedErrors, 1)
	}
	atomic.AddUint64(&t.records, 1)
	t.feedRSS(r.t)
	t.mu.Unlock()
	t.flush()
}

// feedRSS feeds the resident set size at time sec (mu held).
func (t *Tuner) feedRSS(sec float64) {
	if t.cfg.NoRSS {
		return
	}
	rss := residentBytes()
	if rss == 0 {
		rss = t.rec.totalMemory()
	}
	if rss > 0 {
		C.gcpulse_feed_metric(t.g, C.GCPULSE_METRIC_RSS, C.double(sec), C.double(rss))
	}
}

var pageSize = uint64(os.Getpagesize())

// residentBytes reads the resident set size from /proc/self/statm (0 if
// unavailable).
func residentBytes() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	n, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return n * pageSize
}

// takePending empties the queues the callbacks filled (mu held).
func (t *Tuner) takePending() ([]Decision, []Action, []Event) {
	d, a, e := t.pendDec, t.pendAct, t.pendEv
	t.pendDec, t.pendAct, t.pendEv = nil, nil, nil
	return d, a, e
}

// flush applies queued decisions and runs user callbacks, outside mu.
// Only one goroutine flushes at a time; it drains everything queued,
// including what its own callbacks queue through Observe, so a callback
// calling Observe never deadlocks (a concurrent caller whose TryLock fails
// leaves its records to the active flusher).
func (t *Tuner) flush() {
	for {
		if !t.applyMu.TryLock() {
			return
		}
		for {
			t.mu.Lock()
			decs, acts, evs := t.takePending()
			closed := t.closed
			t.mu.Unlock()
			if len(decs)+len(acts)+len(evs) == 0 {
				break
			}
			for _, e := range evs {
				t.cfg.OnEvent(e)
			}
			for _, d := range decs {
				if !closed {
					t.apply(&d)
				}
				if t.cfg.OnGOGC != nil {
					t.cfg.OnGOGC(d)
				}
			}
			for _, a := range acts {
				if t.cfg.OnAction != nil {
					t.cfg.OnAction(a)
				}
			}
		}
		t.applyMu.Unlock()
		t.mu.Lock()
		more := len(t.pendDec)+len(t.pendAct)+len(t.pendEv) > 0
		t.mu.Unlock()
		if !more {
			return
		}
	}
}

// apply writes a decision to the runtime (applyMu held).
func (t *Tuner) apply(d *Decision) {
	if t.cfg.DryRun {
		return
	}
	v := int(math.Round(d.Value))
	if d.Value < 0 {
		v = -1
	}
	if int64(v) != atomic.LoadInt64(&t.curGOGC) {
		debug.SetGCPercent(v)
		atomic.StoreInt64(&t.curGOGC, int64(v))
		atomic.AddUint64(&t.applied, 1)
		d.Applied = true
	}
	if cur := atomic.LoadInt64(&t.goLimit); t.cfg.SetMemoryLimit && d.MemoryLimit > 0 && cur > 0 {
		// The recommendation is a heap budget; Go's limit also counts the
		// runtime's own memory (stacks, metadata, free spans), so that is
		// added back, up to the limit set at Start.
		l := int64(d.MemoryLimit + goRuntimeOverhead())
		if t.goLimitMax > 0 && l > t.goLimitMax {
			l = t.goLimitMax
		}
		if t.origLimit > 0 && t.origLimit < math.MaxInt64 && l > t.origLimit {
			l = t.origLimit
		}
		if l != cur {
			debug.SetMemoryLimit(l)
			atomic.StoreInt64(&t.goLimit, l)
			atomic.AddUint64(&t.limitSets, 1)
		}
	}
}

func (t *Tuner) gotEvent(ev *C.gcpulse_event_t) {}

func (t *Tuner) gotDecision(d *C.gcpulse_gogc_decision_t) {
	t.pendDec = append(t.pendDec, decisionFromC(d))
}

func (t *Tuner) gotAction(a *C.gcpulse_action_t) {
	t.pendAct = append(t.pendAct, actionFromC(a))
}

// Observe feeds a caller metric at the current time: "qps", "rss" (bytes),
// "latency_ms", "memory_limit_bytes", or any custom name (registered on
// first use; the library has a fixed number of custom slots).  Invalid
// values (negative, NaN, Inf) and names that do not fit are counted in
// Stats().Rejected and otherwise ignored.
func (t *Tuner) Observe(metric string, value float64) {
	now := time.Since(t.start).Seconds()
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	cs := C.CString(metric)
	id := C.gcpulse_metric_id(t.g, cs)
	C.free(unsafe.Pointer(cs))
	if id < 0 || C.gcpulse_feed_metric(t.g, id, C.double(now), C.double(value)) < 0 {
		atomic.AddUint64(&t.feedErrors, 1)
	}
	t.mu.Unlock()
	t.flush()
}

// Stats is a snapshot of the tuner's counters and the library's features.
type Stats struct {
	// Go side
	Hooks            uint64  // per-GC finalizer signals handled
	Ticks            uint64  // fallback ticker wakeups
	Records          uint64  // per-GC records fed
	Synthetic        uint64  // records for cycles the hook missed
	Rejected         uint64  // records/metrics the library rejected
	GOGCApplied      uint64  // debug.SetGCPercent calls made
	LimitApplied     uint64  // debug.SetMemoryLimit calls made
	GOGC             int     // GOGC in force (-1 = off)
	ControllerGOGC   float64 // the controller's current value
	MemoryLimit      int64   // the memory limit the tuner works with (0 = none)
	GoMemoryLimit    int64   // Go memory limit set by the tuner (0 = untouched)
	ExactMetrics     bool    // STW-free exact runtime/metrics in use (Go 1.21+)
	FinalizerBacklog int64   // queued - executed finalizers, -1 if unknown
	// Library counters (gcpulse_stats_t)
	Events, EventsFed, Metrics uint64
	GOGCDecisions, GOGCChanges uint64
	GOGCReversals              uint64
	GOGCTotalVariation         float64
	PolicyEvaluations, Actions uint64
	ActionsSuppressed          uint64
	// Features: feature name -> statistic name -> value, every known one
	// (gcpulse_features_to_json); FeaturesJSON is the raw document.
	Features     map[string]map[string]float64
	FeaturesJSON string
}

// Stats returns the counters and the current features.
func (t *Tuner) Stats() Stats {
	s := Stats{
		Hooks:            atomic.LoadUint64(&t.hooks),
		Ticks:            atomic.LoadUint64(&t.ticks),
		Records:          atomic.LoadUint64(&t.records),
		Synthetic:        atomic.LoadUint64(&t.synthetic),
		Rejected:         atomic.LoadUint64(&t.feedErrors),
		GOGCApplied:      atomic.LoadUint64(&t.applied),
		LimitApplied:     atomic.LoadUint64(&t.limitSets),
		GOGC:             int(atomic.LoadInt64(&t.curGOGC)),
		MemoryLimit:      t.limit,
		ExactMetrics:     t.rec.exact(),
		FinalizerBacklog: -1,
	}
	s.GoMemoryLimit = atomic.LoadInt64(&t.goLimit)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return s
	}
	s.FinalizerBacklog = t.rec.finalizerBacklog()
	var st C.gcpulse_stats_t
	C.gcpulse_stats(t.g, &st)
	s.Events, s.EventsFed, s.Metrics = uint64(st.events), uint64(st.events_fed), uint64(st.metrics)
	s.GOGCDecisions, s.GOGCChanges = uint64(st.gogc_decisions), uint64(st.gogc_changes)
	s.GOGCReversals, s.GOGCTotalVariation = uint64(st.gogc_reversals), float64(st.gogc_total_variation)
	s.PolicyEvaluations, s.Actions = uint64(st.policy_evaluations), uint64(st.actions)
	s.ActionsSuppressed = uint64(st.actions_suppressed)
	s.ControllerGOGC = float64(C.gcpulse_gogc_current(t.g))
	g := t.g
	s.FeaturesJSON = toJSON(func(dst *C.char, n C.size_t) C.long { return C.gcpulse_features_to_json(g, dst, n) })
	if s.FeaturesJSON != "" {
		_ = json.Unmarshal([]byte(s.FeaturesJSON), &s.Features)
	}
	return s
}

// Feature reads one feature statistic by name ("gc_cpu_fraction",
// "p99"...).  ok is false when the library reports it unknown; why then
// says why ("no_data", "too_few_samples", ...).
func (t *Tuner) Feature(feature, stat string) (v float64, ok bool, why string) {
	cf, cs := C.CString(feature), C.CString(stat)
	defer C.free(unsafe.Pointer(cf))
	defer C.free(unsafe.Pointer(cs))
	fid, sid := C.gcpulse_feature_by_name(cf), C.gcpulse_stat_by_name(cs)
	if fid < 0 || sid < 0 {
		return 0, false, "unknown_name"
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return 0, false, "stopped"
	}
	var out C.double
	rc := C.gcpulse_feature(t.g, fid, sid, &out)
	if rc == 0 {
		return float64(out), true, ""
	}
	if rc > 0 {
		return 0, false, C.GoString(C.gcpulse_why_name(rc))
	}
	return 0, false, strings.ToLower(C.GoString(C.gcpulse_errname(rc)))
}

// MemoryLimit is the memory limit the tuner works with (0 = none).
func (t *Tuner) MemoryLimit() int64 { return t.limit }

// Stop unhooks the GC, frees the C instance and restores the GOGC and Go
// memory limit in force before Start (including GOGC=off and a GOMEMLIMIT
// set by the environment).  It is safe to call more than once.
func (t *Tuner) Stop() {
	t.once.Do(func() {
		t.hook.stopped.Store(true)
		close(t.stopCh)
		<-t.done
		t.flush()
		t.applyMu.Lock() // waits for a flush in progress
		t.mu.Lock()
		t.closed = true
		C.gcpulse_free(t.g)
		t.g = nil
		t.mu.Unlock()
		t.handle.Delete()
		debug.SetGCPercent(t.origGOGC)
		debug.SetMemoryLimit(t.origLimit)
		atomic.StoreInt64(&t.curGOGC, int64(t.origGOGC))
		t.applyMu.Unlock()
	})
}
