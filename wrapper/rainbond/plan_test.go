package rainbond_test

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// planModel is an independent account of the console's port rules (docs/servers/rainbond.md): it
// applies plan steps to a state and refuses every call the real server refuses.
type planModel map[int]*rainbond.Port

func newPlanModel(ports []rainbond.Port) planModel {
	m := planModel{}
	for _, p := range ports {
		cp := p
		m[p.ContainerPort] = &cp
	}
	return m
}

func (m planModel) apply(s rainbond.Step) error {
	p, exists := m[s.Port]
	if s.Op != rainbond.OpAdd && !exists {
		return fmt.Errorf("%s: port %d does not exist (404)", s.Op, s.Port)
	}
	aliasHeld := func(a string) bool {
		for n, q := range m {
			if n != s.Port && q.PortAlias == a {
				return true
			}
		}
		return false
	}
	switch s.Op {
	case rainbond.OpAdd:
		if exists {
			return fmt.Errorf("add: port %d exists (409)", s.Port)
		}
		alias := s.Alias
		if alias == "" {
			alias = fmt.Sprintf("GEN%d", s.Port)
		}
		if aliasHeld(alias) {
			return fmt.Errorf("add: alias %s is held by another port", alias)
		}
		k8s := "generated"
		if keys := m.keys(); len(keys) > 0 {
			k8s = m[keys[0]].K8sServiceName // the console copies the first port's name
		}
		m[s.Port] = &rainbond.Port{ContainerPort: s.Port, Protocol: string(s.Protocol), PortAlias: alias,
			IsInnerService: s.Inner, K8sServiceName: k8s}
	case rainbond.OpDelete:
		if p.IsInnerService || p.IsOuterService {
			return fmt.Errorf("delete: port %d has a service open (409)", s.Port)
		}
		delete(m, s.Port)
	case rainbond.OpOpenOuter:
		if !p.IsInnerService {
			return fmt.Errorf("open_outer: port %d has inner closed (404)", s.Port)
		}
		p.IsOuterService = true
	case rainbond.OpCloseOuter:
		p.IsOuterService = false
	case rainbond.OpOpenInner:
		if p.PortAlias == "" {
			return fmt.Errorf("open_inner: port %d has no alias (409)", s.Port)
		}
		p.IsInnerService = true
	case rainbond.OpCloseInner:
		if p.IsOuterService {
			return fmt.Errorf("close_inner: port %d has outer open (404)", s.Port)
		}
		p.IsInnerService = false
	case rainbond.OpChangeProtocol:
		if s.Protocol != rainbond.ProtocolHTTP && p.IsOuterService {
			return fmt.Errorf("change_protocol: %s while port %d has outer open (400)", s.Protocol, s.Port)
		}
		p.Protocol = string(s.Protocol)
	case rainbond.OpChangePortAlias:
		alias := s.Alias
		if alias == "" {
			alias = p.PortAlias
		}
		if alias == "" || s.K8sServiceName == "" {
			return fmt.Errorf("change_port_alias: port %d without alias or k8s service name", s.Port)
		}
		if aliasHeld(alias) {
			return fmt.Errorf("change_port_alias: alias %s exists (400)", alias)
		}
		p.PortAlias = alias
		for _, q := range m {
			q.K8sServiceName = s.K8sServiceName
		}
	default:
		return fmt.Errorf("unknown op %q", s.Op)
	}
	return nil
}

