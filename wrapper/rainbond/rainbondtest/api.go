package rainbondtest

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/portsdk/portsdk/gen/rainbondapi"
)

// api implements rainbondapi.StrictServerInterface on the state of a Handler. Requests reach it
// authenticated and validated against the spec; it applies the console's business rules
// (rainbond-server-behaviour.md).
type api struct {
	h *Handler
}

var _ rainbondapi.StrictServerInterface = (*api)(nil)

// portOK is the success envelope around one port. The generated PortEnvelope omits an empty
// data.list, but the console always sends "list": [], so this type writes it itself.
type portOK struct {
	msgShow string
	port    rainbondapi.Port
}

func (p portOK) write(w http.ResponseWriter) error {
	type data struct {
		Bean rainbondapi.Port `json:"bean"`
		List []any            `json:"list"`
	}
	type envelope struct {
		Code    int    `json:"code"`
		Msg     string `json:"msg"`
		MsgShow string `json:"msg_show"`
		Data    data   `json:"data"`
	}
	b, err := json.Marshal(envelope{Code: 200, Msg: "success", MsgShow: p.msgShow, Data: data{Bean: p.port, List: []any{}}})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(append(b, '\n'))
	return err
}

func (p portOK) VisitAddPortResponse(w http.ResponseWriter) error    { return p.write(w) }
func (p portOK) VisitUpdatePortResponse(w http.ResponseWriter) error { return p.write(w) }
func (p portOK) VisitDeletePortResponse(w http.ResponseWriter) error { return p.write(w) }

// ListPorts answers the ports of the component in data.list, sorted by container port.
func (a *api) ListPorts(_ context.Context, req rainbondapi.ListPortsRequestObject) (rainbondapi.ListPortsResponseObject, error) {
	a.h.mu.Lock()
	defer a.h.mu.Unlock()
	comp, errResp := a.h.lookup(req.TeamId, req.RegionName, req.AppId, req.ServiceId)
	if errResp != nil {
		return rainbondapi.ListPorts404JSONResponse{NotFoundJSONResponse: rainbondapi.NotFoundJSONResponse(*errResp)}, nil
	}
	return rainbondapi.ListPorts200JSONResponse{
		Code:    200,
		Msg:     "success",
		MsgShow: "查询成功",
		Data:    rainbondapi.PortList{Bean: rainbondapi.EmptyBean{}, List: comp.sortedPorts()},
	}, nil
}

// AddPort adds a port: 409 (code 20501) if it exists, 412 outside 1..65535; the protocol
// defaults to http, the alias and the k8s service name are generated, outer service is closed.
func (a *api) AddPort(_ context.Context, req rainbondapi.AddPortRequestObject) (rainbondapi.AddPortResponseObject, error) {
	a.h.mu.Lock()
	defer a.h.mu.Unlock()
	comp, errResp := a.h.lookup(req.TeamId, req.RegionName, req.AppId, req.ServiceId)
	if errResp != nil {
		return rainbondapi.AddPort404JSONResponse{NotFoundJSONResponse: rainbondapi.NotFoundJSONResponse(*errResp)}, nil
	}
	body := req.Body
	if _, ok := comp.ports[body.Port]; ok {
		return rainbondapi.AddPort409JSONResponse{ConflictJSONResponse: rainbondapi.ConflictJSONResponse(
			*serviceError(20501, "component port already exists", "组件端口已存在"))}, nil
	}
	if body.Port < 1 || body.Port > 65535 {
		return rainbondapi.AddPort412JSONResponse{PreconditionFailedJSONResponse: rainbondapi.PreconditionFailedJSONResponse(
			*serviceError(412, "port out of range", "端口范围为1到65535"))}, nil
	}
	protocol := string(body.Protocol)
	if protocol == "" {
		protocol = string(rainbondapi.ProtocolHTTP)
	}
	alias := body.PortAlias
	if alias == "" {
		alias = generateAlias(req.ServiceId, body.Port)
	}
	p := &rainbondapi.Port{
		ContainerPort:  body.Port,
		MappingPort:    body.Port,
		LbMappingPort:  0,
		Protocol:       protocol,
		PortAlias:      alias,
		IsInnerService: body.IsInnerService,
		IsOuterService: false,
		K8sServiceName: a.h.generateK8sName(comp, body.Port),
	}
	comp.ports[body.Port] = p
	return portOK{msgShow: "添加成功", port: *p}, nil
}

