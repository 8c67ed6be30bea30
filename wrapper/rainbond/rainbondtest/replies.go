package rainbondtest

import (
	"encoding/json"
	"net/http"

	"github.com/portsdk/portsdk/internal/fakes/testserver"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// The body shapes of the console (docs/servers/rainbond.md, "Error answers"). Each is a struct so
// that the keys come out in the console's order.

// reply is one answer: a status and a JSON body.
type reply struct {
	status int
	body   any
}

// data is the `data` object of the service shape: {"bean": ..., "list": [...]}.
type data struct {
	Bean any         `json:"bean"`
	List []*wirePort `json:"list"`
}

// serviceBody is the service shape, made by general_message and ServiceHandleException
// (www/utils/return_message.py, console/exception/main.py): {code, msg, msg_show, data}. Without
// data it is also the shape of a failed region call mapped by the exception handler, msg a string
// or (region 5xx) an object.
type serviceBody struct {
	Code    int    `json:"code"`
	Msg     any    `json:"msg"`
	MsgShow string `json:"msg_show"`
	Data    *data  `json:"data,omitempty"`
}

// validationBody is the validation shape (console/views/base.py custom_exception_handler,
// ValidationError): {detail: "参数错误", err: {field: [...]}, code: 20400, error_type}. No msg.
type validationBody struct {
	Detail    string              `json:"detail"`
	Err       map[string][]string `json:"err"`
	Code      int                 `json:"code"`
	ErrorType string              `json:"error_type"`
}

// exceptionBody is the shape of DRF's own exceptions (authentication, parse error, method not
// allowed, unsupported media type): {detail, code, msg, msg_show, error_type, error_trace}; and,
// without detail and with error_details, of an exception the views do not catch (HTTP 500, code
// 10401).
type exceptionBody struct {
	Detail       string        `json:"detail,omitempty"`
	Code         int           `json:"code"`
	Msg          string        `json:"msg"`
	MsgShow      string        `json:"msg_show"`
	ErrorType    string        `json:"error_type"`
	ErrorTrace   string        `json:"error_trace"`
	ErrorDetails *errorDetails `json:"error_details,omitempty"`
}

type errorDetails struct {
	Args    []any  `json:"args"`
	Message string `json:"message"`
	Module  string `json:"module"`
}

// optionsBody is DRF's SimpleMetadata answer to OPTIONS.
type optionsBody struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Renders     []string `json:"renders"`
	Parses      []string `json:"parses"`
}

// wirePort is a stored port, and a port as ServicePortSerializer writes it: the model's fields in
// the model's order.
type wirePort struct {
	ContainerPort  int    `json:"container_port"`
	MappingPort    int    `json:"mapping_port"`
	LbMappingPort  int    `json:"lb_mapping_port"`
	Protocol       string `json:"protocol"`
	PortAlias      string `json:"port_alias"`
	IsInnerService bool   `json:"is_inner_service"`
	IsOuterService bool   `json:"is_outer_service"`
	K8sServiceName string `json:"k8s_service_name"`
	row            int    // the row id in the console's port table, which orders the team's ports
}

// convert copies a port between the stored type and rainbond.Port, whose JSON fields are the same
// (in another order, so Go cannot convert one struct to the other); row is left zero.
func convert[T wirePort | rainbond.Port](from any) (to T) {
	b, _ := json.Marshal(from)
	_ = json.Unmarshal(b, &to)
	return to
}

// success is general_message(200, "success", msgShow, bean=bean, list=ports): a port in bean, or
// bean {} and the ports in list (never null), in the console's database order (the order they
// were added). The answer is written before the view's lock is released.
func success(msgShow string, bean any, ports []*wirePort) reply {
	list := append([]*wirePort{}, ports...)
	return reply{status: http.StatusOK, body: serviceBody{Code: 200, Msg: "success", MsgShow: msgShow, Data: &data{Bean: bean, List: list}}}
}

// service is the service shape with an empty data: status and code may differ (code 20501 under 409).
func service(status, code int, msg, msgShow string) reply {
	return reply{status: status, body: serviceBody{Code: code, Msg: msg, MsgShow: msgShow, Data: &data{Bean: struct{}{}, List: []*wirePort{}}}}
}

// invalid is the validation shape.
func invalid(errs map[string][]string) reply {
	return reply{status: http.StatusBadRequest, body: validationBody{Detail: "参数错误", Err: errs, Code: 20400, ErrorType: "ValidationError"}}
}

// apiException is DRF's exception shape, with the text in detail, msg and msg_show.
func apiException(status int, detail, errorType string) reply {
	return reply{status: status, body: exceptionBody{
		Detail: detail, Code: status, Msg: detail, MsgShow: detail, ErrorType: errorType,
		ErrorTrace: traceback("rest_framework.exceptions."+errorType, detail),
	}}
}

// unhandled is the console's answer to an exception no view catches: 500, code 10401, the
// traceback in msg_show.
func unhandled(errorType, module, msg string) reply {
	qualified := errorType
	if module != "builtins" {
		qualified = module + "." + errorType
	}
	tb := traceback(qualified, msg)
	return reply{status: http.StatusInternalServerError, body: exceptionBody{
		Code: 10401, Msg: msg, MsgShow: tb, ErrorType: errorType, ErrorTrace: tb,
		ErrorDetails: &errorDetails{Args: []any{msg}, Message: msg, Module: module},
	}}
}

// traceback is a short Python traceback ending in the exception, like traceback.format_exc().
func traceback(exception, msg string) string {
	return "Traceback (most recent call last):\n" +
		"  File \"/usr/lib/python3/dist-packages/rest_framework/views.py\", line 506, in dispatch\n" +
		"    response = handler(request, *args, **kwargs)\n" +
		exception + ": " + msg + "\n"
}

func (rp reply) write(w http.ResponseWriter) {
	testserver.WriteJSON(w, rp.status, rp.body, false) // the console writes UTF-8 and <, >, & as they are
}

// notFoundPage is Django's 404 page (DEBUG off), sent for any URL that matches no route.
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