func (m planModel) keys() []int {
	var keys []int
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

func (m planModel) ports() []rainbond.Port {
	var out []rainbond.Port
	for _, k := range m.keys() {
		out = append(out, *m[k])
	}
	return out
}

// reaches reports how the ports differ from the desired state ("" when they match it). before are
// the ports at the start, for the unlisted ports a plan without prune must leave alone.
func reaches(before, after []rainbond.Port, want rainbond.Desired) string {
	got := newPlanModel(after)
	var diffs []string
	listed := map[int]bool{}
	for _, d := range want.Ports {
		listed[d.Port] = true
		p, ok := got[d.Port]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%d missing", d.Port))
			continue
		}
		proto := d.Protocol
		if proto == "" {
			proto = rainbond.ProtocolHTTP
		}
		if p.Protocol != string(proto) || p.IsInnerService != d.Inner || p.IsOuterService != d.Outer {
			diffs = append(diffs, fmt.Sprintf("%d is %s inner=%v outer=%v, want %s inner=%v outer=%v",
				d.Port, p.Protocol, p.IsInnerService, p.IsOuterService, proto, d.Inner, d.Outer))
		}
		if d.Alias != "" && p.PortAlias != d.Alias {
			diffs = append(diffs, fmt.Sprintf("%d alias %s, want %s", d.Port, p.PortAlias, d.Alias))
		}
		if d.K8sServiceName != "" {
			for _, q := range got {
				if q.K8sServiceName != d.K8sServiceName {
					diffs = append(diffs, fmt.Sprintf("%d k8s service name %s, want %s", q.ContainerPort, q.K8sServiceName, d.K8sServiceName))
				}
			}
		}
	}
	for _, b := range before {
		if listed[b.ContainerPort] {
			continue
		}
		p, ok := got[b.ContainerPort]
		switch {
		case want.Prune && ok:
			diffs = append(diffs, fmt.Sprintf("%d not pruned", b.ContainerPort))
		case !want.Prune && !ok:
			diffs = append(diffs, fmt.Sprintf("%d deleted without prune", b.ContainerPort))
		case !want.Prune && (p.Protocol != b.Protocol || p.PortAlias != b.PortAlias ||
			p.IsInnerService != b.IsInnerService || p.IsOuterService != b.IsOuterService):
			diffs = append(diffs, fmt.Sprintf("unlisted %d changed", b.ContainerPort))
		}
	}
	for n := range got {
		if !listed[n] && !containsPort(before, n) {
			diffs = append(diffs, fmt.Sprintf("%d appeared unlisted", n))
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "; ")
}

func containsPort(ports []rainbond.Port, n int) bool {
	for _, p := range ports {
		if p.ContainerPort == n {
			return true
		}
	}
	return false
}

func port(n int, proto string, alias string, inner, outer bool) rainbond.Port {
	return rainbond.Port{ContainerPort: n, MappingPort: n, Protocol: proto, PortAlias: alias,
		IsInnerService: inner, IsOuterService: outer, K8sServiceName: "gr1234"}
}

func lines(steps []rainbond.Step) []string {
	out := []string{}
	for _, s := range steps {
		out = append(out, s.Symbol()+" "+s.String())
	}
	return out
}

// TestPlanPortsOrder protects every ordering rule of the server, each case naming its rule.
func TestPlanPortsOrder(t *testing.T) {
	cases := []struct {
		name    string
		current []rainbond.Port
		want    rainbond.Desired
		steps   []string
	}{{
		name:  "a new port is added with its inner service, then the outer service opens (outer needs inner)",
		want:  rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 8080, Inner: true, Outer: true, Alias: "WEB"}}},
		steps: []string{"+ 8080 add http inner alias WEB", "~ 8080 open outer"},
	}, {
		name:    "opening both services of an existing port opens inner before outer",
		current: []rainbond.Port{port(80, "http", "A", false, false)},
		want:    rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Inner: true, Outer: true}}},
		steps:   []string{"~ 80 open inner", "~ 80 open outer"},
	}, {
		name:    "closing both services closes outer before inner (inner cannot close while outer is open)",
		current: []rainbond.Port{port(80, "http", "A", true, true)},
		want:    rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80}}},
		steps:   []string{"~ 80 close outer", "~ 80 close inner"},
	}, {
		name:    "a non-http protocol on an open outer service: close outer, change protocol, open outer",
		current: []rainbond.Port{port(80, "http", "A", true, true)},
		want:    rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Protocol: rainbond.ProtocolTCP, Inner: true, Outer: true}}},
		steps:   []string{"~ 80 close outer", "~ 80 change protocol http -> tcp", "~ 80 open outer"},
	}, {
		name:    "back to http on an open outer service also reopens it (the gateway route depends on the protocol)",
		current: []rainbond.Port{port(80, "tcp", "A", true, true)},
		want:    rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Inner: true, Outer: true}}},
		steps:   []string{"~ 80 close outer", "~ 80 change protocol tcp -> http", "~ 80 open outer"},
	}, {
		name:    "a protocol change with the outer service closed is one call",
		current: []rainbond.Port{port(80, "http", "A", true, false)},
		want:    rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Protocol: rainbond.ProtocolUDP, Inner: true}}},
		steps:   []string{"~ 80 change protocol http -> udp"},
	}, {
		name:    "prune: close outer, close inner, delete (delete needs both closed)",
		current: []rainbond.Port{port(9000, "tcp", "A", true, true), port(9001, "http", "B", true, false), port(9002, "http", "C", false, false)},
		want:    rainbond.Desired{Prune: true},
		steps: []string{"~ 9000 close outer", "~ 9000 close inner", "- 9000 delete", "~ 9001 close inner", "- 9001 delete",
			"- 9002 delete"},
	}, {
		name:    "without prune, unlisted ports are left alone",
		current: []rainbond.Port{port(9000, "tcp", "A", true, true)},
		want:    rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80}}},
		steps:   []string{"+ 80 add http"},
	}, {
		name:    "the state already reached plans nothing (alias absent keeps the server's)",
		current: []rainbond.Port{port(80, "http", "GR123480", true, true)},
		want:    rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Inner: true, Outer: true}}},
		steps:   nil,
	}, {
		name:    "an alias change sends the server's k8s service name when none is asked for",
		current: []rainbond.Port{port(80, "http", "OLD", true, false)},
		want:    rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Inner: true, Alias: "WEB"}}},
		steps:   []string{"~ 80 change alias OLD -> WEB, k8s service name gr1234"},
	}, {
		name:    "a new k8s service name is one change_port_alias for the whole component, keeping the alias",
		current: []rainbond.Port{port(80, "http", "A", true, false), port(81, "http", "B", false, false)},
		want: rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Inner: true, K8sServiceName: "web"},
			{Port: 81, K8sServiceName: "web"}}},
		steps: []string{"~ 80 set k8s service name web"},
	}, {
		name: "a new k8s service name goes through a port whose alias no other port shares (the console fails on a shared one)",
		current: []rainbond.Port{port(80, "http", "DUP", true, false), port(81, "http", "DUP", false, false),
			port(82, "http", "UNI", false, false)},
		want:  rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Inner: true, K8sServiceName: "web"}}},
		steps: []string{"~ 82 set k8s service name web"},
	}, {
		name:    "the k8s service name rides on an alias change and goes before new ports, which copy it",
		current: []rainbond.Port{port(80, "http", "A", true, false)},
		want: rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Inner: true, Alias: "WEB", K8sServiceName: "web"},
			{Port: 81}}},
		steps: []string{"~ 80 change alias A -> WEB, k8s service name web", "+ 81 add http"},
	}, {
		name:  "a component with no port gets its k8s service name after the adds",
		want:  rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, K8sServiceName: "web"}, {Port: 81, Alias: "DB", K8sServiceName: "web"}}},
		steps: []string{"+ 80 add http", "+ 81 add http alias DB", "~ 80 set k8s service name web"},
	}, {
		name:    "pruning first frees an alias a listed port takes",
		current: []rainbond.Port{port(80, "http", "WEB", false, false)},
		want:    rainbond.Desired{Prune: true, Ports: []rainbond.DesiredPort{{Port: 81, Alias: "WEB"}}},
		steps:   []string{"- 80 delete", "+ 81 add http alias WEB"},
	}, {
		name:    "an alias moves to a new port after the old port gives it up",
		current: []rainbond.Port{port(80, "http", "WEB", false, false)},
		want:    rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Alias: "OLD"}, {Port: 81, Alias: "WEB"}}},
		steps:   []string{"~ 80 change alias WEB -> OLD, k8s service name gr1234", "+ 81 add http alias WEB"},
	}, {
		name:    "a chain of alias changes goes in the order that keeps aliases unique",
		current: []rainbond.Port{port(80, "http", "A", false, false), port(81, "http", "B", false, false)},
		want:    rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Alias: "B"}, {Port: 81, Alias: "C"}}},
		steps:   []string{"~ 81 change alias B -> C, k8s service name gr1234", "~ 80 change alias A -> B, k8s service name gr1234"},
	}, {
		name:    "a swap of aliases goes through a temporary alias",
		current: []rainbond.Port{port(80, "http", "A", false, false), port(81, "http", "B", false, false)},
		want:    rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Alias: "B"}, {Port: 81, Alias: "A"}}},
		steps: []string{"~ 80 change alias A -> A_80_TMP, k8s service name gr1234", "~ 81 change alias B -> A, k8s service name gr1234",
			"~ 80 change alias A_80_TMP -> B, k8s service name gr1234"},
	}, {
		name: "a temporary alias another port takes gets a number",
		current: []rainbond.Port{port(80, "http", "A", false, false), port(81, "http", "B", false, false),
			port(82, "http", "C", false, false)},
		want: rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Alias: "B"}, {Port: 81, Alias: "A"},
			{Port: 82, Alias: "A_80_TMP"}}},
		steps: []string{"~ 82 change alias C -> A_80_TMP, k8s service name gr1234",
			"~ 80 change alias A -> A_80_TMP1, k8s service name gr1234", "~ 81 change alias B -> A, k8s service name gr1234",
			"~ 80 change alias A_80_TMP1 -> B, k8s service name gr1234"},
	}, {
		name:    "a k8s service name for a component whose ports have no alias rides on a new port, after its add",
		current: []rainbond.Port{port(80, "http", "", false, false)},
		want:    rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 81, K8sServiceName: "web"}}},
		steps:   []string{"+ 81 add http", "~ 81 set k8s service name web"},
	}, {
		name:    "outer open with inner closed (only_open_outer) is repaired by opening inner",
		current: []rainbond.Port{port(80, "http", "A", false, true)},
		want:    rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Inner: true, Outer: true}}},
		steps:   []string{"~ 80 open inner"},
	}, {
		name:    "an alias given to a port with none makes open_inner possible",
		current: []rainbond.Port{port(80, "http", "", false, false)},
		want:    rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Inner: true, Alias: "WEB"}}},
		steps:   []string{"~ 80 change alias WEB, k8s service name gr1234", "~ 80 open inner"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			steps, err := rainbond.PlanPorts(tc.current, tc.want)
			require.NoError(t, err)
			assert.Equal(t, tc.steps, nilIfEmpty(lines(steps)))
			m := newPlanModel(tc.current)
			for _, s := range steps {
				require.NoError(t, m.apply(s), "the server would refuse %s", s)
			}
			assert.Empty(t, reaches(tc.current, m.ports(), tc.want))
			again, err := rainbond.PlanPorts(m.ports(), tc.want)
			require.NoError(t, err)
			assert.Empty(t, again, "a second plan from the reached state")
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// TestPlanPortsRefuses protects the desired states the planner refuses before anything is sent,
// each with the field it names.
func TestPlanPortsRefuses(t *testing.T) {
	cases := []struct {
		name    string
		current []rainbond.Port
		want    rainbond.Desired
		field   string
		reason  string
	}{
		{"port out of range", nil, rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 70000}}}, "ports[0].port", "outside 1..65535"},
		{"duplicate port", nil, rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80}, {Port: 80}}}, "ports[1].port", "listed twice"},
		{"unknown protocol", nil, rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Protocol: "sctp"}}}, "ports[0].protocol", "not one of"},
		{"outer without inner", nil, rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Outer: true}}}, "ports[0].outer", "needs inner"},
		{"bad alias", nil, rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Alias: "web"}}}, "ports[0].alias", "^[A-Z]"},
		{"duplicate alias", nil, rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Alias: "WEB"}, {Port: 81, Alias: "WEB"}}}, "ports[1].alias", "two ports with one alias"},
		{"bad k8s service name", nil, rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, K8sServiceName: "nginx_port"}}}, "ports[0].k8s_service_name", "DNS label"},
		{"two k8s service names", nil, rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, K8sServiceName: "a"}, {Port: 81, K8sServiceName: "b"}}}, "ports[1].k8s_service_name", "one k8s service name"},
		{"alias held by an unlisted port kept without prune", []rainbond.Port{port(90, "http", "WEB", false, false)},
			rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Alias: "WEB"}}}, "ports[0].alias", "neither listed nor pruned"},
		{"alias held by a listed port that keeps it", []rainbond.Port{port(90, "http", "WEB", false, false)},
			rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Alias: "WEB"}, {Port: 90}}}, "ports[0].alias", "keeps it"},
		{"a k8s service name for a component whose ports have no alias, and no new port", []rainbond.Port{port(80, "http", "", false, false)},
			rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, K8sServiceName: "web"}}}, "ports[0].k8s_service_name", "no port of the component has an alias"},
		{"a k8s service name when every alias is shared, and no new port", []rainbond.Port{port(80, "http", "DUP", false, false), port(81, "http", "DUP", false, false)},
			rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, K8sServiceName: "web"}}}, "ports[0].k8s_service_name", "shared alias"},
		{"inner service on a port with no alias", []rainbond.Port{port(80, "http", "", false, false)},
			rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Inner: true}}}, "ports[0].alias", "no alias"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			steps, err := rainbond.PlanPorts(tc.current, tc.want)
			var ve *wrapper.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Contains(t, ve.Reason, tc.reason)
			assert.Nil(t, steps)
		})
	}
}

