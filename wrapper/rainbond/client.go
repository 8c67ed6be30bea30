package rainbond

import (
	"context"
	"net/http"
	"time"

	"github.com/portsdk/portsdk/gen/rainbondapi"
	"github.com/portsdk/portsdk/wrapper"
)

// Option configures a Client.
type Option func(*wrapper.Config)

// WithHTTPClient replaces the default http.Client (which has a 30 s timeout).
func WithHTTPClient(hc *http.Client) Option { return Option(wrapper.WithHTTPClient(hc)) }

// WithUserAgent puts the caller's product before portsdk's own in the User-Agent header.
func WithUserAgent(product string) Option { return Option(wrapper.WithUserAgent(product)) }

// WithMaxRetries sets how many times ListPorts is retried after the first attempt (default 2);
// 0 disables retries. AddPort, UpdatePort and DeletePort are never retried.
func WithMaxRetries(n int) Option { return Option(wrapper.WithMaxRetries(n)) }

// WithMaxBodyBytes caps how much of a response body is read (default 16 MiB).
func WithMaxBodyBytes(n int64) Option { return Option(wrapper.WithMaxBodyBytes(n)) }

// WithRetryBudget bounds the total time a call spends on attempts and waits before it stops retrying.
func WithRetryBudget(d time.Duration) Option { return Option(wrapper.WithRetryBudget(d)) }

// Client calls the component-port operations of one Rainbond console. It is safe for concurrent use.
// Printing it never shows the token.
type Client struct {
	c *client
}

type client struct {
	base string
	api  *rainbondapi.Client
}

// NewClient returns a client for the Rainbond console at baseURL (which may carry a path prefix,
// e.g. https://console.example.com/rainbond), authenticating with the raw access token. The token
// is sent as "Authorization: <token>", with no "Bearer " scheme, as the real server requires.
func NewClient(baseURL, token string, opts ...Option) (*Client, error) {
	wopts := make([]wrapper.Option, len(opts))
	for i, o := range opts {
		wopts[i] = wrapper.Option(o)
	}
	cfg := wrapper.NewConfig(wopts)
	base, err := wrapper.ParseBaseURL("baseURL", baseURL)
	if err != nil {
		return nil, err
	}
	if err := wrapper.CheckCredential("token", token); err != nil {
		return nil, err
	}
	doer := wrapper.NewDoer(cfg, base, token)
	api, err := rainbondapi.NewClient(base.String(), rainbondapi.WithHTTPClient(doer))
	if err != nil {
		return nil, &wrapper.ValidationError{Field: "baseURL", Reason: err.Error()}
	}
	return &Client{c: &client{base: base.String(), api: api}}, nil
}

// String describes the client without its token.
func (c *Client) String() string {
	if c == nil || c.c == nil {
		return "rainbond.Client(nil)"
	}
	return "rainbond.Client{" + c.c.base + "}"
}

// GoString describes the client without its token.
func (c *Client) GoString() string { return c.String() }

// ListPorts returns the ports of a component (an empty slice when it has none). The server gives no
// order. It is retried on connection errors, 429, 502, 503 and 504 (see WithMaxRetries).
func (c *Client) ListPorts(ctx context.Context, comp Component) ([]Port, error) {
	const op = "rainbond.ListPorts"
	if err := comp.validate(); err != nil {
		return nil, err
	}
	rsp, err := c.c.api.ListPorts(ctx, comp.TeamID, comp.RegionName, comp.AppID, comp.ServiceID)
	env, body, err := wrapper.Decode(op, rsp, err, rainbondapi.ParseListPortsResponse)
	if err != nil {
		return nil, err
	}
	if env != nil && env.Code == http.StatusOK {
		if env.Data.List == nil {
			return []Port{}, nil
		}
		return env.Data.List, nil
	}
	return nil, wrapper.Failure(op, rsp, body, nil)
}

// AddPort adds a port to a component and returns it as the server created it. It is never retried:
// after a lost answer, ListPorts tells whether the port exists.
func (c *Client) AddPort(ctx context.Context, comp Component, req AddPortRequest) (*Port, error) {
	const op = "rainbond.AddPort"
	if err := comp.validate(); err != nil {
		return nil, err
	}
	if err := validateAdd(&req); err != nil {
		return nil, err
	}
	rsp, err := c.c.api.AddPort(ctx, comp.TeamID, comp.RegionName, comp.AppID, comp.ServiceID, req)
	env, body, err := wrapper.Decode(op, rsp, err, rainbondapi.ParseAddPortResponse)
	if err != nil {
		return nil, err
	}
	return bean(op, rsp, body, env)
}

