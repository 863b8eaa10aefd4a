// Command bench-gogc is the GOGC controller benchmark workload: a Go
// program with open-loop request arrivals, pointer-rich per-request
// garbage and a TTL cache that keeps part of each request live, run under
// one GC controller per process.  It prints one JSON line of results.
//
// Controllers (-controller):
//
//	gogc100         GOGC=100, no memory limit
//	memlimit        GOGC=100 + GOMEMLIMIT at 90 % of -limit-mib
//	off-memlimit    GOGC=off + GOMEMLIMIT at 90 %
//	gctuner         the finalizer-hook law GOGC = (0.7*limit - inuse)/inuse*100
//	                clamped to [50, 500], inuse = MemStats.HeapInuse (as published)
//	gcpulse         the gcpulse Go package exactly as the quick start runs it:
//	                gcpulse.Start(gcpulse.Config{MemoryLimit: L}), every other
//	                option at its default (callbacks only record decisions)
//	gcpulse-backstop the quick start with SetMemoryLimit: true stated; the
//	                same as gcpulse now that the Go package applies the
//	                runtime memory-limit backstop by default (kept to compare
//	                builds from before that change)
//	gcpulse-tuned   labelled tuned: the same plus -gcpulse-json (a JSON
//	                configuration) for experiments beside the default row
//
// Load: base rate -rate req/s; pulses of -pulse-len seconds from
// -pulse-start, -pulse-count of them every -pulse-every seconds, multiply
// the rate by -pulse-rate and each request's garbage by -pulse-garbage;
// -pulse-keep=false keeps pulse-only requests out of the cache (an
// allocation pulse); -leak-mibps retains that many MiB per second forever
// (a slow leak).  Arrival times are fixed in advance (open loop), so
// latency = completion - intended arrival includes queueing.  A sampler
// reads runtime/metrics every 10 ms for peak heap, peak total memory
// (mapped - released, what a container limit sees), the time above
// -limit-mib ("breach", standing for an OOM kill), GC cycles inside the
// pulses and the GOGC in force (/gc/gogc:percent).
//
// `bench-gogc -summarize results.jsonl` prints the median table.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gcpulse "github.com/gcpulse/gcpulse/go"
)

type options struct {
	controller, scenario       string
	run                        int
	duration                   float64
	rate, pulseRate, pulseGarb float64
	pulseStart, pulseLen       float64
	pulseKeep                  bool
	nodes, nodeSize            int
	keepNodes, keepSize        int
	ttl                        float64
	limitMiB                   float64
	workers                    int
	series                     string
	gcpulseJSON                string
	pulseEvery                 float64
	pulseCount                 int
	leakMiBps                  float64
}

