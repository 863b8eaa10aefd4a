package gcpulse

// The per-GC record, built from runtime/metrics without stopping the world.
//
// At Start the recorder probes metrics.All() once and samples only the
// metrics this Go version has.  Newer Go (1.21+) gives everything exactly:
// the marked live heap, scannable stacks and globals, GC CPU, GOGC and the
// memory limit.  On Go 1.19/1.20 the recorder falls back:
//
//   live heap  estimated from the heap goal and GOGC, goal = live +
//              (live + stacks)·GOGC/100 solved for live (only when the
//              memory limit is not what set the goal); otherwise unknown;
//   stacks     /memory/classes/heap/stacks (stack memory in use: an upper
//              bound of the scannable stacks); globals stay unknown;
//   GC CPU     runtime.ReadMemStats' GCCPUFraction (the only stop-the-world
//              read, once per GC, and only where /cpu/classes is missing)
//              times the process's elapsed processor time.
//
// heap_after is the heap's object bytes sampled when the hook runs (just
// after the cycle); heap_before is the previous record's heap_after plus
// the bytes allocated since (/gc/heap/allocs), so that the window's
// allocation rate (before - previous after) equals the true rate.

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
	mFinQueued = "/gc/finalizers/queued:finalizers"
	mFinExec   = "/gc/finalizers/executed:finalizers"
)

// procStart approximates the process start for the Go 1.19 GC CPU
// fallback (package initialisation runs within milliseconds of it).
var procStart = time.Now()

// sampler reads a fixed set of runtime/metrics.
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
	seq, cycles     uint64 // cycles: how many GC cycles since the last record
	t               float64
	forced          bool
	pauseMs         float64
	pauseKnown      bool
	gcCPUMs         float64
	gcCPUKnown      bool
	before, after   uint64
	beforeKnown     bool
	live, goal      uint64
	liveKnown       bool
	stacks, globals uint64
	stacksKnown     bool
	globalsKnown    bool
	procs           uint32
}

// recorder turns successive samples into per-GC records.
type recorder struct {
	s           *sampler
	start       time.Time
	lastCycles  uint64
	lastForced  uint64
	lastAllocs  uint64
	lastAfter   uint64
	haveAfter   bool
	lastGCCPU   float64
	lastPause   []uint64
	pauseName   string
	gogc        func() int // current GOGC (fallback when the metric is absent)
	needMemStat bool
}

func newRecorder(start time.Time, gogc func() int) *recorder {
	r := &recorder{start: start, gogc: gogc}
	r.s = newSampler(mCycles, mForced, mGoal, mLive, mScanStack, mScanGlob,
		mGCCPU, mGOGC, mLimit, mAllocs, mObjects, mStackMem, mPausesNew,
		mPausesOld, mProcs, mTotalMem, mReleased, mFinQueued, mFinExec)
	r.pauseName = mPausesNew
	if !r.s.has(mPausesNew) {
		r.pauseName = mPausesOld
	}
	r.needMemStat = !r.s.has(mGCCPU)
	r.s.read()
	r.lastCycles, _ = r.s.u64(mCycles)
	r.lastForced, _ = r.s.u64(mForced)
	r.lastAllocs, _ = r.s.u64(mAllocs)
	if h := r.s.hist(r.pauseName); h != nil {
		r.lastPause = append([]uint64(nil), h.Counts...)
	}
	r.lastGCCPU, _ = r.gcCPUSeconds()
	return r
}

// exact reports whether the STW-free exact signals are available.
func (r *recorder) exact() bool {
	return r.s.has(mLive) && r.s.has(mScanStack) && r.s.has(mScanGlob) && r.s.has(mGCCPU)
}

