package alaya_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
)

// exampleInstance is the instance the examples register on their in-memory server.
const exampleInstance = "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0"

// newExampleServer starts an in-memory Alaya NeW API (alayatest) with one instance. It serves
// under /api/osm and accepts requests signed with srv.AccessKey, as the live service does.
func newExampleServer() *alayatest.Server {
	srv := alayatest.NewServer()
	srv.AddInstance(exampleInstance)
	return srv
}

func ExampleNewClient() {
	srv := newExampleServer()
	defer srv.Close()

	// In production:
	//	alaya.NewClient(alaya.AccessKey{ID: os.Getenv("ALAYA_ACCESS_KEY"), Secret: os.Getenv("ALAYA_SECRET_KEY")})
	// which talks to DefaultBaseURL and signs every request.
	c, err := alaya.NewClient(srv.AccessKey,
		alaya.WithBaseURL(srv.URL),
		alaya.WithUserAgent("deploybot/1.2"),
	)
	if err != nil {
		log.Fatal(err)
	}
	ports, err := c.ListOpenPorts(context.Background(), exampleInstance)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(ports.Ports), "system ports,", len(ports.CustomPorts), "custom ports")
	// Output: 2 system ports, 0 custom ports
}

// A BearerKey is sent as "Authorization: Bearer <key>", the form the API pages show. The live
// service is not known to accept it; the in-memory server does when the test asks.
func ExampleBearerKey() {
	srv := newExampleServer()
	defer srv.Close()
	srv.AcceptAPIKey()

	c, err := alaya.NewClient(alaya.BearerKey(srv.APIKey), alaya.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.ListOpenPorts(context.Background(), exampleInstance)
	fmt.Println(err, alaya.BearerKey(srv.APIKey))
	// Output: <nil> alaya.BearerKey([redacted])
}

// Printing an AccessKey never shows its secret.
func ExampleAccessKey() {
	k := alaya.AccessKey{ID: "AKID123", Secret: "do-not-print"}
	fmt.Println(k)
	fmt.Printf("%+v %q\n", k, k)
	// Output:
	// alaya.AccessKey{ID: "AKID123", Secret: [redacted]}
	// alaya.AccessKey{ID: "AKID123", Secret: [redacted]} "alaya.AccessKey{ID: \"AKID123\", Secret: [redacted]}"
}

// WithClock sets the clock requests are signed with. The service refuses a timestamp more than
// five minutes from its own clock with status 40002.
func ExampleWithClock() {
	srv := newExampleServer()
	defer srv.Close()

	skewed := func() time.Time { return time.Now().Add(-6 * time.Minute) }
	c, err := alaya.NewClient(srv.AccessKey, alaya.WithBaseURL(srv.URL), alaya.WithClock(skewed))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.ListOpenPorts(context.Background(), exampleInstance)
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) {
		fmt.Printf("HTTP %d, status %d\n", apiErr.StatusCode, apiErr.Code)
	}
	// Output: HTTP 401, status 40002
}

func ExampleClient_ListOpenPorts() {
	srv := newExampleServer()
	defer srv.Close()
	c, err := alaya.NewClient(srv.AccessKey, alaya.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.OpenPort(ctx, exampleInstance, 7778, "tcp"); err != nil {
		log.Fatal(err)
	}

	ports, err := c.ListOpenPorts(ctx, exampleInstance)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range ports.Ports {
		// System ports come without a protocol.
		fmt.Printf("system %d -> %s:%d\n", p.Port, p.ExternalHost, p.ExternalPort)
	}
	for _, p := range ports.CustomPorts {
		fmt.Printf("custom %d/%s -> %s:%d\n", p.Port, p.Protocol, p.ExternalHost, p.ExternalPort)
	}
	// Output:
	// system 9001 -> 127.0.0.1:30000
	// system 9002 -> 127.0.0.1:30001
	// custom 7778/tcp -> 127.0.0.1:30002
}

func ExampleClient_OpenPort() {
	srv := newExampleServer()
	defer srv.Close()
	c, err := alaya.NewClient(srv.AccessKey, alaya.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}

	m, err := c.OpenPort(context.Background(), exampleInstance, 8080, "tcp")
	if err != nil {
		// OpenPort is never retried: after an error, ListOpenPorts tells whether the port is open.
		log.Fatal(err)
	}
	fmt.Printf("container port %d/%s is reachable on external port %d\n", m.InternalPort, m.Protocol, m.ExternalPort)
	// Output: container port 8080/tcp is reachable on external port 30002
}

func ExampleClient_ClosePort() {
	srv := newExampleServer()
	defer srv.Close()
	c, err := alaya.NewClient(srv.AccessKey, alaya.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.OpenPort(ctx, exampleInstance, 7778, "tcp"); err != nil {
		log.Fatal(err)
	}

	if err := c.ClosePort(ctx, exampleInstance, 7778); err != nil {
		log.Fatal(err)
	}
	ports, err := c.ListOpenPorts(ctx, exampleInstance)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("closed; custom ports left:", len(ports.CustomPorts))
	// Output: closed; custom ports left: 0
}

// Failures come in two kinds: an argument the client refuses before sending anything, and an
// answer from the server, which keeps both the HTTP status and the envelope's own status.
func Example_errors() {
	srv := newExampleServer()
	defer srv.Close()
	ctx := context.Background()

	_, err := alaya.NewClient(alaya.AccessKey{ID: srv.AccessKey.ID})
	var bad *wrapper.ValidationError
	if errors.As(err, &bad) {
		fmt.Println("refused, nothing sent:", bad.Field, bad.Reason)
	}

	wrong := alaya.AccessKey{ID: srv.AccessKey.ID, Secret: "not-the-secret"}
	c, err := alaya.NewClient(wrong, alaya.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.OpenPort(ctx, exampleInstance, 70000, "tcp")
	if errors.As(err, &bad) {
		fmt.Println("not sent, bad argument:", bad.Field)
	}
	_, err = c.ListOpenPorts(ctx, exampleInstance)
	var apiErr *wrapper.APIError
	if errors.As(err, &apiErr) {
		fmt.Printf("HTTP %d, status %d: %s (credential refused: %t)\n", apiErr.StatusCode, apiErr.Code, apiErr.Message, errors.Is(err, wrapper.ErrUnauthorized))
	}

	// The pages' URL, without the API prefix, answers the console's HTML page.
	noPrefix := strings.TrimSuffix(srv.URL, "/api/osm")
	c, err = alaya.NewClient(srv.AccessKey, alaya.WithBaseURL(noPrefix))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.ListOpenPorts(ctx, exampleInstance)
	fmt.Println(strings.Contains(err.Error(), "probably misses the API prefix /api/osm"))
	// Output:
	// refused, nothing sent: AccessKey.Secret must not be empty
	// not sent, bad argument: port
	// HTTP 401, status 40003: Signature verification failed (credential refused: true)
	// true
}
