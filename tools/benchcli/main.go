// Command benchcli times `portctl rainbond ports list` as a whole process next to a minimal net/http
// CLI doing the same request (tools/benchcli/minimal), both against one `portctl fake` on 127.0.0.1
// (issue 19). `make bench-cli` runs it.
//
// It builds both binaries with `go build -o` into a temporary directory, starts the fake, adds
// -ports ports to its component, checks that both programs list them, then runs -rounds rounds. In
// each round the two programs alternate run by run (-runs runs each), and the round's first program
// alternates from one round to the next, so both share the machine's drift. It reports each
// program's median, the ratio portctl/minimal of the round medians (median and min..max across
// rounds) against the target, the binary sizes, and portctl's package initialisation
// (GODEBUG=inittrace=1: total clock time and allocations, and the costliest packages).
//
// Usage:
//
//	go run ./tools/benchcli [-rounds 10] [-runs 20] [-ports 5] [-target 1.2] [-other PATH[,PATH...]]
//
// Each contender runs from -copies copies of its binary in turn (run i from copy i mod -copies): on
// the 2-vCPU virtual machine of BENCHMARKS.md, byte-identical binaries written at different times
// measured up to 0.12 apart (1.16 and 1.28 of minimal), the file's place in memory deciding, so a
// single copy can decide a figure by luck. The copies average that out.
//
// -other adds contenders timed in the same rounds: other portctl binaries (e.g. built from an older
// commit with `go build -o`), to compare a change before and after on the same machine load. Each is
// named by its file name.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	rounds := flag.Int("rounds", 10, "interleaved rounds")
	runs := flag.Int("runs", 20, "runs of each program per round")
	ports := flag.Int("ports", 5, "ports added to the fake's component before timing (1..100)")
	target := flag.Float64("target", 1.2, "target: highest median ratio portctl/minimal")
	initRuns := flag.Int("init-runs", 5, "runs of portctl with GODEBUG=inittrace=1")
	copies := flag.Int("copies", 4, "copies of each binary, run in turn")
	other := flag.String("other", "", "other portctl binaries, comma-separated, to time in the same rounds (e.g. an older build)")
	flag.Parse()
	if err := checkFlags(*rounds, *runs, *ports, *initRuns, *copies, *target); err != nil {
		fmt.Fprintln(os.Stderr, "benchcli:", err)
		os.Exit(2)
	}
	var others []string
	if *other != "" {
		others = strings.Split(*other, ",")
	}
	for _, o := range others {
		if _, err := os.Stat(o); err != nil {
			fmt.Fprintln(os.Stderr, "benchcli: -other:", err)
			os.Exit(2)
		}
	}
	if err := run(os.Stdout, *rounds, *runs, *ports, *initRuns, *copies, *target, others); err != nil {
		fmt.Fprintln(os.Stderr, "benchcli:", err)
		os.Exit(1)
	}
}

// checkFlags refuses settings that cannot give a figure, naming the flag.
func checkFlags(rounds, runs, ports, initRuns, copies int, target float64) error {
	switch {
	case copies < 1:
		return fmt.Errorf("-copies %d: must be at least 1", copies)
	case rounds < 1:
		return fmt.Errorf("-rounds %d: must be at least 1", rounds)
	case runs < 1:
		return fmt.Errorf("-runs %d: must be at least 1", runs)
	case ports < 1 || ports > 100:
		return fmt.Errorf("-ports %d: must be 1..100", ports)
	case initRuns < 1:
		return fmt.Errorf("-init-runs %d: must be at least 1", initRuns)
	case !(target > 0):
		return fmt.Errorf("-target %v: must be positive", target)
	}
	return nil
}

// program is one contender: a built binary and the arguments of the list call.
type program struct {
	name   string
	path   string
	args   []string
	copies []string // copies of path, run in turn
}

