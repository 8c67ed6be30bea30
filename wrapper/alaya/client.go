package alaya

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"

	"github.com/portsdk/portsdk/gen/alayaapi"
	"github.com/portsdk/portsdk/internal/runtime/check"
	"github.com/portsdk/portsdk/internal/runtime/respond"
	"github.com/portsdk/portsdk/internal/runtime/transport"
	"github.com/portsdk/portsdk/wrapper"
)

// DefaultBaseURL is the Alaya NeW Open API: the pages' host with the prefix /api/osm, under which
// the live service answers (the pages' https://api.alayanew.com/v1/... answers the console's HTML
// page; see docs/servers/alaya.md in the repository).
const DefaultBaseURL = "https://api.alayanew.com/api/osm"

// OpenPort is an open port of an instance, as ListOpenPorts returns it. Protocol may be empty for
// system ports.
type OpenPort = alayaapi.OpenPort

// OpenPorts is the answer of ListOpenPorts: the system ports and the ports the user opened. Both
// slices are non-nil.
type OpenPorts = alayaapi.OpenPortList

// PortMapping is the answer of OpenPort: the container port and the external port it is mapped to.
type PortMapping = alayaapi.PortMapping

// Client calls the CCI port operations of Alaya NeW. It is safe for concurrent use. Printing it
// never shows the credential.
type Client struct {
	c *respond.Client[*alayaapi.Client]
}

// NewClient returns a client that authenticates with cred: an AccessKey pair, which signs every
// request (what the live service requires), or a BearerKey (what the API pages show).
//
// It returns a *wrapper.ValidationError, and makes no request, when the credential is missing, its
// ID, secret or key is empty or has spaces or control characters (an AccessKey ID also ':'), or
// the base URL (see WithBaseURL) is not usable. The error names the field (AccessKey.ID,
// AccessKey.Secret, BearerKey, cred, baseURL) and never quotes a secret.
func NewClient(cred Credential, opts ...Option) (*Client, error) {
	cfg := config(append([]Option{WithBaseURL(DefaultBaseURL)}, opts...))
	c, err := respond.Open(cfg, cfg.BaseURL, func() (transport.Authorizer, error) { return authorizer(cred, cfg.Now) },
		func(base string, d *transport.Doer) (*alayaapi.Client, error) {
			return alayaapi.NewClient(base, alayaapi.WithHTTPClient(d))
		})
	if err != nil {
		return nil, err
	}
	return &Client{c: c}, nil
}

// String describes the client without its key.
func (c *Client) String() string {
	if c == nil || c.c == nil {
		return "alaya.Client(nil)"
	}
	return "alaya.Client{" + c.c.Base + "}"
}

// GoString describes the client without its key.
func (c *Client) GoString() string { return c.String() }

// Format implements fmt.Formatter, also for a Client value: every verb prints String, so no fmt form shows the key.
func (c Client) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// ListOpenPorts returns the open ports of an instance. It is retried on connection errors, 429, 502,
// 503 and 504 (see WithMaxRetries).
func (c *Client) ListOpenPorts(ctx context.Context, instanceID string) (*OpenPorts, error) {
	if err := check.PathID("instance_id", instanceID); err != nil {
		return nil, err
	}
	env, err := call(ctx, c, "alaya.ListOpenPorts", func(ctx context.Context) (*http.Response, error) {
		return c.c.API.ListOpenPorts(ctx, instanceID)
	}, alayaapi.ParseListOpenPortsResponse, func(e *alayaapi.OpenPortListEnvelope) bool { return e.Status == http.StatusOK })
	if err != nil {
		return nil, err
	}
	ports := env.Data
	if ports.Ports == nil {
		ports.Ports = []OpenPort{}
	}
	if ports.CustomPorts == nil {
		ports.CustomPorts = []OpenPort{}
	}
	return &ports, nil
}

// OpenPort opens a container port of an instance with the given protocol (the pages show
// "http/https" and "tcp") and returns the external port it is mapped to. It is never retried: after
// a lost answer, ListOpenPorts tells whether the port is open.
func (c *Client) OpenPort(ctx context.Context, instanceID string, port int, protocol string) (*PortMapping, error) {
	if err := cmp.Or(check.PathID("instance_id", instanceID), check.Port("port", port)); err != nil {
		return nil, err
	}
	if protocol == "" {
		return nil, &wrapper.ValidationError{Field: "protocol", Reason: "must not be empty"}
	}
	env, err := call(ctx, c, "alaya.OpenPort", func(ctx context.Context) (*http.Response, error) {
		return c.c.API.OpenPort(ctx, instanceID, alayaapi.OpenPortRequest{Port: port, Protocol: protocol})
	}, alayaapi.ParseOpenPortResponse, func(e *alayaapi.PortMappingEnvelope) bool {
		return e.Status == http.StatusOK && e.Data.ExternalPort != 0
	})
	if err != nil {
		return nil, err
	}
	return &env.Data, nil
}

// ClosePort closes a port of an instance. It is never retried.
func (c *Client) ClosePort(ctx context.Context, instanceID string, port int) error {
	if err := cmp.Or(check.PathID("instance_id", instanceID), check.Port("port", port)); err != nil {
		return err
	}
	_, err := call(ctx, c, "alaya.ClosePort", func(ctx context.Context) (*http.Response, error) {
		return c.c.API.ClosePort(ctx, instanceID, alayaapi.ClosePortRequest{Port: port})
	}, alayaapi.ParseClosePortResponse, func(e *alayaapi.ClosePortEnvelope) bool { return e.Status == http.StatusOK })
	return err
}

// call runs an operation (see respond.Do) and makes the *wrapper.APIError for an HTTP 200
// text/html answer say what it most likely means: the live service answers a path outside its API
// (the pages' unprefixed https://api.alayanew.com/v1/...) with the console's HTML page.
func call[T, R any](ctx context.Context, c *Client, op string, send func(context.Context) (*http.Response, error),
	parse func(*http.Response) (R, error), ok func(*T) bool) (*T, error) {
	env, rsp, err := respond.Do(ctx, c.c.D, op, send, parse, ok)
	if ae := (*wrapper.APIError)(nil); errors.As(err, &ae) && ae.StatusCode == http.StatusOK {
		if mt, _, _ := mime.ParseMediaType(rsp.Header.Get("Content-Type")); mt == "text/html" {
			ae.Message = "the answer is an HTML page (Content-Type text/html), not the API: the base URL " + c.c.Base +
				" probably misses the API prefix /api/osm (DefaultBaseURL is " + DefaultBaseURL + ")"
		}
	}
	return env, err
}
