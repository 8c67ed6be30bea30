// Command benchratio reads `go test -bench` output (several runs of each benchmark) and prints what
// benchstat cannot project from positional sub-benchmark names: for every benchmark X/portsdk with a
// matching X/nethttp, the ratio portsdk/nethttp of the median time and the extra allocations per
// call; the time growth from ports=100 to ports=1000; and the validation cost. Each figure is checked
// against the targets of BENCHMARKS.md. `make bench` runs it on bench.out.
//
// Usage:
//
//	go run ./internal/benchratio [flags] bench.out
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
	maxRatio := flag.Float64("max-time-ratio", 1.10, "target: highest portsdk/nethttp time ratio at ports=100 and ports=1000")
	maxExtra := flag.Float64("max-extra-allocs", 25, "target: most allocations per call above nethttp's")
	maxGrowth := flag.Float64("max-growth", 12, "target: highest time growth from ports=100 to ports=1000")
	maxValidateNs := flag.Float64("max-validate-ns", 200, "target: highest ns/op of BenchmarkValidate (with 0 allocs/op)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: benchratio [flags] bench.out")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchratio:", err)
		os.Exit(1)
	}
	defer func() { _ = f.Close() }()
	res, order, err := parse(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchratio:", err)
		os.Exit(1)
	}
	report(os.Stdout, res, order, targets{*maxRatio, *maxExtra, *maxGrowth, *maxValidateNs})
}

type targets struct {
	ratio, extraAllocs, growth, validateNs float64
}

// samples holds every run of one benchmark, in the order of the input.
type samples struct {
	ns, cpu, allocs []float64
}

// parse collects ns/op and allocs/op per benchmark name (without the -GOMAXPROCS suffix).
func parse(r io.Reader) (map[string]*samples, []string, error) {
	res := map[string]*samples{}
	var order []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(fields[1]); err != nil {
			continue // not a result line
		}
		name := trimProcs(fields[0])
		s := res[name]
		if s == nil {
			s = &samples{}
			res[name] = s
			order = append(order, name)
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: bad value %q", fields[0], fields[i])
			}
			switch fields[i+1] {
			case "ns/op":
				s.ns = append(s.ns, v)
			case "cpu-ns/op":
				s.cpu = append(s.cpu, v)
			case "allocs/op":
				s.allocs = append(s.allocs, v)
			}
		}
	}
	return res, order, sc.Err()
}

// trimProcs drops the "-N" GOMAXPROCS suffix the testing package adds.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 || i == len(name)-1 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}

// hasPart reports whether the sub-benchmark components of name include part (e.g. "ports=100").
func hasPart(name, part string) bool {
	return slices.Contains(strings.Split(name, "/")[1:], part)
}

func fmtNs(ns float64) string {
	switch {
	case ns >= 1e6:
		return strconv.FormatFloat(ns/1e6, 'f', 3, 64) + "ms"
	case ns >= 1e3:
		return strconv.FormatFloat(ns/1e3, 'f', 2, 64) + "µs"
	default:
		return strconv.FormatFloat(ns, 'f', 1, 64) + "ns"
	}
}

func report(w io.Writer, res map[string]*samples, order []string, t targets) {
	tw := func(format string, a ...any) { _, _ = fmt.Fprintf(w, format, a...) }

	tw("portsdk/nethttp: medians of the wall time (ns/op) and of the process CPU time (cpu-ns/op);\n")
	tw("runs: min..max of the per-run wall-time ratios, runs paired in input order\n")
	tw("%-30s %10s %10s %6s %12s %-8s %6s %7s %7s %5s %s\n",
		"case", "portsdk", "nethttp", "time", "runs", "target", "cpu", "allocs", "nethttp", "extra", "target")
	for _, name := range order {
		base, ok := strings.CutSuffix(name, "/portsdk")
		if !ok {
			continue
		}
		p, n := res[name], res[base+"/nethttp"]
		if n == nil || len(p.ns) == 0 || len(n.ns) == 0 {
			continue
		}
		pt, nt := median(p.ns), median(n.ns)
		ratio := pt / nt
		lo, hi := pairedRange(p.ns, n.ns)
		timeVerdict := "-"
		if hasPart(base, "ports=100") || hasPart(base, "ports=1000") {
			timeVerdict = verdict(ratio <= t.ratio)
		}
		cpu := "-"
		if len(p.cpu) > 0 && len(n.cpu) > 0 {
			cpu = strconv.FormatFloat(median(p.cpu)/median(n.cpu), 'f', 3, 64)
		}
		pa, na := median(p.allocs), median(n.allocs)
		tw("%-30s %10s %10s %6.3f %5.2f..%-5.2f %-8s %6s %7.0f %7.0f %+5.0f %s\n",
			strings.TrimPrefix(base, "Benchmark"), fmtNs(pt), fmtNs(nt), ratio, lo, hi, timeVerdict,
			cpu, pa, na, pa-na, verdict(pa-na <= t.extraAllocs))
	}
	tw("targets: time ratio <= %.2f at ports=100 and ports=1000; allocs <= nethttp + %.0f per call\n\n",
		t.ratio, t.extraAllocs)

	tw("growth from ports=100 to ports=1000 (median time)\n")
	for _, name := range order {
		if !hasPart(name, "ports=100") {
			continue
		}
		big := strings.Replace(name, "/ports=100", "/ports=1000", 1)
		if res[big] == nil {
			continue
		}
		g := median(res[big].ns) / median(res[name].ns)
		tw("%-40s %11s -> %11s  x%.2f  %s\n", strings.TrimPrefix(big, "Benchmark"),
			fmtNs(median(res[name].ns)), fmtNs(median(res[big].ns)), g, verdict(g <= t.growth))
	}
	tw("target: growth <= x%.0f\n\n", t.growth)

	for _, name := range order {
		if name != "BenchmarkValidate" {
			continue
		}
		s := res[name]
		ns, allocs := median(s.ns), median(s.allocs)
		tw("validation: %s, %.0f allocs/op  %s (target: < %.0fns and 0 allocs/op)\n",
			fmtNs(ns), allocs, verdict(ns < t.validateNs && allocs == 0), t.validateNs)
	}
}

// pairedRange returns the lowest and highest ratio p[i]/n[i] over the runs both have.
func pairedRange(p, n []float64) (lo, hi float64) {
	k := min(len(p), len(n))
	for i := range k {
		r := p[i] / n[i]
		if i == 0 || r < lo {
			lo = r
		}
		if i == 0 || r > hi {
			hi = r
		}
	}
	return lo, hi
}
