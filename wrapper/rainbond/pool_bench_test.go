package rainbond_test

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// poolCallers is how many goroutines share one client in BenchmarkParallelList.
const poolCallers = 64

// poolRound reads PORTSDK_BENCH_ROUND, the round `make bench-pool` is in (one go test process per
// round), so that the order of the contenders rotates from round to round and none always runs first.
func poolRound() int {
	n, _ := strconv.Atoi(os.Getenv("PORTSDK_BENCH_ROUND")) // unset: round 0
	return max(n, 0)
}

// BenchmarkParallelList is the connection-pool acceptance of issue 19: one client shared by 64
// goroutines lists the ports of one component of a rainbondtest.Server over loopback TCP.
// Contenders, in the same round:
//
//   - default: rainbond.NewClient with no options (the transport of DefaultHTTPClient);
//   - tuned: WithHTTPClient with a transport cloned from http.DefaultTransport and 64 idle
//     connections per host, what a user who tuned the pool would pass;
//   - tuned-timeout: tuned with the default client's 30 s http.Client.Timeout, to tell the cost of
//     the pool from the cost of the timeout;
//   - stdlib: WithHTTPClient with a plain clone of http.DefaultTransport (2 idle connections per
//     host), what the default client was before issue 19.
//
// The target: default's throughput (the inverse of ns/op) is at least 90% of tuned's. On a machine
// shared with other work the wall time is noisy; cpu-ns/op (the process's CPU time per call, client
// and in-process server together) is the steadier figure of the same cost, since 64 callers keep
// every core busy. It opens many connections and takes a while, so it runs only when named:
// `make bench-pool` (rounds, one process each), or one round with
// PORTSDK_BENCH_ROUND=N go test -run '^$' -bench ParallelList ./wrapper/rainbond (-count repeats
// each contender in a row, which does not interleave them).
func BenchmarkParallelList(b *testing.B) {
	if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), "ParallelList") {
		b.Skip("runs only when named: -bench ParallelList (make bench-pool)")
	}
	tunedTransport := func(perHost int) *http.Transport {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = perHost
		tr.MaxIdleConns = max(tr.MaxIdleConns, perHost)
		return tr
	}
	contenders := []struct {
		name string
		opts func() []rainbond.Option
	}{
		{"default", func() []rainbond.Option { return nil }},
		{"tuned", func() []rainbond.Option {
			return []rainbond.Option{rainbond.WithHTTPClient(&http.Client{Transport: tunedTransport(poolCallers)})}
		}},
		{"tuned-timeout", func() []rainbond.Option {
			return []rainbond.Option{rainbond.WithHTTPClient(&http.Client{Transport: tunedTransport(poolCallers), Timeout: 30 * time.Second})}
		}},
		{"stdlib", func() []rainbond.Option {
			return []rainbond.Option{rainbond.WithHTTPClient(&http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()})}
		}},
	}
	start := poolRound() % len(contenders)
	for i := range contenders {
		ct := contenders[(start+i)%len(contenders)]
		b.Run("client="+ct.name, func(b *testing.B) {
			// A server of its own, so each contender starts with no connection open.
			srv := rainbondtest.NewServer()
			defer srv.Close()
			srv.AddComponent(benchComp)
			for i := range 10 {
				p := 8000 + i
				if err := srv.SetPort(benchComp, rainbond.Port{
					ContainerPort: p, MappingPort: p, Protocol: "http", PortAlias: fmt.Sprintf("WEB%d", p),
					IsInnerService: true, K8sServiceName: fmt.Sprintf("web-%d", p),
				}); err != nil {
					b.Fatal(err)
				}
			}
			c, err := rainbond.NewClient(srv.URL, srv.Token, ct.opts()...)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.SetParallelism(max(1, poolCallers/runtime.GOMAXPROCS(0)))
			b.ReportAllocs()
			b.ResetTimer()
			cpu0, cpuOK := poolCPU()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					ports, err := c.ListPorts(ctx, benchComp)
					if err != nil {
						b.Error(err)
						return
					}
					if len(ports) != 10 {
						b.Errorf("got %d ports, want 10", len(ports))
						return
					}
				}
			})
			b.StopTimer()
			cpu1, cpuOK1 := poolCPU()
			if ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N); ns > 0 {
				b.ReportMetric(1e9/ns, "calls/s")
			}
			if cpuOK && cpuOK1 {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// poolCPU returns the CPU time (user and system) this process has used so far, from /proc/self/stat
// (Linux; elsewhere it reports none). USER_HZ is 100, so a run of a second or more is needed.
func poolCPU() (time.Duration, bool) {
	raw, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, false
	}
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:])) // the name may hold spaces
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}
