package rainbond

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/portsdk/portsdk/internal/plan"
	"github.com/portsdk/portsdk/wrapper"
)

// DesiredPort is the state wanted for one port of a component.
type DesiredPort struct {
	// Port is the container port, 1..65535.
	Port int `json:"port"`
	// Protocol is the port's protocol; empty means http (the server's default).
	Protocol Protocol `json:"protocol,omitempty"`
	// Inner says whether the inner (in-cluster) service is open.
	Inner bool `json:"inner"`
	// Outer says whether the outer (external) service is open. The server opens it only while the
	// inner service is open, so Outer needs Inner.
	Outer bool `json:"outer"`
	// Alias is the port alias (^[A-Z][A-Z0-9_]*$, unique in the component); empty keeps whatever
	// alias the server has (for a new port, the server generates one).
	Alias string `json:"alias,omitempty"`
	// K8sServiceName is the component's k8s service name (a DNS label of at most 63 characters).
	// The server keeps one name per component and sets it on every port at once, so all the ports
	// that give one must give the same; empty on every port keeps the server's.
	K8sServiceName string `json:"k8s_service_name,omitempty"`
}

// Desired is the state wanted for the ports of one component.
type Desired struct {
	// Ports are the ports wanted, each at most once.
	Ports []DesiredPort `json:"ports"`
	// Prune deletes the ports not listed in Ports (closing their outer and inner services first).
	// When false, unlisted ports are left alone.
	Prune bool `json:"prune"`
}

// Op is what one Step does: one API call.
type Op string

// The operations of a plan. Every one but OpAdd and OpDelete is an UpdatePort action.
const (
	OpAdd             Op = "add"               // AddPort
	OpOpenInner       Op = "open_inner"        // UpdatePort, action open_inner
	OpCloseInner      Op = "close_inner"       // UpdatePort, action close_inner
	OpOpenOuter       Op = "open_outer"        // UpdatePort, action open_outer
	OpCloseOuter      Op = "close_outer"       // UpdatePort, action close_outer
	OpChangeProtocol  Op = "change_protocol"   // UpdatePort, action change_protocol
	OpChangePortAlias Op = "change_port_alias" // UpdatePort, action change_port_alias
	OpDelete          Op = "delete"            // DeletePort
)

// Step is one API call of a plan. It prints as a line ("8080 add http inner", "8080 open outer",
// "9000 delete") and marshals to JSON as data.
type Step struct {
	// Op is the call.
	Op Op `json:"op"`
	// Port is the container port it acts on.
	Port int `json:"port"`
	// Protocol is the protocol of OpAdd and the new protocol of OpChangeProtocol.
	Protocol Protocol `json:"protocol,omitempty"`
	// Inner is OpAdd's is_inner_service.
	Inner bool `json:"inner,omitempty"`
	// Alias is OpAdd's port_alias (empty: the server generates one) and OpChangePortAlias's new
	// alias (empty: the port's alias when the step runs, i.e. only the k8s service name changes).
	Alias string `json:"alias,omitempty"`
	// K8sServiceName is OpChangePortAlias's k8s_service_name; the server sets it on every port of
	// the component.
	K8sServiceName string `json:"k8s_service_name,omitempty"`
	// From is what OpChangeProtocol or OpChangePortAlias replaces (the old protocol or alias), for
	// display; empty when unknown.
	From string `json:"from,omitempty"`
}

// Symbol is the plan's mark for the step: "+" adds a port, "-" deletes one, "~" changes one.
func (s Step) Symbol() string {
	switch s.Op {
	case OpAdd:
		return "+"
	case OpDelete:
		return "-"
	}
	return "~"
}

