package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// fleetFile names n components of demo-team (fleet-0 ...), each with ports, and the instance.
func fleetFile(n int, ports string) string {
	var b strings.Builder
	b.WriteString("rainbond:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - team: demo-team\n    region: demo-region\n    app: 1\n    component: fleet-%d\n    ports:%s\n", i, ports)
	}
	return b.String()
}

// inFlight is a RoundTripper that counts the requests in flight and keeps each a while.
type inFlight struct {
	base      http.RoundTripper
	mu        sync.Mutex
	now, most int
}

func (f *inFlight) RoundTrip(req *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.now++
	f.most = max(f.most, f.now)
	f.mu.Unlock()
	time.Sleep(5 * time.Millisecond)
	defer func() { f.mu.Lock(); f.now--; f.mu.Unlock() }()
	return f.base.RoundTrip(req)
}

// TestApplyParallel protects --parallel: targets planned and run at most N at a time (1: one
// after another), the steps of each in order, the output in file order whatever the order of
// completion, and the same state reached.
func TestApplyParallel(t *testing.T) {
	for _, parallel := range []int{1, 4} {
		s := newApplyServers(t)
		for i := range 12 {
			s.rb.AddComponent(rainbond.Component{TeamID: "demo-team", RegionName: "demo-region", AppID: 1, ServiceID: fmt.Sprintf("fleet-%d", i)})
		}
		var out bytes.Buffer
		file := fleetFile(12, "\n      - port: 80\n        inner: true\n        outer: true\n      - port: 81")
		cfg := s.config(t, file, &out)
		cfg.parallel = parallel
		counter := &inFlight{base: s}
		hc := &http.Client{Transport: counter}
		cfg.rainbond = func() (*rainbond.Client, error) {
			return rainbond.NewClient(s.rb.URL, s.rb.Token, rainbond.WithHTTPClient(hc))
		}
		require.NoError(t, runApply(context.Background(), cfg))
		assert.Equal(t, parallel, counter.most, "requests in flight at once")
		var want strings.Builder
		for i := range 12 {
			fmt.Fprintf(&want, "+ rainbond demo-team/1/fleet-%d 80 add http inner\n~ rainbond demo-team/1/fleet-%d 80 open outer\n+ rainbond demo-team/1/fleet-%d 81 add http\n", i, i, i)
		}
		want.WriteString("Plan: 24 to add, 0 to change, 0 to delete.\nApply complete: 36 steps done.\n")
		assert.Equal(t, want.String(), out.String(), "parallel %d", parallel)
		for i := range 12 {
			ports, _ := s.rb.Ports(rainbond.Component{TeamID: "demo-team", RegionName: "demo-region", AppID: 1, ServiceID: fmt.Sprintf("fleet-%d", i)})
			require.Len(t, ports, 2)
			assert.True(t, ports[0].IsOuterService, "the open outer step ran after its add")
		}
	}
}

// TestApplyParallelFailureStopsTheRest protects a failure in a parallel run: targets not started
// yet are not run, the report names the failed step, and the exit is 1.
func TestApplyParallelFailureStopsTheRest(t *testing.T) {
	s := newApplyServers(t)
	for i := range 12 {
		s.rb.AddComponent(rainbond.Component{TeamID: "demo-team", RegionName: "demo-region", AppID: 1, ServiceID: fmt.Sprintf("fleet-%d", i)})
	}
	s.failWrite = 1
	var out bytes.Buffer
	cfg := s.config(t, fleetFile(12, "\n      - port: 80"), &out)
	cfg.parallel = 2
	// A write that succeeds takes 50 ms: the failure stops the run before a third target starts.
	hc := &http.Client{Transport: slowWrites{s}}
	cfg.rainbond = func() (*rainbond.Client, error) {
		return rainbond.NewClient(s.rb.URL, s.rb.Token, rainbond.WithHTTPClient(hc))
	}
	err := runApply(context.Background(), cfg)
	var re *applyRunError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, out.String(), "\nfailed   + rainbond demo-team/1/fleet-")
	assert.Contains(t, out.String(), "not run  + rainbond demo-team/1/fleet-11 80 add http\n")
	assert.Regexp(t, `Apply stopped at the first failing step: ([01]) done, 1 failed, (11|10) not run\.`, out.String())
}

// slowWrites answers a write that succeeds after 50 ms.
type slowWrites struct{ base http.RoundTripper }

func (s slowWrites) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := s.base.RoundTrip(req)
	if err == nil && req.Method != http.MethodGet && resp.StatusCode < 300 {
		time.Sleep(50 * time.Millisecond)
	}
	return resp, err
}

