package gcpulse

// Container memory limit detection (pure Go, no cgo).
//
// The process's cgroups come from <root>/proc/self/cgroup, the cgroup
// mounts from <root>/proc/self/mountinfo (falling back to the usual
// /sys/fs/cgroup layout when mountinfo is absent).  The effective limit is
// the minimum over the process's cgroup and all of its ancestors up to the
// mount root, because a parent's limit bounds every child:
//
//   v2: memory.max and memory.high ("max" = none) of each level;
//   v1: memory.limit_in_bytes of each level, and the leaf's
//       memory.stat hierarchical_memory_limit.
//
// In hybrid layouts (v1 memory controller plus a v2 unified mount) the v1
// memory controller is the one that enforces limits, so it wins when it
// reports a limit; otherwise v2 is consulted.  Values of 2^62 and above
// are v1's "unlimited" sentinel.  The result is also capped at the
// machine's MemTotal when <root>/proc/meminfo is readable.  The root
// parameter lets tests point at a fake tree (testdata/cgroup/*).

import (
	"bufio"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrNoLimit is returned by CgroupMemoryLimit when no limit applies.
var ErrNoLimit = errors.New("gcpulse: no cgroup memory limit")

const unlimitedSentinel = int64(1) << 62

type cgMount struct {
	root, point string // mount root inside the hierarchy, mount point
	v2          bool
}

// CgroupMemoryLimit returns the effective memory limit in bytes of the
// calling process's cgroup (v2 or v1, walking parents), reading the files
// under root ("" or "/" for the real system).  It returns ErrNoLimit when
// there is none and another error when the cgroup files are unreadable.
func CgroupMemoryLimit(root string) (int64, error) {
	if root == "" {
		root = "/"
	}
	groups, err := readProcCgroup(filepath.Join(root, "proc/self/cgroup"))
	if err != nil {
		return 0, err
	}
	mounts := readMountinfo(filepath.Join(root, "proc/self/mountinfo"))
	if mounts == nil {
		mounts = defaultMounts(root, groups)
	}
	limit := int64(-1)
	// v1 memory controller first: it enforces limits when present.
	for _, m := range mounts {
		if m.v2 {
			continue
		}
		if p, ok := groups["memory"]; ok {
			if l := walkV1(root, m, p); l > 0 && (limit < 0 || l < limit) {
				limit = l
			}
		}
	}
	if limit < 0 {
		for _, m := range mounts {
			if !m.v2 {
				continue
			}
			if p, ok := groups[""]; ok {
				if l := walkV2(root, m, p); l > 0 && (limit < 0 || l < limit) {
					limit = l
				}
			}
		}
	}
	if limit < 0 {
		return 0, ErrNoLimit
	}
	if mt := memTotal(filepath.Join(root, "proc/meminfo")); mt > 0 && mt < limit {
		limit = mt
	}
	return limit, nil
}

// readProcCgroup maps controller -> path; the v2 entry ("0::/path") is
// stored under "".  v1 lines list controllers comma-separated.
func readProcCgroup(file string) (map[string]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := make(map[string]string)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[1] == "" {
			out[""] = parts[2]
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			out[c] = parts[2]
		}
	}
	return out, sc.Err()
}

// readMountinfo returns the cgroup2 mounts and the v1 mounts that carry the
// memory controller, or nil if the file cannot be read.
func readMountinfo(file string) []cgMount {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []cgMount
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		// id parent major:minor root mountpoint opts [optional...] - fstype source superopts
		fields := strings.Fields(sc.Text())
		sep := -1
		for i, f := range fields {
			if f == "-" {
				sep = i
				break
			}
		}
		if sep < 5 || sep+3 > len(fields) {
			continue
		}
		fstype := fields[sep+1]
		m := cgMount{root: unescapeMount(fields[3]), point: unescapeMount(fields[4])}
		switch fstype {
		case "cgroup2":
			m.v2 = true
			out = append(out, m)
		case "cgroup":
			super := ""
			if sep+3 < len(fields) {
				super = fields[sep+3]
			}
			for _, o := range strings.Split(super, ",") {
				if o == "memory" {
					out = append(out, m)
					break
				}
			}
		}
	}
	if out == nil {
		out = []cgMount{}
	}
	return out
}

// unescapeMount undoes mountinfo's octal escapes (\040 for space, ...).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// defaultMounts guesses the usual layout when mountinfo is missing.
func defaultMounts(root string, groups map[string]string) []cgMount {
	var out []cgMount
	if _, ok := groups["memory"]; ok {
		out = append(out, cgMount{root: "/", point: "/sys/fs/cgroup/memory"})
	}
	if _, ok := groups[""]; ok {
		if fileExists(filepath.Join(root, "sys/fs/cgroup/cgroup.controllers")) {
			out = append(out, cgMount{root: "/", point: "/sys/fs/cgroup", v2: true})
		} else {
			out = append(out, cgMount{root: "/", point: "/sys/fs/cgroup/unified", v2: true})
		}
	}
	return out
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// levels lists the directories from the process's cgroup up to the mount
// point, leaf first.  A cgroup path outside the mount's root (as seen in
// containers without a cgroup namespace) maps to the mount point itself.
func levels(root string, m cgMount, cgPath string) []string {
	rel := path.Clean("/" + cgPath)
	mroot := path.Clean("/" + m.root)
	if mroot != "/" {
		if rel == mroot {
			rel = "/"
		} else if strings.HasPrefix(rel, mroot+"/") {
			rel = strings.TrimPrefix(rel, mroot)
		} else {
			rel = "/"
		}
	}
	base := filepath.Join(root, m.point)
	var out []string
	for {
		dir := filepath.Join(base, filepath.FromSlash(rel))
		if fileExists(dir) {
			out = append(out, dir)
		}
		if rel == "/" {
			break
		}
		rel = path.Dir(rel)
	}
	return out
}

func walkV2(root string, m cgMount, p string) int64 {
	limit := int64(-1)
	for _, dir := range levels(root, m, p) {
		for _, name := range []string{"memory.max", "memory.high"} {
			if v, ok := readLimit(filepath.Join(dir, name)); ok && (limit < 0 || v < limit) {
				limit = v
			}
		}
	}
	return limit
}

func walkV1(root string, m cgMount, p string) int64 {
	limit := int64(-1)
	dirs := levels(root, m, p)
	for _, dir := range dirs {
		if v, ok := readLimit(filepath.Join(dir, "memory.limit_in_bytes")); ok && (limit < 0 || v < limit) {
			limit = v
		}
	}
	if len(dirs) > 0 {
		if v, ok := statValue(filepath.Join(dirs[0], "memory.stat"), "hierarchical_memory_limit"); ok &&
			v > 0 && v < unlimitedSentinel && (limit < 0 || v < limit) {
			limit = v
		}
	}
	return limit
}

// readLimit reads a single-number limit file; "max" and v1's huge
// sentinel mean no limit (ok = false).
func readLimit(file string) (int64, bool) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, false
	}
	s := strings.TrimSpace(string(b))
	if s == "" || s == "max" {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v == 0 || v >= uint64(unlimitedSentinel) {
		return 0, false
	}
	return int64(v), true
}

func statValue(file, key string) (int64, bool) {
	f, err := os.Open(file)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " ")
		if !ok || k != key {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil || n >= uint64(unlimitedSentinel) {
			return 0, false
		}
		return int64(n), true
	}
	return 0, false
}

func memTotal(file string) int64 {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "MemTotal:" {
			if v, err := strconv.ParseInt(f[1], 10, 64); err == nil && v > 0 {
				return v * 1024 // kB
			}
		}
	}
	return 0
}
