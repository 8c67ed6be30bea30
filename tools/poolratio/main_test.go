package main

import (
	"strings"
	"testing"
)

// TestPoolRatio protects how rounds are told apart and how the target is judged: a round ends when a
// contender appears again, each ratio is tuned's ns/op over the contender's (throughput), and the
// verdict follows the median ratio of default; CPU ratios come only from rounds reporting cpu-ns/op.
func TestPoolRatio(t *testing.T) {
	in := `goos: linux
BenchmarkParallelList/default-2   	 100	 100 ns/op	 1 calls/s	 200 cpu-ns/op
BenchmarkParallelList/tuned-2     	 100	 95 ns/op	 180 cpu-ns/op
BenchmarkParallelList/stdlib-2    	 100	 190 ns/op
PASS
BenchmarkParallelList/tuned-2     	 100	 100 ns/op
BenchmarkParallelList/stdlib-2    	 100	 200 ns/op
BenchmarkParallelList/default-2   	 100	 125 ns/op
`
	rounds, names, err := parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(rounds) != 2 || strings.Join(names, ",") != "default,tuned,stdlib" {
		t.Fatalf("parsed %d rounds of %v, want 2 of default,tuned,stdlib", len(rounds), names)
	}
	var out strings.Builder
	ok, err := report(&out, rounds, names, 0.90) // default/tuned: 0.95 and 0.80, median 0.875
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		t.Errorf("median 0.875 judged as meeting 0.90:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "| default | 9000000 | 0.88 (0.80..0.95, 2 rounds) | 0.90 (0.90..0.90) |") {
		t.Errorf("default row missing or wrong:\n%s", out.String())
	}
	if ok, _ := report(&out, rounds, names, 0.85); !ok {
		t.Errorf("median 0.875 judged as missing 0.85")
	}
}
