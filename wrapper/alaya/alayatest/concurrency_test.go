package alayatest_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentClients has 50 clients, five per instance on ten instances, open, list and
// close distinct ports at the same time; every answer must be consistent.
func TestConcurrentClients(t *testing.T) {
	s, c := newServer(t)
	const clients = 50
	for i := range 10 {
		s.AddInstance(fmt.Sprintf("inst-%d", i))
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		exts = map[float64]int{}
	)
	errs := make(chan error, clients)
	for i := range clients {
		wg.Add(1)
		go func(id string, port int) {
			defer wg.Done()
			ext, err := hammer(c, id, port)
			if err == nil {
				mu.Lock()
				exts[ext]++
				mu.Unlock()
			}
			errs <- err
		}(fmt.Sprintf("inst-%d", i%10), 20000+i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	for ext, n := range exts {
		// A port closed early may be reused by a later open, so only the count is bounded.
		assert.LessOrEqual(t, n, clients, "external port %v", ext)
	}
	for i := range 10 {
		r := c.list(fmt.Sprintf("inst-%d", i))
		require.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, []any{}, r.data(t)["customPorts"])
	}
	assert.Equal(t, clients*5+10, s.RequestCount())
}

// hammer opens, lists, reopens (refused) and closes one port; it returns the external port.
func hammer(c *tc, id string, port int) (float64, error) {
	r := c.open(id, port, "tcp")
	if r.status != http.StatusOK {
		return 0, fmt.Errorf("%s %d: open: %d %s", id, port, r.status, r.raw)
	}
	data, _ := r.body["data"].(map[string]any)
	if data["internal_port"] != float64(port) {
		return 0, fmt.Errorf("%s %d: open answered %s", id, port, r.raw)
	}
	ext, _ := data["external_port"].(float64)
	r = c.list(id)
	if r.status != http.StatusOK {
		return 0, fmt.Errorf("%s %d: list: %d %s", id, port, r.status, r.raw)
	}
	data, _ = r.body["data"].(map[string]any)
	custom, _ := data["customPorts"].([]any)
	found := false
	for _, item := range custom {
		p, _ := item.(map[string]any)
		if p["port"] == float64(port) {
			found = p["externalPort"] == ext
		}
	}
	if !found {
		return 0, fmt.Errorf("%s %d: not listed with external port %v: %s", id, port, ext, r.raw)
	}
	if r := c.open(id, port, "tcp"); r.status != http.StatusBadRequest {
		return 0, fmt.Errorf("%s %d: second open: %d %s", id, port, r.status, r.raw)
	}
	if r := c.closePort(id, port); r.status != http.StatusOK {
		return 0, fmt.Errorf("%s %d: close: %d %s", id, port, r.status, r.raw)
	}
	if r := c.closePort(id, port); r.status != http.StatusBadRequest {
		return 0, fmt.Errorf("%s %d: second close: %d %s", id, port, r.status, r.raw)
	}
	return ext, nil
}
