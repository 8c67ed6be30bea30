package rainbond_test

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sync/errgroup"

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

// Many components at once: a Client is safe for concurrent use, so a fleet is applied from
// goroutines, here at most 10 at a time with errgroup.SetLimit (portctl apply --parallel does the
// same). Each component's steps still run in order; one component's failure does not stop the others.
func ExampleClient_Apply_many() {
	srv := rainbondtest.NewServer()
	defer srv.Close()
	var comps []rainbond.Component
	for i := range 30 {
		comp := rainbond.Component{TeamID: "demo-team", RegionName: "demo-region", AppID: 1, ServiceID: fmt.Sprintf("gr%04d", i)}
		srv.AddComponent(comp)
		comps = append(comps, comp)
	}
	c, err := rainbond.NewClient(srv.URL, srv.Token)
	if err != nil {
		fmt.Println(err)
		return
	}
	want := rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 8080, Inner: true}, {Port: 9090}}}
	results := make([]*rainbond.ApplyResult, len(comps))
	errs := make([]error, len(comps))
	var g errgroup.Group
	g.SetLimit(10)
	for i, comp := range comps {
		g.Go(func() error {
			results[i], errs[i] = c.Apply(context.Background(), comp, want)
			return nil // keep going: each component's error is in errs
		})
	}
	_ = g.Wait()
	done := 0
	for i := range comps {
		if errs[i] != nil {
			fmt.Println(comps[i].ServiceID, errs[i])
			continue
		}
		done += len(results[i].Done)
	}
	fmt.Println(done, "steps done on", len(comps), "components")
	// Output:
	// 60 steps done on 30 components
}