func main() {
	var o options
	summarize := flag.String("summarize", "", "print the median table of a results JSONL file and exit")
	flag.StringVar(&o.controller, "controller", "gogc100", "controller (see the package comment)")
	flag.StringVar(&o.scenario, "scenario", "custom", "scenario label")
	flag.IntVar(&o.run, "run", 1, "run number (label)")
	flag.Float64Var(&o.duration, "duration", 30, "seconds")
	flag.Float64Var(&o.rate, "rate", 1000, "base arrival rate, requests/s")
	flag.Float64Var(&o.pulseRate, "pulse-rate", 3.5, "rate multiplier during the pulse")
	flag.Float64Var(&o.pulseGarb, "pulse-garbage", 1, "garbage multiplier during the pulse")
	flag.Float64Var(&o.pulseStart, "pulse-start", 8, "pulse start, seconds")
	flag.Float64Var(&o.pulseLen, "pulse-len", 12, "pulse length, seconds")
	flag.BoolVar(&o.pulseKeep, "pulse-keep", true, "pulse requests also insert into the TTL cache")
	flag.IntVar(&o.nodes, "nodes", 64, "garbage nodes per request")
	flag.IntVar(&o.nodeSize, "node-size", 1024, "payload bytes per garbage node")
	flag.IntVar(&o.keepNodes, "keep-nodes", 8, "nodes per request kept in the TTL cache")
	flag.IntVar(&o.keepSize, "keep-size", 1024, "payload bytes per kept node")
	flag.Float64Var(&o.ttl, "ttl", 6, "cache TTL, seconds")
	flag.Float64Var(&o.limitMiB, "limit-mib", 256, "memory limit, MiB")
	flag.IntVar(&o.workers, "workers", 8, "worker goroutines")
	flag.StringVar(&o.series, "series", "", "write a time series (t heap total goal limit gogc) to this file")
	flag.StringVar(&o.gcpulseJSON, "gcpulse-json", "", "gcpulse-tuned: JSON configuration (Config.PolicyJSON)")
	flag.Float64Var(&o.pulseEvery, "pulse-every", 0, "seconds between pulse starts (0 = one pulse)")
	flag.IntVar(&o.pulseCount, "pulse-count", 1, "number of pulses")
	flag.Float64Var(&o.leakMiBps, "leak-mibps", 0, "live heap leaked per second, MiB")
	flag.Parse()
	if *summarize != "" {
		if err := summary(*summarize); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	res, err := runBench(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-gogc:", err)
		os.Exit(1)
	}
	b, _ := json.Marshal(res)
	fmt.Println(string(b))
}

// ---------------------------------------------------------------- workload

type node struct {
	next, other *node
	payload     []byte
	id          uint64
}

type entry struct {
	head    *node
	expires int64 // unix nanos
}

// ttlCache keeps entries until their expiry; constant TTL makes insertion
// order the expiry order, so a FIFO of keys suffices.
type ttlCache struct {
	mu    sync.Mutex
	m     map[uint64]*entry
	fifo  []uint64
	head  int
	bytes int64
}

func (c *ttlCache) put(id uint64, e *entry) {
	c.mu.Lock()
	c.m[id] = e
	c.fifo = append(c.fifo, id)
	c.mu.Unlock()
}

func (c *ttlCache) expire(now int64) {
	c.mu.Lock()
	for c.head < len(c.fifo) {
		id := c.fifo[c.head]
		e := c.m[id]
		if e != nil && e.expires > now {
			break
		}
		delete(c.m, id)
		c.head++
	}
	if c.head > 4096 && c.head*2 > len(c.fifo) {
		n := copy(c.fifo, c.fifo[c.head:])
		c.fifo = c.fifo[:n]
		c.head = 0
	}
	c.mu.Unlock()
}

func chain(n, size int, seed uint64) *node {
	var head *node
	for i := 0; i < n; i++ {
		nd := &node{next: head, payload: make([]byte, size), id: seed + uint64(i)}
		if head != nil {
			nd.other = head.next
		}
		nd.payload[0] = byte(i)
		head = nd
	}
	return head
}

// ---------------------------------------------------------------- latency

// hist is a log-linear latency histogram (2 % buckets from 1 µs).
type hist struct{ counts []uint64 }

const histBase = 1.02

func newHist() *hist { return &hist{counts: make([]uint64, 1400)} }

func (h *hist) add(d time.Duration) {
	us := float64(d) / 1e3
	i := 0
	if us > 1 {
		i = int(math.Log(us)/math.Log(histBase)) + 1
	}
	if i >= len(h.counts) {
		i = len(h.counts) - 1
	}
	h.counts[i]++
}

func (h *hist) merge(o *hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
}

// quantile in milliseconds (upper edge of the bucket).
func (h *hist) quantile(q float64) float64 {
	var n uint64
	for _, c := range h.counts {
		n += c
	}
	if n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(n)))
	var acc uint64
	for i, c := range h.counts {
		acc += c
		if acc >= rank {
			return math.Pow(histBase, float64(i)) / 1e3
		}
	}
	return 0
}

// ---------------------------------------------------------------- arrivals

// schedule is the piecewise-constant arrival rate: r0, and r1 during
// pulses of plen seconds starting at starts; arrival k happens at the
// time where the integrated rate reaches k.
type schedule struct {
	r0, r1 float64
	starts []float64
	plen   float64
}

