package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/portctl/portfile"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// latencyProxy serves f through a reverse proxy that waits d before forwarding every request, and
// returns f's variables with their URLs through it.
func latencyProxy(tb testing.TB, f *fake, d time.Duration) map[string]string {
	tb.Helper()
	u, err := url.Parse(f.base)
	require.NoError(tb, err)
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(d)
		rp.ServeHTTP(w, r)
	}))
	tb.Cleanup(srv.Close)
	vars := merge(f.vars, nil)
	for _, k := range []string{"RAINBOND_URL", "ALAYA_URL"} {
		vars[k] = strings.Replace(vars[k], f.base, srv.URL, 1)
	}
	return vars
}

// startFleet starts the fake with n components with no port (fake --state), behind a proxy
// adding 20 ms to every request, and returns the variables through the proxy.
func startFleet(tb testing.TB, n int) (*fake, map[string]string) {
	tb.Helper()
	f, err := startFake("127.0.0.1:0")
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = f.Close() })
	st, err := portfile.Parse("fleet.yaml", []byte(fleetFile(n, " []")))
	require.NoError(tb, err)
	require.NoError(tb, f.seed(context.Background(), "fleet.yaml", st))
	return f, latencyProxy(tb, f, 20*time.Millisecond)
}

// TestApplyFleetThroughLatency protects the acceptance of issue 27: 200 components 20 ms away,
// two ports added to each by one apply at the default parallelism within 3 s (one at a time it
// cannot take under 12 s); the second apply prints "no changes" and sends only the lists; diff
// --exit-code is 0 then, and 3 with a change pending.
func TestApplyFleetThroughLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("200 components through a 20 ms proxy")
	}
	f, vars := startFleet(t, 200)
	path := writeFile(t, fleetFile(200, "\n      - port: 80\n      - port: 81"))
	start := time.Now()
	r := runWith(t, vars, "apply", "-f", path)
	took := time.Since(start)
	require.Equal(t, 0, r.code, r)
	assert.Contains(t, r.stdout, "Plan: 400 to add, 0 to change, 0 to delete.\nApply complete: 400 steps done.\n")
	assert.Less(t, took, 3*time.Second)
	t.Logf("apply of 200 components, 600 requests 20 ms away: %v", took)

	before := f.requestCount()
	r = runWith(t, vars, "apply", "-f", path)
	require.Equal(t, 0, r.code, r)
	assert.Equal(t, "no changes\n", r.stdout)
	assert.Equal(t, 200, f.requestCount()-before, "one list per component")
	log := f.rainbond.Requests()
	assert.False(t, slices.ContainsFunc(log[len(log)-200:], func(q rainbondtest.Request) bool { return q.Method != http.MethodGet }), "only lists")

	assert.Equal(t, 0, runWith(t, vars, "diff", "--exit-code", "-f", path).code)
	r = runWith(t, vars, "diff", "--exit-code", "-f", writeFile(t, strings.Replace(fleetFile(200, "\n      - port: 80\n      - port: 81"), "port: 81", "port: 82", 1)))
	assert.Equal(t, 3, r.code, r)
	assert.Contains(t, r.stdout, "Plan: 1 to add, 0 to change, 0 to delete.\n")
}

// TestApplySlowsDownOn429 protects a list answered 429 with Retry-After: retried after the wait
// the server asks, so the run slows down rather than fails.
func TestApplySlowsDownOn429(t *testing.T) {
	f := startApplyFake(t)
	busy := 2 // the first two requests are refused (a list is retried twice)
	u, err := url.Parse(f.base)
	require.NoError(t, err)
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if busy > 0 {
			busy--
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"msg":"slow down"}`)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	defer srv.Close()
	vars := merge(f.vars, nil)
	for _, k := range []string{"RAINBOND_URL", "ALAYA_URL"} {
		vars[k] = strings.Replace(vars[k], f.base, srv.URL, 1)
	}
	start := time.Now()
	r := runWith(t, vars, "apply", "--parallel", "1", "-f", writeFile(t, fakeApplyFile))
	require.Equal(t, 0, r.code, r)
	assert.Contains(t, r.stdout, "Apply complete: 5 steps done.\n")
	assert.GreaterOrEqual(t, time.Since(start), 2*time.Second, "it waited as Retry-After asked")
}

// BenchmarkApplyFleet is `make bench-apply`: one apply adding two ports to each of 50 components
// behind a proxy adding 20 ms to every request, one at a time (parallel=1) and at the default
// (parallel=10); PORTSDK_BENCH_REVERSE runs them in the other order.
func BenchmarkApplyFleet(b *testing.B) {
	const n = 50
	path := writeFile(b, fleetFile(n, "\n      - port: 80\n      - port: 81"))
	order := []int{1, 10}
	if os.Getenv("PORTSDK_BENCH_REVERSE") != "" {
		slices.Reverse(order)
	}
	for _, parallel := range order {
		b.Run(fmt.Sprintf("parallel=%d", parallel), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				_, vars := startFleet(b, n)
				b.StartTimer()
				if code := Run(context.Background(), []string{"apply", "-f", path, "--parallel", fmt.Sprint(parallel)},
					func(k string) string { return vars[k] }, io.Discard, io.Discard); code != 0 {
					b.Fatalf("apply: exit %d", code)
				}
			}
		})
	}
}
