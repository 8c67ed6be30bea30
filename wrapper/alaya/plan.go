package alaya

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/portsdk/portsdk/internal/plan"
	"github.com/portsdk/portsdk/internal/runtime/check"
	"github.com/portsdk/portsdk/wrapper"
)

// DefaultProtocol is the protocol of a DesiredPort that names none: the one the vendor's pages show.
const DefaultProtocol = "http/https"

// MaxCustomPorts is how many custom ports an instance may have open at once (the service refuses
// an eleventh).
const MaxCustomPorts = 10

// reservedPorts are the container ports the platform keeps for itself: 22, 8888 and the system
// ports 9001 and 9002. They cannot be opened or closed.
var reservedPorts = map[int]bool{22: true, 8888: true, 9001: true, 9002: true}

// DesiredPort is a custom port wanted open on an instance.
type DesiredPort struct {
	// Port is the container port, 1..65535, not one of the reserved 22, 8888, 9001, 9002.
	Port int `json:"port"`
	// Protocol is the protocol to open it with, e.g. "http/https" or "tcp"; empty means
	// DefaultProtocol.
	Protocol string `json:"protocol,omitempty"`
}

// Desired is the state wanted for the custom ports of one instance.
type Desired struct {
	// Ports are the custom ports wanted open, each at most once.
	Ports []DesiredPort `json:"ports"`
	// Prune closes the custom ports not listed. The system ports (ListOpenPorts' Ports) are never
	// closed. When false, unlisted ports are left alone.
	Prune bool `json:"prune"`
}

// Op is what one Step does: one API call.
type Op string

// The operations of a plan.
const (
	OpOpen  Op = "open"  // OpenPort
	OpClose Op = "close" // ClosePort
)

// Step is one API call of a plan. It prints as a line ("8080 open http/https", "9000 close") and
// marshals to JSON as data.
type Step struct {
	// Op is the call.
	Op Op `json:"op"`
	// Port is the container port.
	Port int `json:"port"`
	// Protocol is OpOpen's protocol.
	Protocol string `json:"protocol,omitempty"`
	// From is, for the close and the open that change a port's protocol, the protocol it had. The
	// service has no call that changes a protocol: the port is closed and opened again, and the
	// external port may change.
	From string `json:"from,omitempty"`
}

// Reopen reports whether the step is half of a protocol change (close, then open again).
func (s Step) Reopen() bool { return s.From != "" }

// Symbol is the plan's mark for the step: "+" opens a port, "-" closes one, "~" is half of a
// protocol change.
func (s Step) Symbol() string {
	switch {
	case s.Reopen():
		return "~"
	case s.Op == OpOpen:
		return "+"
	}
	return "-"
}

// String describes the step on one line without its symbol, e.g. "8080 open http/https",
// "9000 close", "8080 close (protocol tcp -> http/https)", "8080 open http/https (was tcp; the
// external port may change)".
func (s Step) String() string {
	p := strconv.Itoa(s.Port)
	switch {
	case s.Op == OpClose && s.Reopen():
		return p + " close (to change protocol " + s.From + " -> " + s.Protocol + ")"
	case s.Op == OpClose:
		return p + " close"
	case s.Reopen():
		return p + " open " + s.Protocol + " (was " + s.From + "; the external port may change)"
	}
	return p + " " + string(s.Op) + " " + s.Protocol
}

// Summary counts the ports a plan opens (add), changes and closes (delete). Its String is e.g. "3
// to add, 1 to change, 1 to delete", or "no changes".
type Summary = plan.Summary

// Summarize counts the ports of a plan: opened (add), reopened with another protocol (change),
// closed (delete).
func Summarize(steps []Step) Summary {
	var sum Summary
	for _, s := range steps {
		switch {
		case s.Reopen():
			if s.Op == OpOpen {
				sum.Change++
			}
		case s.Op == OpOpen:
			sum.Add++
		default:
			sum.Delete++
		}
	}
	return sum
}

// Lines formats the steps one per line with their symbol and a prefix naming the target, e.g.
// "+ alaya 08ba7a0e-... 8080 open http/https".
func Lines(prefix string, steps []Step) string { return plan.Lines(prefix, steps) }

// Validate checks the desired state on its own, as PlanPorts does before it looks at the open
// ports: each port in range, not reserved and listed once, no spaces around a protocol, at most
// MaxCustomPorts ports. The error is a *wrapper.ValidationError naming the field, e.g.
// "ports[1].port".
func (d Desired) Validate() error {
	seen := make(map[int]int)
	for i, p := range d.Ports {
		field := func(name string) string { return "ports[" + strconv.Itoa(i) + "]." + name }
		if err := check.Port(field("port"), p.Port); err != nil {
			return err
		}
		if reservedPorts[p.Port] {
			return &wrapper.ValidationError{Field: field("port"), Reason: strconv.Itoa(p.Port) + " is reserved by the platform (22, 8888, 9001, 9002)"}
		}
		if j, dup := seen[p.Port]; dup {
			return &wrapper.ValidationError{Field: field("port"), Reason: fmt.Sprintf("%d is listed twice (also ports[%d])", p.Port, j)}
		}
		seen[p.Port] = i
		if strings.TrimSpace(p.Protocol) != p.Protocol {
			return &wrapper.ValidationError{Field: field("protocol"), Reason: strconv.Quote(p.Protocol) + " has spaces around it"}
		}
	}
	if len(d.Ports) > MaxCustomPorts {
		return &wrapper.ValidationError{Field: "ports", Reason: fmt.Sprintf("%d ports: an instance has at most %d custom ports", len(d.Ports), MaxCustomPorts)}
	}
	return nil
}

