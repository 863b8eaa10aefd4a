// Command demo-workload is a small Go service stand-in used to record the
// bundled demo trace (examples/data/go-demo.gctrace): steady traffic, a
// traffic pulse that also grows the live heap, then a slow leak.  Run it
// with GODEBUG=gctrace=1 and capture stderr:
//
//	GODEBUG=gctrace=1,scavtrace=1 GOMAXPROCS=2 go run . -seconds 100 2> go-demo.gctrace
package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

type node struct {
	next *node
	buf  []byte
}

func main() {
	seconds := flag.Int("seconds", 100, "total run time")
	flag.Parse()
	live := make([]*node, 0, 1<<16)
	var leak []*node
	start := time.Now()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var sink *node
	served, lastLog := 0, 0.0
	for range tick.C {
		el := time.Since(start).Seconds()
		if el > float64(*seconds) {
			break
		}
		// requests per 10 ms tick: base 5, pulse 32 between 30 s and 55 s
		reqs := 5
		if el >= 30 && el < 55 {
			reqs = 32
		}
		served += reqs
		if el-lastLog >= 10 {
			// application log lines share stderr with the GC trace
			fmt.Fprintf(os.Stderr, "{\"level\":\"info\",\"msg\":\"served\",\"requests\":%d,\"t\":%.1f}\n", served, el)
			lastLog = el
		}
		for r := 0; r < reqs; r++ {
			// each request allocates ~40 KiB of short-lived pointer-rich garbage
			var head *node
			for i := 0; i < 40; i++ {
				head = &node{next: head, buf: make([]byte, 1024)}
			}
			sink = head
			// and keeps 2 KiB for a while (a TTL cache)
			live = append(live, &node{buf: make([]byte, 2048)})
		}
		// TTL: keep about 20 s of cached objects (longer during the pulse)
		keep := 5 * 100 * 20
		if el >= 30 && el < 70 {
			keep = 32 * 100 * 20
		}
		if len(live) > keep {
			live = append(live[:0], live[len(live)-keep:]...)
		}
		// after 60 s a slow leak: 8 KiB per tick never freed
		if el >= 60 {
			leak = append(leak, &node{buf: make([]byte, 8192)})
		}
	}
	_ = sink
	fmt.Fprintf(os.Stdout, "done: live=%d leak=%d\n", len(live), len(leak))
}
