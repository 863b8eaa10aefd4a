// gcload — Go workloads that produce the policy fixtures (see ../make.sh).
//
//	gcload steady  SECONDS       idle service: ~50 KB/s of garbage, flat
//	                             live heap: a GC every minute or two.
//	                             Samples RSS.
//	gcload spiral  SECONDS MiB   pointer-rich live heap grows from 60 % of
//	                             MiB to MiB in the first quarter of the run
//	                             and stays there; garbage is allocated flat
//	                             out (run with GOGC=off and GOMEMLIMIT just
//	                             above MiB): the GC death spiral.
//	gcload grow    SECONDS MiB   pointer-rich live heap grows linearly to
//	                             MiB with 8 MB/s of garbage (GOGC=100).
//	gcload offheap SECONDS MiB/s flat 8 MiB live heap with churn, plus
//	                             MiB/s of mmap'd memory touched and kept
//	                             (memory outside the GC's view).  Samples RSS.
//
// RSS samples go to stdout as "t_s,rss_bytes" (t on the same clock as
// gctrace's @T: seconds since process start, within a few ms); gctrace
// goes to stderr.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var start = time.Now()
var sink [][]byte

// node is a pointer-rich object: marking a heap of them costs real CPU.
type node struct {
	next *node
	a, b *node
	pad  [1]uint64
}

var nsink [256]*node

func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func sample(next *time.Time, every time.Duration) {
	if time.Now().Before(*next) {
		return
	}
	fmt.Printf("%.3f,%d\n", time.Since(start).Seconds(), rss())
	*next = next.Add(every)
}

// churn allocates n bytes of short-lived garbage in 1 KiB pieces.
func churn(n int) {
	for i := 0; i < n/1024; i++ {
		b := make([]byte, 1024)
		b[0] = byte(i)
		sink[i%len(sink)] = b
	}
}

func main() {
	mode := os.Args[1]
	secs, _ := strconv.Atoi(os.Args[2])
	arg := 0.0
	if len(os.Args) > 3 {
		arg, _ = strconv.ParseFloat(os.Args[3], 64)
	}
	end := start.Add(time.Duration(secs) * time.Second)
	sink = make([][]byte, 64)
	var live [][]byte
	var head *node
	nlive := 0
	steps := 0
	next := start
	tick := 10 * time.Millisecond
	for time.Now().Before(end) {
		el := time.Since(start).Seconds()
		switch mode {
		case "steady":
			if int(el*10) != steps { // 5 KiB every 100 ms: 50 KiB/s
				steps = int(el * 10)
				churn(5 * 1024)
			}
			sample(&next, 5*time.Second)
		case "spiral":
			// live nodes: 60 % of MiB at start, all of it from a quarter
			// of the run on; garbage nodes allocated flat out in between
			frac := 0.6 + 0.4*el/(0.25*float64(secs))
			if frac > 1 {
				frac = 1
			}
			want := int(arg * 1048576 * frac / 32)
			for nlive < want {
				head = &node{next: head}
				nlive++
			}
			for i := 0; i < 20000; i++ {
				nsink[i&255] = &node{a: head}
			}
			continue
		case "grow":
			want := int(arg * 1048576 * el / float64(secs) / 32)
			for nlive < want {
				head = &node{next: head}
				nlive++
			}
			churn(80 * 1024) // 8 MB/s
		case "offheap":
			if live == nil {
				for i := 0; i < 2048; i++ {
					live = append(live, make([]byte, 4096))
				}
			}
			churn(40 * 1024) // 4 MB/s
			n := int(arg * 1048576 / 100)
			m, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE,
				syscall.MAP_ANON|syscall.MAP_PRIVATE)
			if err == nil {
				for i := 0; i < n; i += 4096 {
					m[i] = 1
				}
			}
			sample(&next, time.Second)
		}
		time.Sleep(tick)
	}
	_ = live
	_ = head
}
