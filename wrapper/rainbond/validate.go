package rainbond

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/portsdk/portsdk/internal/runtime/check"
	"github.com/portsdk/portsdk/wrapper"
)

// Validate checks the component's four IDs, as every operation does before it sends anything: each
// ID must be one the console's routes ([\w-]+, Unicode-aware) can match, and AppID positive. The
// error is a *wrapper.ValidationError naming team_id, region_name, app_id or service_id.
func (c Component) Validate() error {
	var appID error
	if c.AppID <= 0 {
		appID = &wrapper.ValidationError{Field: "app_id", Reason: strconv.FormatInt(c.AppID, 10) + " is not a positive integer"}
	}
	return cmp.Or(check.WordID("team_id", c.TeamID), check.WordID("region_name", c.RegionName), appID, check.WordID("service_id", c.ServiceID))
}

func validateUpdate(r *UpdatePortRequest) error {
	if !r.Action.Valid() {
		reason := "must not be empty"
		if r.Action != "" {
			reason = strconv.Quote(string(r.Action)) + " is not one of open_outer, close_outer, open_inner, close_inner, change_protocol, change_port_alias"
		}
		return &wrapper.ValidationError{Field: "action", Reason: reason}
	}
	required := "" // the field the action needs and the request lacks
	switch {
	case r.Action == ActionChangeProtocol && r.Protocol == "":
		required = "protocol"
	case r.Action == ActionChangePortAlias && r.PortAlias == "":
		required = "port_alias"
	case r.Action == ActionChangePortAlias && r.K8sServiceName == "":
		required = "k8s_service_name"
	}
	if required != "" {
		return &wrapper.ValidationError{Field: required, Reason: "is required by " + string(r.Action)}
	}
	return cmp.Or(checkProtocol("protocol", r.Protocol), checkAlias("port_alias", r.PortAlias),
		checkK8sServiceName("k8s_service_name", r.K8sServiceName))
}

// Validate checks the desired state on its own, as PlanPorts does before it looks at the current
// ports: each port in range and listed once, a known protocol, outer only with inner, aliases
// (^[A-Z][A-Z0-9_]*$) unique, one k8s service name (a DNS label). The error is a
// *wrapper.ValidationError naming the field, e.g. "ports[1].alias".
func (d Desired) Validate() error {
	seenPort := make(map[int]int)
	seenAlias := make(map[string]int)
	k8s, k8sAt := "", 0 // the first k8s service name given, and where
	for i, p := range d.Ports {
		field := func(name string) string { return "ports[" + strconv.Itoa(i) + "]." + name }
		if err := check.Port(field("port"), p.Port); err != nil {
			return err
		}
		if j, dup := seenPort[p.Port]; dup {
			return &wrapper.ValidationError{Field: field("port"), Reason: fmt.Sprintf("%d is listed twice (also ports[%d])", p.Port, j)}
		}
		seenPort[p.Port] = i
		if err := checkProtocol(field("protocol"), p.Protocol); err != nil {
			return err
		}
		if p.Outer && !p.Inner {
			return &wrapper.ValidationError{Field: field("outer"), Reason: "needs inner: the server opens the outer service only while the inner service is open"}
		}
		if err := checkAlias(field("alias"), p.Alias); err != nil {
			return err
		}
		if j, dup := seenAlias[p.Alias]; dup && p.Alias != "" {
			return &wrapper.ValidationError{Field: field("alias"), Reason: fmt.Sprintf("%s is also the alias of ports[%d]: the server refuses two ports with one alias", p.Alias, j)}
		}
		seenAlias[p.Alias] = i
		if n := p.K8sServiceName; n != "" {
			if err := checkK8sServiceName(field("k8s_service_name"), n); err != nil {
				return err
			}
			if k8s != "" && n != k8s {
				return &wrapper.ValidationError{Field: field("k8s_service_name"), Reason: fmt.Sprintf("%s differs from ports[%d]'s %s: a component has one k8s service name", n, k8sAt, k8s)}
			}
			k8s, k8sAt = n, i
		}
	}
	return nil
}

// checkProtocol accepts an empty protocol (the server's default) and the five the server knows.
func checkProtocol(field string, p Protocol) error {
	if p != "" && !p.Valid() {
		return &wrapper.ValidationError{Field: field, Reason: strconv.Quote(string(p)) + " is not one of http, tcp, udp, mysql, grpc"}
	}
	return nil
}

// The characters of aliases and k8s service names, for strings.Trim (not a regexp: a program that
// links this package must not pay for compiling one at start-up).
const upper, lower, digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", "0123456789"

// checkAlias enforces the server's ^[A-Z][A-Z0-9_]*$ on a non-empty alias.
func checkAlias(field, a string) error {
	if a != "" && (!strings.Contains(upper, a[:1]) || strings.Trim(a, upper+digits+"_") != "") {
		return &wrapper.ValidationError{Field: field, Reason: strconv.Quote(a) + " does not match ^[A-Z][A-Z0-9_]*$"}
	}
	return nil
}

// checkK8sServiceName enforces a DNS label on a non-empty name: [a-z]([-a-z0-9]*[a-z0-9])?, at
// most 63 characters.
func checkK8sServiceName(field, n string) error {
	if n != "" && (len(n) > 63 || !strings.Contains(lower, n[:1]) || n[len(n)-1] == '-' || strings.Trim(n, lower+digits+"-") != "") {
		return &wrapper.ValidationError{Field: field, Reason: strconv.Quote(n) +
			" is not a DNS label ([a-z]([-a-z0-9]*[a-z0-9])?, at most 63 characters)"}
	}
	return nil
}