// UpdatePort applies req.Action to the port and returns the port after the change. It is never
// retried. The helpers OpenOuter, CloseOuter, OpenInner, CloseInner, ChangeProtocol and ChangeAlias
// build the request for each action.
func (c *Client) UpdatePort(ctx context.Context, comp Component, port int, req UpdatePortRequest) (*Port, error) {
	const op = "rainbond.UpdatePort"
	if err := comp.validate(); err != nil {
		return nil, err
	}
	if err := wrapper.CheckPort("port", port); err != nil {
		return nil, err
	}
	if err := validateUpdate(&req); err != nil {
		return nil, err
	}
	rsp, err := c.c.api.UpdatePort(ctx, comp.TeamID, comp.RegionName, comp.AppID, comp.ServiceID, port, req)
	env, body, err := wrapper.Decode(op, rsp, err, rainbondapi.ParseUpdatePortResponse)
	if err != nil {
		return nil, err
	}
	return bean(op, rsp, body, env)
}

// DeletePort deletes a port and returns it as it was. The server refuses (409) while its inner or
// outer service is open: close both first. It is never retried.
func (c *Client) DeletePort(ctx context.Context, comp Component, port int) (*Port, error) {
	const op = "rainbond.DeletePort"
	if err := comp.validate(); err != nil {
		return nil, err
	}
	if err := wrapper.CheckPort("port", port); err != nil {
		return nil, err
	}
	rsp, err := c.c.api.DeletePort(ctx, comp.TeamID, comp.RegionName, comp.AppID, comp.ServiceID, port)
	env, body, err := wrapper.Decode(op, rsp, err, rainbondapi.ParseDeletePortResponse)
	if err != nil {
		return nil, err
	}
	return bean(op, rsp, body, env)
}

// OpenOuter opens the port's outer (external) service. The server refuses (404) while the inner
// service is closed.
func (c *Client) OpenOuter(ctx context.Context, comp Component, port int) (*Port, error) {
	return c.UpdatePort(ctx, comp, port, UpdatePortRequest{Action: ActionOpenOuter})
}

// CloseOuter closes the port's outer service.
func (c *Client) CloseOuter(ctx context.Context, comp Component, port int) (*Port, error) {
	return c.UpdatePort(ctx, comp, port, UpdatePortRequest{Action: ActionCloseOuter})
}

// OpenInner opens the port's inner (in-cluster) service. The server refuses (409) a port with no alias.
func (c *Client) OpenInner(ctx context.Context, comp Component, port int) (*Port, error) {
	return c.UpdatePort(ctx, comp, port, UpdatePortRequest{Action: ActionOpenInner})
}

// CloseInner closes the port's inner service. The server refuses (404) while the outer service is open.
func (c *Client) CloseInner(ctx context.Context, comp Component, port int) (*Port, error) {
	return c.UpdatePort(ctx, comp, port, UpdatePortRequest{Action: ActionCloseInner})
}

// ChangeProtocol changes the port's protocol. The server refuses (400) anything but http while the
// outer service is open.
func (c *Client) ChangeProtocol(ctx context.Context, comp Component, port int, protocol Protocol) (*Port, error) {
	return c.UpdatePort(ctx, comp, port, UpdatePortRequest{Action: ActionChangeProtocol, Protocol: protocol})
}

// ChangeAlias sets the port's alias (^[A-Z][A-Z0-9_]*$) and the k8s service name (a DNS label of at
// most 63 characters, unique in the team). The server applies the k8s service name to every port of
// the component.
func (c *Client) ChangeAlias(ctx context.Context, comp Component, port int, alias, k8sServiceName string) (*Port, error) {
	return c.UpdatePort(ctx, comp, port, UpdatePortRequest{
		Action: ActionChangePortAlias, PortAlias: alias, K8sServiceName: k8sServiceName,
	})
}

// bean returns the port of a successful POST, PUT or DELETE envelope, or the failure (also for a
// success envelope without the port).
func bean(op string, rsp *http.Response, body []byte, env *rainbondapi.PortEnvelope) (*Port, error) {
	if env != nil && env.Code == http.StatusOK && env.Data.Bean.ContainerPort != 0 {
		p := env.Data.Bean
		return &p, nil
	}
	return nil, wrapper.Failure(op, rsp, body, nil)
}
