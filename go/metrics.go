package gcpulse

// The per-GC record, built from runtime/metrics without stopping the world
// on Go >= 1.20 (gccpu_*.go: Go 1.19 lacks /cpu/classes and reads the GC
// CPU fraction with runtime.ReadMemStats).
//
// The record's heap numbers follow gctrace's "H0->H1->H2 MB, G MB goal"
// of the same cycle n (issue 13 item 9):
//
//   heap_live (H2)   the heap marked live by cycle n: /gc/heap/live
//                    (Go 1.21+); before, solved from the next goal
//                    goal = live + (live + stacks)·GOGC/100 (unknown when
//                    GOGC is off or the memory limit set the goal);
//   heap_after (H1)  the heap at the end of marking: live of cycle n-1 plus
//                    the bytes allocated since (/gc/heap/allocs counts
//                    spans handed to allocators, as the runtime's own
//                    heapLive does);
//   heap_before (H0) heap_after minus the allocation during the mark phase,
//                    estimated as the allocation rate times the mark's wall
//                    time (GC worker CPU / (0.25 x GOMAXPROCS), the
//                    dedicated workers' share);
//   heap_goal (G)    the goal read after cycle n-1 (and after any GOGC or
//                    limit change since): the goal cycle n ran against.
//
// When the hook missed cycles (more than one since the last record) the
// heap numbers are unknown: they would span several cycles.

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

const (
	mCycles    = "/gc/cycles/total:gc-cycles"
	mForced    = "/gc/cycles/forced:gc-cycles"
	mGoal      = "/gc/heap/goal:bytes"
	mLive      = "/gc/heap/live:bytes"
	mScanStack = "/gc/scan/stack:bytes"
	mScanGlob  = "/gc/scan/globals:bytes"
	mGCCPU     = "/cpu/classes/gc/total:cpu-seconds"
	mGCMark    = "/cpu/classes/gc/mark/dedicated:cpu-seconds"
	mGOGC      = "/gc/gogc:percent"
	mLimit     = "/gc/gomemlimit:bytes"
	mAllocs    = "/gc/heap/allocs:bytes"
	mObjects   = "/memory/classes/heap/objects:bytes"
	mStackMem  = "/memory/classes/heap/stacks:bytes"
	mPausesNew = "/sched/pauses/total/gc:seconds"
	mPausesOld = "/gc/pauses:seconds"
	mProcs     = "/sched/gomaxprocs:threads"
	mTotalMem  = "/memory/classes/total:bytes"
	mReleased  = "/memory/classes/heap/released:bytes"
)

// sampler reads a fixed set of runtime/metrics (the ones this Go has).
type sampler struct {
	samples []metrics.Sample
	idx     map[string]int
}

func newSampler(want ...string) *sampler {
	have := make(map[string]bool)
	for _, d := range metrics.All() {
		have[d.Name] = true
	}
	s := &sampler{idx: make(map[string]int)}
	for _, n := range want {
		if have[n] {
			s.idx[n] = len(s.samples)
			s.samples = append(s.samples, metrics.Sample{Name: n})
		}
	}
	return s
}

func (s *sampler) has(name string) bool { _, ok := s.idx[name]; return ok }
func (s *sampler) read()                { metrics.Read(s.samples) }

// u64 returns the metric as uint64 (a float64 metric is converted).
func (s *sampler) u64(name string) (uint64, bool) {
	i, ok := s.idx[name]
	if !ok {
		return 0, false
	}
	v := s.samples[i].Value
	switch v.Kind() {
	case metrics.KindUint64:
		return v.Uint64(), true
	case metrics.KindFloat64:
		f := v.Float64()
		if f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, false
		}
		return uint64(f), true
	}
	return 0, false
}

func (s *sampler) f64(name string) (float64, bool) {
	i, ok := s.idx[name]
	if !ok {
		return 0, false
	}
	v := s.samples[i].Value
	switch v.Kind() {
	case metrics.KindFloat64:
		return v.Float64(), true
	case metrics.KindUint64:
		return float64(v.Uint64()), true
	}
	return 0, false
}

func (s *sampler) hist(name string) *metrics.Float64Histogram {
	i, ok := s.idx[name]
	if !ok || s.samples[i].Value.Kind() != metrics.KindFloat64Histogram {
		return nil
	}
	return s.samples[i].Value.Float64Histogram()
}

// record is the Go-side per-GC record handed to the C library.
type record struct {
	seq, cycles               uint64 // cycles: how many GC cycles since the last record
	t                         float64
	forced                    bool
	pauseMs, gcCPUMs          float64
	pauseKnown, gcCPUKnown    bool
	before, after, live, goal uint64
	beforeKnown, afterKnown   bool
	liveKnown, goalKnown      bool
	stacks, globals           uint64
	stacksKnown, globalsKnown bool
	procs                     uint32
}

