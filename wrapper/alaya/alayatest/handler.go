package alayatest

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/portsdk/portsdk/gen/alayaapi"
	"github.com/portsdk/portsdk/internal/fakes/testserver"
	"github.com/portsdk/portsdk/internal/runtime/alayasign"
	"github.com/portsdk/portsdk/wrapper/alaya"
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
// is refused. 9001 and 9002 are the system ports every instance lists.
var ReservedPorts = []int{22, 8888, 9001, 9002}

// SystemPorts are the system ports every instance lists under "ports", without a protocol: open
// to the internet by default (用于应用对外开放).
var SystemPorts = []int{9001, 9002}

// Request is one request the handler received, as recorded by Handler.Requests: its method, its
// target exactly as sent (escaped path and query, with any mount prefix), its headers and its body
// (at most 1 MiB of it).
type Request = testserver.Request

// Handler is the in-memory Alaya NeW CCI API behind a Server. It serves the port operations at
// paths relative to where it is mounted (/v1/cci/instance/...), so it can share one listener
// with other handlers, as the package documentation shows; signatures are verified over the path
// as the client sent it, mount prefix included. A Handler is safe for concurrent use.
type Handler struct{ *cci }

// cci is the state of a Handler; its exported methods are those of Handler and Server.
type cci struct {
	mu        sync.Mutex
	accessKey alaya.AccessKey
	keyState  KeyState
	apiKey    string           // "" refuses bearer keys
	now       func() time.Time // the clock signed timestamps are checked against
	instances map[string]*instance
	used      map[int]bool // allocated external ports
	next      int          // where the next allocation starts looking
	log       testserver.Log
}

type instance struct {
	system []alayaapi.OpenPort
	custom []alayaapi.OpenPort // in opening order
}

// NewHandler returns a Handler with no instances that accepts requests signed with a random
// AccessKey pair (see AccessKey and SetAccessKey) and, as the live service, no bearer key (see
// SetAPIKey).
func NewHandler() *Handler {
	return &Handler{&cci{
		accessKey: alaya.AccessKey{ID: "AK" + testserver.RandomHex(12), Secret: testserver.RandomHex(24)},
		now:       time.Now,
		instances: make(map[string]*instance),
		used:      make(map[int]bool),
		next:      ExternalPortMin,
	}}
}

// AccessKey returns the AccessKey pair whose signed requests the handler accepts.
func (h *Handler) AccessKey() alaya.AccessKey {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.accessKey
}

// SetAccessKey makes the handler accept requests signed with k, and no longer the previous pair.
func (h *Handler) SetAccessKey(k alaya.AccessKey) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.accessKey = k
}

// KeyState is the state of the handler's AccessKey pair in the console.
type KeyState int

const (
	// KeyActive is a usable key (the default).
	KeyActive KeyState = iota
	// KeyDisabled is a key disabled in the console: its signed requests get status 40004.
	KeyDisabled
	// KeyExpired is an expired key: its signed requests get status 40005.
	KeyExpired
)

// SetKeyState sets the state of the AccessKey pair, so that a test can see how its code handles
// a disabled (40004) or expired (40005) key.
func (h *cci) SetKeyState(state KeyState) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.keyState = state
}

// APIKey returns the bearer key the handler accepts, "" when it accepts none (the default).
func (h *Handler) APIKey() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.apiKey
}

// SetAPIKey makes the handler also accept `Authorization: Bearer <key>`, the form the API pages
// show, with the key compared exactly; "" accepts no bearer key again, as the live service.
func (h *Handler) SetAPIKey(key string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.apiKey = key
}

// SetClock replaces time.Now as the clock signed timestamps must fall within five minutes of;
// nil restores time.Now.
func (h *cci) SetClock(now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.now = now
}

