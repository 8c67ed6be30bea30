package rainbondtest

import (
	"cmp"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"

	"github.com/portsdk/portsdk/internal/fakes/drf"
	"github.com/portsdk/portsdk/internal/fakes/testserver"
)

// This file holds the views' logic: ComponentPortsShowView.post and ComponentPortsChangeView.put
// and .delete (openapi/views/apps/apps.py) with what they call in
// console/services/app_config/port_service.py (add_service_port, manage_port,
// delete_port_by_container_port), and, at the end, the serializers that validate their bodies.
// docs/servers/rainbond.md has the account with line references. Every view runs with h.mu held
// for writing. The patterns are compiled on first use (see routes).

var (
	// check_port_alias: re.match(r'^[A-Z][A-Z0-9_]*$') (ASCII ranges).
	aliasPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z][A-Z0-9_]*\n?$`) })
	// check_k8s_service_name: re.fullmatch("[a-z]([-a-z0-9]*[a-z0-9])?").
	k8sNamePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`) })
)

// addPort is ComponentPortsShowView.post.
func (h *console) addPort(comp *component, b *drf.Body) reply {
	req, errs := validateAdd(b)
	if errs != nil {
		return invalid(errs)
	}
	if req.port == 0 {
		return service(http.StatusBadRequest, 400, "params error", "缺少端口参数")
	}
	if req.protocol == nil {
		return service(http.StatusBadRequest, 400, "params error", "缺少协议参数")
	}
	alias := cmp.Or(req.portAlias, strings.ReplaceAll(upper(comp.alias), "-", "_")+strconv.FormatInt(req.port, 10))
	// add_service_port: the k8s service name first, then check_port (exists: 409; range: 412), then the alias.
	k8sName := h.newK8sName(comp, req.port)
	if comp.port(req.port) != nil {
		return service(http.StatusConflict, 20501, "component port already exists", "端口已存在")
	}
	if req.port < 1 || req.port > 65535 {
		return service(http.StatusPreconditionFailed, 412, "component port out of range", "端口必须为1到65535的整数")
	}
	if !aliasPattern().MatchString(alias) {
		return service(http.StatusBadRequest, 400, "add port error", "端口别名不合法")
	}
	// The connection variables of an inner port, then the port, go to the region. Not atomic:
	// variables made or moved stay when a later region call fails.
	if req.isInnerService {
		for _, name := range []string{alias + "_HOST", alias + "_PORT"} {
			if rp := h.addEnv(comp, name, int(req.port), true); rp.status != 0 {
				return rp
			}
		}
	}
	if rp := h.regionCall(comp, http.MethodPost, "/ports"); rp.status != 0 {
		return rp
	}
	p := &wirePort{
		ContainerPort:  int(req.port),
		MappingPort:    int(req.port),
		Protocol:       *req.protocol,
		PortAlias:      alias,
		IsInnerService: req.isInnerService,
		K8sServiceName: k8sName,
	}
	h.store(comp, p)
	return success("添加成功", *p, nil)
}

// addEnv is add_service_env_var: a variable of that name that exists is kept (add_service_port
// moves it to port, __open_inner does not); a new one goes to the region, then is stored.
func (h *console) addEnv(comp *component, name string, port int, move bool) reply {
	for i := range comp.envs {
		if comp.envs[i].name == name {
			if move {
				comp.envs[i].port = port
			}
			return reply{}
		}
	}
	if rp := h.regionCall(comp, http.MethodPost, "/env"); rp.status != 0 {
		return rp
	}
	comp.envs = append(comp.envs, env{name: name, port: port})
	return reply{}
}

// dropEnvs removes the variables of port (delete_env_by_container_port).
func (comp *component) dropEnvs(port int) {
	comp.envs = slices.DeleteFunc(comp.envs, func(e env) bool { return e.port == port })
}

// newK8sName is the k8s service name add_service_port gives a new port: the name of the
// component's first port, else the component alias; if that is no valid name, "<alias>-<port>";
// if another component of the team uses it, a random 4-character suffix is added.
func (h *console) newK8sName(comp *component, port int64) string {
	name := comp.alias
	if len(comp.ports) > 0 {
		name = comp.ports[0].K8sServiceName
	}
	switch {
	case len(name) > 63 || !k8sNamePattern().MatchString(name):
		return comp.alias + "-" + strconv.FormatInt(port, 10)
	case h.k8sNameTaken(comp, name):
		return name + "-" + testserver.RandomHex(2)
	}
	return name
}

