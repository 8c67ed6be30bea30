package rainbond

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/portsdk/portsdk/internal/runtime/check"
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
	case OpOpenInner:
		return p + " open inner"
	case OpCloseInner:
		return p + " close inner"
	case OpOpenOuter:
		return p + " open outer"
	case OpCloseOuter:
		return p + " close outer"
	case OpChangeProtocol:
		return p + " change protocol " + arrow(s.From, string(s.Protocol))
	case OpChangePortAlias:
		if s.Alias == "" || s.Alias == s.From {
			return p + " set k8s service name " + s.K8sServiceName
		}
		return p + " change alias " + arrow(s.From, s.Alias) + ", k8s service name " + s.K8sServiceName
	case OpDelete:
		return p + " delete"
	}
	return p + " " + string(s.Op)
}

func arrow(from, to string) string {
	if from == "" {
		return to
	}
	return from + " -> " + to
}

// Summary counts the ports a plan adds, changes and deletes.
type Summary struct {
	Add    int `json:"add"`
	Change int `json:"change"`
	Delete int `json:"delete"`
}

// String is e.g. "3 to add, 2 to change, 1 to delete", or "no changes".
func (s Summary) String() string {
	if s == (Summary{}) {
		return "no changes"
	}
	return fmt.Sprintf("%d to add, %d to change, %d to delete", s.Add, s.Change, s.Delete)
}

// Summarize counts the ports of a plan: a port with an OpAdd step is added, one with an OpDelete
// step deleted, any other port with a step changed.
func Summarize(steps []Step) Summary {
	const (
		changed = iota + 1
		added
		deleted
	)
	kind := make(map[int]int)
	for _, s := range steps {
		switch s.Op {
		case OpAdd:
			kind[s.Port] = added
		case OpDelete:
			kind[s.Port] = deleted
		default:
			if kind[s.Port] == 0 {
				kind[s.Port] = changed
			}
		}
	}
	var sum Summary
	for _, k := range kind {
		switch k {
		case added:
			sum.Add++
		case deleted:
			sum.Delete++
		default:
			sum.Change++
		}
	}
	return sum
}

// The patterns are compiled on first use: a program that links this package but plans nothing
// (portctl listing ports) must not pay for them at start-up.
var (
	aliasPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`) })
	dnsLabel     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`) })
)

// validate checks the desired state on its own and returns the k8s service name it asks for ("" to
// keep the server's).
func (d Desired) validate() (string, error) {
	seenPort := make(map[int]int)
	seenAlias := make(map[string]int)
	k8s, k8sAt := "", 0
	for i, p := range d.Ports {
		field := func(name string) string { return "ports[" + strconv.Itoa(i) + "]." + name }
		if err := check.Port(field("port"), p.Port); err != nil {
			return "", err
		}
		if j, dup := seenPort[p.Port]; dup {
			return "", &wrapper.ValidationError{Field: field("port"), Reason: fmt.Sprintf("%d is listed twice (also ports[%d])", p.Port, j)}
		}
		seenPort[p.Port] = i
		if p.Protocol != "" && !p.Protocol.Valid() {
			return "", &wrapper.ValidationError{Field: field("protocol"), Reason: strconv.Quote(string(p.Protocol)) + " is not one of http, tcp, udp, mysql, grpc"}
		}
		if p.Outer && !p.Inner {
			return "", &wrapper.ValidationError{Field: field("outer"), Reason: "needs inner: the server opens the outer service only while the inner service is open"}
		}
		if p.Alias != "" {
			if !aliasPattern().MatchString(p.Alias) {
				return "", &wrapper.ValidationError{Field: field("alias"), Reason: strconv.Quote(p.Alias) + " does not match ^[A-Z][A-Z0-9_]*$"}
			}
			if j, dup := seenAlias[p.Alias]; dup {
				return "", &wrapper.ValidationError{Field: field("alias"), Reason: fmt.Sprintf("%s is also the alias of ports[%d]: the server refuses two ports with one alias", p.Alias, j)}
			}
			seenAlias[p.Alias] = i
		}
		if n := p.K8sServiceName; n != "" {
			if len(n) > 63 || !dnsLabel().MatchString(n) {
				return "", &wrapper.ValidationError{Field: field("k8s_service_name"), Reason: strconv.Quote(n) + " is not a DNS label ([a-z]([-a-z0-9]*[a-z0-9])?, at most 63 characters)"}
			}
			if k8s != "" && n != k8s {
				return "", &wrapper.ValidationError{Field: field("k8s_service_name"), Reason: fmt.Sprintf("%s differs from ports[%d]'s %s: a component has one k8s service name", n, k8sAt, k8s)}
			}
			k8s, k8sAt = n, i
		}
	}
	return k8s, nil
}

