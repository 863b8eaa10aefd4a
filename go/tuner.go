package gcpulse

// The tuner: one per process.
//
//   - A self re-arming finalizer fires once per GC cycle and only does a
//     non-blocking send on a buffered channel.  A ticker (default 1 s)
//     advances the library's clock between cycles and samples the RSS.
//   - One goroutine (loop) owns the hook, the ticker and every user
//     callback.  Every call into the C instance holds mu; the C callbacks
//     (callbacks.go) only copy the C record into a reusable queue.  After
//     the C call returns, the loop applies decisions and runs the user
//     callbacks outside mu, each under recover.  Observe only feeds the
//     library and wakes the loop.
//   - Nothing on the per-GC path allocates (the queues are reused and
//     converted to Go values only when a callback wants them).

// #cgo CFLAGS: -O2
// #cgo LDFLAGS: -lm
// #include <stdlib.h>
// #include "gcpulse.h"
// #include "bridge.h"
import "C"

import (
	"fmt"
	"log"
	"math"
	"os"
	"runtime"
	"runtime/cgo"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// the process-wide slot: at most one tuner at a time
var active struct {
	sync.Mutex
	t *Tuner
}

// Tuner is a running gcpulse instance bound to this process's GC.
type Tuner struct {
	cfg        Config
	handle     cgo.Handle
	limit      int64 // memory limit used (bytes), 0 = none
	goLimit    int64 // Go memory limit applied (0 = not driving); atomic
	goLimitMax int64 // the backstop set at Start: recommendations never exceed it
	// memory outside Go's accounting (RSS - Go's mapped memory), the last
	// reading and the least (mu held)
	outside, outsideMin float64
	outsideSeen         bool
	metricIDs           map[Metric]C.int
	bounds              bounds // the controller's settings, for Reason numbers

	mu     sync.Mutex // guards g, closed, rec, the queues
	g      *C.gcpulse_t
	closed bool
	rec    *recorder
	rss    rssReader
	ev     C.gcpulse_event_t // scratch (a local would escape to the heap through cgo)
	st     C.gcpulse_stats_t
	// filled by the exported callbacks while mu is held; swapped with the
	// spare slices by take (no allocation in steady state)
	pendDec, spareDec []C.gcpulse_gogc_decision_t
	pendAct, spareAct []C.gcpulse_action_t
	pendEv, spareEv   []C.gcpulse_event_t

	origGOGC  int
	origLimit int64
	start     time.Time

	hookCh chan struct{}
	wakeCh chan struct{}
	stopCh chan struct{}
	done   chan struct{}
	hook   *hookState
	once   sync.Once

	// counters (atomic)
	hooks, ticks, records, feedErrors, applied, limitSets uint64
	synthetic, panics                                     uint64
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

func modeID(name string) (C.int, error) {
	if name == "" {
		name = "adaptive"
	}
	for i := 0; i < int(C.GCPULSE_GOGC_MODE_COUNT); i++ {
		if C.GoString(C.gcpulse_gogc_mode_name(C.int(i))) == name {
			return C.int(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown mode %q", ErrConfig, name)
}

// readGOGC returns the GOGC in force (-1 = off) without changing it.
func readGOGC() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func libErr(what string, rc C.int) error {
	return fmt.Errorf("gcpulse: %s: %s", what, C.GoString(C.gcpulse_strerror(rc)))
}

// checkVersion compares the compiled C library with this package.
func checkVersion() error {
	if got := C.GoString(C.gcpulse_version_string()); got != Version ||
		C.gcpulse_version() != C.GCPULSE_VERSION_HEX {
		return fmt.Errorf("%w: C %s, Go %s (regenerate go/gcpulse.c with make amalgamation)",
			ErrVersionMismatch, got, Version)
	}
	return nil
}

// Start validates cfg, creates the C instance, hooks the GC and starts
// tuning.  Errors: *AlreadyStartedError, ErrVersionMismatch,
// ErrLimitTooSmall, ErrLimitBelowHeap, ErrNoLimitFound, ErrConfig,
// ErrTooManyMetrics (all wrapped with details; use errors.Is).
func Start(cfg Config) (*Tuner, error) {
	if err := checkVersion(); err != nil {
		return nil, err
	}
	active.Lock()
	defer active.Unlock()
	if active.t != nil {
		return nil, &AlreadyStartedError{Since: active.t.start}
	}
	t := &Tuner{cfg: cfg, start: time.Now()}
	t.origGOGC = readGOGC()
	t.origLimit = debug.SetMemoryLimit(-1)
	t.curGOGC = int64(t.origGOGC)
	t.rec = newRecorder(t.start, func() int { return int(atomic.LoadInt64(&t.curGOGC)) })
	var err error
	if t.limit, err = resolveLimit(&cfg, t.origLimit, t.rec.heapInUse()); err != nil {
		return nil, err
	}
	if cfg.SetMemoryLimit && t.limit == 0 {
		return nil, ErrNoLimitFound
	}
	c := C.gp_config_new()
	if c == nil {
		return nil, fmt.Errorf("gcpulse: out of memory")
	}
	defer C.gp_config_free(c)
	if err := t.fillConfig(c); err != nil {
		return nil, err
	}
	t.handle = cgo.NewHandle(receiver(t))
	var g *C.gcpulse_t // no on_event: step queues the records it feeds itself
	if rc := C.gp_new(c, C.uintptr_t(t.handle), 0, 1, 1, &g); rc < 0 {
		t.handle.Delete()
		return nil, libErr("gcpulse_new", rc)
	}
	t.g = g
	if err := t.registerMetrics(); err != nil {
		C.gcpulse_free(g)
		t.handle.Delete()
		return nil, err
	}
	if t.limit > 0 {
		C.gcpulse_feed_metric(t.g, C.GCPULSE_METRIC_MEMORY_LIMIT, 0, C.double(t.limit))
	}
	t.applyBackstop(float64(c.gogc.limit_ratio))
	if v := int(math.Round(float64(c.gogc.initial))); t.origGOGC >= 0 && v != t.origGOGC &&
		!cfg.DryRun && c.gogc.mode != C.GCPULSE_GOGC_OFF {
		// a GOGC outside [MinGOGC, MaxGOGC] starts at the nearest bound
		// (mode off observes only: GOGC is left alone)
		debug.SetGCPercent(v)
		t.curGOGC = int64(v)
		t.applied++
	}
	if !cfg.NoRSS {
		t.rss.open()
	}
	t.hookCh = make(chan struct{}, 1)
	t.wakeCh = make(chan struct{}, 1)
	t.stopCh = make(chan struct{})
	t.done = make(chan struct{})
	t.hook = &hookState{ch: t.hookCh}
	runtime.SetFinalizer(&sentinel{s: t.hook}, hookFinalizer)
	tick := cfg.TickInterval
	if tick <= 0 {
		tick = time.Second
	}
	active.t = t
	go t.loop(tick)
	return t, nil
}

// resolveLimit turns Config.MemoryLimit into bytes (0 = none): the
// given value (validated), else the cgroup's, else a GOMEMLIMIT in force;
// a GOMEMLIMIT below the value found is a ceiling the tuner plans within.
func resolveLimit(cfg *Config, goLimit int64, heapInUse uint64) (int64, error) {
	l, err := findLimit(cfg, goLimit, heapInUse)
	if err == nil && l > 0 && goLimit > 0 && goLimit < l {
		l = goLimit
	}
	return l, err
}

func findLimit(cfg *Config, goLimit int64, heapInUse uint64) (int64, error) {
	switch {
	case cfg.MemoryLimit < 0:
		return 0, nil
	case cfg.MemoryLimit > 0:
		if cfg.MemoryLimit < MinMemoryLimit {
			return 0, fmt.Errorf("%w: MemoryLimit %d bytes (did you mean %d<<20 = %d?)",
				ErrLimitTooSmall, cfg.MemoryLimit, cfg.MemoryLimit, cfg.MemoryLimit<<20)
		}
		if heapInUse > 0 && uint64(cfg.MemoryLimit) < heapInUse {
			return 0, fmt.Errorf("%w: MemoryLimit %d bytes < %d bytes in use",
				ErrLimitBelowHeap, cfg.MemoryLimit, heapInUse)
		}
		return cfg.MemoryLimit, nil
	}
	if l, err := CgroupMemoryLimit(cfg.CgroupRoot); err == nil {
		return l, nil
	}
	if goLimit > 0 && goLimit < math.MaxInt64 {
		return goLimit, nil // GOMEMLIMIT (environment or caller) as the limit
	}
	return 0, nil
}

// fillConfig sets the C configuration from PolicyJSON and cfg.
func (t *Tuner) fillConfig(c *C.gcpulse_config_t) error {
	cfg := &t.cfg
	mode, err := modeID(cfg.Mode)
	if err != nil {
		return err
	}
	if cfg.PolicyJSON != "" {
		var e C.gcpulse_error_t
		txt := C.CString(cfg.PolicyJSON)
		rc := C.gcpulse_config_load_json(c, txt, C.size_t(len(cfg.PolicyJSON)), &e)
		C.free(unsafe.Pointer(txt))
		if rc < 0 {
			return fmt.Errorf("%w: PolicyJSON: %s at %q (line %d, column %d): %s", ErrConfig,
				C.GoString(C.gcpulse_errname(e.code)), C.GoString(&e.path[0]), int(e.line),
				int(e.column), C.GoString(&e.text[0]))
		}
	}
	if cfg.Mode != "" || cfg.PolicyJSON == "" {
		c.gogc.mode = mode
	}
	if cfg.MinGOGC > 0 {
		c.gogc.min = C.double(cfg.MinGOGC)
	}
	if cfg.MaxGOGC > 0 {
		c.gogc.max = C.double(cfg.MaxGOGC)
	}
	// the controller starts from the GOGC in force (environment GOGC or
	// the caller's; off stays off; outside the bounds: the nearest bound)
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
		c.gogc.period_s = C.double(cfg.Period.Seconds())
		if float64(c.gogc.dwell_s) > cfg.Period.Seconds() {
			c.gogc.dwell_s = C.double(cfg.Period.Seconds())
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
	if t.drivesLimit() {
		// also in a dry run: the decisions shown are those that would run
		c.gogc.recommend_limit = 1
	}
	if cfg.DryRun {
		c.dry_run = 1
	}
	if len(cfg.CustomMetrics) > int(C.GCPULSE_CUSTOM_MAX) {
		return fmt.Errorf("%w: %d declared, at most %d", ErrTooManyMetrics,
			len(cfg.CustomMetrics), int(C.GCPULSE_CUSTOM_MAX))
	}
	if n := len(cfg.CustomMetrics); n > int(c.custom_metrics) {
		c.custom_metrics = C.int(n)
	}
	for i, name := range cfg.CustomMetrics {
		if name == "" || len(name) >= int(C.GCPULSE_NAME_MAX) {
			return fmt.Errorf("%w: custom metric %q: 1 to %d bytes", ErrConfig, name, int(C.GCPULSE_NAME_MAX)-1)
		}
		if _, builtin := builtinMetrics[Metric(name)]; builtin {
			return fmt.Errorf("%w: custom metric %q is built in", ErrConfig, name)
		}
		cs := C.CString(name)
		C.gp_config_set_custom(c, C.int(i), cs)
		C.free(unsafe.Pointer(cs))
	}
	var e C.gcpulse_error_t
	if rc := C.gcpulse_config_check(c, &e); rc < 0 {
		return fmt.Errorf("%w: %s: %s", ErrConfig, C.GoString(&e.path[0]), C.GoString(&e.text[0]))
	}
	t.bounds = bounds{float64(c.gogc.cpu_target), float64(c.gogc.min), float64(c.gogc.max)}
	return nil
}

var builtinMetrics = map[Metric]C.int{
	MetricQPS: C.GCPULSE_METRIC_QPS, MetricRSS: C.GCPULSE_METRIC_RSS, "rss_bytes": C.GCPULSE_METRIC_RSS,
	MetricLatencyMs: C.GCPULSE_METRIC_LATENCY, MetricMemoryLimit: C.GCPULSE_METRIC_MEMORY_LIMIT,
}

// registerMetrics builds the name -> id table Observe reads (read-only
// after Start, so Observe needs no lock for it): the built-in metrics, the
// custom metrics PolicyJSON's rules and custom_names registered, and
// Config.CustomMetrics.
func (t *Tuner) registerMetrics() error {
	t.metricIDs = make(map[Metric]C.int, len(builtinMetrics)+len(t.cfg.CustomMetrics))
	for k, v := range builtinMetrics {
		t.metricIDs[k] = v
	}
	for id := C.int(C.GCPULSE_FEAT_CUSTOM); id < C.GCPULSE_FEAT_CUSTOM+C.GCPULSE_CUSTOM_MAX; id++ {
		// an unregistered id reads as the generic feature name
		if name := C.GoString(C.gcpulse_metric_name(t.g, id)); name != C.GoString(C.gcpulse_feature_name(id)) {
			t.metricIDs[Metric(name)] = id
		}
	}
	for _, name := range t.cfg.CustomMetrics {
		cs := C.CString(name)
		id := C.gcpulse_metric_id(t.g, cs)
		C.free(unsafe.Pointer(cs))
		if id < 0 {
			return fmt.Errorf("%w: %q: %s", ErrTooManyMetrics, name, C.GoString(C.gcpulse_strerror(id)))
		}
		t.metricIDs[Metric(name)] = id
	}
	return nil
}

// drivesLimit: whether the tuner drives the Go memory limit (a dry run
// decides as if it did, and applies nothing).
func (t *Tuner) drivesLimit() bool { return t.limit > 0 && !t.cfg.NoBackstop }

// backstop: whether the tuner sets the Go memory limit.
func (t *Tuner) backstop() bool { return t.drivesLimit() && !t.cfg.DryRun }

// applyBackstop sets the Go memory limit to ratio x the limit, never above
// a GOMEMLIMIT in force (an environment GOMEMLIMIT is a ceiling).
func (t *Tuner) applyBackstop(ratio float64) {
	if !t.backstop() {
		return
	}
	if ratio <= 0 || ratio > 1 {
		ratio = 0.9
	}
	gl := int64(float64(t.limit) * ratio)
	if t.origLimit > 0 && t.origLimit < math.MaxInt64 && (t.origLimit < gl || t.origLimit == t.limit) {
		gl = t.origLimit // the limit came from GOMEMLIMIT, or GOMEMLIMIT is lower
	}
	t.goLimit, t.goLimitMax = gl, gl
	if gl != t.origLimit {
		debug.SetMemoryLimit(gl)
		t.limitSets++
	}
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
		case <-t.wakeCh:
		}
		t.deliver()
	}
}

// step samples the runtime; a new GC cycle becomes a record fed to the
// library, a tick without one just advances the library's clock.
func (t *Tuner) step(tick bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	now := time.Now()
	sec := now.Sub(t.start).Seconds()
	if tick {
		t.feedRSS(sec)
	}
	if t.rec.poll() == t.rec.lastCycles {
		if tick {
			C.gcpulse_tick(t.g, C.double(sec))
		}
		return
	}
	r := t.rec.take(now)
	ev := &t.ev
	// cycles that ran between two hooks: synthetic records (seq and time
	// only) so the window's GC rate stays right
	if r.cycles > 1 {
		n := r.cycles - 1
		if n > maxSynthetic {
			n = maxSynthetic
		}
		for i := uint64(0); i < n; i++ {
			fillSynthetic(ev, r.seq-n+i, r.t)
			if C.gcpulse_feed_event(t.g, ev) < 0 {
				atomic.AddUint64(&t.feedErrors, 1)
			}
			atomic.AddUint64(&t.synthetic, 1)
		}
	}
	fillRecord(ev, &r)
	if t.cfg.OnEvent != nil {
		t.pendEv = append(t.pendEv, *ev)
	}
	if C.gcpulse_feed_event(t.g, ev) < 0 {
		atomic.AddUint64(&t.feedErrors, 1)
	}
	atomic.AddUint64(&t.records, 1)
}

// feedRSS feeds the resident set size at most once per second (mu held).
func (t *Tuner) feedRSS(sec float64) {
	if t.cfg.NoRSS || sec-t.rss.last < 1 && t.rss.last > 0 {
		return
	}
	t.rss.last = sec
	rss, total := t.rss.read(), t.rec.totalMemory()
	if rss > 0 && total > 0 {
		// memory outside Go's accounting (cgo, the binary): GOMEMLIMIT
		// does not count it, the Go limit makes room for its growth
		out := math.Max(0, float64(rss)-float64(total))
		t.outside = out
		if !t.outsideSeen || out < t.outsideMin {
			t.outsideMin, t.outsideSeen = out, true
		}
	}
	if rss == 0 {
		rss = total
	}
	if rss > 0 {
		C.gcpulse_feed_metric(t.g, C.GCPULSE_METRIC_RSS, C.double(sec), C.double(rss))
	}
}

// rssReader reads /proc/self/statm through a file kept open (no allocation).
type rssReader struct {
	f    *os.File
	buf  [128]byte
	last float64
}

var pageSize = uint64(os.Getpagesize())

func (r *rssReader) open() {
	if f, err := os.Open("/proc/self/statm"); err == nil {
		r.f = f
	}
}

func (r *rssReader) close() {
	if r.f != nil {
		r.f.Close()
		r.f = nil
	}
}

// read returns the resident set size in bytes, 0 if unavailable.
func (r *rssReader) read() uint64 {
	if r.f == nil {
		return 0
	}
	n, _ := r.f.ReadAt(r.buf[:], 0)
	b := r.buf[:n]
	i := 0
	for i < len(b) && b[i] != ' ' { // skip "size"
		i++
	}
	i++
	var pages uint64
	digits := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		pages = pages*10 + uint64(b[i]-'0')
		digits++
	}
	if digits == 0 || digits > 15 {
		return 0
	}
	return pages * pageSize
}

// take empties the queues the C callbacks filled (mu held); the returned
// slices stay valid until the next take.
func (t *Tuner) take() ([]C.gcpulse_gogc_decision_t, []C.gcpulse_action_t, []C.gcpulse_event_t) {
	d, a, e := t.pendDec, t.pendAct, t.pendEv
	t.pendDec, t.spareDec = t.spareDec[:0], d
	t.pendAct, t.spareAct = t.spareAct[:0], a
	t.pendEv, t.spareEv = t.spareEv[:0], e
	return d, a, e
}

// deliver applies queued decisions and runs the user callbacks (tuner
// goroutine only, outside mu).
func (t *Tuner) deliver() {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	decs, acts, evs := t.take()
	t.mu.Unlock()
	for i := range evs {
		if t.cfg.OnEvent != nil {
			e := eventFromC(&evs[i])
			t.call("OnEvent", func() { t.cfg.OnEvent(e) })
		}
	}
	for i := range decs {
		applied := t.apply(&decs[i])
		if t.cfg.OnGOGC != nil {
			d := decisionFromC(&decs[i], &t.bounds)
			d.Applied = applied
			t.call("OnGOGC", func() { t.cfg.OnGOGC(d) })
		}
	}
	for i := range acts {
		if t.cfg.OnAction != nil {
			a := actionFromC(&acts[i], t.metricIDs)
			t.call("OnAction", func() { t.cfg.OnAction(a) })
		}
	}
}

// call runs a user callback; a panic is recovered and reported.
func (t *Tuner) call(name string, fn func()) {
	defer func() {
		if v := recover(); v != nil {
			atomic.AddUint64(&t.panics, 1)
			t.report(&CallbackPanicError{Callback: name, Value: v})
		}
	}()
	fn()
}

func (t *Tuner) report(err error) {
	if t.cfg.OnError == nil {
		log.Print(err)
		return
	}
	defer func() {
		if v := recover(); v != nil {
			log.Printf("%v; OnError panicked too: %v", err, v)
		}
	}()
	t.cfg.OnError(err)
}

// apply writes a decision to the runtime; true when GOGC changed.
func (t *Tuner) apply(d *C.gcpulse_gogc_decision_t) bool {
	if t.cfg.DryRun {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	changed := false
	v := int(math.Round(float64(d.value)))
	if d.value < 0 {
		v = -1
	}
	if int64(v) != atomic.LoadInt64(&t.curGOGC) {
		debug.SetGCPercent(v)
		atomic.StoreInt64(&t.curGOGC, int64(v))
		atomic.AddUint64(&t.applied, 1)
		changed = true
	}
	if cur := atomic.LoadInt64(&t.goLimit); cur > 0 && d.recommended_limit > 0 {
		var live, roots float64
		if uint32(d.inputs_known)&(1<<uint(C.GCPULSE_FEAT_HEAP_LIVE)) != 0 {
			live, roots = float64(d.live_bytes), float64(d.stacks_globals_bytes)
		}
		l := t.goLimitFor(live, roots, t.rec.runtimeOverhead())
		if l != cur {
			debug.SetMemoryLimit(l)
			atomic.StoreInt64(&t.goLimit, l)
			atomic.AddUint64(&t.limitSets, 1)
			t.rec.goalChanged()
		}
	}
	if changed {
		t.rec.goalChanged()
	}
	return changed
}

// goLimitFor is the Go memory limit: the backstop set at Start
// (LimitRatio x the limit) less the growth of the memory outside Go's
// accounting (RSS - Go's mapped memory, over its least: cgo's mallocs,
// which GOMEMLIMIT does not count); never below what the live heap needs
// at MinGOGC plus the runtime's own memory OVERHEAD (stacks, metadata,
// free spans; a limit under it only forces back-to-back collections: more
// memory is the answer there, the policy's scale_up_memory), and never
// above the backstop.  live = 0: unknown.
//
// Not the decision's recommended limit (the budget less the measured goal
// overshoot and less all of RSS - heap, the binary's fixed footprint
// included): the runtime's pacer plans for overshoot at its limit and the
// 1 - LimitRatio margin absorbs the rest and the fixed footprint; those
// margins on top only added collections (S1 of make bench-gogc: 91 in the
// pulse against GOMEMLIMIT's 78; 79 at the backstop, with no breach).
func (t *Tuner) goLimitFor(live, roots, overhead float64) int64 {
	l := float64(t.goLimitMax) - (t.outside - t.outsideMin)
	if live > 0 {
		l = math.Max(l, live+(live+roots)*t.bounds.min/100+overhead)
	}
	if l >= float64(t.goLimitMax) {
		return t.goLimitMax
	}
	return int64(l)
}

func (t *Tuner) gotEvent(ev *C.gcpulse_event_t) {}

func (t *Tuner) gotDecision(d *C.gcpulse_gogc_decision_t) { t.pendDec = append(t.pendDec, *d) }

func (t *Tuner) gotAction(a *C.gcpulse_action_t) { t.pendAct = append(t.pendAct, *a) }

// Observe feeds a caller metric at the current time: a built-in Metric
// constant or a name declared in Config.CustomMetrics.  It never runs
// callbacks (the tuner's goroutine does).  Errors: ErrUnknownMetric,
// ErrInvalidValue (negative, NaN, Inf; also counted in Stats().Rejected),
// ErrStopped.
func (t *Tuner) Observe(metric Metric, value float64) error {
	id, ok := t.metricIDs[metric]
	if !ok {
		atomic.AddUint64(&t.feedErrors, 1)
		return fmt.Errorf("%w: %q (built in: qps, rss, latency_ms, memory_limit_bytes; others must be in Config.CustomMetrics)",
			ErrUnknownMetric, string(metric))
	}
	now := time.Since(t.start).Seconds()
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return ErrStopped
	}
	rc := C.gcpulse_feed_metric(t.g, id, C.double(now), C.double(value))
	pending := len(t.pendDec)+len(t.pendAct) > 0
	t.mu.Unlock()
	if pending {
		select {
		case t.wakeCh <- struct{}{}:
		default:
		}
	}
	if rc < 0 {
		atomic.AddUint64(&t.feedErrors, 1)
		return fmt.Errorf("%w: %s = %v", ErrInvalidValue, string(metric), value)
	}
	return nil
}

// Stats returns the counters (no allocation).
func (t *Tuner) Stats() Stats {
	s := Stats{
		Hooks:          atomic.LoadUint64(&t.hooks),
		Ticks:          atomic.LoadUint64(&t.ticks),
		Records:        atomic.LoadUint64(&t.records),
		Synthetic:      atomic.LoadUint64(&t.synthetic),
		Rejected:       atomic.LoadUint64(&t.feedErrors),
		GOGCApplied:    atomic.LoadUint64(&t.applied),
		LimitApplied:   atomic.LoadUint64(&t.limitSets),
		CallbackPanics: atomic.LoadUint64(&t.panics),
		GOGC:           int(atomic.LoadInt64(&t.curGOGC)),
		MemoryLimit:    t.limit,
		GoMemoryLimit:  atomic.LoadInt64(&t.goLimit),
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return s
	}
	s.ExactMetrics = t.rec.exact()
	st := &t.st
	C.gcpulse_stats(t.g, st)
	s.Events, s.EventsFed, s.Metrics = uint64(st.events), uint64(st.events_fed), uint64(st.metrics)
	s.GOGCDecisions, s.GOGCChanges = uint64(st.gogc_decisions), uint64(st.gogc_changes)
	s.GOGCReversals, s.GOGCTotalVariation = uint64(st.gogc_reversals), float64(st.gogc_total_variation)
	s.PolicyEvaluations, s.Actions = uint64(st.policy_evaluations), uint64(st.actions)
	s.ActionsSuppressed = uint64(st.actions_suppressed)
	s.ControllerGOGC = float64(C.gcpulse_gogc_current(t.g))
	return s
}

// Feature reads one feature statistic by name ("gc_cpu_fraction",
// "p99"...).  ok is false when the library reports it unknown; why then
// says why ("no_data", "too_few_samples", "unknown_name", "stopped").
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
	return 0, false, C.GoString(C.gcpulse_errname(rc))
}

// MemoryLimit is the memory limit the tuner works with (0 = none).
func (t *Tuner) MemoryLimit() int64 { return t.limit }

// Stop unhooks the GC, frees the C instance and restores the GOGC and Go
// memory limit in force before Start (including GOGC=off and a GOMEMLIMIT
// from the environment).  It is idempotent and returns within StopTimeout
// even when a callback blocks.  Another Start is possible afterwards.
func (t *Tuner) Stop() {
	if t == nil {
		return
	}
	t.once.Do(func() {
		t.hook.stopped.Store(true)
		close(t.stopCh)
		select {
		case <-t.done:
		case <-time.After(StopTimeout):
			t.report(fmt.Errorf("gcpulse: Stop: a callback is still running after %v; stopping anyway", StopTimeout))
		}
		t.mu.Lock()
		t.closed = true
		C.gcpulse_free(t.g)
		t.g = nil
		t.rss.close()
		debug.SetGCPercent(t.origGOGC)
		debug.SetMemoryLimit(t.origLimit)
		atomic.StoreInt64(&t.curGOGC, int64(t.origGOGC))
		atomic.StoreInt64(&t.goLimit, 0)
		t.mu.Unlock()
		t.handle.Delete()
		active.Lock()
		if active.t == t {
			active.t = nil
		}
		active.Unlock()
	})
}
