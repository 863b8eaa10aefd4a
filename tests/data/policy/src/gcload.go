// gcload — Go workloads that produce the policy fixtures (see ../make.sh).
//
//	gcload steady  SECONDS       idle service: ~50 KB/s of garbage, flat
//	                             live heap: a GC every minute or two.
//	                             Samples RSS.
//	gcload spiral  SECONDS MiB   live heap grows towards MiB while 8 MB/s
//	                             of garbage churns (run with GOGC=off and
//	                             GOMEMLIMIT just above MiB): death spiral.
//	gcload grow    SECONDS MiB   live heap grows linearly to MiB (GOGC=100).
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
	next := start
	tick := 10 * time.Millisecond
	for time.Now().Before(end) {
		el := time.Since(start).Seconds()
		switch mode {
		case "steady":
			churn(500) // 50 KB/s: a GC every ~80 s
			sample(&next, 5*time.Second)
		case "spiral", "grow":
			want := int(arg * 1048576 * el / float64(secs) / 4096)
			if mode == "spiral" {
				// start at 60 % of the target, reach it at 80 % of the run
				want = int(arg * 1048576 * (0.6 + 0.4*el/(0.8*float64(secs))) / 4096)
				if max := int(arg * 1048576 / 4096); want > max {
					want = max
				}
			}
			for len(live) < want {
				live = append(live, make([]byte, 4096))
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
}
