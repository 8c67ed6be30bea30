package rainbondtest

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/portsdk/portsdk/internal/fakes/drf"
	"github.com/portsdk/portsdk/internal/fakes/testserver"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// maxBodyBytes caps the request bodies the handler reads.
const maxBodyBytes = 1 << 20

// DefaultRequestLogSize is how many requests Requests returns at most unless SetRequestLogSize
// says otherwise: the log keeps only the last requests, and at most 8 MiB of them (bodies, URIs and
// headers; the oldest dropped first, the newest kept with its body cut to fit), so a server under a
// load test keeps a bounded amount of memory. RequestCount counts every request regardless.
const DefaultRequestLogSize = testserver.DefaultLogSize

// Request is one request the handler received, as recorded by Handler.Requests: its method, its
// target exactly as sent (escaped path and query, with any mount prefix), its headers and its body
// (at most 1 MiB of it).
type Request = testserver.Request

// RegionFault makes the calls the console would send to the region API (rbd-api) fail; see
// SetRegionFault. Each value answers as the console answers that failure of its region.
type RegionFault int

const (
	// RegionHealthy: the region answers every call (the default).
	RegionHealthy RegionFault = iota
	// RegionServerError: the region answers 5xx with a body of its own ({"msg": ...}): the console
	// answers 400, code 400, `msg` an object {apitype, url, method, httpcode, body}, `msg_show`
	// "数据中心操作故障 ...", and no `data`.
	RegionServerError
	// RegionServerErrorCode: the region answers 5xx with its envelope ({"code": 500, "msg": ...}):
	// the console passes it on: 500, code 500, the region's msg, and `data`.
	RegionServerErrorCode
	// RegionNotFound: the region answers 404: the console answers 404, code 404, "region no found
	// this resource", no `data`.
	RegionNotFound
	// RegionBusy: the region answers 409 "wait a moment please": the console answers 409, code 409,
	// the same text, no `data`.
	RegionBusy
	// RegionUnreachable: no connection to the region: the console answers 400, code 10411, `msg`
	// the connection error, `msg_show` "访问数据中心异常，请稍后重试".
	RegionUnreachable
)

// Handler is the in-memory Rainbond console behind a Server. It serves the component-port API at
// paths relative to where it is mounted (/openapi/v1/teams/...), so it can share one listener with
// other handlers, as the package documentation shows. A Handler is safe for concurrent use: lists
// share a read lock, changes take the write lock (a k8s service name is unique across a team, so a
// change may look at every component), and the request log has its own lock.
type Handler struct{ *console }

// console is the state of a Handler; its exported methods are those of Handler and Server.
type console struct {
	token string
	log   testserver.Log

	mu      sync.RWMutex
	teams   map[string]*team // by team id
	regions map[string]bool  // known region names -> opened for every team
	apps    map[appKey]bool
	comps   []*component // in registration order
	fault   RegionFault  // region failure to answer with
	nextLB  int          // the next lb_mapping_port the region hands out
	nextRow int          // the row id of the next stored port (wirePort.row)
	byKey   map[compKey]*component
}

// team is a tenant: reachable by its id or its name; opened in some regions.
type team struct {
	id, name string
	opened   map[string]bool
}

// compKey identifies a registered component as AddComponent got it.
type compKey struct {
	team, region string
	service      string
}

type appKey struct { // an app belongs to a team and a region
	team, region string
	id           int64
}

type component struct {
	key   compKey
	app   int64
	alias string // the component alias (service_alias): generated names derive from it
	ports []*wirePort
	// envs are the connection variables (<ALIAS>_HOST, <ALIAS>_PORT), found by name (see addEnv).
	envs    []env
	domains map[int][]*domain
}

type env struct {
	name string
	port int // the port it belongs to
}

// domain is an HTTP gateway rule of a port: the default one made by open_outer, or a custom one.
type domain struct {
	name   string
	custom bool
	active bool // is_outer_service of the rule
}

// NewHandler returns an empty Handler that accepts the access token token (sent raw, as
// `Authorization: <token>`).
func NewHandler(token string) *Handler {
	return &Handler{&console{
		token:   token,
		teams:   make(map[string]*team),
		regions: make(map[string]bool),
		apps:    make(map[appKey]bool),
		byKey:   make(map[compKey]*component),
		nextLB:  30001,
	}}
}

