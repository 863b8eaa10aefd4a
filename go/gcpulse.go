// Package gcpulse tunes the Go garbage collector with the gcpulse C
// library, compiled into this package with cgo (gcpulse.c is the whole
// library as one generated file; it needs only libc and libm).  One call, Start, hooks every GC cycle, feeds a per-GC record
// built from runtime/metrics to the library's sliding-window features,
// GOGC controller and scaling-policy table, and applies the controller's
// decisions with debug.SetGCPercent and, when a memory limit is known,
// debug.SetMemoryLimit (the runtime backstop).  Stop restores what was in
// force before Start.
//
// One tuner per process (GOGC is process-wide): a second Start returns an
// *AlreadyStartedError.  User callbacks (OnGOGC, OnAction, OnEvent) run
// only on the tuner's own goroutine, one at a time, never inside Observe;
// a panicking callback is recovered and reported through OnError and
// tuning goes on.
//
// Without cgo (CGO_ENABLED=0, or cross-compiling without a C toolchain)
// the package still compiles; Start returns ErrCgoRequired.
//
// Precedence of the environment: GOGC is the controller's starting point;
// GOMEMLIMIT is a ceiling: the tuner plans within it and never sets the Go
// memory limit above (or, when it binds, below) it.  See docs/go.md.
package gcpulse

import (
	"errors"
	"fmt"
	"time"
)

// Version is this package's version; Start checks that the compiled C
// library (gcpulse.c) is the same version.
const Version = "0.1.0"

// NoLimit as Config.MemoryLimit means: no memory limit, do not look at
// the cgroup or GOMEMLIMIT.
const NoLimit int64 = -1

// MinMemoryLimit is the smallest Config.MemoryLimit accepted (16 MiB): a
// smaller value is almost always a unit mistake (MiB given as bytes).
const MinMemoryLimit int64 = 16 << 20

// Metric names a caller metric for Observe.  The built-in ones are the
// constants below; custom ones are declared in Config.CustomMetrics.
type Metric string

// Built-in caller metrics.
const (
	MetricQPS         Metric = "qps"                // requests per second
	MetricRSS         Metric = "rss"                // resident set size, bytes
	MetricLatencyMs   Metric = "latency_ms"         // request latency, ms
	MetricMemoryLimit Metric = "memory_limit_bytes" // memory limit, bytes
)

// Config selects what the tuner does.  The zero value is the product:
// adaptive mode, memory limit from the cgroup (else GOMEMLIMIT), the
// runtime memory-limit backstop applied when a limit is known, library
// defaults for everything else.
type Config struct {
	// Mode is the controller mode: "adaptive" (default), "memory-target",
	// "cpu-target", "dual-factor" or "off" (observe and run the policy
	// table only).
	Mode string
	// MemoryLimit in bytes (>= MinMemoryLimit and above the heap in
	// use): > 0 this value; 0 detect: the cgroup v2/v1 limit (walking
	// parents), else a GOMEMLIMIT in force; NoLimit (-1): none.  A
	// GOMEMLIMIT in force below it is the limit instead (a ceiling).
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
	// SetMemoryLimit requires the runtime backstop: Start fails with
	// ErrNoLimitFound when no memory limit is known.  (With a known limit
	// the backstop is applied anyway unless NoBackstop is set.)
	SetMemoryLimit bool
	// NoBackstop opts out of the runtime backstop: the Go memory limit is
	// left as it is and the controller alone keeps the heap in budget.
	NoBackstop bool
	// LimitRatio is the fraction of the memory limit the Go heap may use
	// (0 = library default 0.9).  The backstop is LimitRatio x the limit,
	// never above a GOMEMLIMIT already in force.
	LimitRatio float64
	// CPUTarget is the GC CPU fraction the cpu-target/adaptive modes aim
	// at (0 = library default 0.05).
	CPUTarget float64
	// Period is the controller's adjustment period (0 = library default).
	Period time.Duration
	// Window is the sliding feature window (0 = library default).
	Window time.Duration
	// Warmup delays policy actions after Start (0 = library default).
	Warmup time.Duration
	// TickInterval is the fallback ticker's period (default 1 s): it
	// advances the library's clock between GCs and samples the RSS.
	TickInterval time.Duration
	// CustomMetrics declares the names Observe accepts beyond the
	// built-in Metric constants (at most 16, each < 32 bytes).
	CustomMetrics []string
	// OnGOGC is called for every controller decision (after it was
	// applied), OnAction for every policy action, OnEvent for every
	// per-GC record fed to the library.  They run on the tuner's
	// goroutine, one at a time, and may call Observe, Stats and Feature
	// (not Stop: it waits for them, up to StopTimeout).
	OnGOGC   func(Decision)
	OnAction func(Action)
	OnEvent  func(Event)
	// OnError receives errors the tuner cannot return: a panic recovered
	// from a callback (*CallbackPanicError).  nil = the standard log
	// package.
	OnError func(error)
	// NoRSS stops the tuner from feeding the process's resident set size
	// (/proc/self/statm, at most once per second) as the "rss" metric.
	NoRSS bool
}

