package alaya

import (
	"context"
	"net/http"
	"time"

	"github.com/portsdk/portsdk/gen/alayaapi"
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

// Option configures a Client.
type Option func(*wrapper.Config)

// WithBaseURL replaces DefaultBaseURL (for a test server or a proxy); it may carry a path prefix.
func WithBaseURL(u string) Option { return Option(wrapper.WithBaseURL(u)) }

// WithHTTPClient replaces the default http.Client (which has a 30 s timeout).
func WithHTTPClient(hc *http.Client) Option { return Option(wrapper.WithHTTPClient(hc)) }

// WithUserAgent puts the caller's product before portsdk's own in the User-Agent header.
func WithUserAgent(product string) Option { return Option(wrapper.WithUserAgent(product)) }

// WithMaxRetries sets how many times ListOpenPorts is retried after the first attempt (default 2);
// 0 disables retries. OpenPort and ClosePort are never retried.
func WithMaxRetries(n int) Option { return Option(wrapper.WithMaxRetries(n)) }

// WithMaxBodyBytes caps how much of a response body is read (default 16 MiB).
func WithMaxBodyBytes(n int64) Option { return Option(wrapper.WithMaxBodyBytes(n)) }

// WithRetryBudget bounds the total time a call spends on attempts and waits before it stops retrying.
func WithRetryBudget(d time.Duration) Option { return Option(wrapper.WithRetryBudget(d)) }

// Client calls the CCI port operations of Alaya NeW. It is safe for concurrent use. Printing it
// never shows the API key.
type Client struct {
	c *client
}

type client struct {
	base string
	api  *alayaapi.Client
}

// NewClient returns a client that authenticates with the Open API key, sent as
// "Authorization: Bearer <key>".
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	wopts := make([]wrapper.Option, 0, len(opts)+1)
	wopts = append(wopts, wrapper.WithBaseURL(DefaultBaseURL))
	for _, o := range opts {
		wopts = append(wopts, wrapper.Option(o))
	}
	cfg := wrapper.NewConfig(wopts)
	base, err := wrapper.ParseBaseURL("baseURL", cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if err := wrapper.CheckCredential("apiKey", apiKey); err != nil {
		return nil, err
	}
	doer := wrapper.NewDoer(cfg, base, "Bearer "+apiKey)
	api, err := alayaapi.NewClient(base.String(), alayaapi.WithHTTPClient(doer))
	if err != nil {
		return nil, &wrapper.ValidationError{Field: "baseURL", Reason: err.Error()}
	}
	return &Client{c: &client{base: base.String(), api: api}}, nil
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

// ListOpenPorts returns the open ports of an instance. It is retried on connection errors, 429, 502,
// 503 and 504 (see WithMaxRetries).
func (c *Client) ListOpenPorts(ctx context.Context, instanceID string) (*OpenPorts, error) {
	const op = "alaya.ListOpenPorts"
	if err := wrapper.CheckPathID("instance_id", instanceID); err != nil {
		return nil, err
	}
	rsp, err := c.c.api.ListOpenPorts(ctx, instanceID)
	env, body, err := wrapper.Decode(op, rsp, err, alayaapi.ParseListOpenPortsResponse)
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
	return nil, wrapper.Failure(op, rsp, body, nil)
}

// OpenPort opens a container port of an instance with the given protocol (the pages show
// "http/https" and "tcp") and returns the external port it is mapped to. It is never retried: after
// a lost answer, ListOpenPorts tells whether the port is open.
func (c *Client) OpenPort(ctx context.Context, instanceID string, port int, protocol string) (*PortMapping, error) {
	const op = "alaya.OpenPort"
	if err := wrapper.CheckPathID("instance_id", instanceID); err != nil {
		return nil, err
	}
	if err := wrapper.CheckPort("port", port); err != nil {
		return nil, err
	}
	if protocol == "" {
		return nil, &wrapper.ValidationError{Field: "protocol", Reason: "must not be empty"}
	}
	rsp, err := c.c.api.OpenPort(ctx, instanceID, alayaapi.OpenPortRequest{Port: port, Protocol: protocol})
	env, body, err := wrapper.Decode(op, rsp, err, alayaapi.ParseOpenPortResponse)
	if err != nil {
		return nil, err
	}
	if env != nil && env.Status == http.StatusOK && env.Data.ExternalPort != 0 {
		m := env.Data
		return &m, nil
	}
	return nil, wrapper.Failure(op, rsp, body, nil)
}

// ClosePort closes a port of an instance. It is never retried.
func (c *Client) ClosePort(ctx context.Context, instanceID string, port int) error {
	const op = "alaya.ClosePort"
	if err := wrapper.CheckPathID("instance_id", instanceID); err != nil {
		return err
	}
	if err := wrapper.CheckPort("port", port); err != nil {
		return err
	}
	rsp, err := c.c.api.ClosePort(ctx, instanceID, alayaapi.ClosePortRequest{Port: port})
	env, body, err := wrapper.Decode(op, rsp, err, alayaapi.ParseClosePortResponse)
	if err != nil {
		return err
	}
	if env != nil && env.Status == http.StatusOK {
		return nil
	}
	return wrapper.Failure(op, rsp, body, nil)
}
