package alaya_test

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
)

func custom(ports ...alaya.OpenPort) *alaya.OpenPorts {
	return &alaya.OpenPorts{
		Ports:       []alaya.OpenPort{{Port: 9001, ExternalPort: 31001}, {Port: 9002, ExternalPort: 31002}},
		CustomPorts: ports,
	}
}

func open(n int, proto string) alaya.OpenPort {
	return alaya.OpenPort{Port: n, Protocol: proto, ExternalHost: "1.2.3.4", ExternalPort: 30000 + n%1000}
}

func planLines(steps []alaya.Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Symbol()+" "+s.String())
	}
	return out
}

// TestPlanPortsOrder protects the plan's order and its lines.
func TestPlanPortsOrder(t *testing.T) {
	cases := []struct {
		name    string
		current *alaya.OpenPorts
		want    alaya.Desired
		steps   []string
	}{{
		name:  "a new port opens, with the default protocol",
		want:  alaya.Desired{Ports: []alaya.DesiredPort{{Port: 8080}}},
		steps: []string{"+ 8080 open http/https"},
	}, {
		name:    "a protocol change is close then open, and says the external port may change",
		current: custom(open(8080, "tcp")),
		want:    alaya.Desired{Ports: []alaya.DesiredPort{{Port: 8080, Protocol: "http/https"}}},
		steps: []string{"~ 8080 close (to change protocol tcp -> http/https)",
			"~ 8080 open http/https (was tcp; the external port may change)"},
	}, {
		name:    "protocols compare without regard to case",
		current: custom(open(8080, "HTTP/HTTPS")),
		want:    alaya.Desired{Ports: []alaya.DesiredPort{{Port: 8080}}},
	}, {
		name:    "prune closes unlisted custom ports first, never the system ports",
		current: custom(open(7000, "tcp"), open(8080, "tcp")),
		want:    alaya.Desired{Prune: true, Ports: []alaya.DesiredPort{{Port: 8080, Protocol: "tcp"}, {Port: 6000, Protocol: "tcp"}}},
		steps:   []string{"- 7000 close", "+ 6000 open tcp"},
	}, {
		name:    "without prune, unlisted ports are left alone",
		current: custom(open(7000, "tcp")),
		want:    alaya.Desired{Ports: []alaya.DesiredPort{{Port: 8080, Protocol: "tcp"}}},
		steps:   []string{"+ 8080 open tcp"},
	}, {
		name: "closes go before opens, so the ten-port limit holds at every step",
		current: custom(open(1, "tcp"), open(2, "tcp"), open(3, "tcp"), open(4, "tcp"), open(5, "tcp"),
			open(6, "tcp"), open(7, "tcp"), open(8, "tcp"), open(9, "tcp"), open(10, "tcp")),
		want: alaya.Desired{Prune: true, Ports: []alaya.DesiredPort{{Port: 1, Protocol: "tcp"}, {Port: 2, Protocol: "tcp"},
			{Port: 3, Protocol: "tcp"}, {Port: 4, Protocol: "tcp"}, {Port: 5, Protocol: "tcp"}, {Port: 6, Protocol: "tcp"},
			{Port: 7, Protocol: "tcp"}, {Port: 8, Protocol: "tcp"}, {Port: 9, Protocol: "tcp"}, {Port: 11, Protocol: "tcp"}}},
		steps: []string{"- 10 close", "+ 11 open tcp"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			steps, err := alaya.PlanPorts(tc.current, tc.want)
			require.NoError(t, err)
			assert.Equal(t, tc.steps, planLines(steps))
		})
	}
}

