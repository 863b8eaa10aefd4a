package gcpulse

// Go mirrors of the C library's records and the conversions from C.

// #include <stdlib.h>
// #include "gcpulse.h"
import "C"

import (
	"sync"
	"unsafe"
)

// Event is one GC cycle, pause or scavenge, as the C library normalised it
// (see gcpulse_event_t in include/gcpulse.h).  Sizes are bytes, durations
// milliseconds, T seconds on the stream's clock.  A field is meaningful
// only when Has reports it known; unknown fields are 0.
type Event struct {
	Known           uint64 // bit per field, see Has
	Runtime         string // "go", "jvm" or "unknown"
	Collector       string // "go", "g1", "zgc", ...
	Kind            string // "go_cycle", "young", "full", ...
	Flags           uint32 // GCPULSE_EV_* bits
	Cause           string
	Seq             uint64
	T               float64
	PauseMs         float64
	ConcurrentMs    float64
	GCCPUMs         float64
	HeapBefore      uint64
	HeapAfter       uint64
	HeapLive        uint64
	HeapGoal        uint64
	HeapCapacity    uint64
	Stacks, Globals uint64
	Procs           uint32
	Released        uint64
	Retained        uint64
	MetaspaceUsed   uint64
	YoungBefore     uint64
	YoungAfter      uint64
	OldBefore       uint64
	OldAfter        uint64
	GCCPUPercentSum uint32 // Go's cumulative P% (not windowed)
	CPUUserMs       float64
	CPUSysMs        float64
	RealMs          float64
}

// Event flag bits (GCPULSE_EV_*).
const (
	FlagForced         = 1 << 0
	FlagForcedPeriodic = 1 << 1
	FlagRestart        = 1 << 2
	FlagSuspectTime    = 1 << 3
	FlagEvacFailure    = 1 << 4
	FlagOOM            = 1 << 5
	FlagSynthetic      = 1 << 6
)

var (
	fieldOnce  sync.Once
	fieldIndex map[string]int
)

// Has reports whether the field with the given JSON name ("pause_ms",
// "heap_live", "stacks", ... as in GCPULSE_FIELD_MAP) is known.
func (e *Event) Has(field string) bool {
	fieldOnce.Do(func() {
		fieldIndex = make(map[string]int)
		for i := 0; i < int(C.GCPULSE_FIELD_COUNT); i++ {
			fieldIndex[C.GoString(C.gcpulse_field_name(C.int(i)))] = i
		}
	})
	i, ok := fieldIndex[field]
	return ok && e.Known&(1<<uint(i)) != 0
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
		Known:           uint64(ev.known),
		Runtime:         runtimeName(ev.runtime),
		Collector:       C.GoString(C.gcpulse_collector_name(ev.collector)),
		Kind:            C.GoString(C.gcpulse_kind_name(ev.kind)),
		Flags:           uint32(ev.flags),
		Cause:           C.GoString(&ev.cause[0]),
		Seq:             uint64(ev.seq),
		T:               float64(ev.t),
		PauseMs:         float64(ev.pause_ms),
		ConcurrentMs:    float64(ev.concurrent_ms),
		GCCPUMs:         float64(ev.gc_cpu_ms),
		HeapBefore:      uint64(ev.heap_before),
		HeapAfter:       uint64(ev.heap_after),
		HeapLive:        uint64(ev.heap_live),
		HeapGoal:        uint64(ev.heap_goal),
		HeapCapacity:    uint64(ev.heap_capacity),
		Stacks:          uint64(ev.stacks),
		Globals:         uint64(ev.globals),
		Procs:           uint32(ev.procs),
		Released:        uint64(ev.released),
		Retained:        uint64(ev.retained),
		MetaspaceUsed:   uint64(ev.metaspace_used),
		YoungBefore:     uint64(ev.young_before),
		YoungAfter:      uint64(ev.young_after),
		OldBefore:       uint64(ev.old_before),
		OldAfter:        uint64(ev.old_after),
		GCCPUPercentSum: uint32(ev.gc_cpu_pct_total),
		CPUUserMs:       float64(ev.cpu_user_ms),
		CPUSysMs:        float64(ev.cpu_sys_ms),
		RealMs:          float64(ev.real_ms),
	}
}

