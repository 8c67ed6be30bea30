package wrapper_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

const goroutines = 100

// TestSharedRainbondClient protects concurrent use of one client: 100 goroutines run a whole port
// lifecycle each on their own port, and every answer must be about the caller's own port.
func TestSharedRainbondClient(t *testing.T) {
	srv := rainbondtest.NewServer()
	defer srv.Close()
	comp := rainbond.Component{TeamID: "team1", RegionName: "region1", AppID: 3, ServiceID: "gr99"}
	srv.AddComponent(comp)
	c, err := rainbond.NewClient(srv.URL, srv.Token)
	require.NoError(t, err)

	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for i := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			port := 20000 + i
			alias := fmt.Sprintf("P_%d", i)
			check := func(step string, p *rainbond.Port, err error) bool {
				switch {
				case err != nil:
					errs <- fmt.Errorf("port %d %s: %w", port, step, err)
				case p.ContainerPort != port:
					errs <- fmt.Errorf("port %d %s: answer about port %d", port, step, p.ContainerPort)
				default:
					return true
				}
				return false
			}
			p, err := c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: port, Protocol: rainbond.ProtocolTCP, PortAlias: alias, IsInnerService: true})
			if !check("add", p, err) || p.PortAlias != alias {
				return
			}
			if p, err = c.OpenOuter(ctx, comp, port); !check("open outer", p, err) || !p.IsOuterService {
				errs <- fmt.Errorf("port %d: outer not open", port)
				return
			}
			ports, err := c.ListPorts(ctx, comp)
			if err != nil {
				errs <- err
				return
			}
			found := false
			for _, q := range ports {
				found = found || (q.ContainerPort == port && q.PortAlias == alias && q.IsOuterService)
			}
			if !found {
				errs <- fmt.Errorf("port %d missing from the list", port)
				return
			}
			if p, err = c.CloseOuter(ctx, comp, port); !check("close outer", p, err) {
				return
			}
			if p, err = c.CloseInner(ctx, comp, port); !check("close inner", p, err) {
				return
			}
			p, err = c.DeletePort(ctx, comp, port)
			check("delete", p, err)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	ports, err := c.ListPorts(ctx, comp)
	require.NoError(t, err)
	assert.Empty(t, ports)
	assert.Equal(t, goroutines*6+1, srv.RequestCount())
}

// TestSharedAlayaClient protects concurrent use of one Alaya client: 100 goroutines, each on its own
// instance, open, list and close a port; every answer must be about the caller's own instance.
func TestSharedAlayaClient(t *testing.T) {
	srv := alayatest.NewServer()
	defer srv.Close()
	for i := range goroutines {
		srv.AddInstance(fmt.Sprintf("inst-%d", i))
	}
	c, err := alaya.NewClient(srv.AccessKey, alaya.WithBaseURL(srv.URL))
	require.NoError(t, err)

	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for i := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("inst-%d", i)
			port := 8000 + i
			m, err := c.OpenPort(ctx, id, port, "tcp")
			if err != nil {
				errs <- fmt.Errorf("%s open: %w", id, err)
				return
			}
			if m.InternalPort != port {
				errs <- fmt.Errorf("%s open: answer about port %d", id, m.InternalPort)
				return
			}
			list, err := c.ListOpenPorts(ctx, id)
			if err != nil {
				errs <- fmt.Errorf("%s list: %w", id, err)
				return
			}
			if len(list.CustomPorts) != 1 || list.CustomPorts[0].Port != port || list.CustomPorts[0].ExternalPort != m.ExternalPort {
				errs <- fmt.Errorf("%s list: custom ports %+v, want only %d -> %d", id, list.CustomPorts, port, m.ExternalPort)
				return
			}
			if err := c.ClosePort(ctx, id, port); err != nil {
				errs <- fmt.Errorf("%s close: %w", id, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Equal(t, goroutines*3, srv.RequestCount())
}