// TestPlanPortsRefuses protects the desired states refused before anything is sent.
func TestPlanPortsRefuses(t *testing.T) {
	eleven := alaya.Desired{}
	for n := 1; n <= 11; n++ {
		eleven.Ports = append(eleven.Ports, alaya.DesiredPort{Port: n})
	}
	cases := []struct {
		name    string
		current *alaya.OpenPorts
		want    alaya.Desired
		field   string
		reason  string
	}{
		{"port out of range", nil, alaya.Desired{Ports: []alaya.DesiredPort{{Port: 0}}}, "ports[0].port", "outside 1..65535"},
		{"system port", nil, alaya.Desired{Ports: []alaya.DesiredPort{{Port: 9001}}}, "ports[0].port", "reserved"},
		{"duplicate port", nil, alaya.Desired{Ports: []alaya.DesiredPort{{Port: 80}, {Port: 80, Protocol: "tcp"}}}, "ports[1].port", "listed twice"},
		{"protocol with spaces", nil, alaya.Desired{Ports: []alaya.DesiredPort{{Port: 80, Protocol: " tcp"}}}, "ports[0].protocol", "spaces"},
		{"more than ten listed", nil, eleven, "ports", "at most 10"},
		{"more than ten with the kept ones", custom(open(1, "tcp"), open(2, "tcp")),
			alaya.Desired{Ports: eleven.Ports[2:]}, "ports", "11 custom ports would be open"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			steps, err := alaya.PlanPorts(tc.current, tc.want)
			var ve *wrapper.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Contains(t, ve.Reason, tc.reason)
			assert.Nil(t, steps)
		})
	}
}

// TestPlanSummary protects the summary line: a protocol change counts once, as a change.
func TestPlanSummary(t *testing.T) {
	steps, err := alaya.PlanPorts(custom(open(7000, "tcp"), open(8080, "tcp")),
		alaya.Desired{Prune: true, Ports: []alaya.DesiredPort{{Port: 8080}, {Port: 1}, {Port: 2}, {Port: 3}}})
	require.NoError(t, err)
	assert.Equal(t, "3 to add, 1 to change, 1 to delete", alaya.Summarize(steps).String())
	assert.Equal(t, "no changes", alaya.Summarize(nil).String())
	assert.Equal(t, "- alaya i-1 7000 close\n", alaya.Lines("alaya i-1", steps[:1]))
}

const planInstance = "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0"

func planServer(t *testing.T, rt func(http.RoundTripper) http.RoundTripper) (*alayatest.Server, *alaya.Client) {
	t.Helper()
	srv := alayatest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddInstance(planInstance)
	hc := srv.Client()
	if rt != nil {
		hc.Transport = rt(hc.Transport)
	}
	c, err := alaya.NewClient(srv.AccessKey, alaya.WithBaseURL(srv.URL), alaya.WithHTTPClient(hc))
	require.NoError(t, err)
	return srv, c
}