// k8sNameTaken is check_k8s_service_name's rule: the team's first port row with the name
// (get_by_k8s_service_name) belongs to another component. Later rows do not count.
func (h *console) k8sNameTaken(self *component, name string) bool {
	var first *wirePort
	var owner *component
	for _, c := range h.comps {
		for _, p := range c.ports {
			if c.key.team == self.key.team && p.K8sServiceName == name && (first == nil || p.row < first.row) {
				first, owner = p, c
			}
		}
	}
	return owner != nil && owner != self
}

// updatePort is ComponentPortsChangeView.put and manage_port.
func (h *console) updatePort(comp *component, portParam string, b *drf.Body) reply {
	req, errs := validateUpdate(b)
	if errs != nil {
		return invalid(errs)
	}
	n, ok := drf.Int(portParam)
	if !ok {
		return badPortParam(portParam)
	}
	fail := func(status int, msgShow string) reply {
		return service(status, status, "change port fail", msgShow)
	}
	alias := req.portAlias
	// __check_params
	if req.action == "change_port_alias" {
		if alias == "" {
			return fail(http.StatusBadRequest, "端口别名不能为空")
		}
		var holders []*wirePort
		for _, p := range comp.ports {
			if p.PortAlias == alias {
				holders = append(holders, p)
			}
		}
		switch {
		case len(holders) > 1:
			return unhandled("MultipleObjectsReturned", "www.models.main.TenantServicesPort",
				"get() returned more than one TenantServicesPort -- it returned "+strconv.Itoa(len(holders))+"!")
		case len(holders) == 1 && int64(holders[0].ContainerPort) != n:
			return fail(http.StatusBadRequest, "别名已存在")
		}
	}
	if req.action == "change_protocol" && req.protocol == nil {
		return fail(http.StatusBadRequest, "端口协议不能为空")
	}
	if alias != "" && !aliasPattern().MatchString(alias) {
		return fail(http.StatusBadRequest, "端口别名不合法")
	}
	p := comp.port(n)
	if p == nil {
		return service(http.StatusNotFound, 404, "component port does not exist", "组件端口不存在")
	}
	next := *p // the port after the action; stored only if the action succeeds
	portPath := "/ports/" + strconv.Itoa(p.ContainerPort)
	switch req.action {
	case "open_outer":
		if !p.IsInnerService {
			return service(http.StatusNotFound, 404, "inner port is not open", "对内服务未开启，需先开启对内服务")
		}
		if rp := h.openOuter(comp, p); rp.status != 0 {
			return rp
		}
		next.IsOuterService = true
	case "only_open_outer", "close_outer":
		if rp := h.regionCall(comp, http.MethodPut, portPath+"/outer"); rp.status != 0 {
			return rp
		}
		next.IsOuterService = req.action == "only_open_outer"
		if next.IsOuterService && next.LbMappingPort == 0 {
			next.LbMappingPort = h.nextLB
			h.nextLB++
		}
		if next.IsOuterService || p.Protocol == "http" { // closing a tcp port keeps its rules
			for _, d := range comp.domains[p.ContainerPort] {
				d.active = next.IsOuterService
			}
		}
	case "open_inner", "close_inner":
		opening := req.action == "open_inner"
		if opening && p.PortAlias == "" {
			return fail(http.StatusConflict, "请先为端口设置别名")
		}
		if !opening && p.IsOuterService {
			return service(http.StatusNotFound, 404, "inner port is not open", "对外服务开启中，需先关闭对外服务")
		}
		if rp := h.regionCall(comp, http.MethodPut, portPath+"/inner"); rp.status != 0 {
			return rp
		}
		next.IsInnerService = opening
		if opening { // __open_inner: the port's variables are made again (atomic: all or nothing)
			next.MappingPort = p.ContainerPort
			comp.dropEnvs(p.ContainerPort)
			for _, name := range []string{upper(p.PortAlias) + "_HOST", upper(p.PortAlias) + "_PORT"} {
				h.addEnv(comp, name, p.ContainerPort, false)
			}
		}
	case "change_protocol":
		protocol := *req.protocol
		if p.Protocol == protocol {
			break // "协议未发生变化": success without a region call
		}
		if protocol != "http" && p.IsOuterService {
			return fail(http.StatusBadRequest, "请关闭外部访问")
		}
		if rp := h.regionCall(comp, http.MethodPut, "/ports"); rp.status != 0 {
			return rp
		}
		next.Protocol = protocol
	case "change_port_alias":
		return h.changePortAlias(comp, p, alias, req.k8sServiceName)
	}
	*p = next
	return success("操作成功", next, nil)
}

