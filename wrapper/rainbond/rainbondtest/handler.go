package rainbondtest

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/portsdk/portsdk/gen/rainbondapi"
	"github.com/portsdk/portsdk/internal/testserver"
	"github.com/portsdk/portsdk/specs"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// maxBodyBytes caps the request bodies the handler reads.
const maxBodyBytes = 1 << 20

// Request is one request the handler received, as recorded by Handler.Requests: its method, its
// target exactly as sent (escaped path and query, with any mount prefix), its headers and its body
// (at most 1 MiB of it).
type Request = testserver.Request

// Handler is the in-memory Rainbond console behind a Server. It serves the component-port API at
// paths relative to where it is mounted (/openapi/v1/teams/...), so it can share one listener with
// other handlers:
//
//	mux := http.NewServeMux()
//	mux.Handle("/rainbond/", http.StripPrefix("/rainbond", rainbondtest.NewHandler(token)))
//
// The base URL for the client is then the listener's URL + "/rainbond". A Handler is safe for
// concurrent use.
type Handler struct {
	token string
	doc   *openapi3.T
	// routes maps "METHOD /spec/path" to the operation of the spec.
	routes map[string]*routers.Route
	api    *rainbondapi.ServerInterfaceWrapper

	mu    sync.Mutex
	comps map[compKey]*component
	log   testserver.Log
}

// NewHandler returns an empty Handler that accepts the access token token (sent raw, as
// `Authorization: <token>`). It panics if the embedded spec does not load, which cannot happen
// with a spec that passed the repository's tests.
func NewHandler(token string) *Handler {
	doc, err := loadSpec()
	if err != nil {
		panic("rainbondtest: " + err.Error())
	}
	h := &Handler{
		token:  token,
		doc:    doc,
		routes: make(map[string]*routers.Route),
		comps:  make(map[compKey]*component),
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			h.routes[method+" "+path] = &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
		}
	}
	strict := rainbondapi.NewStrictHandlerWithOptions(&api{h: h}, nil, rainbondapi.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: func(w http.ResponseWriter, _ *http.Request, err error) {
			writeJSON(w, http.StatusBadRequest, validationError(map[string][]string{"non_field_errors": {err.Error()}}))
		},
		ResponseErrorHandlerFunc: func(w http.ResponseWriter, _ *http.Request, err error) {
			writeJSON(w, http.StatusInternalServerError, unhandledError(err.Error(), "Exception"))
		},
	})
	h.api = &rainbondapi.ServerInterfaceWrapper{
		Handler: strict,
		ErrorHandlerFunc: func(w http.ResponseWriter, _ *http.Request, err error) {
			field := "non_field_errors"
			var pe *rainbondapi.InvalidParamFormatError
			if errors.As(err, &pe) {
				field = pe.ParamName
			}
			writeJSON(w, http.StatusBadRequest, validationError(map[string][]string{field: {err.Error()}}))
		},
	}
	return h
}