// reached reports how the instance's custom ports differ from the desired state ("" when they
// match). before are the custom ports at the start.
func reached(before []alaya.OpenPort, after alaya.OpenPorts, want alaya.Desired) string {
	got := map[int]string{}
	for _, p := range after.CustomPorts {
		got[p.Port] = p.Protocol
	}
	var diffs []string
	listed := map[int]bool{}
	for _, d := range want.Ports {
		listed[d.Port] = true
		proto := d.Protocol
		if proto == "" {
			proto = alaya.DefaultProtocol
		}
		if g, ok := got[d.Port]; !ok || !strings.EqualFold(g, proto) {
			diffs = append(diffs, fmt.Sprintf("%d is %q (open %v), want %q", d.Port, g, ok, proto))
		}
	}
	for _, b := range before {
		_, ok := got[b.Port]
		switch {
		case listed[b.Port]:
		case want.Prune && ok:
			diffs = append(diffs, fmt.Sprintf("%d not closed", b.Port))
		case !want.Prune && (!ok || got[b.Port] != b.Protocol):
			diffs = append(diffs, fmt.Sprintf("unlisted %d changed", b.Port))
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "; ")
}

// TestApplyProperty checks against alayatest, for random start states and random desired states,
// that one Apply reaches the desired state, leaves the system ports alone, and that a second Apply
// sends no write.
func TestApplyProperty(t *testing.T) {
	r := rand.New(rand.NewSource(17))
	ctx := context.Background()
	nums := []int{80, 443, 3000, 5000, 6006, 7860, 8000, 8080, 8443, 9000, 9090, 10000}
	protos := []string{"http/https", "tcp", ""}
	ran := 0
	for i := 0; i < 80; i++ {
		srv, c := planServer(t, nil)
		for _, n := range nums {
			if r.Intn(3) == 0 {
				proto := protos[r.Intn(2)]
				_, err := c.OpenPort(ctx, planInstance, n, proto)
				require.NoError(t, err)
			}
		}
		start, _ := srv.Ports(planInstance)
		want := alaya.Desired{Prune: r.Intn(2) == 0}
		for _, n := range nums {
			if r.Intn(3) == 0 {
				want.Ports = append(want.Ports, alaya.DesiredPort{Port: n, Protocol: protos[r.Intn(3)]})
			}
		}
		steps, err := c.Plan(ctx, planInstance, want)
		if err != nil {
			var ve *wrapper.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, "ports", ve.Field, "only the ten-port limit refuses a random case: %v", err)
			continue
		}
		res, err := c.RunPlan(ctx, planInstance, steps)
		require.NoError(t, err, "case %d: %v", i, planLines(steps))
		assert.Len(t, res.Opened, alaya.Summarize(steps).Add+alaya.Summarize(steps).Change)
		after, _ := srv.Ports(planInstance)
		require.Empty(t, reached(start.CustomPorts, after, want), "case %d: %v", i, planLines(steps))
		assert.Equal(t, start.Ports, after.Ports, "system ports untouched")

		before := srv.RequestCount()
		res, err = c.Apply(ctx, planInstance, want)
		require.NoError(t, err)
		assert.Empty(t, res.Done, "case %d: second apply", i)
		assert.Equal(t, before+1, srv.RequestCount(), "second apply sends one list and no write")
		ran++
	}
	assert.Greater(t, ran, 50)
}

// failNthWrite answers the nth POST with the service's 500 envelope, without sending it.
type failNthWrite struct {
	mu   sync.Mutex
	n    int
	next http.RoundTripper
}

func (f *failNthWrite) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost {
		f.mu.Lock()
		f.n--
		fail := f.n == 0
		f.mu.Unlock()
		if fail {
			return &http.Response{StatusCode: http.StatusInternalServerError, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(`{"status":500,"message":"Internal Server Error","data":{}}`)), Request: req}, nil
		}
	}
	return f.next.RoundTrip(req)
}

// TestApplyStopsAtFirstFailure protects the partial-failure path: the first failing call stops the
// run, the result says what was done, what failed (with the server's answer) and what was not run,
// and a second Apply converges.
func TestApplyStopsAtFirstFailure(t *testing.T) {
	fault := &failNthWrite{n: 3}
	srv, c := planServer(t, func(next http.RoundTripper) http.RoundTripper { fault.next = next; return fault })
	ctx := context.Background()
	_, err := c.OpenPort(ctx, planInstance, 7000, "tcp") // write 1
	require.NoError(t, err)
	want := alaya.Desired{Prune: true, Ports: []alaya.DesiredPort{{Port: 8080}, {Port: 8081}, {Port: 8082}}}

	res, err := c.Apply(ctx, planInstance, want) // close 7000 (write 2), open 8080 (write 3 fails)
	var se *alaya.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 1, se.Index)
	var ae *wrapper.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusInternalServerError, ae.StatusCode)
	assert.Equal(t, []string{"- 7000 close"}, planLines(res.Done))
	require.NotNil(t, res.Failed)
	assert.Equal(t, alaya.Step{Op: alaya.OpOpen, Port: 8080, Protocol: "http/https"}, *res.Failed)
	assert.Equal(t, []string{"+ 8081 open http/https", "+ 8082 open http/https"}, planLines(res.NotRun))
	after, _ := srv.Ports(planInstance)
	assert.Empty(t, after.CustomPorts, "nothing after the failed step was sent")

	res, err = c.Apply(ctx, planInstance, want)
	require.NoError(t, err)
	assert.Len(t, res.Done, 3)
	after, _ = srv.Ports(planInstance)
	assert.Empty(t, reached(nil, after, want))
}