func newSchedule(o options) schedule {
	s := schedule{r0: o.rate, r1: o.rate * o.pulseRate, plen: o.pulseLen}
	n := o.pulseCount
	if o.pulseEvery <= 0 || n < 1 {
		n = 1
	}
	for i := 0; i < n && o.pulseLen > 0; i++ {
		s.starts = append(s.starts, o.pulseStart+float64(i)*o.pulseEvery)
	}
	return s
}

func (s schedule) inPulse(t float64) bool {
	for _, p := range s.starts {
		if t >= p && t < p+s.plen {
			return true
		}
	}
	return false
}

func (s schedule) at(k float64) float64 {
	t, acc := 0.0, 0.0
	for _, p := range s.starts {
		if a := s.r0 * (p - t); acc+a >= k {
			return t + (k-acc)/s.r0
		} else {
			acc += a
		}
		if a := s.r1 * s.plen; acc+a >= k {
			return p + (k-acc)/s.r1
		} else {
			acc += a
		}
		t = p + s.plen
	}
	return t + (k-acc)/s.r0
}

// ---------------------------------------------------------------- results

type result struct {
	Go            string  `json:"go"`
	Scenario      string  `json:"scenario"`
	Controller    string  `json:"controller"`
	Run           int     `json:"run"`
	DurationS     float64 `json:"duration_s"`
	Requests      uint64  `json:"requests"`
	Dropped       uint64  `json:"dropped"`
	Throughput    float64 `json:"throughput_rps"`
	P50Ms         float64 `json:"p50_ms"`
	P99Ms         float64 `json:"p99_ms"`
	P999Ms        float64 `json:"p999_ms"`
	GCCount       uint64  `json:"gc_count"`
	GCCPUFraction float64 `json:"gc_cpu_fraction"`
	PauseTotalMs  float64 `json:"pause_total_ms"`
	PeakHeapMiB   float64 `json:"peak_heap_mib"`
	PeakTotalMiB  float64 `json:"peak_total_mib"`
	PeakLiveMiB   float64 `json:"peak_live_mib"`
	LimitMiB      float64 `json:"limit_mib"`
	BreachS       float64 `json:"breach_s"`
	MaxOverMiB    float64 `json:"max_over_mib"`
	GOGCChanges   uint64  `json:"gogc_changes"`
	GOGCMin       float64 `json:"gogc_min"`
	GOGCMax       float64 `json:"gogc_max"`
	ScaleOut      bool    `json:"scale_out"`
	ScaleOutT     float64 `json:"scale_out_t,omitempty"`
	ScaleOutRatio float64 `json:"scale_out_total_limit_ratio,omitempty"`
	ScaleOutLive  float64 `json:"scale_out_live_limit_ratio,omitempty"`
	Actions       uint64  `json:"policy_actions"`
	Decisions     uint64  `json:"gogc_decisions"`
	PulseGCs      uint64  `json:"pulse_gc_count"`
	Pulses        int     `json:"pulses"`
	GOGCRevs      uint64  `json:"gogc_reversals"`
	LeakT         float64 `json:"leak_t,omitempty"`        // first suspected_leak decision
	LeakMinGOGC   float64 `json:"leak_min_gogc,omitempty"` // least GOGC after it
	LimitT        float64 `json:"limit_t,omitempty"`       // live heap first >= 90 % of the limit
}

// ---------------------------------------------------------------- sampler

var sampleNames = []string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/total:bytes",
	"/memory/classes/heap/released:bytes",
	"/gc/heap/goal:bytes",
	"/gc/cycles/total:gc-cycles",
	"/cpu/classes/gc/total:cpu-seconds",
	"/cpu/classes/total:cpu-seconds",
	"/gc/heap/live:bytes",
	"/gc/gogc:percent",
}

type rtSampler struct {
	s   []metrics.Sample
	idx map[string]int
}

func newRTSampler() *rtSampler {
	have := map[string]bool{}
	for _, d := range metrics.All() {
		have[d.Name] = true
	}
	r := &rtSampler{idx: map[string]int{}}
	for _, n := range sampleNames {
		if have[n] {
			r.idx[n] = len(r.s)
			r.s = append(r.s, metrics.Sample{Name: n})
		}
	}
	return r
}

