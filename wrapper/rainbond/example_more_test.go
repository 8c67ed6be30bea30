package rainbond_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// newTestConsole starts an in-memory Rainbond console with exampleComponent and port 8080 (alias
// WEB, inner service open).
func newTestConsole() (*rainbondtest.Server, *rainbond.Client) {
	srv := rainbondtest.NewServer()
	srv.AddComponent(exampleComponent)
	c, err := rainbond.NewClient(srv.URL, srv.Token)
	if err != nil {
		panic(err)
	}
	if _, err := c.AddPort(context.Background(), exampleComponent, rainbond.AddPortRequest{
		Port: 8080, Protocol: rainbond.ProtocolHTTP, PortAlias: "WEB", IsInnerService: true,
	}); err != nil {
		panic(err)
	}
	return srv, c
}

func ExampleNewClient() {
	srv := rainbondtest.NewServer() // in a program: the console's URL and your access token
	defer srv.Close()
	srv.AddComponent(exampleComponent)

	c, err := rainbond.NewClient(srv.URL, srv.Token,
		rainbond.WithUserAgent("deploybot/1.2"),  // User-Agent: deploybot/1.2 portsdk/<Version>
		rainbond.WithMaxRetries(3),               // ListPorts: up to 3 retries (POST, PUT, DELETE: never)
		rainbond.WithRetryBudget(10*time.Second), // no retry begins after 10 s
		rainbond.WithMaxBodyBytes(1<<20),         // read at most 1 MiB of an answer
		rainbond.WithHTTPClient(&http.Client{Timeout: 5 * time.Second}),
	)
	if err != nil {
		panic(err) // a *wrapper.ValidationError: bad URL or token; nothing was sent
	}
	fmt.Println(strings.Contains(fmt.Sprintf("%+v", c), srv.Token)) // no fmt form shows the token
	ports, err := c.ListPorts(context.Background(), exampleComponent)
	fmt.Println(len(ports), err)

	_, err = rainbond.NewClient("ftp://console.example.com", srv.Token)
	fmt.Println(err)
	// Output:
	// false
	// 0 <nil>
	// invalid baseURL: must start with http:// or https://
}

func ExampleClient_CloseOuter() {
	srv, c := newTestConsole()
	defer srv.Close()
	ctx := context.Background()

	if _, err := c.OpenOuter(ctx, exampleComponent, 8080); err != nil {
		panic(err)
	}
	p, err := c.CloseOuter(ctx, exampleComponent, 8080)
	if err != nil {
		panic(err)
	}
	fmt.Println("outer open:", p.IsOuterService)
	// Output: outer open: false
}

func ExampleClient_OpenInner() {
	srv := rainbondtest.NewServer()
	defer srv.Close()
	srv.AddComponent(exampleComponent)
	c, _ := rainbond.NewClient(srv.URL, srv.Token)
	ctx := context.Background()

	// A port added with its inner service closed; OpenInner opens it.
	if _, err := c.AddPort(ctx, exampleComponent, rainbond.AddPortRequest{Port: 5432, Protocol: rainbond.ProtocolTCP, PortAlias: "DB"}); err != nil {
		panic(err)
	}
	p, err := c.OpenInner(ctx, exampleComponent, 5432)
	if err != nil {
		panic(err)
	}
	fmt.Println("inner open:", p.IsInnerService)
	// Output: inner open: true
}

func ExampleClient_CloseInner() {
	srv, c := newTestConsole()
	defer srv.Close()

	// The console refuses to close the inner service while the outer one is open; here it is closed.
	p, err := c.CloseInner(context.Background(), exampleComponent, 8080)
	if err != nil {
		panic(err)
	}
	fmt.Println("inner open:", p.IsInnerService)
	// Output: inner open: false
}

func ExampleClient_ChangeProtocol() {
	srv, c := newTestConsole()
	defer srv.Close()

	p, err := c.ChangeProtocol(context.Background(), exampleComponent, 8080, rainbond.ProtocolTCP)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.ContainerPort, p.Protocol)

	// An unknown protocol is refused before anything is sent.
	_, err = c.ChangeProtocol(context.Background(), exampleComponent, 8080, "ftp")
	fmt.Println(err)
	// Output:
	// 8080 tcp
	// invalid protocol: "ftp" is not one of http, tcp, udp, mysql, grpc
}

// Errors are matched with errors.Is (the HTTP status) and errors.As (the envelope's code).
func Example_errors() {
	srv, c := newTestConsole()
	defer srv.Close()
	ctx := context.Background()

	_, err := c.AddPort(ctx, exampleComponent, rainbond.AddPortRequest{Port: 8080, IsInnerService: true})
	var apiErr *wrapper.APIError
	if errors.Is(err, wrapper.ErrConflict) && errors.As(err, &apiErr) && apiErr.Code == rainbond.CodePortExists {
		fmt.Println("port 8080 exists already")
	}

	other := exampleComponent
	other.ServiceID = "nosuchcomponent"
	_, err = c.ListPorts(ctx, other)
	fmt.Println("not found:", errors.Is(err, wrapper.ErrNotFound))

	bad, _ := rainbond.NewClient(srv.URL, "not-the-token")
	_, err = bad.ListPorts(ctx, exampleComponent)
	fmt.Println("unauthorized:", errors.Is(err, wrapper.ErrUnauthorized))
	// Output:
	// port 8080 exists already
	// not found: true
	// unauthorized: true
}

// loggingTransport is a plain http.RoundTripper that logs each request the client sends: the place
// for tracing (an otelhttp.NewTransport wraps the transport the same way).
type loggingTransport struct{ next http.RoundTripper }

func (t loggingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		fmt.Println(r.Method, r.URL.Path, err)
		return nil, err
	}
	fmt.Println(r.Method, r.URL.Path, resp.StatusCode)
	return resp, nil
}

// Tracing goes through WithHTTPClient: wrap the transport (here with a logging RoundTripper; with
// OpenTelemetry, otelhttp.NewTransport(http.DefaultTransport)). The client never logs the token;
// a transport of your own sees the Authorization header, so keep it out of what you record.
func Example_tracing() {
	srv, _ := newTestConsole()
	defer srv.Close()

	hc := &http.Client{Timeout: 10 * time.Second, Transport: loggingTransport{next: http.DefaultTransport}}
	c, _ := rainbond.NewClient(srv.URL, srv.Token, rainbond.WithHTTPClient(hc))
	_, _ = c.ListPorts(context.Background(), exampleComponent)
	_, _ = c.OpenOuter(context.Background(), exampleComponent, 8080)
	// Output:
	// GET /console/openapi/v1/teams/team1/regions/rainbond/apps/12/services/gr1234/ports 200
	// PUT /console/openapi/v1/teams/team1/regions/rainbond/apps/12/services/gr1234/ports/8080 200
}

// WithLogger writes a Debug record per request sent and per wait before a retry; never the token,
// a query or a body.
func ExampleWithLogger() {
	srv, _ := newTestConsole()
	defer srv.Close()

	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { // drop what changes from run to run
			if a.Key == slog.TimeKey || a.Key == "duration" {
				return slog.Attr{}
			}
			return a
		},
	}))
	c, _ := rainbond.NewClient(srv.URL, srv.Token, rainbond.WithLogger(logger))
	_, _ = c.ListPorts(context.Background(), exampleComponent)
	// Output:
	// level=DEBUG msg="portsdk: attempt" operation=rainbond.ListPorts method=GET path=/console/openapi/v1/teams/team1/regions/rainbond/apps/12/services/gr1234/ports attempt=1 status=200
}
