package conformance_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/portsdk/portsdk/conformance"
	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// A Validator under a client checks every request and response against specs/rainbond.yaml.
func ExampleValidator() {
	srv := rainbondtest.NewServer()
	defer srv.Close()
	comp := rainbond.Component{TeamID: "team", RegionName: "region", AppID: 1, ServiceID: "web"}
	srv.AddComponent(comp)

	v, err := conformance.NewRainbond(srv.URL, nil)
	if err != nil {
		panic(err)
	}
	client, err := rainbond.NewClient(srv.URL, srv.Token, rainbond.WithHTTPClient(v.HTTPClient()))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := client.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 8080, IsInnerService: true}); err != nil {
		panic(err)
	}
	_, err = client.OpenOuter(ctx, comp, 9999)
	fmt.Println(err)
	fmt.Println("requests:", v.Requests(), "failures:", len(v.Failures()))
	// Output:
	// rainbond.UpdatePort: HTTP 404: component port does not exist
	// requests: 2 failures: 0
}

// TestReadmeExample is the example of docs/library.md ("Testing your code with portsdk"),
// verbatim, so that it keeps compiling and passing.
func TestReadmeExample(t *testing.T) {
	srv := rainbondtest.NewServer() // srv.URL is http://127.0.0.1:PORT/console
	defer srv.Close()
	comp := rainbond.Component{TeamID: "team", RegionName: "region", AppID: 1, ServiceID: "web"}
	srv.AddComponent(comp) // any other team, app or component is a 404

	client, err := rainbond.NewClient(srv.URL, srv.Token)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	if _, err := client.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 8080, Protocol: rainbond.ProtocolHTTP, IsInnerService: true}); err != nil {
		t.Fatal(err)
	}
	ports, err := client.ListPorts(ctx, comp)
	if err != nil || len(ports) != 1 || ports[0].ContainerPort != 8080 {
		t.Fatalf("ports = %+v, %v", ports, err)
	}

	// Bad input is refused before anything is sent.
	before := srv.RequestCount()
	_, err = client.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 70000})
	var ve *wrapper.ValidationError
	if !errors.As(err, &ve) || srv.RequestCount() != before {
		t.Fatalf("want a ValidationError and no request, got %v (%d requests)", err, srv.RequestCount()-before)
	}
}