func protocolOf(p DesiredPort) Protocol {
	if p.Protocol == "" {
		return ProtocolHTTP
	}
	return p.Protocol
}

// PlanPorts returns the calls that take a component from its current ports (as ListPorts returns
// them) to the desired state, in an order the server accepts, or nil when nothing needs to change.
// It sends nothing. The order follows the server's rules:
//
//   - pruned ports go first (freeing their aliases): close outer, close inner, delete, since the
//     server deletes only a port whose services are both closed;
//   - alias changes of existing ports come next, each once the alias it takes is free (a cycle of
//     aliases goes through a temporary alias), since the server refuses an alias another port of the
//     component has; a k8s service name change rides on the first of them, or on a change_port_alias
//     that keeps the alias, since the server sets the name on every port at once;
//   - then port by port: a new port is added with its protocol, alias and inner service; a protocol
//     change closes an open outer service first and reopens it after (the server refuses a non-http
//     protocol while the outer service is open, and the gateway route depends on the protocol); the
//     inner service is opened before the outer one and closed after it;
//   - a component that had no port gets the k8s service name last, once its new ports exist.
//
// An invalid desired state, or one the server cannot reach from the current one (an alias held by a
// port that is neither listed nor pruned, an inner service to open on a port with no alias), is a
// *wrapper.ValidationError naming the field, e.g. "ports[1].alias".
func PlanPorts(current []Port, want Desired) ([]Step, error) {
	k8s, err := want.validate()
	if err != nil {
		return nil, err
	}
	cur := make(map[int]*Port, len(current))
	for _, p := range current {
		cp := p
		cur[p.ContainerPort] = &cp
	}
	desired := make(map[int]DesiredPort, len(want.Ports))
	index := make(map[int]int, len(want.Ports))
	for i, p := range want.Ports {
		desired[p.Port] = p
		index[p.Port] = i
	}
	var steps []Step

	// 1. Prune.
	if want.Prune {
		for _, n := range sortedKeys(cur) {
			if _, ok := desired[n]; ok {
				continue
			}
			p := cur[n]
			if p.IsOuterService {
				steps = append(steps, Step{Op: OpCloseOuter, Port: n})
			}
			if p.IsInnerService {
				steps = append(steps, Step{Op: OpCloseInner, Port: n})
			}
			steps = append(steps, Step{Op: OpDelete, Port: n})
			delete(cur, n)
		}
	}

	// Every alias a listed port takes must be free, or held by a port that gives it up.
	holder := make(map[string]int) // alias -> port, after pruning
	for _, n := range sortedKeys(cur) {
		if a := cur[n].PortAlias; a != "" {
			if _, dup := holder[a]; !dup {
				holder[a] = n
			}
		}
	}
	for _, d := range want.Ports {
		if d.Alias == "" {
			continue
		}
		h, held := holder[d.Alias]
		if !held || h == d.Port {
			continue
		}
		if hd, listed := desired[h]; !listed || hd.Alias == "" {
			why := "which keeps it"
			if !listed {
				why = "which is neither listed nor pruned"
			}
			return nil, &wrapper.ValidationError{Field: fmt.Sprintf("ports[%d].alias", index[d.Port]),
				Reason: fmt.Sprintf("%s is the alias of port %d, %s: the server refuses two ports with one alias", d.Alias, h, why)}
		}
	}

	// 2. Alias changes of existing ports, and the k8s service name.
	k8sDone := false
	k8sFor := func(p *Port) string {
		if k8s != "" {
			return k8s
		}
		return p.K8sServiceName
	}
	renameTo := func(p *Port, alias string) error {
		name := k8sFor(p)
		if name == "" {
			return &wrapper.ValidationError{Field: fmt.Sprintf("ports[%d].k8s_service_name", index[p.ContainerPort]),
				Reason: fmt.Sprintf("port %d has none and change_port_alias needs one: set k8s_service_name", p.ContainerPort)}
		}
		steps = append(steps, Step{Op: OpChangePortAlias, Port: p.ContainerPort, Alias: alias, K8sServiceName: name, From: p.PortAlias})
		if h, ok := holder[p.PortAlias]; ok && h == p.ContainerPort {
			delete(holder, p.PortAlias)
		}
		holder[alias] = p.ContainerPort
		p.PortAlias = alias
		for _, q := range cur {
			q.K8sServiceName = name
		}
		if k8s != "" {
			k8sDone = true
		}
		return nil
	}
	var pending []int // existing listed ports whose alias changes
	for _, n := range sortedKeys(cur) {
		if d, ok := desired[n]; ok && d.Alias != "" && d.Alias != cur[n].PortAlias {
			pending = append(pending, n)
		}
	}
	for len(pending) > 0 {
		progressed := false
		for i := 0; i < len(pending); i++ {
			n := pending[i]
			target := desired[n].Alias
			if h, held := holder[target]; held && h != n {
				continue
			}
			if err := renameTo(cur[n], target); err != nil {
				return nil, err
			}
			pending = append(pending[:i], pending[i+1:]...)
			i--
			progressed = true
		}
		if !progressed {
			// A cycle (80 wants 81's alias and 81 wants 80's): move one aside.
			n := pending[0]
			if err := renameTo(cur[n], tempAlias(cur[n], holder, desired)); err != nil {
				return nil, err
			}
		}
	}
	if k8s != "" && !k8sDone {
		differs := false
		for _, p := range cur {
			differs = differs || p.K8sServiceName != k8s
		}
		// One call sets the name on every port: send it for a port whose alias no other port has.
		// The console refuses change_port_alias to an alias another port holds (400), and crashes
		// (500) when two ports hold it, so a shared alias cannot carry the name.
		count := make(map[string]int)
		for _, p := range cur {
			if p.PortAlias != "" {
				count[p.PortAlias]++
			}
		}
		var on, shared *Port
		for _, n := range sortedKeys(cur) {
			switch a := cur[n].PortAlias; {
			case a == "":
			case count[a] == 1 && on == nil:
				on = cur[n]
			case count[a] > 1 && shared == nil:
				shared = cur[n]
			}
		}
		switch {
		case differs && on != nil:
			if err := renameTo(on, on.PortAlias); err != nil {
				return nil, err
			}
		case differs && shared != nil && !addsAny(cur, want):
			return nil, &wrapper.ValidationError{Field: fmt.Sprintf("ports[%d].k8s_service_name", k8sIndex(want)),
				Reason: fmt.Sprintf("every port with an alias shares it with another port (%s), and change_port_alias, which sets the name, fails on a shared alias: give one port an alias of its own", shared.PortAlias)}
		case differs && !addsAny(cur, want):
			// No new port either, whose alias could carry the name after its add.
			return nil, &wrapper.ValidationError{Field: fmt.Sprintf("ports[%d].k8s_service_name", k8sIndex(want)),
				Reason: "no port of the component has an alias, and change_port_alias needs one: set alias"}
		case !differs && len(cur) > 0:
			k8sDone = true // every existing port has the name; new ports copy it
		}
	}

	// 3. New ports, then protocol, inner and outer, port by port (a new port right after its add).
	added := []int{}
	for _, d := range want.Ports {
		if _, ok := cur[d.Port]; !ok {
			added = append(added, d.Port)
			cur[d.Port] = nil
		}
	}
	sort.Ints(added)
	for _, n := range sortedKeys(cur) {
		d, ok := desired[n]
		if !ok {
			continue
		}
		if cur[n] == nil {
			steps = append(steps, Step{Op: OpAdd, Port: n, Protocol: protocolOf(d), Inner: d.Inner, Alias: d.Alias})
			cur[n] = &Port{ContainerPort: n, Protocol: string(protocolOf(d)), PortAlias: d.Alias, IsInnerService: d.Inner}
		}
		p := cur[n]
		outer := p.IsOuterService
		if want := protocolOf(d); string(want) != p.Protocol {
			if outer {
				steps = append(steps, Step{Op: OpCloseOuter, Port: n})
				outer = false
			}
			steps = append(steps, Step{Op: OpChangeProtocol, Port: n, Protocol: want, From: p.Protocol})
		}
		if !d.Inner && p.IsInnerService {
			if outer {
				steps = append(steps, Step{Op: OpCloseOuter, Port: n})
				outer = false
			}
			steps = append(steps, Step{Op: OpCloseInner, Port: n})
		}
		if d.Inner && !p.IsInnerService {
			if p.PortAlias == "" && !contains(added, n) {
				return nil, &wrapper.ValidationError{Field: fmt.Sprintf("ports[%d].alias", index[n]),
					Reason: fmt.Sprintf("port %d has no alias, and the server opens the inner service only of a port with one: set alias", n)}
			}
			steps = append(steps, Step{Op: OpOpenInner, Port: n})
		}
		switch {
		case d.Outer && !outer:
			steps = append(steps, Step{Op: OpOpenOuter, Port: n})
		case !d.Outer && outer:
			steps = append(steps, Step{Op: OpCloseOuter, Port: n})
		}
	}

	// 4. A component that had no port: its new ports got a name the plan cannot know.
	if k8s != "" && !k8sDone && len(added) > 0 {
		n := added[0]
		a := desired[n].Alias
		steps = append(steps, Step{Op: OpChangePortAlias, Port: n, Alias: a, K8sServiceName: k8s, From: a})
	}
	return steps, nil
}

