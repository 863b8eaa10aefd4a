package main

import (
	"os"
	"runtime"
	"strconv"
)

var sink [][]byte

func main() {
	n := 40
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	for i := 0; i < n; i++ {
		for j := 0; j < 2000; j++ {
			sink = append(sink, make([]byte, 2048))
		}
		if len(sink) > 6000 {
			sink = sink[:0]
		}
		if i == n/2 {
			runtime.GC()
		}
	}
}