// AddComponent registers a component of the app c.AppID with no ports. The team c.TeamID is
// registered too (reachable by that id; see SetTeamName for a second name), and the region
// c.RegionName exists and is opened for the team. The component is reachable by c.ServiceID and,
// until SetComponentAlias says otherwise, c.ServiceID is also its alias, from which the console
// derives port aliases and k8s service names. Adding a component that already exists keeps its
// ports and moves it to c.AppID.
func (h *console) AddComponent(c rainbond.Component) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.addApp(c.TeamID, c.RegionName, c.AppID)
	k := compKey{team: c.TeamID, region: c.RegionName, service: c.ServiceID}
	if comp, ok := h.byKey[k]; ok {
		comp.app = c.AppID
		return
	}
	comp := &component{key: k, app: c.AppID, alias: c.ServiceID, domains: make(map[int][]*domain)}
	h.byKey[k] = comp
	h.comps = append(h.comps, comp)
}

// AddApp registers an app with no components (and its team and region, as AddComponent does).
// As in the console, a component is checked against the app of the path only if the app has
// components: an empty app reaches every component of the team in the region. An app stays empty
// when its last component moves to another app.
func (h *console) AddApp(teamID, regionName string, appID int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.addApp(teamID, regionName, appID)
}

func (h *console) addApp(teamID, regionName string, appID int64) {
	t := h.teams[teamID]
	if t == nil {
		t = &team{id: teamID, name: teamID, opened: make(map[string]bool)}
		h.teams[teamID] = t
	}
	t.opened[regionName] = true
	if _, known := h.regions[regionName]; !known {
		h.regions[regionName] = false // known; opened for all only by AddRegion
	}
	h.apps[appKey{teamID, regionName, appID}] = true
}

// SetTeamName gives the registered team teamID a name: the console finds a team by its id or by
// its name, so both then reach it. It fails if the team is not registered.
func (h *console) SetTeamName(teamID, name string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.teams[teamID]
	if t == nil {
		return errors.New("rainbondtest: unknown team")
	}
	t.name = name
	return nil
}

// SetComponentAlias gives the registered component c an alias (the console's service_alias, e.g.
// "gr1a2b3c"), which reaches it as well as c.ServiceID and from which the console derives new
// port aliases ("GR1A2B3C80") and k8s service names ("gr1a2b3c"). It fails if c is not registered.
func (h *console) SetComponentAlias(c rainbond.Component, alias string) error {
	return h.change(c, func(comp *component) { comp.alias = alias })
}

// AddRegion registers a region of the enterprise. If opened, every team is opened in it;
// otherwise only the teams with a component registered there are, and the others get the
// console's 409 (code 2001, the team is not initialized in the region). A region no component
// and no AddRegion names is unknown: 404, code 3000.
func (h *console) AddRegion(name string, opened bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.regions[name] = opened
}

// BindDomain binds a custom domain to port of component c, as a gateway rule made in the
// console's UI would: the console then refuses to delete that port (412, "contains custom
// domains") until the domain is unbound or the port's outer service is closed. The port need not
// exist. It fails if c is not registered or port is outside 1..65535.
func (h *console) BindDomain(c rainbond.Component, port int, domainName string) error {
	if port < 1 || port > 65535 {
		return fmt.Errorf("rainbondtest: port %d outside 1..65535", port)
	}
	return h.change(c, func(comp *component) {
		comp.domains[port] = append(comp.domains[port], &domain{name: domainName, custom: true, active: true})
	})
}

// SetRegionFault makes every later call that the console would send to a region fail with f,
// until it is called again with RegionHealthy. Lists never reach the region; adds, updates and
// deletes do once their own checks pass, in the console's order (for example a delete of an
// open port is still 409, and an http open_outer whose first gateway rule the region refuses is
// 412 "数据中心添加策略失败"). A failed call changes nothing.
func (h *console) SetRegionFault(f RegionFault) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fault = f
}

// SetRequestLogSize makes Requests keep the last n requests (at least 1; DefaultRequestLogSize
// until set). RequestCount still counts all of them.
func (h *console) SetRequestLogSize(n int) { h.log.SetLimit(n) }

// SetPort stores p as a port of the registered component c, replacing any port with the same
// ContainerPort, exactly as given: no alias or k8s service name is generated. It lets tests
// build states the API cannot reach, such as a port without an alias. It fails if c is not
// registered or p.ContainerPort is outside 1..65535.
func (h *console) SetPort(c rainbond.Component, p rainbond.Port) error {
	if p.ContainerPort < 1 || p.ContainerPort > 65535 {
		return fmt.Errorf("rainbondtest: port %d outside 1..65535", p.ContainerPort)
	}
	return h.change(c, func(comp *component) {
		cp := convert[wirePort](p)
		if old := comp.port(int64(p.ContainerPort)); old != nil {
			cp.row = old.row
			*old = cp
		} else {
			h.store(comp, &cp)
		}
	})
}