// TestApplyConsent protects the question before a plan that deletes or closes ports: refused
// without a terminal unless --yes (exit 2, nothing written), asked on a terminal, where only yes
// runs it; a plan that only adds is never asked about.
func TestApplyConsent(t *testing.T) {
	f := startApplyFake(t)
	require.NoError(t, f.rainbond.SetPort(fakeComponent, rainbond.Port{ContainerPort: 9000, Protocol: "tcp", PortAlias: "OLD", K8sServiceName: "gr1a2b3c"}))
	path := writeFile(t, fakeApplyFile)
	ctx := context.Background()

	r := runIn(ctx, f.vars, strings.NewReader(""), "apply", "-f", path)
	assert.Equal(t, 2, r.code, r)
	assert.Contains(t, r.stdout, "- rainbond demo-team/1/gr1a2b3c 9000 delete\n", "the plan is shown")
	assert.Contains(t, r.stderr, "the plan deletes or closes ports and stdin is not a terminal to ask on: apply it with --yes (only lists were sent; nothing was written)")
	assert.Zero(t, fakeWrites(f))

	saved := isTerminal
	defer func() { isTerminal = saved }()
	isTerminal = func(f any) bool { _, ok := f.(*strings.Reader); return ok }
	r = runIn(ctx, f.vars, strings.NewReader("no\n"), "apply", "-f", path, "-o", "json")
	assert.Equal(t, 2, r.code, r)
	assert.Contains(t, r.stderr, "- rainbond demo-team/1/gr1a2b3c 9000 delete\n", "the plan is shown before the question")
	assert.Contains(t, r.stderr, "The plan deletes or closes ports. Apply it? Type yes to go on: ")
	assert.Contains(t, r.stderr, "apply cancelled")
	assert.Empty(t, r.stdout)
	assert.Zero(t, fakeWrites(f))

	r = runIn(ctx, f.vars, strings.NewReader("yes\n"), "apply", "-f", path)
	require.Equal(t, 0, r.code, r)
	ports, _ := f.rainbond.Ports(fakeComponent)
	assert.Len(t, ports, 2, "9000 deleted")

	isTerminal = saved
	r = runIn(ctx, f.vars, strings.NewReader(""), "apply", "-f", writeFile(t, "alaya:\n  - instance: "+fakeInstance+"\n    ports:\n      - port: 7000\n"))
	require.Equal(t, 0, r.code, "adding asks nothing: %s", r)
}

// TestDiffExitCode protects diff --exit-code: 3 with changes pending, 0 with none; 2 for a bad file.
func TestDiffExitCode(t *testing.T) {
	f := startApplyFake(t)
	path := writeFile(t, fakeApplyFile)
	r := runWith(t, f.vars, "diff", "--exit-code", "-f", path)
	assert.Equal(t, 3, r.code, r)
	assert.Contains(t, r.stdout, "Plan: 3 to add")
	assert.Empty(t, r.stderr)
	assert.Equal(t, 0, runWith(t, f.vars, "diff", "-f", path).code, "without --exit-code")
	require.Equal(t, 0, runWith(t, f.vars, "apply", "-f", path).code)
	r = runWith(t, f.vars, "diff", "--exit-code", "-f", path, "-o", "json")
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, 2, runWith(t, f.vars, "diff", "--exit-code", "-f", writeFile(t, "rainbond: 1\n")).code)
	r = runWith(t, f.vars, "diff", "--parallel", "0", "-f", path)
	assert.Equal(t, 2, r.code, r)
	assert.Contains(t, r.stderr, "invalid --parallel 0: must be at least 1")
}

// TestApplyProgress protects the progress on stderr: a line per step as it completes, on a
// terminal one line rewritten and then cleared, none with -o json; stdout is the same either way.
func TestApplyProgress(t *testing.T) {
	f := startApplyFake(t)
	path := writeFile(t, fakeApplyFile)
	r := runWith(t, f.vars, "apply", "--dry-run", "-f", path)
	assert.Empty(t, r.stderr, "no run, no progress")
	r = runWith(t, f.vars, "apply", "-f", path, "--parallel", "1")
	require.Equal(t, 0, r.code, r)
	assert.Equal(t, `done     + rainbond demo-team/1/gr1a2b3c 5432 add tcp inner
done     ~ rainbond demo-team/1/gr1a2b3c 5432 open outer
done     + rainbond demo-team/1/gr1a2b3c 8080 add http inner alias WEB
done     ~ rainbond demo-team/1/gr1a2b3c 8080 open outer
done     + alaya 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0 8080 open http/https
`, r.stderr)
	assert.NotContains(t, r.stdout, "done     ")

	f = startApplyFake(t)
	r = runWith(t, f.vars, "apply", "-f", path, "-o", "json")
	require.Equal(t, 0, r.code, r)
	assert.Empty(t, r.stderr)

	var out strings.Builder
	cfg := applyConfig{stderr: &out, tty: true}
	progress := cfg.progress(true, 2)
	progress("done     + x")
	progress("done     + y")
	progress("")
	assert.Equal(t, "\r\033[Kapply: 1 of 2 steps sent\r\033[Kapply: 2 of 2 steps sent\r\033[K", out.String())
}

// /dev/null is a character device but no terminal: apply run with stdin from it must not ask (it
// refuses without --yes, as for a pipe).
func TestDevNullIsNoTerminal(t *testing.T) {
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Skip(err)
	}
	defer func() { _ = f.Close() }()
	assert.False(t, isTerminal(f))
}