// gcCPUSeconds is the cumulative GC CPU time of the process.
func (r *recorder) gcCPUSeconds() (float64, bool) {
	if v, ok := r.s.f64(mGCCPU); ok {
		return v, true
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	el := time.Since(procStart).Seconds()
	return ms.GCCPUFraction * el * float64(runtime.GOMAXPROCS(0)), true
}

// cycles reads the metrics and returns the GC cycle counter.
func (r *recorder) poll() uint64 {
	r.s.read()
	c, _ := r.s.u64(mCycles)
	return c
}

// take builds a record from the sample just read by poll (the caller
// checked that the cycle counter advanced).
func (r *recorder) take(now time.Time) record {
	var rec record
	cyc, _ := r.s.u64(mCycles)
	rec.seq = cyc
	rec.cycles = cyc - r.lastCycles
	r.lastCycles = cyc
	if f, ok := r.s.u64(mForced); ok {
		rec.forced = f > r.lastForced
		r.lastForced = f
	}
	rec.t = now.Sub(r.start).Seconds()

	if h := r.s.hist(r.pauseName); h != nil {
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
		if sum >= 0 && !math.IsInf(sum, 0) && !math.IsNaN(sum) {
			rec.pauseMs, rec.pauseKnown = sum*1000, true
		}
	}

	if cpu, ok := r.gcCPUSeconds(); ok && !math.IsNaN(cpu) && !math.IsInf(cpu, 0) {
		// The Go 1.19 fallback (cumulative fraction x elapsed time) is an
		// estimate that can dip slightly between two reads: keep the
		// cumulative value monotonic and count a dip as no GC CPU.
		d := cpu - r.lastGCCPU
		if d < 0 {
			d = 0
		} else {
			r.lastGCCPU = cpu
		}
		rec.gcCPUMs, rec.gcCPUKnown = d*1000, true
	}

	if obj, ok := r.s.u64(mObjects); ok {
		rec.after = obj
		if a, ok := r.s.u64(mAllocs); ok {
			if r.haveAfter && a >= r.lastAllocs {
				rec.before = r.lastAfter + (a - r.lastAllocs)
				rec.beforeKnown = rec.before >= rec.after
			}
			r.lastAllocs = a
		}
		r.lastAfter, r.haveAfter = obj, true
	}
	rec.goal, _ = r.s.u64(mGoal)

	if v, ok := r.s.u64(mScanStack); ok {
		rec.stacks, rec.stacksKnown = v, true
	} else if v, ok := r.s.u64(mStackMem); ok {
		rec.stacks, rec.stacksKnown = v, true
	}
	if v, ok := r.s.u64(mScanGlob); ok {
		rec.globals, rec.globalsKnown = v, true
	}

	if v, ok := r.s.u64(mLive); ok {
		rec.live, rec.liveKnown = v, true
	} else {
		rec.live, rec.liveKnown = r.estimateLive(rec)
	}
	if v, ok := r.s.u64(mProcs); ok {
		rec.procs = uint32(v)
	} else {
		rec.procs = uint32(runtime.GOMAXPROCS(0))
	}
	return rec
}

// estimateLive solves the Go 1.18+ goal formula for the live heap when the
// runtime does not report it (Go < 1.21).  Not known when GOGC is off or
// when the memory limit, not GOGC, set the goal.
func (r *recorder) estimateLive(rec record) (uint64, bool) {
	g := r.currentGOGC()
	if g <= 0 || rec.goal == 0 {
		return 0, false
	}
	if lim := r.currentLimit(); lim > 0 && lim < math.MaxInt64 && float64(rec.goal) >= 0.9*float64(lim) {
		return 0, false
	}
	f := float64(g) / 100
	live := (float64(rec.goal) - float64(rec.stacks)*f) / (1 + f)
	if live <= 0 {
		return 0, false
	}
	if rec.after > 0 && live > float64(rec.after) {
		live = float64(rec.after)
	}
	return uint64(live), true
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

// finalizerBacklog is queued - executed finalizers when the runtime
// reports them (recent Go), else -1.
func (r *recorder) finalizerBacklog() int64 {
	q, ok1 := r.s.u64(mFinQueued)
	e, ok2 := r.s.u64(mFinExec)
	if !ok1 || !ok2 || e > q {
		return -1
	}
	return int64(q - e)
}

// goRuntimeOverhead is the memory Go's memory limit counts beyond live heap
// objects: /memory/classes/total - heap/released - heap/objects (stacks,
// runtime metadata, free and unused heap spans).  0 when unavailable.
func goRuntimeOverhead() float64 {
	s := []metrics.Sample{{Name: mTotalMem}, {Name: mReleased}, {Name: mObjects}}
	metrics.Read(s)
	for _, x := range s {
		if x.Value.Kind() != metrics.KindUint64 {
			return 0
		}
	}
	total, rel, obj := s[0].Value.Uint64(), s[1].Value.Uint64(), s[2].Value.Uint64()
	if total < rel+obj {
		return 0
	}
	return float64(total - rel - obj)
}