// Ports returns a copy of the ports of component c, sorted by container port, and whether c is
// registered.
func (h *console) Ports(c rainbond.Component) ([]rainbond.Port, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	comp := h.registered(c)
	if comp == nil {
		return nil, false
	}
	out := make([]rainbond.Port, len(comp.ports))
	for i, p := range comp.ports {
		out[i] = convert[rainbond.Port](p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ContainerPort < out[j].ContainerPort })
	return out, true
}

// RequestCount returns how many requests the handler received, whatever their outcome (401,
// 400 and 404 answers included), including those the request log no longer keeps.
func (h *console) RequestCount() int { return h.log.Count() }

// Requests returns a copy of the last requests the handler received (at most the request log
// size, DefaultRequestLogSize unless SetRequestLogSize changed it), oldest first.
func (h *console) Requests() []Request { return h.log.All() }

// ServeHTTP answers one request like the Rainbond console does.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.serve(w, r, true) }

// routes are the console's two routes (openapi/urls.py, openapi/sub_urls/app_url.py), the list
// and, with a port, the port's; matched against the decoded path as Django does. \w is
// Unicode-aware in Python: letters, digits (of any script) and "_". A final newline (%0A) matches
// no route either. It is compiled on first use, not at package initialisation: portctl links this
// package for `fake` and `demo`, and its other commands should not pay for the Unicode classes
// (about 800 allocations and milliseconds of every start).
var routes = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^/openapi/v1/teams/([\p{L}\p{N}_-]+)/regions/([\p{L}\p{N}_-]+)/apps/([\p{Nd}-]+)/services/([\p{L}\p{N}_-]+)/ports(?:/([\p{L}\p{N}_-]+))?$`)
})

// route is a request matched to one of the two views: ComponentPortsChangeView (/ports/{port})
// when port is set, else ComponentPortsShowView.
type route struct {
	team, region, app, service, port string
}

// serve records r and answers it; routable is false for requests outside a Server's prefix,
// which only get the console's HTML 404 page.
//
// The order is the console's: the URL (Django), authentication, the lookups of the view's
// initial() (team, region, team opened in the region, app, component), the method (405), then the
// body and the view's own checks.
func (h *console) serve(w http.ResponseWriter, r *http.Request, routable bool) {
	raw, tooLarge := h.log.Record(r, maxBodyBytes)
	m := routes().FindStringSubmatch(r.URL.Path)
	if !routable || m == nil {
		testserver.WriteHTML(w, http.StatusNotFound, notFoundPage)
		return
	}
	rt := route{team: m[1], region: m[2], app: m[3], service: m[4], port: m[5]}
	portView := rt.port != ""
	allow, viewName := "GET, POST, HEAD, OPTIONS", "Component Ports Show"
	if portView {
		allow, viewName = "PUT, DELETE, OPTIONS", "Component Ports Change"
	}
	w.Header().Set("Allow", allow)
	if rp := h.authenticate(r); rp.status != 0 {
		w.Header().Set("WWW-Authenticate", "Token")
		rp.write(w)
		return
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
		h.mu.RLock()
		defer h.mu.RUnlock()
	} else {
		h.mu.Lock()
		defer h.mu.Unlock()
	}
	comp, rp := h.lookup(rt)
	if rp.status != 0 {
		rp.write(w)
		return
	}
	if r.Method == http.MethodOptions {
		reply{status: http.StatusOK, body: optionsBody{
			Name: viewName, Description: "", Renders: []string{"application/json", "text/html"},
			Parses: []string{"application/json", "application/x-www-form-urlencoded", "multipart/form-data"},
		}}.write(w)
		return
	}
	var out reply
	switch {
	case !portView && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		out = success("查询成功", struct{}{}, comp.ports)
	case !portView && r.Method == http.MethodPost:
		out = h.withBody(r, raw, tooLarge, func(b *drf.Body) reply { return h.addPort(comp, b) })
	case portView && r.Method == http.MethodPut:
		out = h.withBody(r, raw, tooLarge, func(b *drf.Body) reply { return h.updatePort(comp, rt.port, b) })
	case portView && r.Method == http.MethodDelete:
		out = h.deletePort(comp, rt.port)
	default:
		out = apiException(http.StatusMethodNotAllowed, "方法 “"+r.Method+"” 不被允许。", "MethodNotAllowed")
	}
	out.write(w)
}

// withBody parses the body, then runs the view.
func (h *console) withBody(r *http.Request, raw []byte, tooLarge bool, view func(*drf.Body) reply) reply {
	if tooLarge {
		return apiException(http.StatusRequestEntityTooLarge, "Request body too large.", "ParseError")
	}
	b, perr := drf.Parse(r.Header.Get("Content-Type"), raw, maxBodyBytes)
	if perr != nil {
		return apiException(perr.Status, perr.Detail, perr.Type)
	}
	return view(b)
}

// authenticate is OpenAPIAuthentication (openapi/auth/authentication.py): the raw token in
// Authorization; a "Bearer " prefix is a wrong token. X-Internal-Token is tried first and, with no
// internal token configured, always refused. The zero reply lets the request through; a refusal
// is a 401, sent with `WWW-Authenticate: Token`.
func (h *console) authenticate(r *http.Request) reply {
	fail := func(detail string) reply {
		return apiException(http.StatusUnauthorized, detail, "AuthenticationFailed")
	}
	if r.Header.Get("X-Internal-Token") != "" {
		return fail("Invalid internal token")
	}
	values := r.Header.Values("Authorization")
	if len(values) == 0 || strings.Join(values, ",") == "" {
		return fail("No token")
	}
	if len(values) != 1 || h.token == "" || subtle.ConstantTimeCompare([]byte(values[0]), []byte(h.token)) != 1 {
		return fail("No such user or user is not admin")
	}
	return reply{}
}

// lookup resolves the path like TeamAppServiceAPIView.initial (openapi/views/base.py): team by id
// or name, region known, team opened in the region, app of the team in the region, component by id
// or alias in the team and region, component in the app. h.mu must be held.
func (h *console) lookup(rt route) (*component, reply) {
	t := h.teams[rt.team]
	if t == nil {
		for _, cand := range h.teams {
			if cand.name == rt.team {
				t = cand
				break
			}
		}
	}
	if t == nil {
		return nil, service(http.StatusNotFound, 404, "no found team", "团队不存在")
	}
	openedForAll, known := h.regions[rt.region]
	if !known {
		return nil, service(http.StatusNotFound, 3000, "the region is not found", "集群不存在")
	}
	if !openedForAll && !t.opened[rt.region] {
		return nil, service(http.StatusConflict, 2001, "the team is not initialized in the region", "团队未在该集群中初始化")
	}
	appID, ok := drf.Int(rt.app)
	if !ok {
		return nil, unhandled("ValueError", "builtins", "Field 'ID' expected a number but got '"+rt.app+"'.")
	}
	if !h.apps[appKey{t.id, rt.region, appID}] {
		return nil, service(http.StatusNotFound, 404, "no found app", "应用不存在")
	}
	inRegion := func(match func(c *component) bool) *component {
		for _, c := range h.comps {
			if c.key.team == t.id && c.key.region == rt.region && match(c) {
				return c
			}
		}
		return nil
	}
	comp := inRegion(func(c *component) bool { return c.key.service == rt.service })
	if comp == nil {
		comp = inRegion(func(c *component) bool { return c.alias == rt.service })
	}
	if comp == nil {
		return nil, service(http.StatusNotFound, 404, "no found component", "组件不存在")
	}
	// Only an app with components is checked (OB ~223-227).
	if comp.app != appID && inRegion(func(c *component) bool { return c.app == appID }) != nil {
		return nil, service(http.StatusNotFound, 404, "component not belong to this app", "组件不属于指定应用")
	}
	return comp, reply{}
}

// registered returns the component c as AddComponent registered it (in c.AppID), or nil. h.mu
// must be held.
func (h *console) registered(c rainbond.Component) *component {
	if comp := h.byKey[compKey{c.TeamID, c.RegionName, c.ServiceID}]; comp != nil && comp.app == c.AppID {
		return comp
	}
	return nil
}

// change runs f on the registered component c (see registered) under the write lock; it fails if c
// is not registered.
func (h *console) change(c rainbond.Component, f func(*component)) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	comp := h.registered(c)
	if comp == nil {
		return errors.New("rainbondtest: unknown component")
	}
	f(comp)
	return nil
}

// store adds p to comp as the next row of the console's port table.
func (h *console) store(comp *component, p *wirePort) {
	h.nextRow++
	p.row = h.nextRow
	comp.ports = append(comp.ports, p)
}

// port returns the port with container port n, or nil.
func (c *component) port(n int64) *wirePort {
	for _, p := range c.ports {
		if int64(p.ContainerPort) == n {
			return p
		}
	}
	return nil
}