// UpdatePort applies one action to a port, with the console's state rules.
func (a *api) UpdatePort(_ context.Context, req rainbondapi.UpdatePortRequestObject) (rainbondapi.UpdatePortResponseObject, error) {
	a.h.mu.Lock()
	defer a.h.mu.Unlock()
	comp, errResp := a.h.lookup(req.TeamId, req.RegionName, req.AppId, req.ServiceId)
	if errResp != nil {
		return rainbondapi.UpdatePort404JSONResponse{NotFoundJSONResponse: rainbondapi.NotFoundJSONResponse(*errResp)}, nil
	}
	notFound := func(msg, msgShow string) rainbondapi.UpdatePortResponseObject {
		return rainbondapi.UpdatePort404JSONResponse{NotFoundJSONResponse: rainbondapi.NotFoundJSONResponse(*serviceError(404, msg, msgShow))}
	}
	conflict := func(msg, msgShow string) rainbondapi.UpdatePortResponseObject {
		return rainbondapi.UpdatePort409JSONResponse{ConflictJSONResponse: rainbondapi.ConflictJSONResponse(*serviceError(409, msg, msgShow))}
	}
	invalid := func(field, reason string) rainbondapi.UpdatePortResponseObject {
		return rainbondapi.UpdatePort400JSONResponse{BadRequestJSONResponse: rainbondapi.BadRequestJSONResponse(
			*validationError(map[string][]string{field: {reason}}))}
	}
	p, ok := comp.ports[req.Port]
	if !ok {
		return notFound("component port not found", "端口不存在"), nil
	}
	body := req.Body
	switch body.Action {
	case rainbondapi.ActionOpenOuter:
		if !p.IsInnerService {
			return notFound("inner port is not open", "请先开启对内服务"), nil
		}
		p.IsOuterService = true
	case rainbondapi.ActionCloseOuter:
		p.IsOuterService = false
	case rainbondapi.ActionOpenInner:
		if p.PortAlias == "" {
			return conflict("port alias is empty", "请先设置端口别名"), nil
		}
		p.IsInnerService = true
	case rainbondapi.ActionCloseInner:
		if p.IsOuterService {
			return notFound("outer port is open, close it first", "请先关闭对外服务"), nil
		}
		p.IsInnerService = false
	case rainbondapi.ActionChangeProtocol:
		if body.Protocol == "" {
			return invalid("protocol", "This field is required."), nil
		}
		if p.IsOuterService && body.Protocol != rainbondapi.ProtocolHTTP {
			return rainbondapi.UpdatePort400JSONResponse{BadRequestJSONResponse: rainbondapi.BadRequestJSONResponse(
				*serviceError(400, "the protocol of a port with outer service open must be http", "开启对外服务的端口协议只能是http"))}, nil
		}
		p.Protocol = string(body.Protocol)
	case rainbondapi.ActionChangePortAlias:
		if body.PortAlias == "" {
			return invalid("port_alias", "This field is required."), nil
		}
		if body.K8sServiceName == "" {
			// The console reads request.data["k8s_service_name"] and crashes without it.
			return rainbondapi.UpdatePort500JSONResponse{ServerErrorJSONResponse: rainbondapi.ServerErrorJSONResponse(
				*unhandledError("'k8s_service_name'", "KeyError"))}, nil
		}
		if a.h.k8sNameTaken(comp, body.K8sServiceName) {
			return conflict("k8s service name already exists", "k8s服务名称已存在"), nil
		}
		p.PortAlias = body.PortAlias
		for _, other := range comp.ports {
			other.K8sServiceName = body.K8sServiceName
		}
	default:
		return invalid("action", strconv.Quote(string(body.Action))+" is not a valid choice."), nil
	}
	return portOK{msgShow: "操作成功", port: *p}, nil
}

// DeletePort deletes a port whose inner and outer services are both closed.
func (a *api) DeletePort(_ context.Context, req rainbondapi.DeletePortRequestObject) (rainbondapi.DeletePortResponseObject, error) {
	a.h.mu.Lock()
	defer a.h.mu.Unlock()
	comp, errResp := a.h.lookup(req.TeamId, req.RegionName, req.AppId, req.ServiceId)
	if errResp != nil {
		return rainbondapi.DeletePort404JSONResponse{NotFoundJSONResponse: rainbondapi.NotFoundJSONResponse(*errResp)}, nil
	}
	p, ok := comp.ports[req.Port]
	if !ok {
		return rainbondapi.DeletePort404JSONResponse{NotFoundJSONResponse: rainbondapi.NotFoundJSONResponse(
			*serviceError(404, "component port not found", "端口不存在"))}, nil
	}
	if p.IsInnerService || p.IsOuterService {
		return rainbondapi.DeletePort409JSONResponse{ConflictJSONResponse: rainbondapi.ConflictJSONResponse(
			*serviceError(409, "close the inner and outer service of the port first", "请先关闭端口的对内和对外服务"))}, nil
	}
	delete(comp.ports, req.Port)
	return portOK{msgShow: "删除成功", port: *p}, nil
}

// k8sNameTaken reports whether another component of the same team has a port with the k8s
// service name. h.mu must be held.
func (h *Handler) k8sNameTaken(self *component, name string) bool {
	for k, c := range h.comps {
		if c == self || k.team != self.key.team {
			continue
		}
		for _, p := range c.ports {
			if p.K8sServiceName == name {
				return true
			}
		}
	}
	return false
}

// generateAlias derives a port alias from the service id, like the console does from the
// component alias: upper case, every other character "_", then "_" and the port, e.g.
// "GR123ABC_80". The result matches ^[A-Z][A-Z0-9_]*$.
func generateAlias(serviceID string, port int) string {
	var b strings.Builder
	for _, r := range serviceID {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		s = "P" + s
	}
	return s + "_" + strconv.Itoa(port)
}

// dnsLabel turns s into the start of a DNS label: lower-case letters, digits and single "-",
// starting with a letter; "svc" when nothing is left.
func dnsLabel(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
			fallthrough
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if out == "" {
		return "svc"
	}
	if out[0] < 'a' || out[0] > 'z' {
		out = "svc-" + out
	}
	return out
}

// generateK8sName returns the k8s service name of a new port: the service id as a DNS label,
// "-" and the port (e.g. "gr123abc-80"), at most 63 characters, with a "-2", "-3"... suffix if
// another component of the team already uses it. h.mu must be held.
func (h *Handler) generateK8sName(comp *component, port int) string {
	base := dnsLabel(comp.key.service)
	for n := 1; ; n++ {
		suffix := "-" + strconv.Itoa(port)
		if n > 1 {
			suffix += "-" + strconv.Itoa(n)
		}
		b := base
		if len(b)+len(suffix) > 63 {
			b = strings.TrimRight(b[:63-len(suffix)], "-")
		}
		name := b + suffix
		if !h.k8sNameTaken(comp, name) {
			return name
		}
	}
}
