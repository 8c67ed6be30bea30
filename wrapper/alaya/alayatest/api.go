package alayatest

import (
	"context"
	"net/http"

	"github.com/portsdk/portsdk/gen/alayaapi"
)

// api implements alayaapi.StrictServerInterface on the state of a Handler. Requests reach it
// authenticated and with their bodies checked (checkBody).
type api struct {
	h *Handler
}

var _ alayaapi.StrictServerInterface = (*api)(nil)

// okResponse is a success envelope {"status": 200, "message": "OK", "data": ...}. The generated
// types omit empty arrays and an empty data object, which the service always sends.
type okResponse struct {
	data any
}

func (o okResponse) write(w http.ResponseWriter) error {
	writeEnvelope(w, http.StatusOK, http.StatusOK, "OK", o.data)
	return nil
}

func (o okResponse) VisitListOpenPortsResponse(w http.ResponseWriter) error { return o.write(w) }
func (o okResponse) VisitClosePortResponse(w http.ResponseWriter) error     { return o.write(w) }

// portList is data of the list answer, with both arrays always present.
type portList struct {
	Ports       []alayaapi.OpenPort `json:"ports"`
	CustomPorts []alayaapi.OpenPort `json:"customPorts"`
}

// ListOpenPorts answers the system ports and the custom ports (in opening order).
func (a *api) ListOpenPorts(_ context.Context, req alayaapi.ListOpenPortsRequestObject) (alayaapi.ListOpenPortsResponseObject, error) {
	a.h.mu.Lock()
	defer a.h.mu.Unlock()
	inst, ok := a.h.instances[req.Id]
	if !ok {
		return forbidden, nil
	}
	l := inst.list()
	return okResponse{data: portList{Ports: l.Ports, CustomPorts: l.CustomPorts}}, nil
}

// OpenPort opens a custom port and maps it to a free external port. It refuses (400) a
// reserved port, a port already open and an eleventh custom port.
func (a *api) OpenPort(_ context.Context, req alayaapi.OpenPortRequestObject) (alayaapi.OpenPortResponseObject, error) {
	a.h.mu.Lock()
	defer a.h.mu.Unlock()
	inst, ok := a.h.instances[req.Id]
	if !ok {
		return forbidden, nil
	}
	port := req.Body.Port
	if isReserved(port) {
		return badRequest("port %d is reserved by the system", port), nil
	}
	for _, p := range inst.custom {
		if p.Port == port {
			return badRequest("port %d is already open", port), nil
		}
	}
	if len(inst.custom) >= MaxCustomPorts {
		return badRequest("an instance can have at most %d custom ports open", MaxCustomPorts), nil
	}
	ext, ok := a.h.allocate()
	if !ok {
		return nil, errNoExternalPort // answered as the page's 500 envelope
	}
	inst.custom = append(inst.custom, alayaapi.OpenPort{Port: port, Protocol: req.Body.Protocol, ExternalHost: ExternalHost, ExternalPort: ext})
	return alayaapi.OpenPort200JSONResponse{
		Status:  http.StatusOK,
		Message: "OK",
		Data:    alayaapi.PortMapping{ExternalPort: ext, InternalPort: port, Protocol: req.Body.Protocol},
	}, nil
}

// ClosePort closes a custom port and frees its external port. It refuses (400) a reserved port
// and a port that is not open.
func (a *api) ClosePort(_ context.Context, req alayaapi.ClosePortRequestObject) (alayaapi.ClosePortResponseObject, error) {
	a.h.mu.Lock()
	defer a.h.mu.Unlock()
	inst, ok := a.h.instances[req.Id]
	if !ok {
		return forbidden, nil
	}
	port := req.Body.Port
	if isReserved(port) {
		return badRequest("port %d is reserved by the system and cannot be closed", port), nil
	}
	for i, p := range inst.custom {
		if p.Port == port {
			delete(a.h.used, p.ExternalPort)
			inst.custom = append(inst.custom[:i], inst.custom[i+1:]...)
			return okResponse{data: emptyData()}, nil
		}
	}
	return badRequest("port %d is not open", port), nil
}
