package alayatest

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
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/portsdk/portsdk/gen/alayaapi"
	"github.com/portsdk/portsdk/internal/testserver"
	"github.com/portsdk/portsdk/specs"
)

const (
	// MaxCustomPorts is how many custom ports an instance may have open at once.
	MaxCustomPorts = 10
	// ExternalPortMin and ExternalPortMax bound the external ports the handler allocates.
	ExternalPortMin, ExternalPortMax = 30000, 32767
	// ExternalHost is the externalHost of every open port.
	ExternalHost = "127.0.0.1"

	// maxBodyBytes caps the request bodies the handler reads.
	maxBodyBytes = 1 << 20
)

// ReservedPorts are the container ports the platform keeps for itself: opening or closing them
// is refused. 22 and 8888 are listed as the instance's system ports.
var ReservedPorts = []int{22, 8888, 9001, 9002}

// systemPorts are the system ports every instance lists, with their protocols ("" = none, as
// the list page says system ports have no protocol).
var systemPorts = []struct {
	port     int
	protocol string
}{{22, ""}, {8888, "http/https"}}

// Request is one request the handler received, as recorded by Handler.Requests: its method, its
// target exactly as sent (escaped path and query, with any mount prefix), its headers and its body
// (at most 1 MiB of it).
type Request = testserver.Request

// Handler is the in-memory Alaya NeW CCI API behind a Server. It serves the port operations at
// paths relative to where it is mounted (/v1/cci/instance/...), so it can share one listener
// with other handlers:
//
//	mux := http.NewServeMux()
//	mux.Handle("/alaya/", http.StripPrefix("/alaya", alayatest.NewHandler(apiKey)))
//
// The base URL for the client is then the listener's URL + "/alaya". A Handler is safe for
// concurrent use.
type Handler struct {
	apiKey string
	routes map[string]*routers.Route // "METHOD /spec/path" -> operation
	api    *alayaapi.ServerInterfaceWrapper

	mu        sync.Mutex
	instances map[string]*instance
	used      map[int]bool // allocated external ports
	next      int          // where the next allocation starts looking
	log       testserver.Log
}

// instance is the state of one instance.
type instance struct {
	system []alayaapi.OpenPort
	custom []alayaapi.OpenPort // in opening order
}

// NewHandler returns a Handler with no instances that accepts the Open API key apiKey (sent as
// `Authorization: Bearer <apiKey>`). It panics if the embedded spec does not load, which cannot
// happen with a spec that passed the repository's tests.
func NewHandler(apiKey string) *Handler {
	doc, err := openapi3.NewLoader().LoadFromData(specs.Alaya)
	if err == nil {
		err = doc.Validate(context.Background())
	}
	if err != nil {
		panic("alayatest: spec: " + err.Error())
	}
	h := &Handler{
		apiKey:    apiKey,
		routes:    make(map[string]*routers.Route),
		instances: make(map[string]*instance),
		used:      make(map[int]bool),
		next:      ExternalPortMin,
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			h.routes[method+" "+path] = &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}
		}
	}
	strict := alayaapi.NewStrictHandlerWithOptions(&api{h: h}, nil, alayaapi.StrictHTTPServerOptions{
		RequestErrorHandlerFunc: func(w http.ResponseWriter, _ *http.Request, err error) {
			writeEnvelope(w, http.StatusBadRequest, http.StatusBadRequest, "invalid request: "+err.Error(), emptyData())
		},
		ResponseErrorHandlerFunc: func(w http.ResponseWriter, _ *http.Request, _ error) {
			writeEnvelope(w, http.StatusInternalServerError, http.StatusInternalServerError, "Internal Server Error", emptyData())
		},
	})
	h.api = &alayaapi.ServerInterfaceWrapper{
		Handler: strict,
		ErrorHandlerFunc: func(w http.ResponseWriter, _ *http.Request, err error) {
			writeEnvelope(w, http.StatusBadRequest, http.StatusBadRequest, "invalid request: "+err.Error(), emptyData())
		},
	}
	return h
}

// AddInstance registers an instance with its system ports (22 and 8888, each with an allocated
// external port) and no custom ports. Adding an instance that exists keeps its state. It panics
// if the external port range is exhausted (more than a thousand instances).
func (h *Handler) AddInstance(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.instances[id]; ok {
		return
	}
	inst := &instance{custom: []alayaapi.OpenPort{}}
	for _, sp := range systemPorts {
		ext, ok := h.allocate()
		if !ok {
			panic("alayatest: no external port left for the system ports of " + id)
		}
		inst.system = append(inst.system, alayaapi.OpenPort{Port: sp.port, Protocol: sp.protocol, ExternalHost: ExternalHost, ExternalPort: ext})
	}
	h.instances[id] = inst
}

