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
	tg := targets{floorLarge: 1, floorHuge: 0.85, floorSmall: 1.10, raw1000: 0.8, validateNs: 200}
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