func (r *rtSampler) read() { metrics.Read(r.s) }

func (r *rtSampler) v(name string) float64 {
	i, ok := r.idx[name]
	if !ok {
		return -1
	}
	switch r.s[i].Value.Kind() {
	case metrics.KindUint64:
		return float64(r.s[i].Value.Uint64())
	case metrics.KindFloat64:
		return r.s[i].Value.Float64()
	}
	return -1
}

// ---------------------------------------------------------------- controllers

type control struct {
	gogc     atomic.Int64
	changes  atomic.Uint64
	gmin     float64
	gmax     float64
	mu       sync.Mutex
	stop     func()
	scaleOut atomic.Bool
	scaleT   float64
	scaleR   float64
	tuner    *gcpulse.Tuner
	totalNow atomic.Uint64 // latest sampled total memory, for the scale_out record
	liveNow  atomic.Uint64 // latest sampled live heap
	scaleL   float64
	start    time.Time
	// reversals of the GOGC in force; gcpulse's first suspected leak and
	// the least GOGC after it
	revs     uint64
	lastDir  int
	leakT    float64
	leakMin  float64
	leakSeen bool
}

// record notes the first suspected leak of gcpulse's decisions and the
// least GOGC after it (observation only).
func (c *control) record(d gcpulse.Decision) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range d.Reasons {
		if r == "suspected_leak" && !c.leakSeen {
			c.leakSeen = true
			c.leakT = time.Since(c.start).Seconds()
			c.leakMin = d.Value
		}
	}
	if c.leakSeen && d.Value < c.leakMin {
		c.leakMin = d.Value
	}
}

func (c *control) setGOGC(v int) {
	old := c.gogc.Swap(int64(v))
	c.mu.Lock()
	if old != int64(v) {
		c.changes.Add(1)
		dir := 1
		if int64(v) < old {
			dir = -1
		}
		if c.lastDir != 0 && dir != c.lastDir {
			c.revs++
		}
		c.lastDir = dir
	}
	fv := float64(v)
	if fv < c.gmin {
		c.gmin = fv
	}
	if fv > c.gmax {
		c.gmax = fv
	}
	c.mu.Unlock()
}

func startControl(o options, start time.Time) (*control, error) {
	limit := int64(o.limitMiB * (1 << 20))
	c := &control{gmin: math.Inf(1), gmax: math.Inf(-1), stop: func() {}, start: start}
	c.gogc.Store(100)
	debug.SetMemoryLimit(math.MaxInt64)
	debug.SetGCPercent(100)
	switch o.controller {
	case "gogc100":
		c.setGOGC(100)
	case "memlimit":
		c.setGOGC(100)
		debug.SetMemoryLimit(limit * 9 / 10)
	case "off-memlimit":
		debug.SetGCPercent(-1)
		c.setGOGC(-1)
		debug.SetMemoryLimit(limit * 9 / 10)
	case "gctuner":
		c.setGOGC(100)
		g := &gctuner{threshold: float64(limit) * 0.7, c: c}
		g.tune()
		g.arm()
		c.stop = func() { g.stopped.Store(true) }
	default:
		c.setGOGC(100)
		// the quick start: the memory limit and nothing else; the
		// callbacks only record what happened
		cfg := gcpulse.Config{MemoryLimit: limit}
		trace := os.Getenv("BENCH_TRACE_DECISIONS") != ""
		cfg.OnGOGC = func(d gcpulse.Decision) {
			if trace && d.Value != d.Previous {
				fmt.Fprintf(os.Stderr, "%.2fs %v -> %v %v live %.0f budget %.0f\n", time.Since(start).Seconds(),
					d.Previous, d.Value, d.Reasons, d.LiveBytes/(1<<20), d.BudgetBytes/(1<<20))
			}
			c.record(d)
			if d.Applied {
				c.setGOGC(int(math.Round(d.Value)))
			}
		}
		cfg.OnAction = func(a gcpulse.Action) {
			if a.Action == "scale_out" && !a.Suppressed && !c.scaleOut.Load() {
				c.scaleOut.Store(true)
				c.mu.Lock()
				c.scaleT = time.Since(start).Seconds()
				c.scaleR = float64(c.totalNow.Load()) / float64(limit)
				c.scaleL = float64(c.liveNow.Load()) / float64(limit)
				c.mu.Unlock()
			}
		}
		switch o.controller {
		case "gcpulse":
		case "gcpulse-backstop":
			cfg.SetMemoryLimit = true
		case "gcpulse-tuned":
			cfg.PolicyJSON = o.gcpulseJSON
		default:
			return nil, fmt.Errorf("unknown controller %q", o.controller)
		}
		t, err := gcpulse.Start(cfg)
		if err != nil {
			return nil, err
		}
		c.tuner = t
		c.stop = t.Stop
	}
	return c, nil
}