// Ports returns a copy of the open ports of instance id (system ports in Ports, custom ports in
// CustomPorts, both non-nil) and whether the instance exists.
func (h *Handler) Ports(id string) (alayaapi.OpenPortList, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	inst, ok := h.instances[id]
	if !ok {
		return alayaapi.OpenPortList{}, false
	}
	return inst.list(), true
}

func (inst *instance) list() alayaapi.OpenPortList {
	return alayaapi.OpenPortList{
		Ports:       append([]alayaapi.OpenPort{}, inst.system...),
		CustomPorts: append([]alayaapi.OpenPort{}, inst.custom...),
	}
}

// RequestCount returns how many requests the handler received, whatever their outcome (401,
// 400 and 403 answers included).
func (h *Handler) RequestCount() int {
	return h.log.Count()
}

// Requests returns a copy of every request the handler received, oldest first.
func (h *Handler) Requests() []Request {
	return h.log.All()
}

// allocate takes a free external port. h.mu must be held.
func (h *Handler) allocate() (int, bool) {
	size := ExternalPortMax - ExternalPortMin + 1
	for i := 0; i < size; i++ {
		p := ExternalPortMin + (h.next-ExternalPortMin+i)%size
		if !h.used[p] {
			h.used[p] = true
			h.next = p + 1
			if h.next > ExternalPortMax {
				h.next = ExternalPortMin
			}
			return p, true
		}
	}
	return 0, false
}

// ServeHTTP answers one request like the Alaya NeW Open API does.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.serve(w, r, true)
}

// serve records r and answers it; routable is false for requests outside a Server's prefix,
// which only get the website's HTML page.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, routable bool) {
	body, tooLarge := h.log.Record(r, maxBodyBytes)
	m, ok := matchPath(r.URL.EscapedPath())
	if !routable || !ok {
		// The live service answers a wrong path with its website, HTTP 200 (alaya-notes.md).
		writeWebsite(w)
		return
	}
	switch key := h.apiKeyOf(r.Header.Values("Authorization")); {
	case key == "":
		writeEnvelope(w, http.StatusUnauthorized, 40401, "Unauthorized: no credentials", emptyData())
		return
	case subtle.ConstantTimeCompare([]byte(key), []byte(h.apiKey)) != 1 || h.apiKey == "":
		writeEnvelope(w, http.StatusUnauthorized, 40006, "Unauthorized: invalid API key", emptyData())
		return
	}
	route := h.routes[r.Method+" "+m.specPath]
	if route == nil {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			if h.routes[method+" "+m.specPath] != nil {
				w.Header().Set("Allow", method)
			}
		}
		writeEnvelope(w, http.StatusMethodNotAllowed, http.StatusMethodNotAllowed, "Method Not Allowed", emptyData())
		return
	}
	if tooLarge {
		writeEnvelope(w, http.StatusBadRequest, http.StatusBadRequest, "invalid request: body too large", emptyData())
		return
	}
	if msg := validate(r, body, route, m.id); msg != "" {
		writeEnvelope(w, http.StatusBadRequest, http.StatusBadRequest, "invalid request: "+msg, emptyData())
		return
	}
	r.SetPathValue("id", m.id)
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	switch route.Operation.OperationID {
	case "listOpenPorts":
		h.api.ListOpenPorts(w, r)
	case "openPort":
		h.api.OpenPort(w, r)
	case "closePort":
		h.api.ClosePort(w, r)
	default:
		writeEnvelope(w, http.StatusInternalServerError, http.StatusInternalServerError, "Internal Server Error", emptyData())
	}
}

// apiKeyOf returns the key of a single `Authorization: Bearer <key>` header (the scheme is
// case-insensitive), "" when there is none, and a non-empty value that never matches for any
// other form.
func (h *Handler) apiKeyOf(values []string) string {
	if len(values) == 0 || len(values) == 1 && values[0] == "" {
		return ""
	}
	if len(values) > 1 {
		return "\x00invalid"
	}
	scheme, key, _ := strings.Cut(strings.TrimSpace(values[0]), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "\x00invalid"
	}
	if key = strings.TrimSpace(key); key == "" {
		return ""
	}
	return key
}

// pathMatch is a request path matched against the spec's paths.
type pathMatch struct {
	specPath string
	id       string // decoded instance id
}