// openOuter is the region side of __open_outer: an http port gets a default domain whose gateway
// rule must be accepted (else 412) unless it has domains already, whose rules are bound again; a
// tcp port gets a tcp rule. The outer port is then opened in the region. The zero reply is success.
func (h *console) openOuter(comp *component, p *wirePort) reply {
	port := strconv.Itoa(p.ContainerPort)
	if p.Protocol == "http" {
		domains := comp.domains[p.ContainerPort]
		if len(domains) == 0 {
			if h.fault != RegionHealthy {
				return service(http.StatusPreconditionFailed, 412, "change port fail", "数据中心添加策略失败")
			}
		} else if rp := h.regionCall(comp, http.MethodPost, "/api-gateway/routes/http"); rp.status != 0 {
			return rp
		}
		// The region is healthy here (a fault holds for the whole request), so the calls that
		// follow, GET /api-gateway/routes/http/port and PUT /ports/{port}/outer, succeed.
		if len(domains) == 0 {
			name := comp.alias + "-" + port + "-" + h.teams[comp.key.team].name + ".example.com"
			comp.domains[p.ContainerPort] = []*domain{{name: name, active: true}}
		}
		for _, d := range comp.domains[p.ContainerPort] {
			d.active = true
		}
		return reply{}
	}
	if rp := h.regionCall(comp, http.MethodPost, "/proxy-pass/gateway/routes/tcp"); rp.status != 0 {
		return rp
	}
	return h.regionCall(comp, http.MethodPut, "/ports/"+port+"/outer")
}

// changePortAlias is port_service.change_port_alias: the component's connection variables (if
// any) go to the region first, those of this port renamed; then every port gets the k8s service
// name (checked: a TypeError without one, 400 when invalid, 409 code 20500 when another component
// has it), then the ports go to the region.
func (h *console) changePortAlias(comp *component, p *wirePort, alias string, k8sName *string) reply {
	if len(comp.envs) > 0 {
		if rp := h.regionCall(comp, http.MethodDelete, "/env"); rp.status != 0 {
			return rp
		}
	}
	if k8sName == nil {
		return unhandled("TypeError", "builtins", "object of type 'NoneType' has no len()")
	}
	name := *k8sName
	if name != "" {
		if len([]rune(name)) > 63 {
			return service(http.StatusBadRequest, 400, "k8s_service_name must be no more than 63 characters", "k8s_service_name must be no more than 63 characters")
		}
		if !k8sNamePattern().MatchString(name) {
			return service(http.StatusBadRequest, 400, "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?'", "内部域名格式不正确")
		}
		if h.k8sNameTaken(comp, name) {
			return service(http.StatusConflict, 20500, "k8s service name already exists", "内部域名已存在")
		}
	}
	if rp := h.regionCall(comp, http.MethodPut, "/ports"); rp.status != 0 {
		return rp
	}
	for i, e := range comp.envs {
		if e.port == p.ContainerPort { // new alias + the name without the old alias
			comp.envs[i].name = alias + strings.ReplaceAll(e.name, p.PortAlias, "")
		}
	}
	p.PortAlias = alias
	if name != "" {
		for _, other := range comp.ports {
			other.K8sServiceName = name
		}
	}
	return success("操作成功", *p, nil)
}

// deletePort is ComponentPortsChangeView.delete and delete_port_by_container_port: custom domains
// (412) before the port lookup (404) and the open checks (409). The body is never read.
func (h *console) deletePort(comp *component, portParam string) reply {
	n, ok := drf.Int(portParam)
	if !ok {
		return badPortParam(portParam)
	}
	active := slices.DeleteFunc(slices.Clone(comp.domains[int(n)]), func(d *domain) bool { return !d.active })
	if len(active) > 1 || len(active) == 1 && active[0].custom {
		return service(http.StatusPreconditionFailed, 412, "contains custom domains", "该端口有自定义域名，请先解绑域名")
	}
	p := comp.port(n)
	if p == nil {
		return service(http.StatusNotFound, 404, "port not found", "端口"+strconv.FormatInt(n, 10)+"不存在")
	}
	if p.IsInnerService {
		return service(http.StatusConflict, 409, "can not delete inner port", "请关闭对内服务")
	}
	if p.IsOuterService {
		return service(http.StatusConflict, 409, "can not delete outer port", "请关闭对外服务")
	}
	if rp := h.regionCall(comp, http.MethodDelete, "/ports/"+strconv.Itoa(p.ContainerPort)); rp.status != 0 {
		return rp
	}
	comp.ports = slices.DeleteFunc(comp.ports, func(q *wirePort) bool { return q == p })
	comp.dropEnvs(p.ContainerPort)
	delete(comp.domains, p.ContainerPort)
	return success("删除成功", *p, nil)
}

// upper is Python's str.upper(): the full Unicode case mapping ("straße" -> "STRASSE").
func upper(s string) string { return cases.Upper(language.Und).String(s) }

