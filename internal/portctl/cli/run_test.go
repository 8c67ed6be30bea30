package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// The run functions take their client as an interface: these tests call them with fakes, no HTTP.

// fakeRainbond answers every call with port (or err) and records the requests.
type fakeRainbond struct {
	port rainbond.Port
	err  error
	reqs []any
}

func (f *fakeRainbond) answer(req any) (*rainbond.Port, error) {
	f.reqs = append(f.reqs, req)
	if f.err != nil {
		return nil, f.err
	}
	return &f.port, nil
}

func (f *fakeRainbond) ListPorts(_ context.Context, comp rainbond.Component) ([]rainbond.Port, error) {
	p, err := f.answer(comp)
	if err != nil {
		return nil, err
	}
	return []rainbond.Port{*p}, nil
}

func (f *fakeRainbond) AddPort(_ context.Context, _ rainbond.Component, req rainbond.AddPortRequest) (*rainbond.Port, error) {
	return f.answer(req)
}

func (f *fakeRainbond) UpdatePort(_ context.Context, _ rainbond.Component, port int, req rainbond.UpdatePortRequest) (*rainbond.Port, error) {
	return f.answer(req)
}

func (f *fakeRainbond) DeletePort(_ context.Context, _ rainbond.Component, port int) (*rainbond.Port, error) {
	return f.answer(port)
}

func TestRunRainbond(t *testing.T) {
	f := &fakeRainbond{port: rainbond.Port{ContainerPort: 8080, Protocol: "http"}}
	var printed []any
	o := &rainbondOptions{
		port: 8080, protocol: "http", alias: "WEB", inner: true, client: f,
		comp:  rainbond.Component{TeamID: "t", RegionName: "r", AppID: 1, ServiceID: "c"},
		print: func(v any) error { printed = append(printed, v); return nil },
	}
	ctx := context.Background()
	require.NoError(t, runRainbondAdd(ctx, o))
	require.NoError(t, runRainbondList(ctx, o))
	require.NoError(t, runRainbondDelete(ctx, o))
	o.action, o.protocol, o.alias = "change_protocol", "tcp", ""
	require.NoError(t, runRainbondUpdate(ctx, o))
	assert.Equal(t, []any{
		rainbond.AddPortRequest{Port: 8080, Protocol: "http", PortAlias: "WEB", IsInnerService: true},
		o.comp, 8080,
		rainbond.UpdatePortRequest{Action: "change_protocol", Protocol: "tcp"},
	}, f.reqs)
	assert.Equal(t, []any{&f.port, []rainbond.Port{f.port}, &f.port, &f.port}, printed)

	// A failure prints nothing and comes back as it is; restate names the flag.
	f.err, printed = &wrapper.ValidationError{Field: "port_alias", Reason: "bad"}, nil
	err := runRainbondAdd(ctx, o)
	assert.Same(t, f.err, err)
	assert.Empty(t, printed)
	assert.EqualError(t, o.restate(newEnv(func(string) string { return "" }, io.Discard, io.Discard), err), "invalid --alias: bad")
}

// fakeAlaya answers ListOpenPorts with ports, OpenPort with the same port on 30001, or err.
type fakeAlaya struct {
	ports alaya.OpenPorts
	err   error
}

func (f *fakeAlaya) ListOpenPorts(context.Context, string) (*alaya.OpenPorts, error) {
	return &f.ports, f.err
}

func (f *fakeAlaya) OpenPort(_ context.Context, _ string, port int, protocol string) (*alaya.PortMapping, error) {
	return &alaya.PortMapping{InternalPort: port, Protocol: protocol, ExternalPort: 30001}, f.err
}

func (f *fakeAlaya) ClosePort(context.Context, string, int) error { return f.err }

func TestRunAlaya(t *testing.T) {
	var stdout bytes.Buffer
	e := newEnv(func(string) string { return "" }, &stdout, io.Discard)
	f := &fakeAlaya{}
	o := &alayaOptions{port: 8080, protocol: "tcp", client: f, instance: "i-1", print: e.print}
	ctx := context.Background()

	require.NoError(t, runAlayaOpen(ctx, o))
	assert.Equal(t, "PORT  PROTOCOL  EXTERNAL-PORT\n8080  tcp       30001\n", stdout.String())
	stdout.Reset()
	require.NoError(t, runAlayaClose(ctx, o))
	assert.Equal(t, "closed port 8080 of instance i-1\n", stdout.String())

	// The lists are arrays in JSON even when the API left them out.
	stdout.Reset()
	e.output = outputJSON
	require.NoError(t, runAlayaList(ctx, o))
	assert.JSONEq(t, `{"ports": [], "customPorts": []}`, stdout.String())

	// A 403 says what it most often means; nothing is printed.
	stdout.Reset()
	f.err = &wrapper.APIError{Operation: "alaya.ClosePort", StatusCode: 403}
	err := o.restate(e, runAlayaClose(ctx, o))
	assert.True(t, errors.Is(err, wrapper.ErrForbidden), err)
	assert.Contains(t, err.Error(), `instance "i-1" may not exist, or may not belong to this key`)
	assert.Empty(t, stdout.String())
}
