package gcpulse

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestCgroupMemoryLimit(t *testing.T) {
	cases := []struct {
		tree string
		want int64 // 0 = ErrNoLimit
	}{
		{"v2-leaf", 268435456},
		{"v2-parent", 536870912},       // leaf "max", parent 512 MiB, grandparent 1 GiB
		{"v2-high", 402653184},         // memory.high below memory.max
		{"v2-ns", 805306368},           // cgroup namespace: the root's own limit
		{"v2-none", 0},                 // "max" everywhere
		{"v2-nomountinfo", 134217728},  // no mountinfo: default /sys/fs/cgroup layout
		{"v2-meminfo", 8388608 * 1024}, // capped at MemTotal
		{"v1-container", 1073741824},   // mount root is the container's cgroup
		{"v1-parent", 2147483648},      // leaf unlimited (sentinel), parent 2 GiB
		{"v1-hier", 3221225472},        // hierarchical_memory_limit from memory.stat
		{"hybrid", 314572800},          // v1 unlimited, unified v2 limit
	}
	for _, c := range cases {
		t.Run(c.tree, func(t *testing.T) {
			got, err := CgroupMemoryLimit(filepath.Join("testdata", "cgroup", c.tree))
			if c.want == 0 {
				if !errors.Is(err, ErrNoLimit) {
					t.Fatalf("want ErrNoLimit, got %d, %v", got, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %d, %v; want %d", got, err, c.want)
			}
		})
	}
}

func TestCgroupMissingTree(t *testing.T) {
	if _, err := CgroupMemoryLimit(filepath.Join("testdata", "no-such-tree")); err == nil {
		t.Fatal("want an error for a missing tree")
	}
}

func TestCgroupRealSystem(t *testing.T) {
	l, err := CgroupMemoryLimit("")
	t.Logf("this system: limit %d, err %v", l, err)
	if err == nil && l <= 0 {
		t.Fatalf("positive limit expected, got %d", l)
	}
}

func TestUnescapeMount(t *testing.T) {
	if got := unescapeMount(`/a\040b`); got != "/a b" {
		t.Fatalf("got %q", got)
	}
	if got := unescapeMount(`/a\04`); got != `/a\04` {
		t.Fatalf("got %q", got)
	}
}
