package rainbond_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// PlanPorts orders the calls by the console's rules: a tcp protocol on a port whose outer service
// is open closes it first and opens it again after; a pruned port is closed both ways before it is
// deleted.
func ExamplePlanPorts() {
	current := []rainbond.Port{
		{ContainerPort: 8080, Protocol: "http", PortAlias: "WEB", IsInnerService: true, IsOuterService: true, K8sServiceName: "web"},
		{ContainerPort: 9000, Protocol: "http", PortAlias: "OLD", IsInnerService: true, K8sServiceName: "web"},
	}
	want := rainbond.Desired{Prune: true, Ports: []rainbond.DesiredPort{
		{Port: 8080, Protocol: rainbond.ProtocolTCP, Inner: true, Outer: true},
		{Port: 5432, Protocol: rainbond.ProtocolTCP, Inner: true, Alias: "DB"},
	}}
	steps, err := rainbond.PlanPorts(current, want)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(rainbond.Lines("demo-team/1/gr1a2b3c", steps))
	fmt.Println(rainbond.Summarize(steps))
	// Output:
	// ~ demo-team/1/gr1a2b3c 9000 close inner
	// - demo-team/1/gr1a2b3c 9000 delete
	// + demo-team/1/gr1a2b3c 5432 add tcp inner alias DB
	// ~ demo-team/1/gr1a2b3c 8080 close outer
	// ~ demo-team/1/gr1a2b3c 8080 change protocol http -> tcp
	// ~ demo-team/1/gr1a2b3c 8080 open outer
	// 1 to add, 1 to change, 1 to delete
}

// Apply lists, plans and runs; a second Apply finds nothing to do.
func ExampleClient_Apply() {
	srv := rainbondtest.NewServer()
	defer srv.Close()
	comp := rainbond.Component{TeamID: "demo-team", RegionName: "demo-region", AppID: 1, ServiceID: "gr1a2b3c"}
	srv.AddComponent(comp)
	c, err := rainbond.NewClient(srv.URL, srv.Token)
	if err != nil {
		fmt.Println(err)
		return
	}
	want := rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 8080, Inner: true, Outer: true, Alias: "WEB"}}}
	res, err := c.Apply(context.Background(), comp, want)
	var se *rainbond.StepError
	if errors.As(err, &se) {
		fmt.Println("failed:", se.Step, "after", len(res.Done), "steps:", se.Err)
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(rainbond.Lines("", res.Done))
	res, err = c.Apply(context.Background(), comp, want)
	fmt.Println(rainbond.Summarize(res.Done), err)
	// Output:
	// + 8080 add http inner alias WEB
	// ~ 8080 open outer
	// no changes <nil>
}