// TestPlanSummary protects the plan's summary line: ports are counted, not calls.
func TestPlanSummary(t *testing.T) {
	steps, err := rainbond.PlanPorts(
		[]rainbond.Port{port(80, "http", "A", true, true), port(81, "http", "B", false, false), port(9000, "tcp", "C", true, true)},
		rainbond.Desired{Prune: true, Ports: []rainbond.DesiredPort{
			{Port: 80, Protocol: rainbond.ProtocolTCP, Inner: true, Outer: true}, {Port: 81, Inner: true},
			{Port: 8080, Inner: true, Outer: true}, {Port: 8081}, {Port: 8082}}})
	require.NoError(t, err)
	assert.Equal(t, "3 to add, 2 to change, 1 to delete", rainbond.Summarize(steps).String())
	assert.Equal(t, "no changes", rainbond.Summarize(nil).String())
	assert.Equal(t, "+ rainbond t/1/c 8080 add http inner\n~ rainbond t/1/c 8080 open outer\n",
		rainbond.Lines("rainbond t/1/c", []rainbond.Step{{Op: rainbond.OpAdd, Port: 8080, Protocol: "http", Inner: true}, {Op: rainbond.OpOpenOuter, Port: 8080}}))
}

// randomPlanCase draws a current state and a desired state of up to six ports from a few port
// numbers and aliases, so that aliases collide, cycle and move.
func randomPlanCase(r *rand.Rand) ([]rainbond.Port, rainbond.Desired) {
	nums := []int{80, 81, 82, 443, 3306, 8080}
	aliases := []string{"A", "B", "C", "WEB", "DB"}
	protos := []string{"http", "tcp", "udp", "mysql", "grpc"}
	var current []rainbond.Port
	used := map[string]bool{}
	names := []string{"gr1234", "gr1234", "gr1234", "other-name"}
	for _, n := range nums {
		if r.Intn(2) == 0 {
			continue
		}
		alias := fmt.Sprintf("GR1234%d", n)
		if a := aliases[r.Intn(len(aliases))]; !used[a] && r.Intn(2) == 0 {
			alias = a
		}
		used[alias] = true
		inner := r.Intn(2) == 0
		outer := inner && r.Intn(2) == 0 || r.Intn(10) == 0 // only_open_outer leaves inner closed
		current = append(current, rainbond.Port{ContainerPort: n, MappingPort: n, Protocol: protos[r.Intn(len(protos))],
			PortAlias: alias, IsInnerService: inner, IsOuterService: outer, K8sServiceName: names[r.Intn(len(names))]})
	}
	want := rainbond.Desired{Prune: r.Intn(2) == 0}
	k8s := ""
	if r.Intn(3) == 0 {
		k8s = []string{"web", "svc-a"}[r.Intn(2)]
	}
	wanted := map[string]bool{}
	for _, n := range nums {
		if r.Intn(2) == 0 {
			continue
		}
		d := rainbond.DesiredPort{Port: n, Inner: r.Intn(2) == 0}
		d.Outer = d.Inner && r.Intn(2) == 0
		if r.Intn(3) > 0 {
			d.Protocol = rainbond.Protocol(protos[r.Intn(len(protos))])
		}
		if a := aliases[r.Intn(len(aliases))]; !wanted[a] && r.Intn(2) == 0 {
			d.Alias = a
			wanted[a] = true
		}
		if k8s != "" && r.Intn(2) == 0 {
			d.K8sServiceName = k8s
		}
		want.Ports = append(want.Ports, d)
	}
	r.Shuffle(len(want.Ports), func(i, j int) { want.Ports[i], want.Ports[j] = want.Ports[j], want.Ports[i] })
	return current, want
}