// loadSpec loads and checks specs/rainbond.yaml. Each Handler has its own copy.
func loadSpec() (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(specs.Rainbond)
	if err != nil {
		return nil, fmt.Errorf("load spec: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("invalid spec: %w", err)
	}
	return doc, nil
}

// AddComponent registers a component (team, region, app and service) with no ports. Adding a
// component that already exists keeps its ports.
func (h *Handler) AddComponent(c rainbond.Component) {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := keyOf(c)
	if _, ok := h.comps[k]; !ok {
		h.comps[k] = &component{key: k, ports: make(map[int]*rainbondapi.Port)}
	}
}

// SetPort stores p as a port of the registered component c, replacing any port with the same
// ContainerPort, exactly as given: no alias or k8s service name is generated. It lets tests
// build states the API cannot reach, such as a port without an alias. It fails if c is not
// registered or p.ContainerPort is outside 1..65535.
func (h *Handler) SetPort(c rainbond.Component, p rainbond.Port) error {
	if p.ContainerPort < 1 || p.ContainerPort > 65535 {
		return fmt.Errorf("rainbondtest: port %d outside 1..65535", p.ContainerPort)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	comp, ok := h.comps[keyOf(c)]
	if !ok {
		return errors.New("rainbondtest: unknown component")
	}
	cp := rainbondapi.Port(p)
	comp.ports[p.ContainerPort] = &cp
	return nil
}

// Ports returns a copy of the ports of component c, sorted by container port, and whether c is
// registered.
func (h *Handler) Ports(c rainbond.Component) ([]rainbond.Port, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	comp, ok := h.comps[keyOf(c)]
	if !ok {
		return nil, false
	}
	ports := comp.sortedPorts()
	out := make([]rainbond.Port, len(ports))
	for i, p := range ports {
		out[i] = rainbond.Port(p)
	}
	return out, true
}

// RequestCount returns how many requests the handler received, whatever their outcome (401,
// 400 and 404 answers included).
func (h *Handler) RequestCount() int {
	return h.log.Count()
}

// Requests returns a copy of every request the handler received, oldest first.
func (h *Handler) Requests() []Request {
	return h.log.All()
}

// ServeHTTP answers one request like the Rainbond console does.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, true)
}

// serve records r and answers it; routable is false for requests outside a Server's prefix,
// which only get the console's HTML 404 page.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, routable bool) {
	body, tooLarge := h.log.Record(r, maxBodyBytes)
	m, ok := matchPath(r.URL.EscapedPath())
	if !routable || !ok {
		// Django answers unknown URLs (a trailing slash, a letter in app_id) with an HTML page.
		writeHTMLNotFound(w)
		return
	}
	if !h.authorized(r.Header.Values("Authorization")) {
		msg := "Invalid token"
		if r.Header.Get("Authorization") == "" {
			msg = "No token"
		}
		w.Header().Set("WWW-Authenticate", "Token")
		writeJSON(w, http.StatusUnauthorized, rainbondapi.ErrorEnvelope{
			Detail: msg, Code: http.StatusUnauthorized, Msg: msg, MsgShow: msg, ErrorType: "AuthenticationFailed",
		})
		return
	}
	route := h.routes[r.Method+" "+m.specPath]
	if route == nil {
		allow := []string{}
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
			if h.routes[method+" "+m.specPath] != nil {
				allow = append(allow, method)
			}
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		msg := fmt.Sprintf("Method %q not allowed.", r.Method)
		writeJSON(w, http.StatusMethodNotAllowed, rainbondapi.ErrorEnvelope{
			Detail: msg, Code: http.StatusMethodNotAllowed, Msg: msg, MsgShow: msg, ErrorType: "MethodNotAllowed",
		})
		return
	}
	if tooLarge {
		writeJSON(w, http.StatusBadRequest, validationError(map[string][]string{"non_field_errors": {"request body too large"}}))
		return
	}

	paramErrs, bodyErrs := h.validate(r, body, route, m.params)
	if len(paramErrs) > 0 {
		writeJSON(w, http.StatusBadRequest, validationError(paramErrs))
		return
	}
	// The console resolves team, app and component before it parses the body.
	if appID, err := strconv.ParseInt(m.params["app_id"], 10, 64); err == nil {
		h.mu.Lock()
		_, errResp := h.lookup(m.params["team_id"], m.params["region_name"], appID, m.params["service_id"])
		h.mu.Unlock()
		if errResp != nil {
			writeJSON(w, http.StatusNotFound, errResp)
			return
		}
	}
	if len(bodyErrs) > 0 {
		writeJSON(w, http.StatusBadRequest, validationError(bodyErrs))
		return
	}

	for name, value := range m.params {
		r.SetPathValue(name, value)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	switch route.Operation.OperationID {
	case "listPorts":
		h.api.ListPorts(w, r)
	case "addPort":
		h.api.AddPort(w, r)
	case "updatePort":
		h.api.UpdatePort(w, r)
	case "deletePort":
		h.api.DeletePort(w, r)
	default:
		writeJSON(w, http.StatusInternalServerError, unhandledError("no handler for "+route.Operation.OperationID, "NotImplementedError"))
	}
}

// authorized reports whether the Authorization header is exactly the token: the console takes
// the raw token, so "Bearer <token>" fails like any other wrong value.
func (h *Handler) authorized(values []string) bool {
	if len(values) != 1 || values[0] == "" || h.token == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(values[0]), []byte(h.token)) == 1
}

