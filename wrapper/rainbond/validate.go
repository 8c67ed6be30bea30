package rainbond

import (
	"strconv"

	"github.com/portsdk/portsdk/internal/runtime/check"
	"github.com/portsdk/portsdk/wrapper"
)

// validate checks the four path parameters of every operation: each ID must be one the console's
// routes ([\w-]+, Unicode-aware) can match.
func (c Component) validate() error {
	if err := check.WordID("team_id", c.TeamID); err != nil {
		return err
	}
	if err := check.WordID("region_name", c.RegionName); err != nil {
		return err
	}
	if c.AppID <= 0 {
		return &wrapper.ValidationError{Field: "app_id", Reason: strconv.FormatInt(c.AppID, 10) + " is not a positive integer"}
	}
	return check.WordID("service_id", c.ServiceID)
}

func validateAdd(r *AddPortRequest) error {
	if err := check.Port("port", r.Port); err != nil {
		return err
	}
	if r.Protocol != "" {
		if err := checkProtocol(r.Protocol); err != nil {
			return err
		}
	}
	if r.PortAlias != "" {
		return checkAlias(r.PortAlias)
	}
	return nil
}

func validateUpdate(r *UpdatePortRequest) error {
	if !r.Action.Valid() {
		reason := "must not be empty"
		if r.Action != "" {
			reason = strconv.Quote(string(r.Action)) + " is not one of open_outer, close_outer, open_inner, close_inner, change_protocol, change_port_alias"
		}
		return &wrapper.ValidationError{Field: "action", Reason: reason}
	}
	switch r.Action {
	case ActionChangeProtocol:
		if r.Protocol == "" {
			return &wrapper.ValidationError{Field: "protocol", Reason: "is required by change_protocol"}
		}
	case ActionChangePortAlias:
		if r.PortAlias == "" {
			return &wrapper.ValidationError{Field: "port_alias", Reason: "is required by change_port_alias"}
		}
		if r.K8sServiceName == "" {
			return &wrapper.ValidationError{Field: "k8s_service_name", Reason: "is required by change_port_alias"}
		}
	}
	if r.Protocol != "" {
		if err := checkProtocol(r.Protocol); err != nil {
			return err
		}
	}
	if r.PortAlias != "" {
		if err := checkAlias(r.PortAlias); err != nil {
			return err
		}
	}
	if r.K8sServiceName != "" {
		return checkK8sServiceName(r.K8sServiceName)
	}
	return nil
}

func checkProtocol(p Protocol) error {
	if !p.Valid() {
		return &wrapper.ValidationError{Field: "protocol", Reason: strconv.Quote(string(p)) + " is not one of http, tcp, udp, mysql, grpc"}
	}
	return nil
}

// checkAlias enforces the server's ^[A-Z][A-Z0-9_]*$.
func checkAlias(a string) error {
	ok := a[0] >= 'A' && a[0] <= 'Z'
	for i := 1; ok && i < len(a); i++ {
		c := a[i]
		ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
	}
	if !ok {
		return &wrapper.ValidationError{Field: "port_alias", Reason: strconv.Quote(a) + " does not match ^[A-Z][A-Z0-9_]*$"}
	}
	return nil
}

// checkK8sServiceName enforces a DNS label: [a-z]([-a-z0-9]*[a-z0-9])?, at most 63 characters.
func checkK8sServiceName(n string) error {
	ok := len(n) <= 63 && n[0] >= 'a' && n[0] <= 'z' && n[len(n)-1] != '-'
	for i := 1; ok && i < len(n); i++ {
		c := n[i]
		ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
	}
	if !ok {
		return &wrapper.ValidationError{Field: "k8s_service_name", Reason: strconv.Quote(n) +
			" is not a DNS label ([a-z]([-a-z0-9]*[a-z0-9])?, at most 63 characters)"}
	}
	return nil
}