// aliasConflict reports, independently of the planner, whether a listed alias is held by a port
// that keeps it (unlisted and not pruned, or listed without an alias of its own).
func aliasConflict(current []rainbond.Port, want rainbond.Desired) bool {
	desired := map[int]rainbond.DesiredPort{}
	for _, d := range want.Ports {
		desired[d.Port] = d
	}
	for _, d := range want.Ports {
		for _, p := range current {
			if d.Alias == "" || p.PortAlias != d.Alias || p.ContainerPort == d.Port {
				continue
			}
			pd, listed := desired[p.ContainerPort]
			if (!listed && !want.Prune) || (listed && pd.Alias == "") {
				return true
			}
		}
	}
	return false
}

// TestPlanPortsProperty checks, for many random (current, desired) pairs, that every step of the
// plan is one the server accepts in that state, that the plan reaches the desired state, and that a
// second plan is empty. A refused plan must be an alias conflict.
func TestPlanPortsProperty(t *testing.T) {
	r := rand.New(rand.NewSource(17))
	planned := 0
	for i := 0; i < 3000; i++ {
		current, want := randomPlanCase(r)
		steps, err := rainbond.PlanPorts(current, want)
		if err != nil {
			require.True(t, aliasConflict(current, want), "case %d: %v\ncurrent %+v\nwant %+v", i, err, current, want)
			continue
		}
		planned++
		m := newPlanModel(current)
		for _, s := range steps {
			require.NoError(t, m.apply(s), "case %d: step %s\ncurrent %+v\nwant %+v\nplan %v", i, s, current, want, lines(steps))
		}
		require.Empty(t, reaches(current, m.ports(), want), "case %d\ncurrent %+v\nwant %+v\nplan %v", i, current, want, lines(steps))
		again, err := rainbond.PlanPorts(m.ports(), want)
		require.NoError(t, err)
		require.Empty(t, again, "case %d: second plan", i)
	}
	assert.Greater(t, planned, 2000, "most random cases are plannable")
}