// gctuner: the per-GC finalizer law from the published description of
// bytedance/gopkg util/gctuner (threshold = 70 % of the limit).
type gctuner struct {
	threshold float64
	c         *control
	stopped   atomic.Bool
}

type gctunerRef struct{ g *gctuner }

func (g *gctuner) arm() { runtime.SetFinalizer(&gctunerRef{g}, gctunerHook) }

func gctunerHook(r *gctunerRef) {
	if r.g.stopped.Load() {
		return
	}
	r.g.tune()
	runtime.SetFinalizer(r, gctunerHook)
}

func (g *gctuner) tune() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms) // stops the world, as the original does
	inuse := float64(ms.HeapInuse)
	v := 50.0
	if inuse > 0 && g.threshold > inuse {
		v = (g.threshold - inuse) / inuse * 100
	}
	v = math.Max(50, math.Min(500, math.Floor(v)))
	if int64(v) != g.c.gogc.Load() {
		debug.SetGCPercent(int(v))
	}
	g.c.setGOGC(int(v))
}

// ---------------------------------------------------------------- run

type req struct{ intended int64 }

func runBench(o options) (*result, error) {
	if o.rate <= 0 || o.duration <= 0 || o.pulseRate <= 0 {
		return nil, fmt.Errorf("rate, duration and pulse-rate must be positive")
	}
	start := time.Now()
	sched := newSchedule(o)
	cache := &ttlCache{m: make(map[uint64]*entry)}
	ctl, err := startControl(o, start)
	if err != nil {
		return nil, err
	}
	limit := o.limitMiB * (1 << 20)
	rs := newRTSampler()
	rs.read()
	gc0 := rs.v("/gc/cycles/total:gc-cycles")
	cpuGC0, cpuAll0 := rs.v("/cpu/classes/gc/total:cpu-seconds"), rs.v("/cpu/classes/total:cpu-seconds")
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)

	queue := make(chan req, 1<<17)
	var dropped, done atomic.Uint64
	hists := make([]*hist, o.workers)
	var wg sync.WaitGroup
	for w := 0; w < o.workers; w++ {
		hists[w] = newHist()
		wg.Add(1)
		go func(h *hist) {
			defer wg.Done()
			var sink uint64
			for r := range queue {
				ts := float64(r.intended-start.UnixNano()) / 1e9
				inPulse := sched.inPulse(ts)
				n := o.nodes
				if inPulse {
					n = int(float64(n) * o.pulseGarb)
				}
				g := chain(n, o.nodeSize, uint64(r.intended))
				for p := g; p != nil; p = p.next {
					sink += uint64(p.payload[0]) + p.id
				}
				keep := true
				if inPulse && !o.pulseKeep {
					// only the base share of pulse traffic is cached
					keep = float64(uint64(r.intended)%1000) < 1000/o.pulseRate
				}
				if keep && o.keepNodes > 0 {
					e := &entry{head: chain(o.keepNodes, o.keepSize, sink), expires: r.intended + int64(o.ttl*1e9)}
					cache.put(uint64(r.intended), e)
				}
				h.add(time.Duration(time.Now().UnixNano() - r.intended))
				done.Add(1)
			}
			runtime.KeepAlive(sink)
		}(hists[w])
	}

	// janitor
	stopJan := make(chan struct{})
	go func() {
		tk := time.NewTicker(20 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-stopJan:
				return
			case <-tk.C:
				cache.expire(time.Now().UnixNano())
			}
		}
	}()

	// sampler + caller metrics for gcpulse
	type point struct{ t, heap, total, goal, gogc float64 }
	var series []point
	var peakHeap, peakTotal, peakLive, breach, maxOver, limitT float64
	var pulseGCs uint64
	lastCycles := gc0
	stopSamp := make(chan struct{})
	sampDone := make(chan struct{})
	go func() {
		defer close(sampDone)
		tk := time.NewTicker(10 * time.Millisecond)
		defer tk.Stop()
		last := time.Now()
		lastObs := last
		lastDone := uint64(0)
		n := 0
		for {
			select {
			case <-stopSamp:
				return
			case now := <-tk.C:
				rs.read()
				heap := rs.v("/memory/classes/heap/objects:bytes")
				total := rs.v("/memory/classes/total:bytes") - rs.v("/memory/classes/heap/released:bytes")
				goal := rs.v("/gc/heap/goal:bytes")
				if live := rs.v("/gc/heap/live:bytes"); live >= 0 {
					peakLive = math.Max(peakLive, live)
					ctl.liveNow.Store(uint64(live))
					if limitT == 0 && live >= 0.9*limit {
						limitT = now.Sub(start).Seconds()
					}
				}
				cyc := rs.v("/gc/cycles/total:gc-cycles")
				if sched.inPulse(now.Sub(start).Seconds()) && cyc > lastCycles {
					pulseGCs += uint64(cyc - lastCycles)
				}
				lastCycles = cyc
				dt := now.Sub(last).Seconds()
				last = now
				peakHeap = math.Max(peakHeap, heap)
				peakTotal = math.Max(peakTotal, total)
				ctl.totalNow.Store(uint64(total))
				if total > limit {
					breach += dt
					maxOver = math.Max(maxOver, total-limit)
				}
				if n%5 == 0 {
					series = append(series, point{now.Sub(start).Seconds(), heap, total, goal, float64(ctl.gogc.Load())})
				}
				n++
				if ctl.tuner != nil && now.Sub(lastObs) >= time.Second {
					d := done.Load()
					ctl.tuner.Observe("qps", float64(d-lastDone)/now.Sub(lastObs).Seconds())
					lastDone, lastObs = d, now
				}
			}
		}
	}()

	// slow leak: retained forever
	var leaked [][]byte
	stopLeak := make(chan struct{})
	leakDone := make(chan struct{})
	go func() {
		defer close(leakDone)
		if o.leakMiBps <= 0 {
			return
		}
		tk := time.NewTicker(100 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-stopLeak:
				return
			case <-tk.C:
				for b := 0.0; b < o.leakMiBps*(1<<20)/10; b += 64 << 10 {
					leaked = append(leaked, make([]byte, 64<<10))
				}
			}
		}
	}()

	// open-loop generator
	var k float64
	end := o.duration
	for {
		now := time.Now()
		el := now.Sub(start).Seconds()
		if el >= end {
			break
		}
		for {
			at := sched.at(k + 1)
			if at > el || at >= end {
				break
			}
			k++
			select {
			case queue <- req{intended: start.UnixNano() + int64(at*1e9)}:
			default:
				dropped.Add(1)
			}
		}
		time.Sleep(500 * time.Microsecond)
	}
	close(queue)
	close(stopLeak)
	<-leakDone
	runtime.KeepAlive(leaked)
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	close(stopSamp)
	<-sampDone
	close(stopJan)

	rs.read()
	var ms1 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	var st gcpulse.Stats
	if ctl.tuner != nil {
		st = ctl.tuner.Stats()
	}
	ctl.stop()

	h := newHist()
	for _, x := range hists {
		h.merge(x)
	}
	res := &result{
		Go: runtime.Version(), Scenario: o.scenario, Controller: o.controller, Run: o.run,
		DurationS: elapsed, Requests: done.Load(), Dropped: dropped.Load(),
		Throughput: float64(done.Load()) / elapsed,
		P50Ms:      h.quantile(0.5), P99Ms: h.quantile(0.99), P999Ms: h.quantile(0.999),
		GCCount:      uint64(rs.v("/gc/cycles/total:gc-cycles") - gc0),
		PauseTotalMs: float64(ms1.PauseTotalNs-ms0.PauseTotalNs) / 1e6,
		PeakHeapMiB:  peakHeap / (1 << 20), PeakTotalMiB: peakTotal / (1 << 20),
		PeakLiveMiB: peakLive / (1 << 20), LimitMiB: o.limitMiB,
		BreachS: breach, MaxOverMiB: maxOver / (1 << 20),
		GOGCChanges: ctl.changes.Load(), GOGCMin: ctl.gmin, GOGCMax: ctl.gmax,
		ScaleOut: ctl.scaleOut.Load(), Actions: st.Actions, Decisions: st.GOGCDecisions,
		PulseGCs: pulseGCs, Pulses: len(sched.starts), LimitT: limitT,
	}
	ctl.mu.Lock()
	res.GOGCRevs = ctl.revs
	if ctl.leakSeen {
		res.LeakT, res.LeakMinGOGC = ctl.leakT, ctl.leakMin
	}
	ctl.mu.Unlock()
	if cpuGC0 >= 0 && cpuAll0 >= 0 {
		g1, a1 := rs.v("/cpu/classes/gc/total:cpu-seconds"), rs.v("/cpu/classes/total:cpu-seconds")
		if a1 > cpuAll0 {
			res.GCCPUFraction = (g1 - cpuGC0) / (a1 - cpuAll0)
		}
	} else {
		res.GCCPUFraction = ms1.GCCPUFraction
	}
	if res.ScaleOut {
		ctl.mu.Lock()
		res.ScaleOutT, res.ScaleOutRatio, res.ScaleOutLive = ctl.scaleT, ctl.scaleR, ctl.scaleL
		ctl.mu.Unlock()
	}
	if math.IsInf(res.GOGCMin, 0) {
		res.GOGCMin, res.GOGCMax = 0, 0
	}
	if o.series != "" {
		f, err := os.Create(o.series)
		if err != nil {
			return nil, err
		}
		w := bufio.NewWriter(f)
		fmt.Fprintf(w, "# t_s heap_mib total_mib goal_mib limit_mib gogc\n")
		for _, p := range series {
			fmt.Fprintf(w, "%.3f %.2f %.2f %.2f %.2f %.0f\n", p.t, p.heap/(1<<20), p.total/(1<<20), p.goal/(1<<20), o.limitMiB, p.gogc)
		}
		w.Flush()
		f.Close()
	}
	return res, nil
}