// recorder turns successive samples into per-GC records.
type recorder struct {
	s          *sampler
	goalS      *sampler // the goal alone, re-read after a GOGC change
	start      time.Time
	lastCycles uint64
	lastForced uint64
	lastAllocs uint64
	lastT      float64
	lastLive   uint64 // live heap of the last cycle seen
	liveKnown  bool
	nextGoal   uint64 // the goal the next cycle runs against
	lastGCCPU  float64
	lastMark   float64 // cumulative dedicated mark CPU (Go 1.20+)
	lastPause  []uint64
	pauseName  string
	gogc       func() int // current GOGC (fallback when the metric is absent)
}

func newRecorder(start time.Time, gogc func() int) *recorder {
	r := &recorder{start: start, gogc: gogc}
	r.s = newSampler(mCycles, mForced, mGoal, mLive, mScanStack, mScanGlob,
		mGCCPU, mGCMark, mGOGC, mLimit, mAllocs, mObjects, mStackMem, mPausesNew,
		mPausesOld, mProcs, mTotalMem, mReleased)
	r.goalS = newSampler(mGoal)
	r.pauseName = mPausesNew
	if !r.s.has(mPausesNew) {
		r.pauseName = mPausesOld
	}
	r.s.read()
	r.lastCycles, _ = r.s.u64(mCycles)
	r.lastForced, _ = r.s.u64(mForced)
	r.lastAllocs, _ = r.s.u64(mAllocs)
	r.lastMark, _ = r.s.f64(mGCMark)
	r.nextGoal, _ = r.s.u64(mGoal)
	var stacks uint64
	if v, ok := r.s.u64(mScanStack); ok {
		stacks = v
	} else {
		stacks, _ = r.s.u64(mStackMem)
	}
	r.lastLive, r.liveKnown = r.liveNow(r.nextGoal, stacks, 0)
	if h := r.s.hist(r.pauseName); h != nil {
		r.lastPause = append([]uint64(nil), h.Counts...)
	}
	r.lastGCCPU, _ = r.gcCPUSeconds()
	return r
}

// exact reports whether the exact signals are available (Go 1.21+).
func (r *recorder) exact() bool {
	return r.s.has(mLive) && r.s.has(mScanStack) && r.s.has(mScanGlob) && r.s.has(mGCCPU)
}

// gcCPUSeconds is the cumulative GC CPU time of the process.
func (r *recorder) gcCPUSeconds() (float64, bool) {
	if v, ok := r.s.f64(mGCCPU); ok {
		return v, true
	}
	return memStatsGCCPU()
}

// poll reads the metrics and returns the GC cycle counter.
func (r *recorder) poll() uint64 {
	r.s.read()
	c, _ := r.s.u64(mCycles)
	return c
}

// goalChanged re-reads the heap goal after GOGC or the memory limit changed.
func (r *recorder) goalChanged() {
	r.goalS.read()
	if g, ok := r.goalS.u64(mGoal); ok {
		r.nextGoal = g
	}
}

// take builds a record from the sample just read by poll (the caller
// checked that the cycle counter advanced).
func (r *recorder) take(now time.Time) record {
	var rec record
	cyc, _ := r.s.u64(mCycles)
	rec.seq, rec.cycles = cyc, cyc-r.lastCycles
	r.lastCycles = cyc
	if f, ok := r.s.u64(mForced); ok {
		rec.forced = f > r.lastForced
		r.lastForced = f
	}
	rec.t = now.Sub(r.start).Seconds()
	rec.pauseMs, rec.pauseKnown = r.pauses()
	if cpu, ok := r.gcCPUSeconds(); ok && !math.IsNaN(cpu) && !math.IsInf(cpu, 0) {
		// the Go 1.19 estimate (fraction x elapsed) can dip between two
		// reads: keep it monotonic, a dip counts as no GC CPU
		d := cpu - r.lastGCCPU
		if d < 0 {
			d = 0
		} else {
			r.lastGCCPU = cpu
		}
		rec.gcCPUMs, rec.gcCPUKnown = d*1000, true
	}
	if v, ok := r.s.u64(mScanStack); ok {
		rec.stacks, rec.stacksKnown = v, true
	} else if v, ok := r.s.u64(mStackMem); ok {
		rec.stacks, rec.stacksKnown = v, true
	}
	rec.globals, rec.globalsKnown = r.s.u64(mScanGlob)
	if v, ok := r.s.u64(mProcs); ok {
		rec.procs = uint32(v)
	} else {
		rec.procs = uint32(runtime.GOMAXPROCS(0))
	}
	r.heap(&rec)
	return rec
}

// heap fills the record's gctrace-like heap numbers (see the file comment).
func (r *recorder) heap(rec *record) {
	goalNow, _ := r.s.u64(mGoal)
	allocs, okA := r.s.u64(mAllocs)
	mark, okM := r.s.f64(mGCMark)
	single := rec.cycles == 1
	if single && r.nextGoal > 0 {
		rec.goal, rec.goalKnown = r.nextGoal, true
	}
	if single && r.liveKnown && okA && allocs >= r.lastAllocs {
		grown := allocs - r.lastAllocs
		rec.after, rec.afterKnown = r.lastLive+grown, true
		rec.before, rec.beforeKnown = r.startHeap(rec, grown, mark, okM), true
	}
	rec.live, rec.liveKnown = r.liveNow(goalNow, rec.stacks, rec.globals)
	r.lastLive, r.liveKnown = rec.live, rec.liveKnown
	r.lastAllocs, r.lastMark, r.lastT = allocs, mark, rec.t
	r.nextGoal = goalNow
}

