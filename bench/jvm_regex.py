#!/usr/bin/env python3
"""jvm_regex.py - a deliberately simple regex summariser of HotSpot unified
GC logs, used (1) as an independent oracle for the pause totals hard-coded in
tests/test_trace_jvm.c and (2) as the baseline in the JVM parser benchmark.

It counts every "Pause ..." line that ends in a duration (one per
stop-the-world pause, any collector) and sums those durations.

usage: jvm_regex.py FILE...            per-file "pauses sum_ms" lines
       jvm_regex.py --bench FILE [MB]  repeat FILE's bytes to >= MB (default
                                       50) in memory, time the summary, print
                                       MB/s
"""
import re
import sys
import time

PAUSE = re.compile(
    rb"GC\((\d+)\) (?:[YOy]: )?Pause (.*?) (?:(\d+[KMG])->(\d+[KMG])\((\d+[KMG])\) )?(\d+[.,]\d+)ms\s*$",
    re.M)


def summarise(data):
    n = 0
    total = 0.0
    for m in PAUSE.finditer(data):
        n += 1
        total += float(m.group(6).replace(b",", b"."))
    return n, total


def main(argv):
    if len(argv) >= 2 and argv[0] == "--bench":
        raw = open(argv[1], "rb").read()
        mb = float(argv[2]) if len(argv) > 2 else 50.0
        reps = max(1, int(mb * 1048576 / max(1, len(raw))) + 1)
        data = raw * reps
        t0 = time.perf_counter()
        n, total = summarise(data)
        dt = time.perf_counter() - t0
        size = len(data) / 1048576.0
        print("jvm_regex.py: %.1f MB, %d pauses, %.3f ms total, %.3f s, %.1f MB/s"
              % (size, n, total, dt, size / dt))
        return 0
    for path in argv:
        n, total = summarise(open(path, "rb").read())
        print("%s %d %.3f" % (path, n, total))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
