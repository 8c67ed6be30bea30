package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestTimeJudgedOverLoopback protects which rows the time targets apply to: net=loopback (and rows
// without a transport level), never net=canned.
func TestTimeJudgedOverLoopback(t *testing.T) {
	for base, want := range map[string]bool{
		"BenchmarkRainbondListPorts/ports=1/net=loopback":   true,
		"BenchmarkRainbondListPorts/ports=1/net=canned":     false,
		"BenchmarkRainbondAddPort/net=canned":               false,
		"BenchmarkRainbondAddPort/net=loopback":             true,
		"BenchmarkRainbondListPorts/ports=1000":             true,
		"BenchmarkRainbondListPorts/ports=10000/net=canned": false,
	} {
		if got := timeJudged(base); got != want {
			t.Errorf("timeJudged(%q) = %v, want %v", base, got, want)
		}
	}
}

// TestReportVerdicts protects the verdicts: a canned row over its target is "info" and does not fail
// the run; a loopback row over its target is NOT MET and fails it.
func TestReportVerdicts(t *testing.T) {
	s := func(ns float64) *samples {
		return &samples{ns: []float64{ns}, bytes: []float64{1}, allocs: []float64{1}}
	}
	res := map[string]*samples{
		"BenchmarkRainbondAddPort/net=canned/floor":     s(100),
		"BenchmarkRainbondAddPort/net=canned/raw":       s(150),
		"BenchmarkRainbondAddPort/net=canned/portsdk":   s(150),
		"BenchmarkRainbondAddPort/net=loopback/floor":   s(100),
		"BenchmarkRainbondAddPort/net=loopback/raw":     s(110),
		"BenchmarkRainbondAddPort/net=loopback/portsdk": s(105),
	}
	order := []string{"BenchmarkRainbondAddPort/net=canned/portsdk", "BenchmarkRainbondAddPort/net=loopback/portsdk"}
	tg := targets{floor: 1.10, validateNs: 200}
	var out bytes.Buffer
	if !report(&out, res, order, tg) {
		t.Errorf("a canned row over its target failed the run:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "info") || !strings.Contains(out.String(), "met") {
		t.Errorf("want the canned row as info and the loopback row met:\n%s", out.String())
	}
	res["BenchmarkRainbondAddPort/net=loopback/portsdk"] = s(120)
	out.Reset()
	if report(&out, res, order, tg) {
		t.Errorf("a loopback row at 1.20 of the floor passed a 1.10 target:\n%s", out.String())
	}
}

// TestPoolRatio protects how -pool pairs rounds and judges the target: the n-th line of each
// contender is its n-th round, each ratio is tuned's ns/op over the contender's (throughput), and
// the verdict follows the median ratio of default; CPU ratios come only from rounds reporting
// cpu-ns/op.
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
	res, order, err := parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(res["BenchmarkParallelList/tuned"].ns) != 2 || strings.Join(order, ",") !=
		"BenchmarkParallelList/default,BenchmarkParallelList/tuned,BenchmarkParallelList/stdlib" {
		t.Fatalf("parsed %v (tuned: %+v), want 2 rounds of default,tuned,stdlib", order, res["BenchmarkParallelList/tuned"])
	}
	var out strings.Builder
	ok, err := poolReport(&out, res, order, 0.90) // default/tuned: 0.95 and 0.80, median 0.875
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		t.Errorf("median 0.875 judged as meeting 0.90:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "| default | 9000000 | 0.88 (0.80..0.95, 2 rounds) | 0.90 (0.90..0.90) |") {
		t.Errorf("default row missing or wrong:\n%s", out.String())
	}
	if ok, _ := poolReport(&out, res, order, 0.85); !ok {
		t.Errorf("median 0.875 judged as missing 0.85")
	}
}

// TestFloorTargetCoversRealisticWork protects which cases the floor target judges: lists of 1 to 100
// ports and the writes; 1000 and 10,000 ports are information only.
func TestFloorTargetCoversRealisticWork(t *testing.T) {
	tg := targets{floor: 1.10}
	for base, want := range map[string]float64{
		"BenchmarkRainbondListPorts/ports=1/net=loopback":     1.10,
		"BenchmarkRainbondListPorts/ports=10/net=loopback":    1.10,
		"BenchmarkRainbondListPorts/ports=100/net=loopback":   1.10,
		"BenchmarkRainbondAddPort/net=loopback":               1.10,
		"BenchmarkRainbondListPorts/ports=1000/net=loopback":  0,
		"BenchmarkRainbondListPorts/ports=10000/net=loopback": 0,
	} {
		if got := floorTarget(base, tg); got != want {
			t.Errorf("floorTarget(%q) = %v, want %v", base, got, want)
		}
	}
}