// String describes the step on one line without its symbol, e.g. "8080 add http inner alias WEB",
// "8080 open outer", "8080 change protocol http -> tcp", "9000 delete".
func (s Step) String() string {
	p := strconv.Itoa(s.Port)
	switch s.Op {
	case OpAdd:
		line := p + " add " + string(s.Protocol)
		if s.Inner {
			line += " inner"
		}
		if s.Alias != "" {
			line += " alias " + s.Alias
		}
		return line
	case OpOpenInner, OpCloseInner, OpOpenOuter, OpCloseOuter:
		return p + " " + strings.Replace(string(s.Op), "_", " ", 1) // e.g. "open inner"
	case OpChangeProtocol:
		return p + " change protocol " + arrow(s.From, string(s.Protocol))
	case OpChangePortAlias:
		if s.Alias == "" || s.Alias == s.From {
			return p + " set k8s service name " + s.K8sServiceName
		}
		return p + " change alias " + arrow(s.From, s.Alias) + ", k8s service name " + s.K8sServiceName
	}
	return p + " " + string(s.Op) // OpDelete
}

func arrow(from, to string) string {
	if from == "" {
		return to
	}
	return from + " -> " + to
}

// Summary counts the ports a plan adds, changes and deletes. Its String is e.g. "3 to add, 2 to
// change, 1 to delete", or "no changes".
type Summary = plan.Summary

// Summarize counts the ports of a plan: a port with an OpAdd step is added, one with an OpDelete
// step deleted, any other port with a step changed.
func Summarize(steps []Step) Summary {
	kind := make(map[int]Op) // OpAdd, OpDelete, or the port's first other op
	for _, s := range steps {
		if s.Op == OpAdd || s.Op == OpDelete || kind[s.Port] == "" {
			kind[s.Port] = s.Op
		}
	}
	var sum Summary
	for _, op := range kind {
		switch op {
		case OpAdd:
			sum.Add++
		case OpDelete:
			sum.Delete++
		default:
			sum.Change++
		}
	}
	return sum
}

func protocolOf(p DesiredPort) Protocol { return cmp.Or(p.Protocol, ProtocolHTTP) }

// PlanPorts returns the calls that take a component from its current ports (as ListPorts returns
// them) to the desired state, in an order the server accepts, or nil when nothing needs to change.
// It sends nothing. Pruned ports go first (close outer, close inner, delete), freeing their
// aliases; then the alias changes of existing ports, each once its alias is free (a cycle goes
// through a temporary alias), the first also setting the k8s service name, which the server sets
// on every port at once; then port by port the adds, protocol changes (closing an open outer
// service around them), and inner and outer changes (inner opened first, closed last); a component
// that had no port gets the k8s service name last.
//
// An invalid desired state, or one the server cannot reach from the current one (an alias held by a
// port that is neither listed nor pruned, an inner service to open on a port with no alias), is a
// *wrapper.ValidationError naming the field, e.g. "ports[1].alias".
func PlanPorts(current []Port, want Desired) ([]Step, error) {
	if err := want.Validate(); err != nil {
		return nil, err
	}
	p := &planner{want: want, cur: make(map[int]*Port, len(current)), holder: make(map[string]int),
		desired: make(map[int]DesiredPort, len(want.Ports)), index: make(map[int]int, len(want.Ports))}
	for _, c := range current {
		p.cur[c.ContainerPort] = &c
	}
	for i, d := range want.Ports {
		p.desired[d.Port], p.index[d.Port] = d, i
		p.k8s = cmp.Or(p.k8s, d.K8sServiceName) // Validate saw to it that all that give one agree
		if _, ok := p.cur[d.Port]; !ok {
			p.added = append(p.added, d.Port)
		}
	}
	slices.Sort(p.added)
	for _, phase := range []func() error{p.prune, p.checkAliases, p.renameAliases, p.setK8sName, p.portSteps, p.lateK8sName} {
		if err := phase(); err != nil {
			return nil, err
		}
	}
	return p.steps, nil
}

// planner is the state of one PlanPorts: the ports as the steps so far leave them, and the steps.
type planner struct {
	want    Desired
	k8s     string // the k8s service name asked for; "" keeps the server's
	k8sDone bool   // a step sets k8s, or every port has it already
	cur     map[int]*Port
	desired map[int]DesiredPort
	index   map[int]int    // port -> its index in want.Ports, for the errors
	holder  map[string]int // alias -> the port that has it
	added   []int          // the listed ports that do not exist, in order
	steps   []Step
}

