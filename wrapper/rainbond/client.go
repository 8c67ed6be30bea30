package rainbond

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/portsdk/portsdk/gen/rainbondapi"
	"github.com/portsdk/portsdk/internal/runtime/check"
	"github.com/portsdk/portsdk/internal/runtime/respond"
	"github.com/portsdk/portsdk/internal/runtime/transport"
)

// Client calls the component-port operations of one Rainbond console. It is safe for concurrent use.
// No fmt form of it shows the token.
type Client struct {
	c *respond.Client[*rainbondapi.Client]
}

// NewClient returns a client for the Rainbond console at baseURL (which may carry a path prefix,
// e.g. https://console.example.com/rainbond), authenticating with the raw access token. The token
// is sent as "Authorization: <token>", with no "Bearer " scheme, as the real server requires.
//
// It returns a *wrapper.ValidationError, and makes no request, when baseURL is not an http or https
// URL with a host (and without user information, query or fragment) or the token is empty or has
// spaces or control characters.
func NewClient(baseURL, token string, opts ...Option) (*Client, error) {
	c, err := respond.Open(config(opts), baseURL, func() (transport.Authorizer, error) {
		if err := check.Credential("token", token); err != nil {
			return nil, err
		}
		return transport.NewHeaderAuth("", token), nil
	}, func(base string, d *transport.Doer) (*rainbondapi.Client, error) {
		return rainbondapi.NewClient(base, rainbondapi.WithHTTPClient(d))
	})
	if err != nil {
		return nil, err
	}
	return &Client{c: c}, nil
}

// String describes the client without its token.
func (c *Client) String() string {
	if c == nil || c.c == nil {
		return "rainbond.Client(nil)"
	}
	return "rainbond.Client{" + c.c.Base + "}"
}

// GoString describes the client without its token.
func (c *Client) GoString() string { return c.String() }

// Format implements fmt.Formatter, also for a Client value: every verb prints String, so no fmt form shows the token.
func (c Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// ListPorts returns the ports of a component (an empty slice when it has none). The server gives no
// order. It is retried on connection errors, 429, 502, 503 and 504 (see WithMaxRetries).
func (c *Client) ListPorts(ctx context.Context, comp Component) ([]Port, error) {
	if err := comp.Validate(); err != nil {
		return nil, err
	}
	env, _, err := respond.Do(ctx, c.c.D, "rainbond.ListPorts", func(ctx context.Context) (*http.Response, error) {
		return c.c.API.ListPorts(ctx, comp.TeamID, comp.RegionName, comp.AppID, comp.ServiceID)
	}, rainbondapi.ParseListPortsResponse, func(e *envelope[portList]) bool { return e.Code == http.StatusOK })
	if err != nil {
		return nil, err
	}
	if env.Data.List == nil {
		return []Port{}, nil
	}
	return env.Data.List, nil
}

// envelope is a success envelope holding only what the operation returns (portList or portBean),
// so that a msg or a data.list of another type than the spec's does not fail a call that succeeded.
type (
	envelope[D any] struct {
		Code int `json:"code"`
		Data D   `json:"data"`
	}
	portList struct {
		List []Port `json:"list"`
	}
	portBean struct {
		Bean Port `json:"bean"`
	}
)

// AddPort adds a port to a component and returns it as the server created it. It is never retried:
// after a lost answer, ListPorts tells whether the port exists.
func (c *Client) AddPort(ctx context.Context, comp Component, req AddPortRequest) (*Port, error) {
	err := cmp.Or(comp.Validate(), check.Port("port", req.Port), checkProtocol("protocol", req.Protocol), checkAlias("port_alias", req.PortAlias))
	if err != nil {
		return nil, err
	}
	return write(ctx, c, "rainbond.AddPort", func(ctx context.Context) (*http.Response, error) {
		return c.c.API.AddPort(ctx, comp.TeamID, comp.RegionName, comp.AppID, comp.ServiceID, req)
	}, rainbondapi.ParseAddPortResponse)
}

// UpdatePort applies req.Action to the port and returns the port after the change. It is never
// retried. The helpers OpenOuter, CloseOuter, OpenInner, CloseInner, ChangeProtocol and ChangeAlias
// build the request for each action.
func (c *Client) UpdatePort(ctx context.Context, comp Component, port int, req UpdatePortRequest) (*Port, error) {
	if err := cmp.Or(comp.Validate(), check.Port("port", port), validateUpdate(&req)); err != nil {
		return nil, err
	}
	return write(ctx, c, "rainbond.UpdatePort", func(ctx context.Context) (*http.Response, error) {
		return c.c.API.UpdatePort(ctx, comp.TeamID, comp.RegionName, comp.AppID, comp.ServiceID, port, req)
	}, rainbondapi.ParseUpdatePortResponse)
}

// DeletePort deletes a port and returns it as it was. The server refuses (409) while its inner or
// outer service is open: close both first. It is never retried.
func (c *Client) DeletePort(ctx context.Context, comp Component, port int) (*Port, error) {
	if err := cmp.Or(comp.Validate(), check.Port("port", port)); err != nil {
		return nil, err
	}
	return write(ctx, c, "rainbond.DeletePort", func(ctx context.Context) (*http.Response, error) {
		return c.c.API.DeletePort(ctx, comp.TeamID, comp.RegionName, comp.AppID, comp.ServiceID, port)
	}, rainbondapi.ParseDeletePortResponse)
}

// write runs a POST, PUT or DELETE and returns the port of its success envelope (a success envelope
// without the port is a failure).
func write[R any](ctx context.Context, c *Client, op string, send func(context.Context) (*http.Response, error), parse func(*http.Response) (R, error)) (*Port, error) {
	env, _, err := respond.Do(ctx, c.c.D, op, send, parse, func(e *envelope[portBean]) bool {
		return e.Code == http.StatusOK && e.Data.Bean.ContainerPort != 0
	})
	if err != nil {
		return nil, err
	}
	return &env.Data.Bean, nil
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
