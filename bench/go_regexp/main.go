// Command goregexp parses Go gctrace/scavtrace text with the standard
// library's regexp package, the approach Go tools such as gcvis take, as a
// baseline for bench_parse_go.  It is written to be fair: every pattern is
// compiled once, input is read with a bufio.Scanner, and it extracts the
// same fields gcpulse does (cycle, time, P%, clock and CPU phases, heap
// triple, goal, stacks/globals, P, forced; pre-1.5 lines; scvg/scav lines).
//
//	goregexp -in FILE [-runs N]
//
// prints MB/s (10^6 bytes) and ns/line of the best run, and the number of
// records parsed (to check it matches gcpulse's event count).
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var (
	reModern = regexp.MustCompile(`gc (\d+) @(\d+(?:\.\d+)?)s (\d+)%: ([0-9.+]+) ms clock, ([0-9.+/]+) ms cpu, (\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (?:(\d+) MB stacks, (\d+) MB globals, )?(\d+) P( \(forced\))?`)
	reOld    = regexp.MustCompile(`gc(\d+)\((\d+)\): (\d+)\+(\d+)\+(\d+)\+(\d+) us, (\d+) -> (\d+) MB, \d+ \(\d+-\d+\) objects, (?:\d+ goroutines, )?\d+/\d+/\d+ sweeps, \d+\(\d+\) handoff, \d+\(\d+\) steal, \d+/\d+/\d+ yields`)
	reScvg   = regexp.MustCompile(`(forced )?scvg(-1|\d+)?: (?:inuse: (\d+), idle: (\d+), sys: (\d+), released: (\d+), consumed: (\d+) \(MB\)|(\d+) (MB|KB) released)`)
	reScav   = regexp.MustCompile(`scav (?:(\d+) )?(\d+) KiB work(?:, (\d+) KiB total| \(bg\), (\d+) KiB work \(eager\), (\d+) KiB now), (\d+)% util( \(forced\)| \[controller reset\])?`)
)

type event struct {
	seq, procs, pct                 uint64
	t                               float64
	pause, conc, cpu                float64
	assist, bg, idle                float64
	h0, h1, h2, goal, stack, global uint64
	released, retained              uint64
	forced                          bool
}

func u(b []byte) uint64 {
	v, _ := strconv.ParseUint(string(b), 10, 64)
	return v
}

func f(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

// parse returns whether LINE held a record, filling EV.
func parse(line []byte, ev *event) bool {
	*ev = event{}
	if m := reModern.FindSubmatch(line); m != nil {
		ev.seq, ev.pct = u(m[1]), u(m[3])
		ev.t = f(string(m[2]))
		clock := strings.Split(string(m[4]), "+")
		cpu := strings.Split(string(m[5]), "+")
		var parts []float64
		for _, c := range cpu {
			for _, x := range strings.Split(c, "/") {
				parts = append(parts, f(x))
			}
		}
		for _, p := range parts {
			ev.cpu += p
		}
		if len(clock) == 3 && len(parts) == 5 {
			ev.pause = f(clock[0]) + f(clock[2])
			ev.conc = f(clock[1])
			ev.assist, ev.bg, ev.idle = parts[1], parts[2], parts[3]
		} else if len(clock) == 5 && len(parts) == 7 {
			ev.pause = f(clock[0]) + f(clock[2]) + f(clock[4])
			ev.conc = f(clock[1]) + f(clock[3])
			ev.assist, ev.bg, ev.idle = parts[3], parts[4], parts[5]
		} else {
			return false
		}
		ev.h0, ev.h1, ev.h2, ev.goal = u(m[6])<<20, u(m[7])<<20, u(m[8])<<20, u(m[9])<<20
		if m[10] != nil {
			ev.stack, ev.global = u(m[10])<<20, u(m[11])<<20
		}
		ev.procs = u(m[12])
		ev.forced = m[13] != nil
		return true
	}
	if m := reOld.FindSubmatch(line); m != nil {
		ev.seq, ev.procs = u(m[1]), u(m[2])
		ev.pause = float64(u(m[3])+u(m[4])+u(m[5])+u(m[6])) / 1000
		ev.h0, ev.h1 = u(m[7])<<20, u(m[8])<<20
		return true
	}
	if m := reScav.FindSubmatch(line); m != nil {
		ev.released = u(m[2]) << 10
		if m[4] != nil {
			ev.released += u(m[4]) << 10
		}
		ev.forced = bytes.Equal(m[7], []byte(" (forced)"))
		return true
	}
	if m := reScvg.FindSubmatch(line); m != nil {
		if m[3] != nil {
			ev.retained = u(m[7]) << 20
		} else if bytes.Equal(m[9], []byte("KB")) {
			ev.released = u(m[8]) << 10
		} else {
			ev.released = u(m[8]) << 20
		}
		ev.forced = m[1] != nil || bytes.Equal(m[2], []byte("-1"))
		return true
	}
	return false
}

func main() {
	in := flag.String("in", "", "gctrace text file")
	runs := flag.Int("runs", 3, "runs (best is reported)")
	flag.Parse()
	data, err := os.ReadFile(*in)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	best := time.Duration(1<<63 - 1)
	var records, lines int
	var sum float64
	for r := 0; r < *runs; r++ {
		records, lines, sum = 0, 0, 0
		t0 := time.Now()
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		var ev event
		for sc.Scan() {
			lines++
			if parse(sc.Bytes(), &ev) {
				records++
				sum += ev.pause
			}
		}
		if d := time.Since(t0); d < best {
			best = d
		}
	}
	mbps := float64(len(data)) / 1e6 / best.Seconds()
	fmt.Printf("go regexp: %8.1f MB/s  %6.1f ns/line  records=%d lines=%d pause_sum=%.3f\n",
		mbps, float64(best.Nanoseconds())/float64(lines), records, lines, sum)
	fmt.Printf("RESULT regexp_MBps=%.1f records=%d\n", mbps, records)
}