// AddInstance registers an instance with its system ports (SystemPorts, each with an allocated
// external port) and no custom ports. Adding an instance that exists keeps its state. It panics
// if the external port range is exhausted (more than a thousand instances).
func (h *cci) AddInstance(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.instances[id]; ok {
		return
	}
	inst := &instance{custom: []alayaapi.OpenPort{}}
	for _, port := range SystemPorts {
		ext, ok := h.allocate()
		if !ok {
			panic("alayatest: no external port left for the system ports of " + id)
		}
		inst.system = append(inst.system, alayaapi.OpenPort{Port: port, ExternalHost: ExternalHost, ExternalPort: ext})
	}
	h.instances[id] = inst
}

// Ports returns a copy of the open ports of instance id (system ports in Ports, custom ports in
// CustomPorts, both non-nil) and whether the instance exists.
func (h *cci) Ports(id string) (alayaapi.OpenPortList, bool) {
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
func (h *cci) RequestCount() int { return h.log.Count() }

// Requests returns a copy of the last requests the handler received, oldest first: the last 1024,
// at most 8 MiB in all (bodies, URIs and headers; the newest is always kept, its body cut to fit).
func (h *cci) Requests() []Request { return h.log.All() }

// allocate takes a free external port. h.mu must be held.
func (h *cci) allocate() (int, bool) {
	size := ExternalPortMax - ExternalPortMin + 1
	for i := 0; i < size; i++ {
		p := ExternalPortMin + (h.next-ExternalPortMin+i)%size
		if !h.used[p] {
			h.used[p] = true
			h.next = p + 1 // past ExternalPortMax, the modulo wraps it to ExternalPortMin
			return p, true
		}
	}
	return 0, false
}

// ServeHTTP answers one request like the Alaya NeW Open API does.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.serve(w, r, true) }

// serve records r and answers it; routable is false for requests outside a Server's prefix,
// which only get the console's HTML page.
func (h *cci) serve(w http.ResponseWriter, r *http.Request, routable bool) {
	body, tooLarge := h.log.Record(r, maxBodyBytes)
	m, ok := matchPath(r.URL.EscapedPath())
	if !routable || !ok {
		// The live service answers a path outside its API with the console's page, HTTP 200.
		testserver.WriteHTML(w, http.StatusOK, websitePage)
		return
	}
	var a answer
	if status := h.authenticate(r); status != 0 {
		a = answer{http.StatusUnauthorized, envelope{Status: status, Message: authMessages[status]}}
	} else if r.Method != m.method {
		w.Header().Set("Allow", m.method)
		a = failure(http.StatusMethodNotAllowed, "Method Not Allowed")
	} else if tooLarge {
		a = failure(http.StatusBadRequest, "invalid request: body too large")
	} else if msg := checkBody(m.op, body); msg != "" {
		a = failure(http.StatusBadRequest, "invalid request: "+msg)
	} else {
		a = h.operate(m, body)
	}
	a.write(w)
}

// authenticate checks the Authorization header and returns 0 or the status of the 401 answer:
// 40401 without a credential; for a signed header, see verify, then 40004 or 40005 for a
// key made disabled or expired; a bearer key (accepted only after SetAPIKey) must be the key
// exactly, else 40006; any other form is 40001.
func (h *cci) authenticate(r *http.Request) int {
	h.mu.Lock()
	accessKey, keyState, apiKey, now := h.accessKey, h.keyState, h.apiKey, h.now
	h.mu.Unlock()
	values := r.Header.Values("Authorization")
	switch {
	case len(values) == 0 || len(values) == 1 && values[0] == "":
		return alaya.StatusNoCredential
	case len(values) > 1:
		return alaya.StatusMalformed
	}
	v := values[0]
	if scheme, key, ok := strings.Cut(v, " "); ok && apiKey != "" && strings.EqualFold(scheme, "Bearer") {
		if subtle.ConstantTimeCompare([]byte(key), []byte(apiKey)) != 1 {
			return alaya.StatusUnknownKey
		}
		return 0
	}
	switch status := verify(v, r.Method, signedPath(r), now(), accessKey); {
	case status != 0:
		return status
	case keyState == KeyDisabled:
		return alaya.StatusKeyDisabled
	case keyState == KeyExpired:
		return alaya.StatusKeyExpired
	}
	return 0
}

// authMessages are the messages of the 401 answers, by the statuses authenticate returns. Those of
// 40006 and 40401 are the live service's own (as measured); the others paraphrase its error table.
var authMessages = map[int]string{
	alaya.StatusNoCredential: "Login credential expired, please log in again",
	alaya.StatusTimestamp:    "Timestamp is invalid or outside the allowed window",
	alaya.StatusSignature:    "Signature verification failed",
	alaya.StatusUnknownKey:   "API key not found",
	alaya.StatusKeyDisabled:  "Access key is disabled",
	alaya.StatusKeyExpired:   "Access key has expired",
	alaya.StatusMalformed:    "Authorization header is missing or malformed",
}

// signedPath returns the escaped path of r as the client sent it (mount prefixes included,
// which http.StripPrefix removes from r.URL but not from r.RequestURI), without the query.
func signedPath(r *http.Request) string {
	uri := r.RequestURI
	if strings.HasPrefix(uri, "/") {
		p, _, _ := strings.Cut(uri, "?")
		return p
	}
	if uri != "" && uri != "*" {
		if u, err := url.ParseRequestURI(uri); err == nil {
			return alayasign.RequestPath(u)
		}
	}
	return alayasign.RequestPath(r.URL)
}

// The three operations.
const (
	opList = iota
	opOpen
	opClose
)

// pathMatch is a request path matched against the API's paths.
type pathMatch struct {
	op     int
	method string
	id     string // decoded instance id
}

// ops are the operations by the path after the instance id.
var ops = map[string]pathMatch{
	"open-port/list": {op: opList, method: http.MethodGet},
	"open-port":      {op: opOpen, method: http.MethodPost},
	"close-port":     {op: opClose, method: http.MethodPost},
}

// matchPath matches an escaped path (relative to the mount point) segment by segment, so an
// escaped "/" inside the instance id stays inside it.
func matchPath(escaped string) (pathMatch, bool) {
	rest, prefixed := strings.CutPrefix(escaped, "/v1/cci/instance/")
	rawID, op, _ := strings.Cut(rest, "/")
	id, err := url.PathUnescape(rawID)
	m, known := ops[op]
	m.id = id
	return m, prefixed && known && err == nil && id != ""
}

// checkBody checks the body of an operation as the service does and returns what is wrong
// ("port: must be between 1 and 65535; protocol: is required"), or "". Open takes a port
// (an integer in 1..65535) and a non-empty protocol; close a port. Other fields are ignored.
func checkBody(op int, body []byte) string {
	if op == opList {
		return ""
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return "body is required"
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return "body must be a JSON object"
	}
	var msgs []string
	if raw, ok := fields["port"]; !ok {
		msgs = append(msgs, "port: is required")
	} else if n, err := strconv.ParseInt(string(bytes.TrimSpace(raw)), 10, 64); err != nil {
		msgs = append(msgs, "port: must be an integer")
	} else if n < 1 || n > 65535 {
		msgs = append(msgs, "port: must be between 1 and 65535")
	}
	if op == opOpen {
		var protocol string
		if raw, ok := fields["protocol"]; !ok {
			msgs = append(msgs, "protocol: is required")
		} else if raw := bytes.TrimSpace(raw); len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &protocol) != nil {
			msgs = append(msgs, "protocol: must be a string")
		} else if protocol == "" {
			msgs = append(msgs, "protocol: must not be empty")
		}
	}
	return strings.Join(msgs, "; ")
}