// addsAny reports whether want lists a port that cur does not have.
func addsAny(cur map[int]*Port, want Desired) bool {
	for _, d := range want.Ports {
		if _, ok := cur[d.Port]; !ok {
			return true
		}
	}
	return false
}

// k8sIndex is the index of the first desired port that names a k8s service name.
func k8sIndex(want Desired) int {
	for i, p := range want.Ports {
		if p.K8sServiceName != "" {
			return i
		}
	}
	return 0
}

// tempAlias returns an alias for p that no port has and none is to take.
func tempAlias(p *Port, holder map[string]int, desired map[int]DesiredPort) string {
	taken := func(a string) bool {
		if _, ok := holder[a]; ok {
			return true
		}
		for _, d := range desired {
			if d.Alias == a {
				return true
			}
		}
		return false
	}
	base := p.PortAlias
	if base == "" {
		base = "PORT"
	}
	for i := 0; ; i++ {
		a := base + "_" + strconv.Itoa(p.ContainerPort) + "_TMP"
		if i > 0 {
			a += strconv.Itoa(i)
		}
		if !taken(a) {
			return a
		}
	}
}

func sortedKeys(m map[int]*Port) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// StepError is the error of a plan step that failed: the call's own error (a *wrapper.APIError
// with the server's answer, a transport error, a cancelled context) is Err, and errors.As reaches it.
type StepError struct {
	// Index is the step's position in the plan, from 0.
	Index int
	// Step is the step that failed.
	Step Step
	// Err is the call's error.
	Err error
}

