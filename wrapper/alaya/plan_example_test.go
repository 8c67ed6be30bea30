package alaya_test

import (
	"fmt"

	"github.com/portsdk/portsdk/wrapper/alaya"
)

// On Alaya a protocol change is a close and an open, and the external port may change; the system
// ports are never closed.
func ExamplePlanPorts() {
	current := &alaya.OpenPorts{
		Ports:       []alaya.OpenPort{{Port: 9001, ExternalPort: 31001}, {Port: 9002, ExternalPort: 31002}},
		CustomPorts: []alaya.OpenPort{{Port: 8080, Protocol: "tcp", ExternalPort: 30080}, {Port: 7000, Protocol: "tcp", ExternalPort: 30700}},
	}
	want := alaya.Desired{Prune: true, Ports: []alaya.DesiredPort{{Port: 8080, Protocol: "http/https"}, {Port: 7860}}}
	steps, err := alaya.PlanPorts(current, want)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(alaya.Lines("08ba7a0e", steps))
	fmt.Println(alaya.Summarize(steps))
	// Output:
	// - 08ba7a0e 7000 close
	// ~ 08ba7a0e 8080 close (to change protocol tcp -> http/https)
	// ~ 08ba7a0e 8080 open http/https (was tcp; the external port may change)
	// + 08ba7a0e 7860 open http/https
	// 1 to add, 1 to change, 1 to delete
}