// websitePage stands for the console's single-page app, which the live service answers for a
// path outside its API.
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

// The answers, and the operations on the state of a Handler, which requests reach authenticated
// and with their bodies checked (checkBody).

// answer is one answer: the HTTP status and the JSON body.
type answer struct {
	status int
	body   any
}

func (a answer) write(w http.ResponseWriter) { testserver.WriteJSON(w, a.status, a.body, true) }

// envelope is the body of every answer but an opened port's: {"status", "message", "data"}; data
// is left out when nil (the 401 answers have none).
type envelope struct {
	Status  int    `json:"status"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

// ok is a success envelope. The service always sends data, as an empty object if nothing else.
func ok(data any) answer {
	return answer{http.StatusOK, envelope{Status: http.StatusOK, Message: "OK", Data: data}}
}

// failure is an error envelope with the HTTP status as its status and an empty data object.
func failure(status int, message string) answer {
	return answer{status, envelope{Status: status, Message: message, Data: struct{}{}}}
}

func badRequest(format string, args ...any) answer {
	return failure(http.StatusBadRequest, fmt.Sprintf(format, args...))
}

// portList is data of the list answer, with both arrays always present.
type portList struct {
	Ports       []alayaapi.OpenPort `json:"ports"`
	CustomPorts []alayaapi.OpenPort `json:"customPorts"`
}

// operate decodes the body of an open or close into the operation's generated request type (with
// encoding/json, whose errors are the answer's message), then runs the operation on instance m.id
// (403 when the instance is unknown).
func (h *cci) operate(m pathMatch, body []byte) answer {
	var open alayaapi.OpenPortRequest
	var closing alayaapi.ClosePortRequest
	if dest := []any{opOpen: &open, opClose: &closing}[m.op]; dest != nil { // a list has no body
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(dest); err != nil {
			return failure(http.StatusBadRequest, "invalid request: can't decode JSON body: "+err.Error())
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	inst, found := h.instances[m.id]
	switch {
	case !found:
		return failure(http.StatusForbidden, "Forbidden")
	case m.op == opOpen:
		return h.openPort(inst, open)
	case m.op == opClose:
		return h.closePort(inst, closing.Port)
	}
	l := inst.list()
	return ok(portList{Ports: l.Ports, CustomPorts: l.CustomPorts})
}

// openPort opens a custom port and maps it to a free external port. It refuses (400) a reserved
// port, a port already open and an eleventh custom port; with no external port left it answers
// the page's 500 envelope. h.mu must be held.
func (h *cci) openPort(inst *instance, req alayaapi.OpenPortRequest) answer {
	port := req.Port
	if slices.Contains(ReservedPorts, port) {
		return badRequest("port %d is reserved by the system", port)
	}
	if slices.ContainsFunc(inst.custom, func(p alayaapi.OpenPort) bool { return p.Port == port }) {
		return badRequest("port %d is already open", port)
	}
	if len(inst.custom) >= MaxCustomPorts {
		return badRequest("an instance can have at most %d custom ports open", MaxCustomPorts)
	}
	ext, ok := h.allocate()
	if !ok {
		return failure(http.StatusInternalServerError, "Internal Server Error")
	}
	inst.custom = append(inst.custom, alayaapi.OpenPort{Port: port, Protocol: req.Protocol, ExternalHost: ExternalHost, ExternalPort: ext})
	return answer{http.StatusOK, alayaapi.PortMappingEnvelope{
		Status:  http.StatusOK,
		Message: "OK",
		Data:    alayaapi.PortMapping{ExternalPort: ext, InternalPort: port, Protocol: req.Protocol},
	}}
}

// closePort closes a custom port and frees its external port. It refuses (400) a reserved port
// and a port that is not open. h.mu must be held.
func (h *cci) closePort(inst *instance, port int) answer {
	if slices.Contains(ReservedPorts, port) {
		return badRequest("port %d is reserved by the system and cannot be closed", port)
	}
	for i, p := range inst.custom {
		if p.Port == port {
			delete(h.used, p.ExternalPort)
			inst.custom = append(inst.custom[:i], inst.custom[i+1:]...)
			return ok(struct{}{})
		}
	}
	return badRequest("port %d is not open", port)
}
