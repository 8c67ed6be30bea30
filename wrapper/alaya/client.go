package alaya

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/portsdk/portsdk/gen/alayaapi"
	"github.com/portsdk/portsdk/internal/check"
	"github.com/portsdk/portsdk/internal/options"
	"github.com/portsdk/portsdk/internal/respond"
	"github.com/portsdk/portsdk/internal/transport"
	"github.com/portsdk/portsdk/wrapper"
)

// DefaultBaseURL is the public Alaya NeW Open API endpoint.
const DefaultBaseURL = "https://api.alayanew.com"

// OpenPort is an open port of an instance, as ListOpenPorts returns it. Protocol may be empty for
// system ports.
type OpenPort = alayaapi.OpenPort

// OpenPorts is the answer of ListOpenPorts: the system ports and the ports the user opened. Both
// slices are non-nil.
type OpenPorts = alayaapi.OpenPortList

// PortMapping is the answer of OpenPort: the container port and the external port it is mapped to.
type PortMapping = alayaapi.PortMapping

// Client calls the CCI port operations of Alaya NeW. It is safe for concurrent use. Printing it
// never shows the API key.
type Client struct {
	c *client
}

type client struct {
	base string
	d    *transport.Doer
	api  *alayaapi.Client
}

// NewClient returns a client that authenticates with the Open API key, sent as
// "Authorization: Bearer <key>".
//
// It returns a *wrapper.ValidationError, and makes no request, when the key is empty or has spaces
// or control characters, or the base URL (see WithBaseURL) is not usable.
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	sets := make([]func(*options.Config), 0, len(opts)+1)
	sets = append(sets, func(c *options.Config) { c.BaseURL = DefaultBaseURL })
	for _, o := range opts {
		sets = append(sets, o.set)
	}
	cfg := options.New(sets...)
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	base, err := check.BaseURL("baseURL", cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if err := check.Credential("apiKey", apiKey); err != nil {
		return nil, err
	}
	d := transport.New(cfg, base, transport.NewHeaderAuth("Bearer", transport.NewSecret(apiKey)))
	api, err := alayaapi.NewClient(base.String(), alayaapi.WithHTTPClient(d))
	if err != nil {
		return nil, &wrapper.ValidationError{Field: "baseURL", Reason: d.Redact(err.Error())}
	}
	return &Client{c: &client{base: base.String(), d: d, api: api}}, nil
}

// String describes the client without its key.
func (c *Client) String() string {
	if c == nil || c.c == nil {
		return "alaya.Client(nil)"
	}
	return "alaya.Client{" + c.c.base + "}"
}

// GoString describes the client without its key.
func (c *Client) GoString() string { return c.String() }

// Format implements fmt.Formatter, also for a Client value: every verb prints String, so no fmt form shows the key.
func (c Client) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

func parseList(r *http.Response) error  { _, err := alayaapi.ParseListOpenPortsResponse(r); return err }
func parseOpen(r *http.Response) error  { _, err := alayaapi.ParseOpenPortResponse(r); return err }
func parseClose(r *http.Response) error { _, err := alayaapi.ParseClosePortResponse(r); return err }

// ListOpenPorts returns the open ports of an instance. It is retried on connection errors, 429, 502,
// 503 and 504 (see WithMaxRetries).
func (c *Client) ListOpenPorts(ctx context.Context, instanceID string) (*OpenPorts, error) {
	const op = "alaya.ListOpenPorts"
	if err := check.PathID("instance_id", instanceID); err != nil {
		return nil, err
	}
	rsp, err := c.c.api.ListOpenPorts(c.c.d.WithOperation(ctx, op), instanceID)
	env, body, err := respond.Decode[alayaapi.OpenPortListEnvelope](c.c.d, op, rsp, err, parseList)
	if err != nil {
		return nil, err
	}
	if env != nil && env.Status == http.StatusOK {
		ports := env.Data
		if ports.Ports == nil {
			ports.Ports = []OpenPort{}
		}
		if ports.CustomPorts == nil {
			ports.CustomPorts = []OpenPort{}
		}
		return &ports, nil
	}
	return nil, respond.Failure(c.c.d, op, rsp, body, nil)
}

// OpenPort opens a container port of an instance with the given protocol (the pages show
// "http/https" and "tcp") and returns the external port it is mapped to. It is never retried: after
// a lost answer, ListOpenPorts tells whether the port is open.
func (c *Client) OpenPort(ctx context.Context, instanceID string, port int, protocol string) (*PortMapping, error) {
	const op = "alaya.OpenPort"
	if err := check.PathID("instance_id", instanceID); err != nil {
		return nil, err
	}
	if err := check.Port("port", port); err != nil {
		return nil, err
	}
	if protocol == "" {
		return nil, &wrapper.ValidationError{Field: "protocol", Reason: "must not be empty"}
	}
	rsp, err := c.c.api.OpenPort(c.c.d.WithOperation(ctx, op), instanceID, alayaapi.OpenPortRequest{Port: port, Protocol: protocol})
	env, body, err := respond.Decode[alayaapi.PortMappingEnvelope](c.c.d, op, rsp, err, parseOpen)
	if err != nil {
		return nil, err
	}
	if env != nil && env.Status == http.StatusOK && env.Data.ExternalPort != 0 {
		m := env.Data
		return &m, nil
	}
	return nil, respond.Failure(c.c.d, op, rsp, body, nil)
}

// ClosePort closes a port of an instance. It is never retried.
func (c *Client) ClosePort(ctx context.Context, instanceID string, port int) error {
	const op = "alaya.ClosePort"
	if err := check.PathID("instance_id", instanceID); err != nil {
		return err
	}
	if err := check.Port("port", port); err != nil {
		return err
	}
	rsp, err := c.c.api.ClosePort(c.c.d.WithOperation(ctx, op), instanceID, alayaapi.ClosePortRequest{Port: port})
	env, body, err := respond.Decode[alayaapi.ClosePortEnvelope](c.c.d, op, rsp, err, parseClose)
	if err != nil {
		return err
	}
	if env != nil && env.Status == http.StatusOK {
		return nil
	}
	return respond.Failure(c.c.d, op, rsp, body, nil)
}