// pathMatch is a request path matched against the spec's paths.
type pathMatch struct {
	specPath string
	// params holds the decoded path parameters by name.
	params map[string]string
}

const (
	listPath = "/openapi/v1/teams/{team_id}/regions/{region_name}/apps/{app_id}/services/{service_id}/ports"
	portPath = listPath + "/{port}"
)

var (
	// The console's URL patterns: app_id is [\d\-]+ and port is [\w\-]+; other IDs are taken as
	// they come (the client escapes them).
	appIDPattern = regexp.MustCompile(`^[0-9-]+$`)
	portPattern  = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// matchPath matches an escaped path (relative to the mount point) segment by segment, so an
// escaped "/" inside an ID stays inside that ID.
func matchPath(escaped string) (pathMatch, bool) {
	segs := strings.Split(escaped, "/")
	if len(segs) != 12 && len(segs) != 13 {
		return pathMatch{}, false
	}
	fixed := map[int]string{0: "", 1: "openapi", 2: "v1", 3: "teams", 5: "regions", 7: "apps", 9: "services", 11: "ports"}
	for i, want := range fixed {
		if segs[i] != want {
			return pathMatch{}, false
		}
	}
	names := map[int]string{4: "team_id", 6: "region_name", 8: "app_id", 10: "service_id", 12: "port"}
	params := make(map[string]string, len(names))
	for i, name := range names {
		if i >= len(segs) {
			continue
		}
		v, err := url.PathUnescape(segs[i])
		if err != nil || v == "" {
			return pathMatch{}, false
		}
		params[name] = v
	}
	if !appIDPattern.MatchString(params["app_id"]) {
		return pathMatch{}, false
	}
	if len(segs) == 12 {
		return pathMatch{specPath: listPath, params: params}, true
	}
	if !portPattern.MatchString(params["port"]) {
		return pathMatch{}, false
	}
	return pathMatch{specPath: portPath, params: params}, true
}

// validate checks the request against the spec and returns the failures by field, split into
// path parameter errors and body errors. Two failures are left to the handlers, because the
// real console answers them with its own statuses: a container port above 65535 in the POST
// body (412) and an out-of-range integer port in the path (404, no such port).
func (h *Handler) validate(r *http.Request, body []byte, route *routers.Route, params map[string]string) (paramErrs, bodyErrs map[string][]string) {
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = nil
	input := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:          true,
			SkipSettingDefaults: true,
			// Authentication is checked before validation, with the console's own 401 answer.
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	}
	err := openapi3filter.ValidateRequest(r.Context(), input)
	if err == nil {
		return nil, nil
	}
	paramErrs = make(map[string][]string)
	bodyErrs = make(map[string][]string)
	for _, fe := range flattenErrors(err) {
		if fe.param != "" {
			if fe.param == "port" && fe.rangeOnly {
				if _, perr := strconv.Atoi(params["port"]); perr == nil {
					continue
				}
			}
			paramErrs[fe.param] = append(paramErrs[fe.param], fe.msg)
			continue
		}
		if route.Method == http.MethodPost && fe.field == "port" && fe.schemaField == "maximum" {
			continue
		}
		bodyErrs[fe.field] = append(bodyErrs[fe.field], fe.msg)
	}
	if len(paramErrs) == 0 {
		paramErrs = nil
	}
	if len(bodyErrs) == 0 {
		bodyErrs = nil
	}
	return paramErrs, bodyErrs
}

// fieldError is one validation failure.
type fieldError struct {
	param       string // path parameter name, or ""
	field       string // body field (first element of the JSON pointer), or non_field_errors
	schemaField string // the schema keyword that failed, e.g. "maximum"
	rangeOnly   bool   // a minimum or maximum failure of a parameter
	msg         string
}