func run(w io.Writer, rounds, runs, nports, initRuns, copies int, target float64, others []string) error {
	dir, err := os.MkdirTemp("", "benchcli-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	portctl := program{name: "portctl", path: filepath.Join(dir, "portctl"), args: []string{"rainbond", "ports", "list", "-o", "json"}}
	minimal := program{name: "minimal", path: filepath.Join(dir, "minimal")}
	for _, b := range []struct{ out, pkg string }{{portctl.path, "./cmd/portctl"}, {minimal.path, "./tools/benchcli/minimal"}} {
		if out, err := exec.Command("go", "build", "-o", b.out, b.pkg).CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %w\n%s", b.pkg, err, out)
		}
	}

	fake, env, err := startFake(portctl.path)
	if err != nil {
		return err
	}
	defer stopFake(fake)
	for i := range nports {
		p := strconv.Itoa(8000 + i)
		if out, err := runOnce(portctl.path, env, "rainbond", "ports", "add", "--port", p, "--protocol", "http", "--alias", "P"+p, "--inner"); err != nil {
			return fmt.Errorf("portctl rainbond ports add --port %s: %w\n%s", p, err, out)
		}
	}
	if err := checkSameList(portctl, minimal, env, nports); err != nil {
		return err
	}
	progs := []program{minimal, portctl}
	for _, other := range others {
		o := program{name: filepath.Base(other), path: other, args: portctl.args}
		if slices.ContainsFunc(progs, func(p program) bool { return p.name == o.name }) {
			return fmt.Errorf("-other %s: its file name %q is already taken by another contender", other, o.name)
		}
		if err := checkSameList(o, minimal, env, nports); err != nil {
			return err
		}
		progs = append(progs, o)
	}

	for i := range progs {
		if progs[i].copies, err = copyBinary(progs[i].path, filepath.Join(dir, "copies"), progs[i].name, copies); err != nil {
			return err
		}
	}

	// Warm the page cache and the fake before timing.
	for range 3 {
		for _, p := range progs {
			for _, c := range p.copies {
				if out, err := runOnce(c, env, p.args...); err != nil {
					return fmt.Errorf("%s: %w\n%s", p.name, err, out)
				}
			}
		}
	}

	all := map[string][]float64{}
	ratios := map[string][]float64{} // program -> its round median over minimal's
	for r := range rounds {
		// The first program rotates from round to round; with two it alternates.
		order := append(slices.Clone(progs[r%len(progs):]), progs[:r%len(progs)]...)
		round := map[string][]float64{}
		for i := range runs {
			for _, p := range order {
				d, err := timeRun(p, p.copies[i%len(p.copies)], env)
				if err != nil {
					return err
				}
				ms := float64(d) / float64(time.Millisecond)
				round[p.name] = append(round[p.name], ms)
				all[p.name] = append(all[p.name], ms)
			}
		}
		mm := median(round["minimal"])
		fmt.Fprintf(os.Stderr, "benchcli: round %d of %d (%s first): minimal %.2f ms", r+1, rounds, order[0].name, mm)
		for _, p := range progs[1:] {
			mp := median(round[p.name])
			ratios[p.name] = append(ratios[p.name], mp/mm)
			fmt.Fprintf(os.Stderr, ", %s %.2f ms (ratio %.2f)", p.name, mp, mp/mm)
		}
		fmt.Fprintln(os.Stderr)
	}

	inits := map[string]initSummary{}
	for _, p := range progs {
		if inits[p.name], err = initTraces(p.path, env, initRuns); err != nil {
			return err
		}
	}

	fmt.Fprintf(w, "machine: %s/%s, %d CPUs, %s, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel(), runtime.Version())
	fmt.Fprintf(w, "runs: %d interleaved rounds x %d runs of each program (run by run; the first program rotates by round; each from %d copies of its binary in turn), %d ports, against one `portctl fake` on 127.0.0.1\n\n",
		rounds, runs, copies, nports)
	fmt.Fprintf(w, "| program | median wall time | binary size | init (inittrace, median of %d) |\n|---|---|---|---|\n", initRuns)
	for _, p := range progs {
		st, err := os.Stat(p.path)
		if err != nil {
			return err
		}
		in := inits[p.name]
		fmt.Fprintf(w, "| %s | %.2f ms | %.1f MB | %.2f ms, %d allocs, %d packages |\n", describe(p), median(all[p.name]),
			float64(st.Size())/1e6, in.clockMs, in.allocs, in.packages)
	}
	fmt.Fprintln(w)
	for _, p := range progs[1:] {
		rs := ratios[p.name]
		verdict := ""
		if p.name == "portctl" {
			verdict = fmt.Sprintf("; target <= %.2f: %s", target, map[bool]string{false: "holds", true: "does NOT hold"}[median(rs) > target])
		}
		fmt.Fprintf(w, "ratio %s/minimal: %.2f (%.2f..%.2f across %d rounds)%s\n", p.name, median(rs), slices.Min(rs), slices.Max(rs), rounds, verdict)
	}
	fmt.Fprintf(w, "\nportctl's costliest package inits (median clock of %d runs):\n", initRuns)
	for _, p := range inits["portctl"].top {
		fmt.Fprintf(w, "  %-60s %.3f ms, %d allocs\n", p.name, p.clockMs, p.allocs)
	}
	return nil
}

func describe(p program) string {
	return strings.TrimSpace(p.name + " " + strings.Join(p.args, " "))
}

// startFake starts `portctl fake` on a free loopback port and returns
// the process and the environment its printed variables make.
func startFake(program string) (*exec.Cmd, []string, error) {
	cmd := exec.Command(program, "fake", "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "GODEBUG=") })
	sc := bufio.NewScanner(stdout)
	seen := 0
	for seen < 10 && sc.Scan() {
		if k, _, ok := strings.Cut(sc.Text(), "="); ok && (strings.HasPrefix(k, "RAINBOND_") || strings.HasPrefix(k, "ALAYA_")) {
			env = append(env, sc.Text())
			seen++
		}
	}
	if seen < 10 {
		stopFake(cmd)
		return nil, nil, errors.Join(fmt.Errorf("portctl fake printed %d of its 10 variables", seen), sc.Err())
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return cmd, env, nil
}

// stopFake interrupts the fake as Ctrl-C would, and kills it if it has not stopped in 5 s.
func stopFake(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGINT)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

func runOnce(path string, env []string, args ...string) ([]byte, error) {
	cmd := exec.Command(path, args...)
	cmd.Env = env
	return cmd.CombinedOutput()
}

// copyBinary writes n copies of the file at path into dir, named name.1 to name.n, and returns
// their paths.
func copyBinary(path, dir, name string, n int) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for i := range n {
		c := filepath.Join(dir, name+"."+strconv.Itoa(i+1))
		if err := os.WriteFile(c, b, 0o755); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// timeRun runs the binary bin of p once with its output discarded and returns the wall time from
// start to exit.
func timeRun(p program, bin string, env []string) (time.Duration, error) {
	cmd := exec.Command(bin, p.args...)
	cmd.Env = env // stdout and stderr nil: /dev/null
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("%s: %w", describe(p), err)
	}
	return time.Since(start), nil
}

// checkSameList makes sure both programs list the nports ports, so they are timed doing the same work.
func checkSameList(portctl, minimal program, env []string, nports int) error {
	out, err := runOnce(portctl.path, env, portctl.args...)
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", describe(portctl), err, out)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(out, &list); err != nil || len(list) != nports {
		return errors.Join(fmt.Errorf("%s printed %d ports, want %d:\n%s", describe(portctl), len(list), nports, out), err)
	}
	out, err = runOnce(minimal.path, env)
	if err != nil {
		return fmt.Errorf("minimal: %w\n%s", err, out)
	}
	if n := bytes.Count(out, []byte(`"container_port"`)); !json.Valid(out) || n != nports {
		return fmt.Errorf("minimal printed %d container_port keys, want %d:\n%s", n, nports, out)
	}
	return nil
}

// initSummary is a program's package initialisation, medians over several runs.
type initSummary struct {
	clockMs  float64
	allocs   int
	packages int
	top      []pkgInit // the costliest five by clock time
}

type pkgInit struct {
	name    string
	clockMs float64
	allocs  int
}

// initTraces runs path n times with GODEBUG=inittrace=1 and summarises the traces.
func initTraces(path string, env []string, n int) (initSummary, error) {
	var clocks, allocs []float64
	pkgClocks, pkgAllocs := map[string][]float64{}, map[string][]float64{}
	var packages int
	for range n {
		cmd := exec.Command(path, "version")
		cmd.Env = append(slices.Clone(env), "GODEBUG=inittrace=1")
		out, err := cmd.CombinedOutput() // parseInitTrace skips the program's own output
		if err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) { // minimal has no version command: its exit status does not matter
				return initSummary{}, err
			}
		}
		inits := parseInitTrace(string(out))
		if len(inits) == 0 {
			return initSummary{}, fmt.Errorf("%s printed no inittrace line", path)
		}
		var c, a float64
		for _, p := range inits {
			c, a = c+p.clockMs, a+float64(p.allocs)
			pkgClocks[p.name] = append(pkgClocks[p.name], p.clockMs)
			pkgAllocs[p.name] = append(pkgAllocs[p.name], float64(p.allocs))
		}
		clocks, allocs, packages = append(clocks, c), append(allocs, a), len(inits)
	}
	s := initSummary{clockMs: median(clocks), allocs: int(median(allocs)), packages: packages}
	for name, cs := range pkgClocks {
		s.top = append(s.top, pkgInit{name: name, clockMs: median(cs), allocs: int(median(pkgAllocs[name]))})
	}
	slices.SortFunc(s.top, func(a, b pkgInit) int {
		return cmp.Or(cmp.Compare(b.clockMs, a.clockMs), strings.Compare(a.name, b.name))
	})
	s.top = s.top[:min(5, len(s.top))]
	return s, nil
}

// parseInitTrace reads the lines GODEBUG=inittrace=1 prints, e.g.
//
//	init net/http @1.2 ms, 0.31 ms clock, 21896 bytes, 225 allocs
//
// and ignores every other line.
func parseInitTrace(s string) []pkgInit {
	var out []pkgInit
	for line := range strings.Lines(s) {
		f := strings.Fields(line)
		// init PKG @T ms, C ms clock, B bytes, A allocs
		if len(f) != 11 || f[0] != "init" || f[6] != "clock," || f[10] != "allocs" {
			continue
		}
		c, err1 := strconv.ParseFloat(f[4], 64)
		a, err2 := strconv.Atoi(f[9])
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, pkgInit{name: f[1], clockMs: c, allocs: a})
	}
	return out
}

// median returns the middle value of xs (the mean of the two middle ones for an even count); xs is
// not modified.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// cpuModel names the processor from /proc/cpuinfo, or says it is unknown.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "CPU model unknown"
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "CPU model unknown"
}