// StopTimeout bounds Stop's wait for a callback still running; after it
// Stop restores the runtime settings and returns anyway.
const StopTimeout = 2 * time.Second

// Errors.  Start wraps them with details; test with errors.Is.
var (
	// ErrCgoRequired: the package was built without cgo.
	ErrCgoRequired = errors.New("gcpulse: this build has no cgo: gcpulse compiles its C library with cgo; " +
		"build with CGO_ENABLED=1 and a C compiler (e.g. apt-get install gcc)")
	// ErrAlreadyStarted: a tuner is already running in this process.
	ErrAlreadyStarted = errors.New("gcpulse: a tuner is already running in this process")
	// ErrVersionMismatch: the compiled C library is not this package's version.
	ErrVersionMismatch = errors.New("gcpulse: C library version differs from the Go package")
	// ErrLimitTooSmall: Config.MemoryLimit below MinMemoryLimit.
	ErrLimitTooSmall = errors.New("gcpulse: memory limit below 16 MiB (MemoryLimit is in bytes)")
	// ErrLimitBelowHeap: Config.MemoryLimit below the heap already in use.
	ErrLimitBelowHeap = errors.New("gcpulse: memory limit below the heap in use")
	// ErrNoLimitFound: SetMemoryLimit set but no memory limit is known.
	ErrNoLimitFound = errors.New("gcpulse: SetMemoryLimit: no memory limit found " +
		"(no Config.MemoryLimit, cgroup limit or GOMEMLIMIT)")
	// ErrConfig: the configuration (fields or PolicyJSON) is invalid.
	ErrConfig = errors.New("gcpulse: invalid configuration")
	// ErrUnknownMetric: Observe with a name that is neither built in nor
	// declared in Config.CustomMetrics.
	ErrUnknownMetric = errors.New("gcpulse: unknown metric")
	// ErrTooManyMetrics: more CustomMetrics than the library's slots.
	ErrTooManyMetrics = errors.New("gcpulse: too many custom metrics")
	// ErrInvalidValue: Observe with a negative, NaN or infinite value.
	ErrInvalidValue = errors.New("gcpulse: invalid metric value")
	// ErrStopped: the tuner was stopped.
	ErrStopped = errors.New("gcpulse: tuner stopped")
)

// AlreadyStartedError is Start's error while another tuner runs.
// errors.Is(err, ErrAlreadyStarted) is true.
type AlreadyStartedError struct {
	Since time.Time // when the running tuner started
}

func (e *AlreadyStartedError) Error() string {
	return fmt.Sprintf("%v (since %s); Stop it first", ErrAlreadyStarted, e.Since.Format(time.RFC3339))
}

// Is reports whether target is ErrAlreadyStarted.
func (e *AlreadyStartedError) Is(target error) bool { return target == ErrAlreadyStarted }

// CallbackPanicError reports a panic recovered from a user callback.
type CallbackPanicError struct {
	Callback string      // "OnGOGC", "OnAction", "OnEvent"
	Value    interface{} // what was passed to panic
}

