package gcpulse

// Conversions between the C library's records and the Go types.

// #include <stdlib.h>
// #include "gcpulse.h"
import "C"

import (
	"math"
	"sync"
)

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

func fillSynthetic(ev *C.gcpulse_event_t, seq uint64, t float64) {
	C.gcpulse_event_init(ev)
	ev.runtime = C.GCPULSE_RT_GO
	ev.collector = C.GCPULSE_COLLECTOR_GO
	ev.kind = C.GCPULSE_KIND_GO_CYCLE
	ev.flags = C.uint32_t(FlagSynthetic)
	ev.seq = C.uint64_t(seq)
	ev.t = C.double(t)
	ev.known = C.uint64_t(bitSeq | bitT)
}

// fillRecord turns the Go per-GC record into the library's event.
func fillRecord(ev *C.gcpulse_event_t, r *record) {
	C.gcpulse_event_init(ev)
	ev.runtime = C.GCPULSE_RT_GO
	ev.collector = C.GCPULSE_COLLECTOR_GO
	ev.kind = C.GCPULSE_KIND_GO_CYCLE
	known := uint64(bitSeq | bitT | bitProcs)
	ev.seq = C.uint64_t(r.seq)
	ev.t = C.double(r.t)
	ev.procs = C.uint32_t(r.procs)
	if r.forced {
		ev.flags |= C.uint32_t(FlagForced)
	}
	set := func(ok bool, bit uint64, dst *C.uint64_t, v uint64) {
		if ok {
			*dst = C.uint64_t(v)
			known |= bit
		}
	}
	set(r.beforeKnown, bitBefore, &ev.heap_before, r.before)
	set(r.afterKnown, bitAfter, &ev.heap_after, r.after)
	set(r.liveKnown, bitLive, &ev.heap_live, r.live)
	set(r.goalKnown, bitGoal, &ev.heap_goal, r.goal)
	set(r.stacksKnown, bitStacks, &ev.stacks, r.stacks)
	set(r.globalsKnown, bitGlobals, &ev.globals, r.globals)
	if r.pauseKnown {
		ev.pause_ms = C.double(r.pauseMs)
		known |= bitPause
	}
	if r.gcCPUKnown {
		ev.gc_cpu_ms = C.double(r.gcCPUMs)
		known |= bitGCCPU
	}
	ev.known = C.uint64_t(known)
}

func runtimeName(rt C.int) string {
	switch rt {
	case C.GCPULSE_RT_GO:
		return "go"
	case C.GCPULSE_RT_JVM:
		return "jvm"
	}
	return "unknown"
}

func eventFromC(ev *C.gcpulse_event_t) Event {
	return Event{
		Known:              uint64(ev.known),
		Runtime:            runtimeName(ev.runtime),
		Collector:          C.GoString(C.gcpulse_collector_name(ev.collector)),
		Kind:               C.GoString(C.gcpulse_kind_name(ev.kind)),
		Flags:              uint32(ev.flags),
		Cause:              C.GoString(&ev.cause[0]),
		Seq:                uint64(ev.seq),
		T:                  float64(ev.t),
		PauseMs:            float64(ev.pause_ms),
		ConcurrentMs:       float64(ev.concurrent_ms),
		GCCPUMs:            float64(ev.gc_cpu_ms),
		CPUAssistMs:        float64(ev.cpu_assist_ms),
		CPUBackgroundMs:    float64(ev.cpu_background_ms),
		CPUIdleMs:          float64(ev.cpu_idle_ms),
		CPUUserMs:          float64(ev.cpu_user_ms),
		CPUSysMs:           float64(ev.cpu_sys_ms),
		RealMs:             float64(ev.real_ms),
		HeapBefore:         uint64(ev.heap_before),
		HeapAfter:          uint64(ev.heap_after),
		HeapLive:           uint64(ev.heap_live),
		HeapGoal:           uint64(ev.heap_goal),
		HeapCapacity:       uint64(ev.heap_capacity),
		HeapMax:            uint64(ev.heap_max),
		YoungBefore:        uint64(ev.young_before),
		YoungAfter:         uint64(ev.young_after),
		OldBefore:          uint64(ev.old_before),
		OldAfter:           uint64(ev.old_after),
		Promoted:           uint64(ev.promoted),
		MetaspaceUsed:      uint64(ev.metaspace_used),
		MetaspaceCommitted: uint64(ev.metaspace_committed),
		Stacks:             uint64(ev.stacks),
		Globals:            uint64(ev.globals),
		Procs:              uint32(ev.procs),
		GCCPUPercentSum:    uint32(ev.gc_cpu_pct_total),
		Released:           uint64(ev.released),
		Retained:           uint64(ev.retained),
	}
}

// cFieldNames lists the compiled library's event field names (tests
// compare them with fieldNames).
func cFieldNames() []string {
	var out []string
	for i := 0; i < int(C.GCPULSE_FIELD_COUNT); i++ {
		out = append(out, C.GoString(C.gcpulse_field_name(C.int(i))))
	}
	return out
}

// C name tables copied once (a decision per GC must not allocate names).
var (
	namesOnce   sync.Once
	modeNames   [C.GCPULSE_GOGC_MODE_COUNT]string
	reasonNames [C.GCPULSE_GR_COUNT]string
)

func loadNames() {
	for i := range modeNames {
		modeNames[i] = C.GoString(C.gcpulse_gogc_mode_name(C.int(i)))
	}
	for i := range reasonNames {
		reasonNames[i] = C.GoString(C.gcpulse_gogc_reason_name(C.int(i)))
	}
}

// reasonNamesForTest returns the reason names by code.
func reasonNamesForTest() []string {
	namesOnce.Do(loadNames)
	return reasonNames[:]
}