// ---------------------------------------------------------------- summary

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func summary(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	type key struct{ sc, ctl string }
	groups := map[key][]result{}
	var order []key
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r result
		if json.Unmarshal(sc.Bytes(), &r) != nil {
			continue
		}
		k := key{r.Scenario, r.Controller}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].sc < order[j].sc })
	last := ""
	for _, k := range order {
		rs := groups[k]
		if k.sc != last {
			fmt.Printf("\nscenario %s (medians of runs; limit %.0f MiB)\n", k.sc, rs[0].LimitMiB)
			fmt.Printf("%-14s %4s %5s %6s %7s %9s %9s %8s %7s %7s %8s %6s %6s %7s %7s %7s %s\n",
				"controller", "runs", "GCs", "pulse", "GC-CPU", "peak-heap", "peak-tot", "breach-s",
				"p50-ms", "p99-ms", "p99.9-ms", "dGOGC", "rev/m", "puls/m", "leak-s", "lim90-s", "GOGC-after-leak")
			last = k.sc
		}
		col := func(f func(r result) float64) float64 {
			var xs []float64
			for _, r := range rs {
				xs = append(xs, f(r))
			}
			return median(xs)
		}
		leak := "-"
		if x := col(func(r result) float64 { return r.LeakT }); x > 0 {
			leak = fmt.Sprintf("%.0f", x)
		}
		lim := "-"
		if x := col(func(r result) float64 { return r.LimitT }); x > 0 {
			lim = fmt.Sprintf("%.0f", x)
		}
		after := "-"
		if x := col(func(r result) float64 { return r.LeakMinGOGC }); x != 0 {
			after = fmt.Sprintf("%.0f", x)
		}
		fmt.Printf("%-14s %4d %5.0f %6.0f %6.2f%% %9.1f %9.1f %8.2f %7.2f %7.2f %8.2f %6.0f %6.2f %7.2f %7s %7s %s\n",
			k.ctl, len(rs),
			col(func(r result) float64 { return float64(r.GCCount) }),
			col(func(r result) float64 { return float64(r.PulseGCs) }),
			100*col(func(r result) float64 { return r.GCCPUFraction }),
			col(func(r result) float64 { return r.PeakHeapMiB }),
			col(func(r result) float64 { return r.PeakTotalMiB }),
			col(func(r result) float64 { return r.BreachS }),
			col(func(r result) float64 { return r.P50Ms }),
			col(func(r result) float64 { return r.P99Ms }),
			col(func(r result) float64 { return r.P999Ms }),
			col(func(r result) float64 { return float64(r.GOGCChanges) }),
			col(func(r result) float64 { return float64(r.GOGCRevs) / (r.DurationS / 60) }),
			col(func(r result) float64 { return float64(r.Pulses) / (r.DurationS / 60) }),
			leak, lim, after)
	}
	var all []result
	for _, k := range order {
		all = append(all, groups[k]...)
	}
	paired(all)
	return sc.Err()
}