// flattenErrors turns the (multi-)errors of openapi3filter.ValidateRequest into field errors.
func flattenErrors(err error) []fieldError {
	var out []fieldError
	var walk func(err error, param string)
	walk = func(err error, param string) {
		switch e := err.(type) {
		case openapi3.MultiError:
			for _, item := range e {
				walk(item, param)
			}
			return
		case *openapi3filter.RequestError:
			p := param
			if e.Parameter != nil {
				p = e.Parameter.Name
			}
			switch e.Err.(type) {
			case openapi3.MultiError, *openapi3.SchemaError:
				walk(e.Err, p)
				return
			}
			msg := e.Reason
			if msg == "" && e.Err != nil {
				msg = e.Err.Error()
			}
			if msg == "" {
				msg = e.Error()
			}
			out = append(out, fieldError{param: p, field: "non_field_errors", msg: msg})
			return
		case *openapi3.SchemaError:
			fe := fieldError{param: param, field: "non_field_errors", schemaField: e.SchemaField, msg: e.Reason}
			if ptr := e.JSONPointer(); len(ptr) > 0 {
				fe.field = ptr[0]
			}
			fe.rangeOnly = e.SchemaField == "minimum" || e.SchemaField == "maximum"
			out = append(out, fe)
			return
		}
		out = append(out, fieldError{param: param, field: "non_field_errors", msg: err.Error()})
	}
	walk(err, "")
	return out
}

// compKey identifies a component by the four path parameters.
type compKey struct {
	team, region string
	app          int64
	service      string
}

func keyOf(c rainbond.Component) compKey {
	return compKey{team: c.TeamID, region: c.RegionName, app: c.AppID, service: c.ServiceID}
}

// component is the state of one registered component.
type component struct {
	key   compKey
	ports map[int]*rainbondapi.Port
}

func (c *component) sortedPorts() []rainbondapi.Port {
	out := make([]rainbondapi.Port, 0, len(c.ports))
	for _, p := range c.ports {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ContainerPort < out[j].ContainerPort })
	return out
}

// lookup resolves a component like the console's views do: team first, then the app (which
// belongs to a team and a region), then the component. h.mu must be held.
func (h *Handler) lookup(team, region string, app int64, service string) (*component, *rainbondapi.ErrorEnvelope) {
	var teamFound, appFound bool
	for k := range h.comps {
		if k.team != team {
			continue
		}
		teamFound = true
		if k.region == region && k.app == app {
			appFound = true
		}
	}
	switch {
	case !teamFound:
		return nil, serviceError(http.StatusNotFound, "no found team", "团队不存在")
	case !appFound:
		return nil, serviceError(http.StatusNotFound, "no found app", "应用不存在")
	}
	comp, ok := h.comps[compKey{team: team, region: region, app: app, service: service}]
	if !ok {
		return nil, serviceError(http.StatusNotFound, "no found component", "组件不存在")
	}
	return comp, nil
}

// serviceError is the console's service error body: {code, msg, msg_show, data: {bean: {}, list: []}}.
func serviceError(code int, msg, msgShow string) *rainbondapi.ErrorEnvelope {
	return &rainbondapi.ErrorEnvelope{
		Code:    code,
		Msg:     msg,
		MsgShow: msgShow,
		Data:    map[string]interface{}{"bean": map[string]interface{}{}, "list": []interface{}{}},
	}
}

// validationError is the console's 400 body for a request that fails validation.
func validationError(fields map[string][]string) *rainbondapi.ErrorEnvelope {
	return &rainbondapi.ErrorEnvelope{Detail: "参数错误", Err: fields, Code: 20400, ErrorType: "ValidationError"}
}

// unhandledError is the console's 500 body for an exception the view did not catch.
func unhandledError(msg, errorType string) *rainbondapi.ErrorEnvelope {
	return &rainbondapi.ErrorEnvelope{
		Code:      10401,
		Msg:       msg,
		MsgShow:   "Traceback (most recent call last):\n  File \"/app/ui/console/views/base.py\", line 538, in dispatch\n    response = handler(request, *args, **kwargs)\n" + errorType + ": " + msg,
		ErrorType: errorType,
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// notFoundPage is Django's 404 page (DEBUG off).
const notFoundPage = `<!doctype html>
<html lang="en">
<head>
  <title>Not Found</title>
</head>
<body>
  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>
</body>
</html>
`

func writeHTMLNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, notFoundPage)
}