// startHeap estimates the heap when cycle rec started (gctrace's H0):
// the heap at the end of marking minus the allocation during the mark
// phase that the background mark CPU proves (Go 1.20+: dedicated and
// fractional workers run at 25 % of GOMAXPROCS while marking, so their
// CPU / (0.25 x GOMAXPROCS) is the shortest the mark can have lasted),
// and at least the pacer's lowest trigger, live + 0.7 x (goal - live) of
// the previous cycle.  Exact at moderate allocation rates; at rates where
// the mark phase takes a large part of the cycle on a contended machine
// it overstates by up to the allocation the CPU bound cannot see.
func (r *recorder) startHeap(rec *record, grown uint64, mark float64, okMark bool) uint64 {
	after := float64(rec.after)
	est := after
	if okMark && mark >= r.lastMark && rec.t > r.lastT && rec.procs > 0 {
		markWall := (mark - r.lastMark) / (0.25 * float64(rec.procs))
		est -= float64(grown) * math.Min(1, markWall/(rec.t-r.lastT))
	}
	if rec.goalKnown && rec.goal > r.lastLive {
		est = math.Max(est, float64(r.lastLive)+0.7*float64(rec.goal-r.lastLive))
	}
	return uint64(math.Min(est, after))
}

// liveNow is the live heap marked by the last cycle: exact on Go 1.21+,
// else solved from the goal formula (unknown when GOGC is off or when the
// memory limit, not GOGC, set the goal).
func (r *recorder) liveNow(goal, stacks, globals uint64) (uint64, bool) {
	if v, ok := r.s.u64(mLive); ok {
		return v, v > 0
	}
	g := r.currentGOGC()
	if g <= 0 || goal == 0 {
		return 0, false
	}
	// the limit sets the goal near the limit less the runtime's own memory
	// (which may be most of a small limit): that goal says nothing of live
	if lim := r.currentLimit(); lim > 0 && lim < math.MaxInt64 &&
		float64(goal) >= 0.9*(float64(lim)-r.runtimeOverhead()) {
		return 0, false
	}
	f := float64(g) / 100
	live := (float64(goal) - float64(stacks+globals)*f) / (1 + f)
	if live <= 0 {
		return 0, false
	}
	return uint64(live), true
}

// pauses sums the stop-the-world time added to the pause histogram since
// the last record (bucket midpoints).
func (r *recorder) pauses() (float64, bool) {
	h := r.s.hist(r.pauseName)
	if h == nil {
		return 0, false
	}
	sum := 0.0
	for i, c := range h.Counts {
		var prev uint64
		if i < len(r.lastPause) {
			prev = r.lastPause[i]
		}
		if c <= prev {
			continue
		}
		lo, hi := h.Buckets[i], h.Buckets[i+1]
		mid := (lo + hi) / 2
		if math.IsInf(lo, 0) {
			mid = hi
		} else if math.IsInf(hi, 0) {
			mid = lo
		}
		sum += float64(c-prev) * mid
	}
	r.lastPause = append(r.lastPause[:0], h.Counts...)
	if sum < 0 || math.IsInf(sum, 0) || math.IsNaN(sum) {
		return 0, false
	}
	return sum * 1000, true
}

// currentGOGC is the GOGC in force (-1 = off): /gc/gogc:percent reports
// the runtime's int as uint64, so "off" (-1) reads as a huge number.
func (r *recorder) currentGOGC() int {
	if v, ok := r.s.u64(mGOGC); ok {
		if v > 1<<31 {
			return -1
		}
		return int(v)
	}
	return r.gogc()
}

func (r *recorder) currentLimit() int64 {
	if v, ok := r.s.u64(mLimit); ok {
		if v > math.MaxInt64 {
			return math.MaxInt64
		}
		return int64(v)
	}
	return debug.SetMemoryLimit(-1)
}

// heapInUse is the live heap when known, else the heap's object bytes.
func (r *recorder) heapInUse() uint64 {
	if r.liveKnown {
		return r.lastLive
	}
	v, _ := r.s.u64(mObjects)
	return v
}

// totalMemory is the quantity a Go memory limit applies to (mapped minus
// released), 0 when unknown.
func (r *recorder) totalMemory() uint64 {
	t, ok1 := r.s.u64(mTotalMem)
	rel, ok2 := r.s.u64(mReleased)
	if !ok1 || !ok2 || rel > t {
		return 0
	}
	return t - rel
}

// runtimeOverhead is the memory Go's memory limit counts beyond heap
// objects (stacks, metadata, free spans), from the last sample; 0 when
// unknown.
func (r *recorder) runtimeOverhead() float64 {
	obj, ok := r.s.u64(mObjects)
	total := r.totalMemory()
	if !ok || total < obj {
		return 0
	}
	return float64(total - obj)
}
