#!/usr/bin/env python3
"""check.py - an independent pause counter for GC logs, and the
`make conformance` runner.

The checker reads the raw text with its own rules, written from the
formats (docs/trace-formats.md), sharing no code with the C parsers:

  Go       every whole "gc N @Ts P%: a+b+c[+d+e] ms clock, ... N P" line
           (a line cut short is not) is one pause event; pause = a+c (Go 1.6+) or a+c+e (Go 1.5).  Every Go <= 1.4
           "gcN(P): a+b+c+d us" line is one, pause = a+b+c+d us.
  JVM 9+   every "GC(N) [Y: |O: |y: ]Pause ... <x>ms" line at the end of
           a line is one pause of x ms.
  JDK <= 8 concurrent phases are cut out first ("[CMS-concurrent-...]" with
           the "[Times: ...]" after it, "[GC concurrent-...]"); then every
           "[Times: ...]" closes one record whose pause is the last
           "<x> secs]" before it (a log without any "[Times:", i.e.
           -XX:+PrintGC alone: every line with "[GC" or "[Full GC" and a
           "<x> secs]" is one record, the last such value its pause), and
           every JDK 8 Shenandoah "[Pause ..., <x> ms]" is one pause.

usage: check.py FILE...                   per-file "pauses sum_ms" (checker)
       check.py --run GCPULSE BASELINE DIR...
           run `GCPULSE events` on every log under DIRs, compare its pause
           count and sum with the checker's, print one line per file, and
           exit 1 when a file listed as agreeing in BASELINE disagrees now
           (a regression).  --update writes BASELINE from this run.
"""
import json
import os
import re
import subprocess
import sys

GO_NEW = re.compile(rb"\bgc (\d+) @(\d+(?:\.\d+)?)s \d+%: ([0-9.+]+) ms clock, "
                    rb"[^\n]* \d+ P(?: \(forced\))?[ \t\r]*$", re.M)
GO_OLD = re.compile(rb"\bgc(\d+)\(\d+\): (\d+)\+(\d+)\+(\d+)\+(\d+) us")
UL_PAUSE = re.compile(
    rb"GC\(\d+\) (?:[YOy]: )?Pause [^\n]*? (\d+[.,]\d+)ms[ \t\r]*$", re.M)
L8_CONC = re.compile(
    rb"\[CMS-concurrent-[a-z-]+(?:: [0-9.,]+/[0-9.,]+ secs)?\]"
    rb"(?: ?\[Times: [^\]]*\])?|\[GC concurrent-[^\]]*\]")
L8_TIMES = re.compile(rb"\[Times: [^\]]*\]")
L8_SECS = re.compile(rb"(\d+[.,]\d+) secs\]")
SHEN8 = re.compile(rb"\[Pause [^\]\n]*?(\d+[.,]\d+) ms\]")


def num(b):
    return float(b.replace(b",", b"."))


def count_go(data):
    n, total = 0, 0.0
    for m in GO_NEW.finditer(data):
        parts = [num(x) for x in m.group(3).split(b"+")]
        if len(parts) == 3:
            total += parts[0] + parts[2]
        elif len(parts) == 5:
            total += parts[0] + parts[2] + parts[4]
        else:
            continue
        n += 1
    for m in GO_OLD.finditer(data):
        total += sum(int(m.group(i)) for i in range(2, 6)) / 1000.0
        n += 1
    return n, total


def count_jvm(data):
    if UL_PAUSE.search(data) and not L8_TIMES.search(data):
        n, total = 0, 0.0
        for m in UL_PAUSE.finditer(data):
            n += 1
            total += num(m.group(1))
        return n, total
    text = L8_CONC.sub(b"", data)
    if not L8_TIMES.search(text):  # -XX:+PrintGC alone: one record a line
        n, total = 0, 0.0
        for line in text.splitlines():
            if b"[GC" in line or b"[Full GC" in line:
                secs = L8_SECS.findall(line)
                if secs:
                    n += 1
                    total += num(secs[-1]) * 1000.0
        for m in SHEN8.finditer(text):
            n += 1
            total += num(m.group(1))
        return n, total
    n, total, start = 0, 0.0, 0
    for m in L8_TIMES.finditer(text):
        last = None
        for s in L8_SECS.finditer(text, start, m.start()):
            last = s
        if last is not None:
            n += 1
            total += num(last.group(1)) * 1000.0
        start = m.end()
    for m in SHEN8.finditer(text):
        n += 1
        total += num(m.group(1))
    return n, total


def is_go(data):
    return bool(GO_NEW.search(data) or GO_OLD.search(data))


def checker(path):
    data = open(path, "rb").read()
    return count_go(data) if is_go(data) else count_jvm(data)


def gcpulse(binary, path):
    out = subprocess.run([binary, "events", path], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, check=False).stdout
    n, total = 0, 0.0
    for line in out.splitlines():
        ev = json.loads(line)
        if "pause_ms" in ev and ev.get("kind") != "scavenge":
            n += 1
            total += ev["pause_ms"]
    return n, total


def logs(dirs):
    """(name, path) of every .log/.txt under DIRS; NAME is the path inside
    its DIR prefixed with the DIR's last component ("corpus/jvm/x.log")."""
    for d in dirs:
        top = os.path.basename(os.path.normpath(d))
        for root, subdirs, files in os.walk(d):
            subdirs.sort()
            for f in sorted(files):
                if f.endswith((".log", ".txt")):
                    path = os.path.join(root, f)
                    yield top + "/" + os.path.relpath(path, d), path


def run(binary, baseline, dirs, update):
    base = {}
    if os.path.exists(baseline) and not update:
        for line in open(baseline):
            if line.strip() and not line.startswith("#"):
                name, state = line.split()[:2]
                base[name] = state
    rows, agree_n, total_n, regress = [], 0, 0, []
    print("%-62s %7s %12s %7s %12s  %s" % ("file", "pauses", "sum_ms",
                                            "check", "check_ms", "agree"))
    for d in dirs:
        if not os.path.isdir(d):
            print("conformance: %s is not a directory (set GCPULSE_CORPUS)" % d)
            return 2
    for name, path in logs(dirs):
        gn, gs = gcpulse(binary, path)
        cn, cs = checker(path)
        ok = gn == cn and abs(gs - cs) <= 1e-6 * max(1.0, abs(cs)) + 1e-3
        state = "yes" if ok else "no"
        total_n += 1
        agree_n += ok
        if base.get(name) == "yes" and not ok:
            regress.append(name)
        rows.append((name, state))
        print("%-62s %7d %12.3f %7d %12.3f  %s" % (name[-62:], gn, gs, cn, cs, state))
    print("conformance: %d of %d files agree on pause count and sum" % (agree_n, total_n))
    if update:
        with open(baseline, "w") as f:
            f.write("# file agree (written by check.py --update)\n")
            for name, state in rows:
                f.write("%s %s\n" % (name, state))
        print("conformance: baseline %s written" % baseline)
        return 0
    for name, state in base.items():
        if state == "yes" and name not in dict(rows):
            regress.append(name + " (missing)")
    for name in regress:
        print("conformance: REGRESSION: %s agreed in %s and no longer does" % (name, baseline))
    return 1 if regress else 0


def main(argv):
    if argv and argv[0] == "--run":
        update = "--update" in argv
        argv = [a for a in argv if a != "--update"]
        return run(argv[1], argv[2], argv[3:], update)
    for path in argv:
        n, total = checker(path)
        print("%s %d %.3f" % (path, n, total))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