// Decision is one GOGC controller decision (gcpulse_gogc_decision_t).
type Decision struct {
	T                  float64
	Mode               string
	Changed            bool
	Value              float64 // new GOGC; < 0 means off
	Previous           float64
	Raw                float64 // the mode's law before the limiters
	MemoryLimit        float64 // recommended Go memory limit, 0 = none
	LiveBytes          float64
	GoalBytes          float64
	BudgetBytes        float64
	ProjectedPeakBytes float64
	GCCPUFraction      float64
	QPS                float64
	Reasons            []string
	Pinned             int
	// Applied is set by the Tuner: the value was written with
	// debug.SetGCPercent (false in dry-run or when unchanged).
	Applied bool
	JSON    string // gcpulse_gogc_to_json
}

func decisionFromC(d *C.gcpulse_gogc_decision_t) Decision {
	out := Decision{
		T:                  float64(d.t),
		Mode:               C.GoString(C.gcpulse_gogc_mode_name(d.mode)),
		Changed:            d.changed != 0,
		Value:              float64(d.value),
		Previous:           float64(d.previous),
		Raw:                float64(d.raw),
		MemoryLimit:        float64(d.recommended_limit),
		LiveBytes:          float64(d.live_bytes),
		GoalBytes:          float64(d.goal_bytes),
		BudgetBytes:        float64(d.budget_bytes),
		ProjectedPeakBytes: float64(d.projected_peak_bytes),
		GCCPUFraction:      float64(d.gc_cpu_fraction),
		QPS:                float64(d.qps),
		Pinned:             int(d.pinned),
	}
	for i := 0; i < int(C.GCPULSE_GR_COUNT); i++ {
		if uint32(d.reasons)&(1<<uint(i)) != 0 {
			out.Reasons = append(out.Reasons, C.GoString(C.gcpulse_gogc_reason_name(C.int(i))))
		}
	}
	out.JSON = toJSON(func(dst *C.char, n C.size_t) C.long { return C.gcpulse_gogc_to_json(d, dst, n) })
	return out
}

// Action is one policy action or, when configured, a suppressed match
// (gcpulse_action_t).
type Action struct {
	T           float64
	Rule        string
	Action      string // "scale_out", "scale_up_memory", ...
	Direction   int    // 1 escalate, -1 de-escalate, 0 neutral
	Applied     bool   // the caller should act (false in dry-run / suppressed)
	Suppressed  bool
	Final       float64 // magnitude to apply
	Constraints []string
	JSON        string // gcpulse_action_to_json
}

func actionFromC(a *C.gcpulse_action_t) Action {
	out := Action{
		T:          float64(a.t),
		Rule:       goStringOr(a.rule),
		Action:     goStringOr(a.action),
		Direction:  int(a.direction),
		Applied:    a.applied != 0,
		Suppressed: a.suppressed != 0,
		Final:      float64(a.final),
	}
	for i := 0; i < int(C.GCPULSE_CONSTRAINT_COUNT); i++ {
		if uint32(a.constraints)&(1<<uint(i)) != 0 {
			out.Constraints = append(out.Constraints, C.GoString(C.gcpulse_constraint_name(C.int(i))))
		}
	}
	out.JSON = toJSON(func(dst *C.char, n C.size_t) C.long { return C.gcpulse_action_to_json(a, dst, n) })
	return out
}

func goStringOr(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

// toJSON runs one of the library's snprintf-style JSON writers into C
// memory and returns the text ("" on error).
func toJSON(write func(dst *C.char, n C.size_t) C.long) string {
	n := write(nil, 0)
	if n < 0 {
		return ""
	}
	buf := (*C.char)(C.malloc(C.size_t(n) + 1))
	if buf == nil {
		return ""
	}
	defer C.free(unsafe.Pointer(buf))
	m := write(buf, C.size_t(n)+1)
	if m < 0 {
		return ""
	}
	if m > n {
		m = n
	}
	return C.GoStringN(buf, C.int(m))
}