var planComp = rainbond.Component{TeamID: "team1", RegionName: "region1", AppID: 3, ServiceID: "gr1234"}

func planServer(t *testing.T, rt func(http.RoundTripper) http.RoundTripper) (*rainbondtest.Server, *rainbond.Client) {
	t.Helper()
	srv := rainbondtest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddComponent(planComp)
	hc := srv.Client()
	if rt != nil {
		hc.Transport = rt(hc.Transport)
	}
	c, err := rainbond.NewClient(srv.URL, srv.Token, rainbond.WithHTTPClient(hc))
	require.NoError(t, err)
	return srv, c
}

func writes(srv *rainbondtest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet {
			n++
		}
	}
	return n
}

// TestApplyProperty checks against rainbondtest, for random start states and random desired states,
// that one Apply reaches the desired state and a second Apply plans and sends nothing.
func TestApplyProperty(t *testing.T) {
	r := rand.New(rand.NewSource(1717))
	ctx := context.Background()
	ran := 0
	for i := 0; i < 150; i++ {
		current, want := randomPlanCase(r)
		if aliasConflict(current, want) {
			continue
		}
		srv, c := planServer(t, nil)
		for _, p := range current {
			require.NoError(t, srv.SetPort(planComp, p))
		}
		res, err := c.Apply(ctx, planComp, want)
		require.NoError(t, err, "case %d\ncurrent %+v\nwant %+v", i, current, want)
		require.Empty(t, res.NotRun)
		after, _ := srv.Ports(planComp)
		require.Empty(t, reaches(current, after, want), "case %d\ncurrent %+v\nwant %+v\nplan %v", i, current, want, lines(res.Done))
		before := srv.RequestCount()
		beforeWrites := writes(srv)
		res, err = c.Apply(ctx, planComp, want)
		require.NoError(t, err)
		assert.Empty(t, res.Done, "case %d: second apply", i)
		assert.Equal(t, before+1, srv.RequestCount(), "second apply sends one list")
		assert.Equal(t, beforeWrites, writes(srv), "second apply sends no write")
		ran++
	}
	assert.Greater(t, ran, 120)
}

