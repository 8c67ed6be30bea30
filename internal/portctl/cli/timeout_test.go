package cli

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// hungServer is a server that accepts every request and never answers it (until the test ends).
func hungServer(t *testing.T) string {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv.URL
}

// --timeout bounds each request and, with the retries, the whole call: a server that never answers
// ends the command within a few seconds with the failed call's exit code, for both APIs and for
// PORTCTL_TIMEOUT.
func TestTimeoutEndsACallToAHungServer(t *testing.T) {
	url := hungServer(t)
	_, rvars := newRainbond(t)
	_, avars := newAlaya(t)
	rvars = merge(rvars, map[string]string{"RAINBOND_URL": url})
	avars = merge(avars, map[string]string{"ALAYA_URL": url})
	for _, tc := range []struct {
		vars map[string]string
		args []string
	}{
		{rvars, []string{"rainbond", "ports", "list", "--timeout", "1s"}},
		{merge(avars, map[string]string{"PORTCTL_TIMEOUT": "1s"}), []string{"alaya", "ports", "list"}},
	} {
		start := time.Now()
		r := runWith(t, tc.vars, tc.args...)
		took := time.Since(start)
		assert.Equal(t, exitAPI, r.code, "%v: %s", tc.args, r)
		assert.Less(t, took, 4*time.Second, "%v: %s", tc.args, r)
		assert.Empty(t, r.stdout)
	}
}

// An invalid --timeout or PORTCTL_TIMEOUT is a usage error naming it, and --timeout is refused
// where nothing is sent.
func TestInvalidTimeoutIsAUsageError(t *testing.T) {
	_, vars := newRainbond(t)
	for _, tc := range []struct {
		vars   map[string]string
		args   []string
		stderr string
	}{
		{vars, []string{"rainbond", "ports", "list", "--timeout", "0"}, "--timeout"},
		{vars, []string{"rainbond", "ports", "list", "--timeout", "-1s"}, "--timeout"},
		{vars, []string{"rainbond", "ports", "list", "--timeout", "abc"}, "--timeout"},
		{merge(vars, map[string]string{"PORTCTL_TIMEOUT": "soon"}), []string{"rainbond", "ports", "list"}, "PORTCTL_TIMEOUT"},
		{merge(vars, map[string]string{"PORTCTL_TIMEOUT": "0s"}), []string{"rainbond", "ports", "list"}, "PORTCTL_TIMEOUT"},
		{nil, []string{"version", "--timeout", "1s"}, "--timeout does not apply to portctl version"},
	} {
		r := runWith(t, tc.vars, tc.args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", tc.args, r)
		assert.Empty(t, r.stdout)
		assert.Contains(t, r.stderr, tc.stderr, "%v", tc.args)
	}
}
