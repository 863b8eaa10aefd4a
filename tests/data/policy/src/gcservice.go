// gcservice — Go request-loop services that produce the second set of
// policy fixtures (see ../make.sh).  Every mode serves "requests" in
// 10 ms ticks; a request allocates KiB of short-lived garbage in 1 KiB
// pieces.  What the service retains decides the pathology.
//
//	gcservice leak    SECONDS  500 req/s, 16 KiB garbage each, 3 KiB of
//	                           each request kept in a session map that is
//	                           never pruned: ~1.5 MB/s of live heap leak.
//	gcservice cgoleak SECONDS  500 req/s, 16 KiB garbage each, flat 16 MiB
//	                           of sessions; 4 KiB per request malloc'd in
//	                           C, touched and never freed: RSS grows
//	                           ~2 MB/s while the Go heap stays flat.
//	gcservice pulse   SECONDS  500 req/s with 64 KiB of garbage each, and
//	                           3200 req/s from 20 s to 28 s and from 50 s
//	                           to 58 s; flat 32 MiB of sessions.
//	gcservice healthy SECONDS  500 req/s, 16 KiB garbage each, flat
//	                           32 MiB of sessions: the control.
//
// RSS samples go to stdout once a second as "t_s,rss_bytes" (t on the same
// clock as gctrace's @T: seconds since process start, within a few ms);
// gctrace goes to stderr.
package main

/*
#include <stdlib.h>
#include <string.h>
static void *keep_block(size_t n) {
	void *p = malloc(n);
	if (p) memset(p, 1, n);
	return p;
}
*/
import "C"

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

var start = time.Now()
var sink [64][]byte

func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// request allocates kib KiB of short-lived garbage.
func request(id, kib int) {
	for i := 0; i < kib; i++ {
		b := make([]byte, 1024)
		b[0] = byte(id)
		sink[i&63] = b
	}
}

// sessions is bounded state: n entries of 4 KiB, replaced round-robin.
type sessions struct {
	m    map[int][]byte
	n, i int
}

func (s *sessions) touch() {
	s.m[s.i%s.n] = make([]byte, 4096)
	s.i++
}

func newSessions(mib int) *sessions {
	s := &sessions{m: map[int][]byte{}, n: mib * 256}
	for i := 0; i < s.n; i++ {
		s.touch()
	}
	return s
}

func main() {
	mode := os.Args[1]
	secs, _ := strconv.Atoi(os.Args[2])
	end := start.Add(time.Duration(secs) * time.Second)
	var s *sessions
	leaked := map[int][]byte{}
	var cblocks []*C.char
	switch mode {
	case "leak", "cgoleak":
		s = newSessions(16)
	default:
		s = newSessions(32)
	}
	owed := 0.0
	id := 0
	nextSample := start
	for time.Now().Before(end) {
		time.Sleep(10 * time.Millisecond)
		el := time.Since(start).Seconds()
		rps, kib := 500.0, 16
		if mode == "pulse" {
			kib = 64
			if (el >= 20 && el < 28) || (el >= 50 && el < 58) {
				rps = 3200
			}
		}
		owed += rps * 0.01
		for ; owed >= 1; owed-- {
			request(id, kib)
			s.touch()
			switch mode {
			case "leak":
				leaked[id] = make([]byte, 3072)
			case "cgoleak":
				cblocks = append(cblocks, (*C.char)(C.keep_block(4096)))
			}
			id++
		}
		if !time.Now().Before(nextSample) {
			fmt.Printf("%.3f,%d\n", time.Since(start).Seconds(), rss())
			nextSample = nextSample.Add(time.Second)
		}
	}
	_ = cblocks
}