// failNthWrite is a RoundTripper that answers the nth write (POST, PUT, DELETE) with a region
// failure as the console reports it (HTTP 400, code 400, msg an object), without sending it.
type failNthWrite struct {
	mu   sync.Mutex
	n    int
	next http.RoundTripper
}

func (f *failNthWrite) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet {
		f.mu.Lock()
		f.n--
		fail := f.n == 0
		f.mu.Unlock()
		if fail {
			body := `{"code":400,"msg":{"apitype":"manage outer port","httpcode":500},"msg_show":"数据中心操作故障，请稍后重试"}`
			return &http.Response{StatusCode: http.StatusBadRequest, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
		}
	}
	return f.next.RoundTrip(req)
}

// TestApplyStopsAtFirstFailure protects the partial-failure path: a region fault on the third write
// stops the run there, the result says what was done, what failed (with the server's answer) and
// what was not run, and a second Apply converges from where the first stopped.
func TestApplyStopsAtFirstFailure(t *testing.T) {
	fault := &failNthWrite{n: 3}
	srv, c := planServer(t, func(next http.RoundTripper) http.RoundTripper { fault.next = next; return fault })
	require.NoError(t, srv.SetPort(planComp, port(9000, "tcp", "OLD", true, true)))
	want := rainbond.Desired{Prune: true, Ports: []rainbond.DesiredPort{{Port: 8080, Inner: true, Outer: true, Alias: "WEB"}}}

	res, err := c.Apply(context.Background(), planComp, want)
	var se *rainbond.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 2, se.Index)
	var ae *wrapper.APIError
	require.ErrorAs(t, err, &ae, "the server's answer is reachable")
	assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
	assert.Equal(t, []string{"~ 9000 close outer", "~ 9000 close inner"}, lines(res.Done))
	require.NotNil(t, res.Failed)
	assert.Equal(t, "- 9000 delete", lines([]rainbond.Step{*res.Failed})[0])
	assert.Equal(t, []string{"+ 8080 add http inner alias WEB", "~ 8080 open outer"}, lines(res.NotRun))
	assert.Same(t, err, res.Err)
	assert.Contains(t, err.Error(), "step 3 (9000 delete)")

	after, _ := srv.Ports(planComp)
	assert.Equal(t, []rainbond.Port{port(9000, "tcp", "OLD", false, false)}, after, "nothing after the failed step was sent")

	res, err = c.Apply(context.Background(), planComp, want)
	require.NoError(t, err)
	assert.Equal(t, []string{"- 9000 delete", "+ 8080 add http inner alias WEB", "~ 8080 open outer"}, lines(res.Done))
	after, _ = srv.Ports(planComp)
	assert.Empty(t, reaches([]rainbond.Port{port(9000, "tcp", "OLD", true, true)}, after, want))
}