// badPortParam is the console's answer to int(port) on a path port that is no integer.
func badPortParam(s string) reply {
	return unhandled("ValueError", "builtins", "invalid literal for int() with base 10: '"+s+"'")
}

// regionCall is one call of the console to the region API: the zero reply when it succeeds; with
// a fault set it fails as the console answers that failure (RegionApiBaseHttpClient._check_status
// and _request, www/apiclient/regionapibaseclient.py, mapped by custom_exception_handler).
func (h *console) regionCall(comp *component, method, path string) reply {
	url := "http://region.invalid:8443/v2/tenants/" + h.teams[comp.key.team].name + "/services/" + comp.alias + path
	switch h.fault {
	case RegionHealthy:
		return reply{}
	case RegionServerError:
		return reply{status: http.StatusBadRequest, body: serviceBody{
			Code: 400,
			Msg: map[string]any{
				"apitype": "Not specified", "url": url, "method": method, "httpcode": 500,
				"body": map[string]any{"msg": "region internal error"},
			},
			MsgShow: "数据中心操作故障 region internal error",
		}}
	case RegionServerErrorCode:
		return service(http.StatusInternalServerError, 500, "region internal error", "region internal error")
	case RegionNotFound:
		return reply{status: http.StatusNotFound, body: serviceBody{Code: 404, Msg: "region no found this resource", MsgShow: "数据中心资源不存在"}}
	case RegionBusy:
		return reply{status: http.StatusConflict, body: serviceBody{Code: 409, Msg: "wait a moment please", MsgShow: "操作过于频繁，请稍后再试"}}
	default: // RegionUnreachable
		return service(http.StatusBadRequest, 10411,
			"MaxRetryErrorHTTPConnectionPool(host='region.invalid', port=8443): Max retries exceeded with url: "+
				strings.TrimPrefix(url, "http://region.invalid:8443")+
				" (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object>: Failed to establish a new connection: [Errno 111] Connection refused'))",
			"访问数据中心异常，请稍后重试")
	}
}

// The serializers of openapi/serializer/app_serializer.py, which validate the request bodies
// field by field with DRF's rules (internal/fakes/drf).

var (
	protocolChoices = []string{"http", "tcp", "udp", "mysql", "grpc"}
	actionChoices   = []string{"open_outer", "only_open_outer", "close_outer", "open_inner", "close_inner", "change_protocol", "change_port_alias"}
	aliasField      = drf.CharField{MaxLength: 255, AllowBlank: true}
	k8sNameField    = drf.CharField{MaxLength: 255}
)

// addRequest is ComponentPortReqSerializers' data: port (required integer), protocol (choice,
// default http, may be null), port_alias (string, default "", may be null), is_inner_service
// (required boolean). A nil string is null; port_alias reads null as "".
type addRequest struct {
	port           int64
	protocol       *string
	portAlias      string
	isInnerService bool
}

// validateAdd runs ComponentPortReqSerializers on b: the data, and the errors (nil when b is valid).
func validateAdd(b *drf.Body) (addRequest, drf.FieldErrors) {
	return drf.Validate(b, func(errs drf.FieldErrors) (req addRequest) {
		req.port = drf.Required(b, "port", false, errs, drf.Integer)
		req.protocol = b.OptionalChoice("protocol", protocolChoices, "http", errs)
		if alias := b.OptionalChar("port_alias", aliasField, errs); alias != nil {
			req.portAlias = *alias
		}
		req.isInnerService = drf.Required(b, "is_inner_service", true, errs, drf.Boolean)
		return req
	})
}

// updateRequest is ComponentUpdatePortReqSerializers' data: action (required choice), port_alias
// (string, default "", may be null), protocol (choice, default http, may be null),
// k8s_service_name (string, optional, may be null, not blank; nil when absent, as `.data` gives).
// port_alias reads null as "", and is stripped as CharField strips.
type updateRequest struct {
	action         string
	portAlias      string
	protocol       *string
	k8sServiceName *string
}

// validateUpdate runs ComponentUpdatePortReqSerializers on b: the data, and the errors (nil when b is valid).
func validateUpdate(b *drf.Body) (updateRequest, drf.FieldErrors) {
	action := func(v any) (string, string) { return drf.Choice(v, actionChoices) }
	return drf.Validate(b, func(errs drf.FieldErrors) (req updateRequest) {
		req.action = drf.Required(b, "action", false, errs, action)
		if alias := b.OptionalChar("port_alias", aliasField, errs); alias != nil {
			req.portAlias = *alias
		}
		req.protocol = b.OptionalChoice("protocol", protocolChoices, "http", errs)
		req.k8sServiceName = b.OptionalChar("k8s_service_name", k8sNameField, errs)
		return req
	})
}