func (p *planner) add(s ...Step) { p.steps = append(p.steps, s...) }

// prune closes and deletes the ports not listed, when the desired state prunes.
func (p *planner) prune() error {
	for _, n := range slices.Sorted(maps.Keys(p.cur)) {
		if _, ok := p.desired[n]; ok || !p.want.Prune {
			continue
		}
		c := p.cur[n]
		if c.IsOuterService {
			p.add(Step{Op: OpCloseOuter, Port: n})
		}
		if c.IsInnerService {
			p.add(Step{Op: OpCloseInner, Port: n})
		}
		p.add(Step{Op: OpDelete, Port: n})
		delete(p.cur, n)
	}
	return nil
}

// checkAliases refuses an alias a listed port takes that another port keeps.
func (p *planner) checkAliases() error {
	for _, n := range slices.Backward(slices.Sorted(maps.Keys(p.cur))) {
		if a := p.cur[n].PortAlias; a != "" {
			p.holder[a] = n // of ports that share an alias, the lowest holds it
		}
	}
	for _, d := range p.want.Ports {
		h, held := p.holder[d.Alias]
		if d.Alias == "" || !held || h == d.Port {
			continue
		}
		if hd, listed := p.desired[h]; !listed || hd.Alias == "" {
			why := "which keeps it"
			if !listed {
				why = "which is neither listed nor pruned"
			}
			return &wrapper.ValidationError{Field: fmt.Sprintf("ports[%d].alias", p.index[d.Port]),
				Reason: fmt.Sprintf("%s is the alias of port %d, %s: the server refuses two ports with one alias", d.Alias, h, why)}
		}
	}
	return nil
}

// renameTo adds the change_port_alias of an existing port, which also sets the k8s service name
// of every port.
func (p *planner) renameTo(c *Port, alias string) error {
	name := cmp.Or(p.k8s, c.K8sServiceName)
	if name == "" {
		return &wrapper.ValidationError{Field: fmt.Sprintf("ports[%d].k8s_service_name", p.index[c.ContainerPort]),
			Reason: fmt.Sprintf("port %d has none and change_port_alias needs one: set k8s_service_name", c.ContainerPort)}
	}
	p.add(Step{Op: OpChangePortAlias, Port: c.ContainerPort, Alias: alias, K8sServiceName: name, From: c.PortAlias})
	if h, ok := p.holder[c.PortAlias]; ok && h == c.ContainerPort {
		delete(p.holder, c.PortAlias)
	}
	p.holder[alias] = c.ContainerPort
	c.PortAlias = alias
	for _, q := range p.cur {
		q.K8sServiceName = name
	}
	p.k8sDone = p.k8sDone || p.k8s != ""
	return nil
}

// renameAliases changes the aliases of existing listed ports, each once its new alias is free.
func (p *planner) renameAliases() error {
	var pending []int
	for _, n := range slices.Sorted(maps.Keys(p.cur)) {
		if d, ok := p.desired[n]; ok && d.Alias != "" && d.Alias != p.cur[n].PortAlias {
			pending = append(pending, n)
		}
	}
	for len(pending) > 0 {
		var blocked []int // whose alias another port still holds
		for _, n := range pending {
			if h, held := p.holder[p.desired[n].Alias]; held && h != n {
				blocked = append(blocked, n)
			} else if err := p.renameTo(p.cur[n], p.desired[n].Alias); err != nil {
				return err
			}
		}
		if len(blocked) == len(pending) {
			// A cycle (80 wants 81's alias and 81 wants 80's): move one aside.
			if err := p.renameTo(p.cur[blocked[0]], p.tempAlias(p.cur[blocked[0]])); err != nil {
				return err
			}
		}
		pending = blocked
	}
	return nil
}