// Error is e.g. "step 2 (8080 open outer): rainbond.UpdatePort: HTTP 404: inner port is not open".
func (e *StepError) Error() string {
	return "step " + strconv.Itoa(e.Index+1) + " (" + e.Step.String() + "): " + e.Err.Error()
}

// Unwrap returns the call's error.
func (e *StepError) Unwrap() error { return e.Err }

// ApplyResult says what a run of a plan did. Done, the failed step and NotRun together are the plan,
// in order.
type ApplyResult struct {
	// Done are the steps that succeeded.
	Done []Step `json:"done"`
	// Failed is the step that failed, or nil when every step succeeded.
	Failed *Step `json:"failed,omitempty"`
	// Err is the failed step's error (a *StepError), or nil.
	Err error `json:"-"`
	// NotRun are the steps after the failed one, which were not sent.
	NotRun []Step `json:"not_run"`
}

// Plan lists the component's ports and returns the steps PlanPorts makes from them. It sends no
// write.
func (c *Client) Plan(ctx context.Context, comp Component, want Desired) ([]Step, error) {
	if _, err := want.validate(); err != nil {
		return nil, err
	}
	current, err := c.ListPorts(ctx, comp)
	if err != nil {
		return nil, err
	}
	return PlanPorts(current, want)
}

