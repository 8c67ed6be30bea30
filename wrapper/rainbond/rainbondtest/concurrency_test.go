package rainbondtest_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentClients has 50 clients add, list, update and delete distinct ports of one
// component at the same time; every answer must be consistent with the client's own port.
func TestConcurrentClients(t *testing.T) {
	s, c := newServer(t)
	s.AddComponent(comp)
	const clients = 50
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		wg.Add(1)
		go func(port int) {
			defer wg.Done()
			errs <- hammer(c, port)
		}(10000 + i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	r := c.do(http.MethodGet, portsPath(comp), nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Empty(t, r.list(t), "every client deleted its port")
	// 50 clients x 9 requests, plus the final list.
	assert.Equal(t, clients*9+1, s.RequestCount())
}

// hammer runs one client's sequence on its own port and checks every answer.
func hammer(c *tc, port int) error {
	expect := func(what string, r result, status int) error {
		if r.status != status {
			return fmt.Errorf("port %d: %s: status %d, want %d: %s", port, what, r.status, status, r.raw)
		}
		return nil
	}
	bean := func(r result) map[string]any {
		data, _ := r.body["data"].(map[string]any)
		b, _ := data["bean"].(map[string]any)
		return b
	}
	r := c.do(http.MethodPost, portsPath(comp), map[string]any{"port": port, "is_inner_service": false})
	if err := expect("add", r, 200); err != nil {
		return err
	}
	if got := bean(r)["container_port"]; got != float64(port) {
		return fmt.Errorf("port %d: add answered port %v", port, got)
	}
	if err := expect("add again", c.do(http.MethodPost, portsPath(comp), map[string]any{"port": port, "is_inner_service": true}), 409); err != nil {
		return err
	}
	r = c.do(http.MethodGet, portsPath(comp), nil)
	if err := expect("list", r, 200); err != nil {
		return err
	}
	found := false
	data, _ := r.body["data"].(map[string]any)
	list, _ := data["list"].([]any)
	for _, item := range list {
		if p, _ := item.(map[string]any); p["container_port"] == float64(port) {
			found = true
			if p["is_inner_service"] != false {
				return fmt.Errorf("port %d: listed with inner open before open_inner", port)
			}
		}
	}
	if !found {
		return fmt.Errorf("port %d: not in the list", port)
	}
	steps := []struct {
		action   string
		protocol string
		check    func(map[string]any) bool
	}{
		{"change_protocol", "tcp", func(b map[string]any) bool { return b["protocol"] == "tcp" }},
		{"open_inner", "", func(b map[string]any) bool { return b["is_inner_service"] == true }},
		{"open_outer", "", func(b map[string]any) bool { return b["is_outer_service"] == true }},
		{"close_outer", "", func(b map[string]any) bool { return b["is_outer_service"] == false }},
		{"close_inner", "", func(b map[string]any) bool { return b["is_inner_service"] == false }},
	}
	for _, st := range steps {
		body := map[string]any{"action": st.action}
		if st.protocol != "" {
			body["protocol"] = st.protocol
		}
		r := c.do(http.MethodPut, fmt.Sprintf("%s/%d", portsPath(comp), port), body)
		if err := expect(st.action, r, 200); err != nil {
			return err
		}
		if b := bean(r); b["container_port"] != float64(port) || !st.check(b) {
			return fmt.Errorf("port %d: %s answered %s", port, st.action, r.raw)
		}
	}
	r = c.do(http.MethodDelete, fmt.Sprintf("%s/%d", portsPath(comp), port), nil)
	if err := expect("delete", r, 200); err != nil {
		return err
	}
	if got := bean(r)["container_port"]; got != float64(port) {
		return fmt.Errorf("port %d: delete answered port %v", port, got)
	}
	return nil
}