// matchPath matches an escaped path (relative to the mount point) segment by segment, so an
// escaped "/" inside the instance id stays inside it.
func matchPath(escaped string) (pathMatch, bool) {
	segs := strings.Split(escaped, "/")
	if len(segs) < 6 || segs[0] != "" || segs[1] != "v1" || segs[2] != "cci" || segs[3] != "instance" {
		return pathMatch{}, false
	}
	id, err := url.PathUnescape(segs[4])
	if err != nil || id == "" {
		return pathMatch{}, false
	}
	switch strings.Join(segs[5:], "/") {
	case "open-port/list":
		return pathMatch{specPath: "/v1/cci/instance/{id}/open-port/list", id: id}, true
	case "open-port":
		return pathMatch{specPath: "/v1/cci/instance/{id}/open-port", id: id}, true
	case "close-port":
		return pathMatch{specPath: "/v1/cci/instance/{id}/close-port", id: id}, true
	}
	return pathMatch{}, false
}

// validate checks the request against the spec and returns the failures as one message
// ("port: number must be at most 65535; ..."), or "".
func validate(r *http.Request, body []byte, route *routers.Route, id string) string {
	req := r.Clone(r.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = nil
	input := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: map[string]string{"id": id},
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:          true,
			SkipSettingDefaults: true,
			// Authentication is checked before validation, with the API's own 401 answers.
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		},
	}
	err := openapi3filter.ValidateRequest(r.Context(), input)
	if err == nil {
		return ""
	}
	msgs := flattenErrors(err, "")
	sort.Strings(msgs)
	return strings.Join(msgs, "; ")
}

// flattenErrors turns the (multi-)errors of openapi3filter.ValidateRequest into "field: reason"
// messages.
func flattenErrors(err error, field string) []string {
	prefix := func(f, msg string) string {
		if f == "" {
			return msg
		}
		return f + ": " + msg
	}
	switch e := err.(type) {
	case openapi3.MultiError:
		var out []string
		for _, item := range e {
			out = append(out, flattenErrors(item, field)...)
		}
		return out
	case *openapi3filter.RequestError:
		f := field
		if e.Parameter != nil {
			f = e.Parameter.Name
		}
		switch e.Err.(type) {
		case openapi3.MultiError, *openapi3.SchemaError:
			return flattenErrors(e.Err, f)
		}
		msg := e.Reason
		if msg == "" && e.Err != nil {
			msg = e.Err.Error()
		}
		if msg == "" {
			msg = e.Error()
		}
		return []string{prefix(f, msg)}
	case *openapi3.SchemaError:
		f := field
		if ptr := e.JSONPointer(); len(ptr) > 0 {
			f = strings.Join(ptr, ".")
		}
		return []string{prefix(f, e.Reason)}
	}
	return []string{prefix(field, err.Error())}
}

// envelope is the body of every answer: {"status", "message", "data"}, data always present.
type envelope struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
	Data    any    `json:"data"`
}

func emptyData() map[string]any { return map[string]any{} }

func writeEnvelope(w http.ResponseWriter, httpStatus, status int, message string, data any) {
	b, err := json.Marshal(envelope{Status: status, Message: message, Data: data})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpStatus)
	_, _ = w.Write(append(b, '\n'))
}

// websitePage stands for the website's page the live service answers for a wrong path.
const websitePage = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>九章智算云 Alaya NeW</title>
</head>
<body>
  <div id="app"></div>
</body>
</html>
`

func writeWebsite(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, websitePage)
}

// errNoExternalPort is returned when the external port range is exhausted.
var errNoExternalPort = errors.New("no external port left")

// isReserved reports whether port is one of ReservedPorts.
func isReserved(port int) bool {
	for _, p := range ReservedPorts {
		if p == port {
			return true
		}
	}
	return false
}

// errorResponse answers an error envelope from any of the three operations.
type errorResponse struct {
	httpStatus int
	status     int
	message    string
}

func (e errorResponse) write(w http.ResponseWriter) error {
	writeEnvelope(w, e.httpStatus, e.status, e.message, emptyData())
	return nil
}

func (e errorResponse) VisitListOpenPortsResponse(w http.ResponseWriter) error { return e.write(w) }
func (e errorResponse) VisitOpenPortResponse(w http.ResponseWriter) error      { return e.write(w) }
func (e errorResponse) VisitClosePortResponse(w http.ResponseWriter) error     { return e.write(w) }

func badRequest(format string, args ...any) errorResponse {
	return errorResponse{httpStatus: http.StatusBadRequest, status: http.StatusBadRequest, message: fmt.Sprintf(format, args...)}
}

var forbidden = errorResponse{httpStatus: http.StatusForbidden, status: http.StatusForbidden, message: "Forbidden"}