// TestPlanSendsNoWrite protects diff: Client.Plan lists and plans, and writes nothing.
func TestPlanSendsNoWrite(t *testing.T) {
	srv, c := planServer(t, nil)
	steps, err := c.Plan(context.Background(), planComp, rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Inner: true}}})
	require.NoError(t, err)
	assert.Equal(t, []string{"+ 80 add http inner"}, lines(steps))
	assert.Equal(t, 1, srv.RequestCount())
	assert.Zero(t, writes(srv))

	_, err = c.Plan(context.Background(), planComp, rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, Outer: true}}})
	var ve *wrapper.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, 1, srv.RequestCount(), "an invalid desired state sends nothing")
}

// TestRunPlanKeepsAliasFromAnswer protects a change_port_alias step without an alias: it keeps the
// alias the server gave the port when the run added it.
func TestRunPlanKeepsAliasFromAnswer(t *testing.T) {
	srv, c := planServer(t, nil)
	want := rainbond.Desired{Ports: []rainbond.DesiredPort{{Port: 80, K8sServiceName: "web"}}}
	res, err := c.Apply(context.Background(), planComp, want)
	require.NoError(t, err)
	require.Len(t, res.Done, 2)
	after, _ := srv.Ports(planComp)
	require.Len(t, after, 1)
	assert.Equal(t, "web", after[0].K8sServiceName)
	assert.NotEmpty(t, after[0].PortAlias)
}