func protocolOf(p DesiredPort) string { return cmp.Or(p.Protocol, DefaultProtocol) }

// PlanPorts returns the calls that take an instance from its open ports (as ListOpenPorts returns
// them) to the desired state, or nil when nothing needs to change. It sends nothing. Closes go
// first, so that the ten-port limit holds at every step: the unlisted custom ports when pruning,
// then each port whose protocol (compared without regard to case) changes is closed and opened
// again, then the new ports open. System ports are never closed.
//
// An invalid desired state, or one that would leave more than MaxCustomPorts custom ports open, is a
// *wrapper.ValidationError naming the field, e.g. "ports[1].port".
func PlanPorts(current *OpenPorts, want Desired) ([]Step, error) {
	if err := want.Validate(); err != nil {
		return nil, err
	}
	cur := make(map[int]OpenPort)
	if current != nil {
		for _, p := range current.CustomPorts {
			cur[p.Port] = p
		}
	}
	open := len(cur)
	var steps []Step
	if want.Prune {
		for _, n := range slices.Sorted(maps.Keys(cur)) {
			if !reservedPorts[n] && !slices.ContainsFunc(want.Ports, func(p DesiredPort) bool { return p.Port == n }) {
				steps = append(steps, Step{Op: OpClose, Port: n})
				open--
			}
		}
	}
	var reopen, added []DesiredPort
	for _, p := range want.Ports {
		c, ok := cur[p.Port]
		switch {
		case !ok:
			added = append(added, p)
		case !strings.EqualFold(c.Protocol, protocolOf(p)):
			reopen = append(reopen, p)
		}
	}
	if open+len(added) > MaxCustomPorts {
		return nil, &wrapper.ValidationError{Field: "ports", Reason: fmt.Sprintf(
			"%d custom ports would be open (%d new, %d kept): an instance has at most %d; prune or list fewer",
			open+len(added), len(added), open, MaxCustomPorts)}
	}
	byPort := func(a, b DesiredPort) int { return a.Port - b.Port }
	for _, p := range slices.SortedFunc(slices.Values(reopen), byPort) {
		from, to := cmp.Or(cur[p.Port].Protocol, "none"), protocolOf(p)
		steps = append(steps, Step{Op: OpClose, Port: p.Port, Protocol: to, From: from}, Step{Op: OpOpen, Port: p.Port, Protocol: to, From: from})
	}
	for _, p := range slices.SortedFunc(slices.Values(added), byPort) {
		steps = append(steps, Step{Op: OpOpen, Port: p.Port, Protocol: protocolOf(p)})
	}
	return steps, nil
}

// StepError is the error of a plan step that failed; errors.As reaches the call's own error, Err.
// Its Error is e.g. "step 2 (8080 open tcp): alaya.OpenPort: HTTP 400: port 8080 is already open".
type StepError = plan.StepError[Step]

// ApplyResult says what a run of a plan did. Done, the failed step and NotRun together are the plan,
// in order. Its fields are those of rainbond.ApplyResult with Opened added, spelled out rather than
// embedded so that composite literals and the JSON field order stay as they were.
type ApplyResult struct {
	Done   []Step        `json:"done"`             // the steps that succeeded
	Opened []PortMapping `json:"opened"`           // the answers of the open steps that succeeded: the external ports
	Failed *Step         `json:"failed,omitempty"` // the step that failed, or nil when every step succeeded
	Err    error         `json:"-"`                // the failed step's error (a *StepError), or nil
	NotRun []Step        `json:"not_run"`          // the steps after the failed one, which were not sent
}

// Plan lists the instance's open ports and returns the steps PlanPorts makes from them. It sends
// no write.
func (c *Client) Plan(ctx context.Context, instanceID string, want Desired) ([]Step, error) {
	return plan.Make(want, Desired.Validate, func() (*OpenPorts, error) { return c.ListOpenPorts(ctx, instanceID) }, PlanPorts)
}

// Apply runs (RunPlan) the steps that Plan makes. Run again, it plans nothing. The error is that of
// listing or planning (the result is then nil), or the *StepError of the first failing step, which
// stops the run; running Apply again continues from there.
func (c *Client) Apply(ctx context.Context, instanceID string, want Desired) (*ApplyResult, error) {
	steps, err := c.Plan(ctx, instanceID, want)
	if err != nil {
		return nil, err
	}
	return c.RunPlan(ctx, instanceID, steps)
}

// RunPlan runs the steps in order, one call each, and stops at the first that fails: its error is
// returned as a *StepError and in the result, and the later steps are not sent.
func (c *Client) RunPlan(ctx context.Context, instanceID string, steps []Step) (*ApplyResult, error) {
	opened := []PortMapping{}
	res, err := plan.Run(steps, func(s Step) error {
		switch s.Op {
		case OpOpen:
			m, err := c.OpenPort(ctx, instanceID, s.Port, s.Protocol)
			if err == nil {
				opened = append(opened, *m)
			}
			return err
		case OpClose:
			return c.ClosePort(ctx, instanceID, s.Port)
		}
		return &wrapper.ValidationError{Field: "op", Reason: strconv.Quote(string(s.Op)) + " is not a plan operation"}
	})
	return &ApplyResult{Done: res.Done, Opened: opened, Failed: res.Failed, Err: res.Err, NotRun: res.NotRun}, err
}
