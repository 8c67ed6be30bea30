package alayatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/portsdk/portsdk/gen/alayaapi"
	"github.com/portsdk/portsdk/internal/fakes/testserver"
)

// The three operations on the state of a Handler. Requests reach them authenticated and with
// their bodies checked (checkBody).

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
func (h *Handler) operate(m pathMatch, body []byte) answer {
	var open alayaapi.OpenPortRequest
	var closing alayaapi.ClosePortRequest
	var err error
	switch m.op {
	case opOpen:
		err = json.NewDecoder(bytes.NewReader(body)).Decode(&open)
	case opClose:
		err = json.NewDecoder(bytes.NewReader(body)).Decode(&closing)
	}
	if err != nil {
		return failure(http.StatusBadRequest, "invalid request: can't decode JSON body: "+err.Error())
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
func (h *Handler) openPort(inst *instance, req alayaapi.OpenPortRequest) answer {
	port := req.Port
	if slices.Contains(ReservedPorts, port) {
		return badRequest("port %d is reserved by the system", port)
	}
	for _, p := range inst.custom {
		if p.Port == port {
			return badRequest("port %d is already open", port)
		}
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
func (h *Handler) closePort(inst *instance, port int) answer {
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
