package conformance_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/gen/rainbondapi"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

const workers = 50

// runWorkers runs work(i) for i in 0..workers-1 at once and reports every error it returns.
func runWorkers(t *testing.T, work func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, workers)
	start := make(chan struct{})
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = work(i)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "worker %d", i)
	}
}

// TestRainbondConcurrent runs 50 clients at once against one test server, all through one
// Validator and on one component, each with its own port: every answer must be about the
// caller's own port and say what it asked for, and every request and answer must conform.
// Run with -race.
func TestRainbondConcurrent(t *testing.T) {
	r := newRainbondRig(t)
	c := ctx(t)
	const calls = 10 // per worker
	runWorkers(t, func(i int) error {
		cl, err := rainbond.NewClient(r.srv.URL, r.srv.Token, rainbond.WithHTTPClient(r.v.HTTPClient()), rainbond.WithMaxRetries(0))
		if err != nil {
			return err
		}
		return rainbondWorker(c, cl, 20000+i, allProtocols[i%len(allProtocols)])
	})
	ports, err := r.c.ListPorts(c, comp)
	require.NoError(t, err)
	assert.Empty(t, ports)
	assert.Equal(t, workers*calls+1, r.v.Requests())
	assert.Equal(t, workers*calls+1, r.srv.RequestCount())
	requireConforms(t, r.v)
}

// rainbondWorker is one client's script on its own port (10 calls); it returns the first
// failure or answer that is not about its port or not what it asked for.
func rainbondWorker(c context.Context, cl *rainbond.Client, port int, proto rainbond.Protocol) error {
	alias := fmt.Sprintf("W_%d", port)
	check := func(step string, p *rainbond.Port, err error, want func(*rainbond.Port) bool) error {
		if err != nil {
			return fmt.Errorf("port %d, %s: %w", port, step, err)
		}
		if p.ContainerPort != port || !want(p) {
			return fmt.Errorf("port %d, %s: answer about another port or state: %+v", port, step, *p)
		}
		return nil
	}
	p, err := cl.AddPort(c, comp, rainbond.AddPortRequest{Port: port, Protocol: proto, PortAlias: rainbondapi.PortAlias(alias), IsInnerService: true})
	if err := check("add", p, err, func(p *rainbond.Port) bool { return p.Protocol == string(proto) && p.PortAlias == alias }); err != nil {
		return err
	}
	p, err = cl.ChangeProtocol(c, comp, port, rainbond.ProtocolHTTP)
	if err := check("change_protocol", p, err, func(p *rainbond.Port) bool { return p.Protocol == "http" }); err != nil {
		return err
	}
	p, err = cl.OpenOuter(c, comp, port)
	if err := check("open_outer", p, err, func(p *rainbond.Port) bool { return p.IsOuterService && p.IsInnerService }); err != nil {
		return err
	}
	ports, err := cl.ListPorts(c, comp)
	if err != nil {
		return fmt.Errorf("port %d, list: %w", port, err)
	}
	i := slices.IndexFunc(ports, func(q rainbond.Port) bool { return q.ContainerPort == port })
	if i < 0 || ports[i].PortAlias != alias || !ports[i].IsOuterService {
		return fmt.Errorf("port %d, list: own port missing or wrong: %+v", port, ports)
	}
	p, err = cl.ChangeProtocol(c, comp, port, rainbond.ProtocolTCP)
	if err == nil {
		return fmt.Errorf("port %d: change_protocol tcp with outer open succeeded: %+v", port, *p)
	}
	p, err = cl.CloseOuter(c, comp, port)
	if err := check("close_outer", p, err, func(p *rainbond.Port) bool { return !p.IsOuterService }); err != nil {
		return err
	}
	p, err = cl.CloseInner(c, comp, port)
	if err := check("close_inner", p, err, func(p *rainbond.Port) bool { return !p.IsInnerService }); err != nil {
		return err
	}
	p, err = cl.OpenInner(c, comp, port)
	if err := check("open_inner", p, err, func(p *rainbond.Port) bool { return p.IsInnerService }); err != nil {
		return err
	}
	p, err = cl.CloseInner(c, comp, port)
	if err := check("close_inner again", p, err, func(p *rainbond.Port) bool { return !p.IsInnerService }); err != nil {
		return err
	}
	p, err = cl.DeletePort(c, comp, port)
	return check("delete", p, err, func(p *rainbond.Port) bool { return p.PortAlias == alias && p.Protocol == "http" })
}

// TestAlayaConcurrent runs 50 clients at once against one test server through one Validator:
// five instances, ten workers each (the most an instance allows), each worker with its own port.
func TestAlayaConcurrent(t *testing.T) {
	r := newAlayaRig(t)
	c := ctx(t)
	const perInstance = alayatest.MaxCustomPorts
	for i := range workers / perInstance {
		r.srv.AddInstance(fmt.Sprintf("inst-c%d", i))
	}
	runWorkers(t, func(i int) error {
		cl, err := alaya.NewClient(r.srv.AccessKey, alaya.WithBaseURL(r.srv.URL), alaya.WithHTTPClient(r.v.HTTPClient()), alaya.WithMaxRetries(0))
		if err != nil {
			return err
		}
		id := fmt.Sprintf("inst-c%d", i/perInstance)
		port := 20000 + i
		proto := []string{"tcp", "http/https"}[i%2]
		m, err := cl.OpenPort(c, id, port, proto)
		if err != nil {
			return fmt.Errorf("%s port %d, open: %w", id, port, err)
		}
		if m.InternalPort != port || m.Protocol != proto {
			return fmt.Errorf("%s port %d, open: answer about another port: %+v", id, port, *m)
		}
		ports, err := cl.ListOpenPorts(c, id)
		if err != nil {
			return fmt.Errorf("%s port %d, list: %w", id, port, err)
		}
		if !slices.Contains(ports.CustomPorts, alaya.OpenPort{Port: port, Protocol: proto, ExternalHost: alayatest.ExternalHost, ExternalPort: m.ExternalPort}) {
			return fmt.Errorf("%s port %d, list: own port missing: %+v", id, port, ports.CustomPorts)
		}
		if err := cl.ClosePort(c, id, port); err != nil {
			return fmt.Errorf("%s port %d, close: %w", id, port, err)
		}
		if err := cl.ClosePort(c, id, port); err == nil {
			return fmt.Errorf("%s port %d: closing twice succeeded", id, port)
		}
		return nil
	})
	for i := range workers / perInstance {
		ports, ok := r.srv.Ports(fmt.Sprintf("inst-c%d", i))
		require.True(t, ok)
		assert.Empty(t, ports.CustomPorts)
	}
	assert.Equal(t, workers*4, r.v.Requests())
	assert.Equal(t, workers*4, r.srv.RequestCount())
	requireConforms(t, r.v)
}
