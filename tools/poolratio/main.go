// Command poolratio reads the output of several rounds of BenchmarkParallelList (wrapper/rainbond,
// one go test process per round, as `make bench-pool` runs them) and prints, for every contender, its
// median throughput and the ratio of its throughput to tuned's: the median and min..max of the
// per-round ratios; the same for the CPU time per call (cpu-ns/op, tuned's over the contender's), the
// steadier figure on a machine shared with other work. It checks the target of issue 19: default reaches at least -target of tuned.
//
// Usage:
//
//	go run ./tools/poolratio [-target 0.9] bench-pool.out
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	target := flag.Float64("target", 0.90, "target: lowest median throughput ratio default/tuned")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: poolratio [-target 0.9] bench-pool.out")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "poolratio:", err)
		os.Exit(1)
	}
	defer func() { _ = f.Close() }()
	rounds, names, err := parse(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "poolratio:", err)
		os.Exit(1)
	}
	ok, err := report(os.Stdout, rounds, names, *target)
	if err != nil {
		fmt.Fprintln(os.Stderr, "poolratio:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

// parse reads the ns/op of each BenchmarkParallelList/<contender> line. A round ends when a
// contender it already has appears again. It returns the rounds (contender -> ns/op) and the
// contenders in the order first seen.
func parse(r io.Reader) ([]map[string]result, []string, error) {
	var rounds []map[string]result
	var names []string
	cur := map[string]result{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkParallelList/") || f[3] != "ns/op" {
			continue
		}
		name := strings.TrimPrefix(f[0], "BenchmarkParallelList/")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i] // the -GOMAXPROCS suffix
			}
		}
		ns, err := strconv.ParseFloat(f[2], 64)
		if err != nil || ns <= 0 {
			return nil, nil, fmt.Errorf("line %q: ns/op %q is not a positive number", sc.Text(), f[2])
		}
		res := result{ns: ns}
		for j := 4; j+1 < len(f); j += 2 {
			if f[j+1] == "cpu-ns/op" {
				res.cpuNs, _ = strconv.ParseFloat(f[j], 64) // 0 (none) if unreadable
			}
		}
		if _, seen := cur[name]; seen {
			rounds = append(rounds, cur)
			cur = map[string]result{}
		}
		cur[name] = res
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if len(cur) > 0 {
		rounds = append(rounds, cur)
	}
	return rounds, names, sc.Err()
}

// result is one line: wall time per call and, when reported, CPU time per call.
type result struct{ ns, cpuNs float64 }

// report prints the table and says whether default/tuned meets target.
func report(w io.Writer, rounds []map[string]result, names []string, target float64) (bool, error) {
	if !slices.Contains(names, "tuned") || !slices.Contains(names, "default") {
		return false, fmt.Errorf("need both default and tuned results, have %v", names)
	}
	fmt.Fprintf(w, "%d rounds; throughput = 1/(ns/op), one client shared by 64 goroutines\n\n", len(rounds))
	fmt.Fprintln(w, "| contender | median calls/s | throughput / tuned (median, min..max) | tuned's CPU per call / contender's |")
	fmt.Fprintln(w, "|---|---|---|---|")
	ok := false
	for _, name := range names {
		var tput, ratios, cpuRatios []float64
		for _, r := range rounds {
			res, has := r[name]
			if !has {
				continue
			}
			tput = append(tput, 1e9/res.ns)
			if t, has := r["tuned"]; has {
				ratios = append(ratios, t.ns/res.ns)
				if t.cpuNs > 0 && res.cpuNs > 0 {
					cpuRatios = append(cpuRatios, t.cpuNs/res.cpuNs)
				}
			}
		}
		if len(ratios) == 0 {
			continue
		}
		m := median(ratios)
		cpu := "not reported"
		if len(cpuRatios) > 0 {
			cpu = fmt.Sprintf("%.2f (%.2f..%.2f)", median(cpuRatios), slices.Min(cpuRatios), slices.Max(cpuRatios))
		}
		fmt.Fprintf(w, "| %s | %.0f | %.2f (%.2f..%.2f, %d rounds) | %s |\n", name, median(tput), m, slices.Min(ratios), slices.Max(ratios), len(ratios), cpu)
		if name == "default" {
			ok = m >= target
		}
	}
	verdict := "holds"
	if !ok {
		verdict = "does NOT hold"
	}
	fmt.Fprintf(w, "\ntarget: default >= %.2f of tuned: %s\n", target, verdict)
	return ok, nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