// paired compares each gcpulse controller with each baseline run by run
// (the same run index ran back to back, so it shares the machine's state):
// p99 is noisy from run to run, and a per-pair count shows whether a
// median difference is more than that noise.
func paired(all []result) {
	type cell struct{ sc, ctl string }
	byRun := map[cell]map[int]result{}
	var scs []string
	var ctls []cell
	for _, r := range all {
		c := cell{r.Scenario, r.Controller}
		if byRun[c] == nil {
			byRun[c] = map[int]result{}
			ctls = append(ctls, c)
		}
		byRun[c][r.Run] = r
	}
	sort.SliceStable(ctls, func(i, j int) bool { return ctls[i].sc < ctls[j].sc })
	for _, c := range ctls {
		if len(scs) == 0 || scs[len(scs)-1] != c.sc {
			scs = append(scs, c.sc)
		}
	}
	for _, sc := range scs {
		header := false
		for _, g := range ctls {
			if g.sc != sc || !strings.HasPrefix(g.ctl, "gcpulse") {
				continue
			}
			for _, b := range ctls {
				if b.sc != sc || strings.HasPrefix(b.ctl, "gcpulse") {
					continue
				}
				var lo, eq, hi, n, cpuLo int
				var ratios, gcr, cpur []float64
				for run, x := range byRun[g] {
					y, ok := byRun[b][run]
					if !ok || y.P99Ms <= 0 || y.GCCount <= 0 {
						continue
					}
					n++
					switch d := x.P99Ms - y.P99Ms; {
					case math.Abs(d) < 0.05:
						eq++
					case d < 0:
						lo++
					default:
						hi++
					}
					ratios = append(ratios, x.P99Ms/y.P99Ms)
					gcr = append(gcr, float64(x.GCCount)/float64(y.GCCount))
					if y.GCCPUFraction > 0 {
						cpur = append(cpur, x.GCCPUFraction/y.GCCPUFraction)
					}
					if x.GCCPUFraction <= y.GCCPUFraction {
						cpuLo++
					}
				}
				if n == 0 {
					continue
				}
				if !header {
					fmt.Printf("\nscenario %s, paired by run: p99 lower/tied/higher than the baseline, median ratios (gcpulse/baseline)\n", sc)
					header = true
				}
				fmt.Printf("  %-22s vs %-14s p99 %d/%d/%d of %d, p99 x%.2f, GCs x%.2f, GC CPU x%.2f (not higher in %d of %d)\n",
					g.ctl, b.ctl, lo, eq, hi, n, median(ratios), median(gcr), median(cpur), cpuLo, n)
			}
		}
	}
}
