package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseInitTrace protects the reading of GODEBUG=inittrace=1 lines: the package, its clock time
// and allocations are taken from each init line, and other lines (the program's own output) are
// skipped, so the init totals bench-cli reports add up what the runtime printed.
func TestParseInitTrace(t *testing.T) {
	in := "init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs\n" +
		"portctl version v0.1.0\n" +
		"init github.com/spf13/cobra @2.1 ms, 0.250 ms clock, 4096 bytes, 37 allocs\n" +
		"init broken @1 ms, x ms clock, 1 bytes, 1 allocs\n"
	got := parseInitTrace(in)
	if len(got) != 2 {
		t.Fatalf("parsed %d lines, want 2: %+v", len(got), got)
	}
	if got[1] != (pkgInit{name: "github.com/spf13/cobra", clockMs: 0.25, allocs: 37}) {
		t.Errorf("second line parsed as %+v", got[1])
	}
}

// TestMedian protects the figure every ratio is made of: odd and even counts, input order kept.
func TestMedian(t *testing.T) {
	xs := []float64{3, 1, 2}
	if m := median(xs); m != 2 {
		t.Errorf("median(3,1,2) = %v, want 2", m)
	}
	if xs[0] != 3 {
		t.Errorf("median sorted its input: %v", xs)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("median(4,1,3,2) = %v, want 2.5", m)
	}
}

// TestCheckFlags protects the refusal of settings that cannot give a figure, naming the flag.
func TestCheckFlags(t *testing.T) {
	for _, tc := range []struct {
		rounds, runs, ports, initRuns, copies int
		target                                float64
		flag                                  string
	}{
		{0, 1, 1, 1, 1, 1.2, "-rounds"},
		{1, 0, 1, 1, 1, 1.2, "-runs"},
		{1, 1, 0, 1, 1, 1.2, "-ports"},
		{1, 1, 101, 1, 1, 1.2, "-ports"},
		{1, 1, 1, 0, 1, 1.2, "-init-runs"},
		{1, 1, 1, 1, 0, 1.2, "-copies"},
		{1, 1, 1, 1, 1, 0, "-target"},
	} {
		err := checkFlags(tc.rounds, tc.runs, tc.ports, tc.initRuns, tc.copies, tc.target)
		if err == nil || !strings.HasPrefix(err.Error(), tc.flag+" ") {
			t.Errorf("checkFlags%v = %v, want an error naming %s", tc, err, tc.flag)
		}
	}
	if err := checkFlags(10, 20, 5, 5, 4, 1.2); err != nil {
		t.Errorf("defaults refused: %v", err)
	}
}

// TestCopyBinary protects the copies each contender is run from: n files, byte for byte the
// original, executable.
func TestCopyBinary(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "prog")
	if err := os.WriteFile(src, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := copyBinary(src, filepath.Join(dir, "copies"), "prog", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("copyBinary made %d copies, want 3: %v", len(got), got)
	}
	for _, c := range got {
		b, err := os.ReadFile(c)
		if err != nil || string(b) != "#!/bin/sh\necho hi\n" {
			t.Errorf("%s = %q, %v; want the original", c, b, err)
		}
		if st, err := os.Stat(c); err != nil || st.Mode().Perm()&0o100 == 0 {
			t.Errorf("%s is not executable: %v %v", c, st.Mode(), err)
		}
	}
}