func (e *CallbackPanicError) Error() string {
	return fmt.Sprintf("gcpulse: %s panicked (recovered, tuning continues): %v", e.Callback, e.Value)
}

// Event is one GC cycle, pause or scavenge, as the C library normalised it
// (gcpulse_event_t in gcpulse.h; the json tags are the library's field
// names).  Sizes are bytes, durations milliseconds, T seconds on the
// stream's clock (for the tuner: since Start).  A field is meaningful only
// when Has reports it known; unknown fields are 0.
type Event struct {
	Known              uint64  `json:"-"` // bit per field, see Has
	Runtime            string  `json:"runtime"`
	Collector          string  `json:"collector"`
	Kind               string  `json:"kind"`
	Flags              uint32  `json:"-"` // Flag* bits
	Cause              string  `json:"cause"`
	Seq                uint64  `json:"seq"`
	T                  float64 `json:"t"`
	PauseMs            float64 `json:"pause_ms"`
	ConcurrentMs       float64 `json:"concurrent_ms"`
	GCCPUMs            float64 `json:"gc_cpu_ms"`
	CPUAssistMs        float64 `json:"cpu_assist_ms"`
	CPUBackgroundMs    float64 `json:"cpu_background_ms"`
	CPUIdleMs          float64 `json:"cpu_idle_ms"`
	CPUUserMs          float64 `json:"cpu_user_ms"`
	CPUSysMs           float64 `json:"cpu_sys_ms"`
	RealMs             float64 `json:"real_ms"`
	HeapBefore         uint64  `json:"heap_before"`
	HeapAfter          uint64  `json:"heap_after"`
	HeapLive           uint64  `json:"heap_live"`
	HeapGoal           uint64  `json:"heap_goal"`
	HeapCapacity       uint64  `json:"heap_capacity"`
	HeapMax            uint64  `json:"heap_max"` // JVM -Xmx as the log states it
	YoungBefore        uint64  `json:"young_before"`
	YoungAfter         uint64  `json:"young_after"`
	OldBefore          uint64  `json:"old_before"`
	OldAfter           uint64  `json:"old_after"`
	Promoted           uint64  `json:"promoted"`
	MetaspaceUsed      uint64  `json:"metaspace_used"`
	MetaspaceCommitted uint64  `json:"metaspace_committed"`
	Stacks             uint64  `json:"stacks"`
	Globals            uint64  `json:"globals"`
	Procs              uint32  `json:"procs"`
	GCCPUPercentSum    uint32  `json:"gc_cpu_pct_total"` // Go's cumulative P% (not windowed)
	Released           uint64  `json:"released"`
	Retained           uint64  `json:"retained"`
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

// Has reports whether the field with the given library name ("pause_ms",
// "heap_live", "promoted", ... : the json tags of Event) is known.
func (e *Event) Has(field string) bool {
	i := fieldBit(field)
	return i >= 0 && e.Known&(1<<uint(i)) != 0
}

// Decision is one GOGC controller decision (gcpulse_gogc_decision_t).
type Decision struct {
	T             float64
	Mode          string
	Changed       bool
	Value         float64 // new GOGC; < 0 means off
	Previous      float64
	Raw           float64 // the mode's law before the limiters
	AfterBounds   float64 // after [min, max] and the memory budget
	AfterSlew     float64 // after the slew limiter
	AfterDeadband float64
	MemoryLimit   float64 // recommended runtime limit for the heap (bytes; budget less the goal overshoot), 0 = none; not the tuner's Go limit (docs/go.md)
	// inputs (0 when unknown)
	LiveBytes, GoalBytes, StacksGlobalsBytes float64
	BudgetBytes, ProjectedPeakBytes          float64
	GCCPUFraction, QPS, GrowthBps            float64
	// Reasons are the reason codes' names ("memory_budget_bound", ...);
	// ReasonDetails the same reasons, in the same order, with the numbers
	// each compared.
	Reasons       []string
	ReasonDetails []Reason
	Pinned        int // consecutive decisions at a bound
	// Applied is set by the Tuner: the value was written with
	// debug.SetGCPercent (false in dry-run or when unchanged).
	Applied bool
}

// Reason is one reason code of a decision with the numbers it compared:
// Value against Limit, in Unit ("" when the reason compares nothing).
//
//	gc_cpu_above/below_target  GC CPU fraction vs Config.CPUTarget
//	memory_budget_bound,
//	budget_urgent              projected peak bytes vs budget bytes
//	clamped_min/max,
//	pinned_at_bound            the law's value vs the bound
//	slew_limited_up/down       value after bounds vs after the slew limit
//	within_deadband            candidate vs previous GOGC
//	growth_tighten, suspected_leak  live-heap growth (B/s), Limit 0
//	qps_relax                  QPS, Limit 0
type Reason struct {
	Name         string
	Value, Limit float64
	Unit         string
}

// Action is one policy action or, when configured, a suppressed match
// (gcpulse_action_t).
type Action struct {
	T                        float64
	Rule                     string
	Action                   string // "scale_out", "scale_up_memory", ...
	Direction                int    // 1 escalate, -1 de-escalate, 0 neutral
	Applied                  bool   // the caller should act (false in dry-run / suppressed)
	Suppressed               bool
	Raw, Stabilized, Limited float64  // magnitude through the limiters
	Final                    float64  // magnitude to apply
	Constraints              []string // why suppressed/limited ("Cooldown", ...)
	Loop                     bool     // catastrophe loop guard raised
	Conditions               []Condition
}

// Condition is what one of the rule's conditions saw at the evaluation
// that produced the action.
type Condition struct {
	Feature   string  // a feature name ("gc_cpu_fraction") or a custom metric's name
	Stat      string  // e.g. "value", "p99"
	Op        string  // ">", ">=", "<", "<="
	Threshold float64 // the enter or exit threshold that applied
	Value     float64 // the statistic read (0 when unknown)
	Unit      string  // the feature's unit ("" for a custom metric)
	Known     bool    // Value was known (else Why says why)
	Why       string
	Latched   bool // condition state after the evaluation
	Hits      int  // N-of-M: true datapoints
	Seen      int  // N-of-M: datapoints in the ring
}

// Stats is a snapshot of the tuner's counters (typed, no allocation).
type Stats struct {
	// Go side
	Hooks          uint64 // per-GC finalizer signals handled
	Ticks          uint64 // fallback ticker wakeups
	Records        uint64 // per-GC records fed
	Synthetic      uint64 // records for cycles the hook missed
	Rejected       uint64 // records/metrics the library rejected
	GOGCApplied    uint64 // debug.SetGCPercent calls made
	LimitApplied   uint64 // debug.SetMemoryLimit calls made
	CallbackPanics uint64 // panics recovered from callbacks
	GOGC           int    // GOGC in force as set by the tuner (-1 = off)
	ControllerGOGC float64
	MemoryLimit    int64 // the memory limit the tuner works with (0 = none)
	GoMemoryLimit  int64 // Go memory limit set by the tuner (0 = untouched)
	ExactMetrics   bool  // exact runtime/metrics in use (Go 1.21+)
	// Library counters (gcpulse_stats_t)
	Events, EventsFed, Metrics uint64
	GOGCDecisions, GOGCChanges uint64
	GOGCReversals              uint64
	GOGCTotalVariation         float64
	PolicyEvaluations, Actions uint64
	ActionsSuppressed          uint64
}

// fieldNames are the library's event field names in bit order
// (GCPULSE_FIELD_MAP; a test checks them against the compiled C).
var fieldNames = [...]string{"seq", "t", "pause_ms", "concurrent_ms", "gc_cpu_ms",
	"cpu_assist_ms", "cpu_background_ms", "cpu_idle_ms", "cpu_user_ms", "cpu_sys_ms",
	"real_ms", "heap_before", "heap_after", "heap_live", "heap_goal", "heap_capacity",
	"young_before", "young_after", "old_before", "old_after", "promoted",
	"metaspace_used", "metaspace_committed", "stacks", "globals", "procs",
	"gc_cpu_pct_total", "released", "retained", "heap_max"}

func fieldBit(name string) int {
	for i, n := range fieldNames {
		if n == name {
			return i
		}
	}
	return -1
}
