package rainbond_test

import (
	"context"
	"math/rand"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// writeCounter counts the requests that are not GET.
type writeCounter struct {
	n    atomic.Int64
	next http.RoundTripper
}

func (w *writeCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet {
		w.n.Add(1)
	}
	return w.next.RoundTrip(req)
}

// liveConsole returns the console and the component that RAINBOND_LIVE_URL, RAINBOND_LIVE_TOKEN,
// RAINBOND_LIVE_TEAM, RAINBOND_LIVE_REGION, RAINBOND_LIVE_APP and RAINBOND_LIVE_COMPONENT name, and
// skips t when RAINBOND_LIVE_URL is not set.
func liveConsole(t *testing.T) (url, token string, comp rainbond.Component) {
	t.Helper()
	url = os.Getenv("RAINBOND_LIVE_URL")
	if url == "" {
		t.Skip("RAINBOND_LIVE_URL not set: no console to run against")
	}
	app, err := strconv.ParseInt(os.Getenv("RAINBOND_LIVE_APP"), 10, 64)
	require.NoError(t, err, "RAINBOND_LIVE_APP")
	return url, os.Getenv("RAINBOND_LIVE_TOKEN"), rainbond.Component{TeamID: os.Getenv("RAINBOND_LIVE_TEAM"),
		RegionName: os.Getenv("RAINBOND_LIVE_REGION"), AppID: app, ServiceID: os.Getenv("RAINBOND_LIVE_COMPONENT")}
}

// TestApplyLive runs random desired states against a real Rainbond console, one after the other (so
// each starts from the state the previous one left): Plan sends no write, one Apply reaches the
// state, and a second Apply plans nothing. It runs only when RAINBOND_LIVE_URL, RAINBOND_LIVE_TOKEN,
// RAINBOND_LIVE_TEAM, RAINBOND_LIVE_REGION, RAINBOND_LIVE_APP and RAINBOND_LIVE_COMPONENT name a
// console and a scratch component: it deletes the component's ports. RAINBOND_LIVE_ROUNDS sets the
// number of states (default 12).
//
// It shares the component with the other live test (TestApplyLive in wrapper/rainbond and
// TestApplyCommandLive in internal/portctl/cli): run them one package at a time, e.g.
// go test -p 1 -run 'Live' ./wrapper/rainbond ./internal/portctl/cli.
func TestApplyLive(t *testing.T) {
	url, token, comp := liveConsole(t)
	rounds := 12
	if v := os.Getenv("RAINBOND_LIVE_ROUNDS"); v != "" {
		var err error
		rounds, err = strconv.Atoi(v)
		require.NoError(t, err, "RAINBOND_LIVE_ROUNDS")
	}
	wc := &writeCounter{next: http.DefaultTransport}
	c, err := rainbond.NewClient(url, token,
		rainbond.WithHTTPClient(&http.Client{Transport: wc, Timeout: time.Minute}))
	require.NoError(t, err)
	ctx := context.Background()

	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewSource(seed))
	done := 0
	for i := 0; done < rounds && i < rounds*4; i++ {
		_, want := randomPlanCase(r)
		current, err := c.ListPorts(ctx, comp)
		require.NoError(t, err)
		if aliasConflict(current, want) {
			continue
		}
		writes := wc.n.Load()
		steps, err := c.Plan(ctx, comp, want)
		require.NoError(t, err, "want %+v", want)
		require.Equal(t, writes, wc.n.Load(), "Plan sends no write")

		res, err := c.Apply(ctx, comp, want)
		require.NoError(t, err, "round %d\ncurrent %+v\nwant %+v\nplan %v", i, current, want, lines(steps))
		after, err := c.ListPorts(ctx, comp)
		require.NoError(t, err)
		require.Empty(t, reaches(current, after, want), "round %d\ncurrent %+v\nwant %+v\nplan %v", i, current, want, lines(res.Done))

		writes = wc.n.Load()
		res, err = c.Apply(ctx, comp, want)
		require.NoError(t, err)
		require.Empty(t, res.Done, "round %d: second apply", i)
		require.Equal(t, writes, wc.n.Load(), "the second apply sends no write")
		t.Logf("round %d: %d steps, %s", i, len(steps), rainbond.Summarize(steps))
		done++
	}
	require.Equal(t, rounds, done)
}