// faultAfterWrites lets n writes through, then makes the server's region fail (SetRegionFault), so
// that the run meets a fault in the middle, answered as the console answers it.
type faultAfterWrites struct {
	mu    sync.Mutex
	n     int
	srv   *rainbondtest.Server
	fault rainbondtest.RegionFault
	next  http.RoundTripper
}

func (f *faultAfterWrites) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet {
		f.mu.Lock()
		if f.n == 0 {
			f.srv.SetRegionFault(f.fault)
		}
		f.n--
		f.mu.Unlock()
	}
	return f.next.RoundTrip(req)
}

// TestApplyStopsAtRegionFault protects the partial-failure path against each region failure the
// console reports: the run stops at the step the region refused, nothing after it is sent, and once
// the region is back a second Apply converges from there.
func TestApplyStopsAtRegionFault(t *testing.T) {
	for _, fault := range []rainbondtest.RegionFault{rainbondtest.RegionServerError, rainbondtest.RegionServerErrorCode,
		rainbondtest.RegionNotFound, rainbondtest.RegionBusy, rainbondtest.RegionUnreachable} {
		rt := &faultAfterWrites{n: 2, fault: fault}
		srv, c := planServer(t, func(next http.RoundTripper) http.RoundTripper { rt.next = next; return rt })
		rt.srv = srv
		start := port(9000, "tcp", "OLD", true, true)
		require.NoError(t, srv.SetPort(planComp, start))
		want := rainbond.Desired{Prune: true, Ports: []rainbond.DesiredPort{{Port: 8080, Inner: true, Outer: true, Alias: "WEB"}}}

		res, err := c.Apply(context.Background(), planComp, want)
		var ae *wrapper.APIError
		require.ErrorAs(t, err, &ae, "fault %d", fault)
		assert.Equal(t, []string{"~ 9000 close outer", "~ 9000 close inner"}, lines(res.Done), "fault %d", fault)
		require.NotNil(t, res.Failed)
		assert.Equal(t, rainbond.OpDelete, res.Failed.Op)
		assert.Len(t, res.NotRun, 2)
		after, _ := srv.Ports(planComp)
		require.Len(t, after, 1, "the refused delete changed nothing, and nothing after it was sent")

		srv.SetRegionFault(rainbondtest.RegionHealthy)
		rt.mu.Lock()
		rt.n = -1 // no more faults
		rt.mu.Unlock()
		res, err = c.Apply(context.Background(), planComp, want)
		require.NoError(t, err, "fault %d", fault)
		assert.Equal(t, []string{"- 9000 delete", "+ 8080 add http inner alias WEB", "~ 8080 open outer"}, lines(res.Done))
		after, _ = srv.Ports(planComp)
		assert.Empty(t, reaches([]rainbond.Port{start}, after, want))
	}
}