// setK8sName sets the k8s service name asked for with a change_port_alias that keeps an alias,
// unless a rename set it already.
func (p *planner) setK8sName() error {
	if p.k8s == "" || p.k8sDone {
		return nil
	}
	// One call sets the name on every port: send it for a port whose alias no other port has.
	// The console refuses change_port_alias to an alias another port holds (400), and crashes
	// (500) when two ports hold it, so a shared alias cannot carry the name.
	differs, count := false, make(map[string]int)
	for _, c := range p.cur {
		differs = differs || c.K8sServiceName != p.k8s
		count[c.PortAlias]++
	}
	var on, shared *Port
	for _, n := range slices.Sorted(maps.Keys(p.cur)) {
		switch a := p.cur[n].PortAlias; {
		case a == "":
		case count[a] == 1 && on == nil:
			on = p.cur[n]
		case count[a] > 1 && shared == nil:
			shared = p.cur[n]
		}
	}
	asks := slices.IndexFunc(p.want.Ports, func(d DesiredPort) bool { return d.K8sServiceName != "" })
	field := fmt.Sprintf("ports[%d].k8s_service_name", asks)
	switch {
	case differs && on != nil:
		return p.renameTo(on, on.PortAlias)
	case differs && shared != nil && len(p.added) == 0:
		return &wrapper.ValidationError{Field: field,
			Reason: fmt.Sprintf("every port with an alias shares it with another port (%s), and change_port_alias, which sets the name, fails on a shared alias: give one port an alias of its own", shared.PortAlias)}
	case differs && len(p.added) == 0:
		// No new port either, whose alias could carry the name after its add.
		return &wrapper.ValidationError{Field: field, Reason: "no port of the component has an alias, and change_port_alias needs one: set alias"}
	case !differs && len(p.cur) > 0:
		p.k8sDone = true // every existing port has the name; new ports copy it
	}
	return nil
}

// portSteps adds, port by port, the new ports and the protocol, inner and outer changes.
func (p *planner) portSteps() error {
	for _, n := range p.added {
		d := p.desired[n]
		p.cur[n] = &Port{ContainerPort: n, PortAlias: d.Alias, IsInnerService: d.Inner, Protocol: string(protocolOf(d))}
	}
	for _, n := range slices.Sorted(maps.Keys(p.cur)) {
		d, ok := p.desired[n]
		if !ok {
			continue
		}
		c := p.cur[n]
		if slices.Contains(p.added, n) {
			p.add(Step{Op: OpAdd, Port: n, Protocol: protocolOf(d), Inner: d.Inner, Alias: d.Alias})
		}
		outer := c.IsOuterService
		closeOuter := func() {
			if outer {
				p.add(Step{Op: OpCloseOuter, Port: n})
				outer = false
			}
		}
		if want := protocolOf(d); string(want) != c.Protocol {
			closeOuter()
			p.add(Step{Op: OpChangeProtocol, Port: n, Protocol: want, From: c.Protocol})
		}
		if !d.Inner && c.IsInnerService {
			closeOuter()
			p.add(Step{Op: OpCloseInner, Port: n})
		}
		if d.Inner && !c.IsInnerService {
			if c.PortAlias == "" {
				return &wrapper.ValidationError{Field: fmt.Sprintf("ports[%d].alias", p.index[n]),
					Reason: fmt.Sprintf("port %d has no alias, and the server opens the inner service only of a port with one: set alias", n)}
			}
			p.add(Step{Op: OpOpenInner, Port: n})
		}
		switch {
		case d.Outer && !outer:
			p.add(Step{Op: OpOpenOuter, Port: n})
		case !d.Outer && outer:
			closeOuter()
		}
	}
	return nil
}

// lateK8sName sets the k8s service name of a component that had no port: its new ports got a name
// the plan cannot know.
func (p *planner) lateK8sName() error {
	if p.k8s != "" && !p.k8sDone && len(p.added) > 0 {
		a := p.desired[p.added[0]].Alias
		p.add(Step{Op: OpChangePortAlias, Port: p.added[0], Alias: a, K8sServiceName: p.k8s, From: a})
	}
	return nil
}

// tempAlias returns an alias for c that no port has and none is to take.
func (p *planner) tempAlias(c *Port) string {
	base := cmp.Or(c.PortAlias, "PORT") + "_" + strconv.Itoa(c.ContainerPort) + "_TMP"
	for a, i := base, 1; ; a, i = base+strconv.Itoa(i), i+1 {
		_, held := p.holder[a]
		if !held && !slices.ContainsFunc(p.want.Ports, func(d DesiredPort) bool { return d.Alias == a }) {
			return a
		}
	}
}