func modeName(m C.int) string {
	namesOnce.Do(loadNames)
	if m < 0 || int(m) >= len(modeNames) {
		return "unknown"
	}
	return modeNames[m]
}

// bounds are the controller settings in force (after PolicyJSON and
// Config) that reasons compare against.
type bounds struct{ cpuTarget, min, max float64 }

func decisionFromC(d *C.gcpulse_gogc_decision_t, b *bounds) Decision {
	namesOnce.Do(loadNames)
	out := Decision{
		T:                  float64(d.t),
		Mode:               modeName(d.mode),
		Changed:            d.changed != 0,
		Value:              float64(d.value),
		Previous:           float64(d.previous),
		Raw:                float64(d.raw),
		AfterBounds:        float64(d.after_bounds),
		AfterSlew:          float64(d.after_slew),
		AfterDeadband:      float64(d.after_deadband),
		MemoryLimit:        float64(d.recommended_limit),
		LiveBytes:          float64(d.live_bytes),
		GoalBytes:          float64(d.goal_bytes),
		StacksGlobalsBytes: float64(d.stacks_globals_bytes),
		BudgetBytes:        float64(d.budget_bytes),
		ProjectedPeakBytes: float64(d.projected_peak_bytes),
		GCCPUFraction:      float64(d.gc_cpu_fraction),
		QPS:                float64(d.qps),
		GrowthBps:          float64(d.growth_bps),
		Pinned:             int(d.pinned),
	}
	for i := 0; i < int(C.GCPULSE_GR_COUNT); i++ {
		if uint32(d.reasons)&(1<<uint(i)) != 0 {
			out.Reasons = append(out.Reasons, reasonNames[i])
			out.ReasonDetails = append(out.ReasonDetails, reasonNumbers(i, &out, b))
		}
	}
	return out
}

// reasonNumbers attaches to reason code i the numbers it compared.
func reasonNumbers(i int, d *Decision, b *bounds) Reason {
	r := Reason{Name: reasonNames[i]}
	switch i {
	case C.GCPULSE_GR_CPU_HIGH, C.GCPULSE_GR_CPU_LOW:
		r.Value, r.Limit, r.Unit = d.GCCPUFraction, b.cpuTarget, "fraction"
	case C.GCPULSE_GR_BUDGET, C.GCPULSE_GR_BUDGET_URGENT:
		r.Value, r.Limit, r.Unit = d.ProjectedPeakBytes, d.BudgetBytes, "bytes"
	case C.GCPULSE_GR_CLAMP_MIN:
		r.Value, r.Limit, r.Unit = d.Raw, b.min, "GOGC"
	case C.GCPULSE_GR_CLAMP_MAX, C.GCPULSE_GR_PINNED:
		r.Value, r.Limit, r.Unit = d.Raw, b.max, "GOGC"
	case C.GCPULSE_GR_SLEW_UP, C.GCPULSE_GR_SLEW_DOWN:
		r.Value, r.Limit, r.Unit = d.AfterBounds, d.AfterSlew, "GOGC"
	case C.GCPULSE_GR_DEADBAND:
		r.Value, r.Limit, r.Unit = d.AfterSlew, d.Previous, "GOGC"
	case C.GCPULSE_GR_GROWTH_TIGHTEN, C.GCPULSE_GR_LEAK:
		r.Value, r.Unit = d.GrowthBps, "bytes/s"
	case C.GCPULSE_GR_QPS_RELAX:
		r.Value, r.Unit = d.QPS, "1/s"
	}
	if math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
		r.Value = 0
	}
	return r
}

var opNames = [...]string{">", ">=", "<", "<="}

// actionFromC converts an action; ids names the custom metrics.
func actionFromC(a *C.gcpulse_action_t, ids map[Metric]C.int) Action {
	out := Action{
		T:          float64(a.t),
		Rule:       goStringOr(a.rule),
		Action:     goStringOr(a.action),
		Direction:  int(a.direction),
		Applied:    a.applied != 0,
		Suppressed: a.suppressed != 0,
		Raw:        float64(a.raw),
		Stabilized: float64(a.stabilized),
		Limited:    float64(a.limited),
		Final:      float64(a.final),
		Loop:       a.loop != 0,
	}
	for i := 0; i < int(C.GCPULSE_CONSTRAINT_COUNT); i++ {
		if uint32(a.constraints)&(1<<uint(i)) != 0 {
			out.Constraints = append(out.Constraints, C.GoString(C.gcpulse_constraint_name(C.int(i))))
		}
	}
	for i := 0; i < int(a.n_conditions) && i < len(a.conditions); i++ {
		c := &a.conditions[i]
		cond := Condition{
			Threshold: float64(c.threshold),
			Value:     float64(c.value),
			Known:     c.why == 0,
			Latched:   c.latched != 0,
			Hits:      int(c.hits),
			Seen:      int(c.seen),
		}
		if !cond.Known {
			cond.Why = C.GoString(C.gcpulse_why_name(c.why))
		}
		cond.Feature = featureName(c.feature, ids)
		cond.Stat = C.GoString(C.gcpulse_stat_name(c.stat))
		if c.op >= 0 && int(c.op) < len(opNames) {
			cond.Op = opNames[c.op]
		}
		cond.Unit = goStringOr(c.unit)
		out.Conditions = append(out.Conditions, cond)
	}
	return out
}

// featureName names a built-in feature or a custom metric id.
func featureName(id C.int, ids map[Metric]C.int) string {
	if id >= C.GCPULSE_FEAT_CUSTOM {
		for name, mid := range ids {
			if mid == id {
				return string(name)
			}
		}
	}
	return C.GoString(C.gcpulse_feature_name(id))
}

func goStringOr(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}