// Apply lists the component's ports, plans the steps that reach the desired state (PlanPorts) and
// runs them (RunPlan). Run again, it plans nothing. The error is that of listing or planning (the
// result is then nil), or the *StepError of the first failing step, which stops the run (the result
// then says what was done and what was not run); running Apply again continues from there.
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
	res := &ApplyResult{Done: []Step{}, NotRun: []Step{}}
	known := make(map[int]Port)
	for i, s := range steps {
		p, err := c.runStep(ctx, comp, s, known)
		if err != nil {
			failed := s
			res.Failed = &failed
			res.Err = &StepError{Index: i, Step: s, Err: err}
			res.NotRun = append(res.NotRun, steps[i+1:]...)
			return res, res.Err
		}
		if p != nil {
			known[p.ContainerPort] = *p
		}
		res.Done = append(res.Done, s)
	}
	return res, nil
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
		alias := s.Alias
		if alias == "" {
			p, ok := known[s.Port]
			if !ok || p.PortAlias == "" {
				ports, err := c.ListPorts(ctx, comp)
				if err != nil {
					return nil, err
				}
				for _, q := range ports {
					if q.ContainerPort == s.Port {
						p = q
					}
				}
			}
			if p.PortAlias == "" {
				return nil, &wrapper.ValidationError{Field: "port_alias", Reason: fmt.Sprintf("port %d has no alias to keep", s.Port)}
			}
			alias = p.PortAlias
		}
		return c.UpdatePort(ctx, comp, s.Port, UpdatePortRequest{Action: ActionChangePortAlias, PortAlias: alias, K8sServiceName: s.K8sServiceName})
	case OpOpenInner, OpCloseInner, OpOpenOuter, OpCloseOuter:
		return c.UpdatePort(ctx, comp, s.Port, UpdatePortRequest{Action: Action(s.Op)})
	}
	return nil, &wrapper.ValidationError{Field: "op", Reason: strconv.Quote(string(s.Op)) + " is not a plan operation"}
}

// Lines formats the steps one per line with their symbol and a prefix naming the target, e.g.
// "+ rainbond demo-team/1/gr1a2b3c 8080 add http inner".
func Lines(prefix string, steps []Step) string {
	var b strings.Builder
	for _, s := range steps {
		b.WriteString(s.Symbol())
		b.WriteByte(' ')
		if prefix != "" {
			b.WriteString(prefix)
			b.WriteByte(' ')
		}
		b.WriteString(s.String())
		b.WriteByte('\n')
	}
	return b.String()
}