// StepError is the error of a plan step that failed; errors.As reaches the call's own error, Err.
// Its Error is e.g. "step 2 (8080 open outer): rainbond.UpdatePort: HTTP 404: inner port is not open".
type StepError = plan.StepError[Step]

// ApplyResult says what a run of a plan did: the steps Done, the Failed one with its Err (a
// *StepError), and the steps NotRun after it, which together are the plan, in order.
type ApplyResult = plan.Result[Step]

// Plan lists the component's ports and returns the steps PlanPorts makes from them. It sends no
// write.
func (c *Client) Plan(ctx context.Context, comp Component, want Desired) ([]Step, error) {
	return plan.Make(want, Desired.Validate, func() ([]Port, error) { return c.ListPorts(ctx, comp) }, PlanPorts)
}

// Apply runs (RunPlan) the steps that Plan makes. Run again, it plans nothing. The error is that of
// listing or planning (the result is then nil), or the *StepError of the first failing step, which
// stops the run; running Apply again continues from there.
func (c *Client) Apply(ctx context.Context, comp Component, want Desired) (*ApplyResult, error) {
	steps, err := c.Plan(ctx, comp, want)
	if err != nil {
		return nil, err
	}
	return c.RunPlan(ctx, comp, steps)
}

// RunPlan runs the steps in order, one call each, and stops at the first that fails: its error is
// returned as a *StepError and in the result, and the later steps are not sent. A change_port_alias
// step without an alias takes the port's alias from the answer of an earlier step of the run, or
// else from a ListPorts.
func (c *Client) RunPlan(ctx context.Context, comp Component, steps []Step) (*ApplyResult, error) {
	known := make(map[int]Port)
	return plan.Run(steps, func(s Step) error {
		p, err := c.runStep(ctx, comp, s, known)
		if p != nil {
			known[p.ContainerPort] = *p
		}
		return err
	})
}

// runStep sends the one call of a step and returns the port the server answered with.
func (c *Client) runStep(ctx context.Context, comp Component, s Step, known map[int]Port) (*Port, error) {
	switch s.Op {
	case OpAdd:
		return c.AddPort(ctx, comp, AddPortRequest{Port: s.Port, Protocol: s.Protocol, PortAlias: s.Alias, IsInnerService: s.Inner})
	case OpDelete:
		return c.DeletePort(ctx, comp, s.Port)
	case OpChangeProtocol:
		return c.UpdatePort(ctx, comp, s.Port, UpdatePortRequest{Action: ActionChangeProtocol, Protocol: s.Protocol})
	case OpChangePortAlias:
		alias := cmp.Or(s.Alias, known[s.Port].PortAlias)
		if alias == "" {
			ports, err := c.ListPorts(ctx, comp)
			if err != nil {
				return nil, err
			}
			if i := slices.IndexFunc(ports, func(q Port) bool { return q.ContainerPort == s.Port }); i >= 0 {
				alias = ports[i].PortAlias
			}
		}
		if alias == "" {
			return nil, &wrapper.ValidationError{Field: "port_alias", Reason: fmt.Sprintf("port %d has no alias to keep", s.Port)}
		}
		return c.UpdatePort(ctx, comp, s.Port, UpdatePortRequest{Action: ActionChangePortAlias, PortAlias: alias, K8sServiceName: s.K8sServiceName})
	case OpOpenInner, OpCloseInner, OpOpenOuter, OpCloseOuter:
		return c.UpdatePort(ctx, comp, s.Port, UpdatePortRequest{Action: Action(s.Op)})
	}
	return nil, &wrapper.ValidationError{Field: "op", Reason: strconv.Quote(string(s.Op)) + " is not a plan operation"}
}

// Lines formats the steps one per line with their symbol and a prefix naming the target, e.g.
// "+ rainbond demo-team/1/gr1a2b3c 8080 add http inner".
func Lines(prefix string, steps []Step) string { return plan.Lines(prefix, steps) }
