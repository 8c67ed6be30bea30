// Package rainbondtest provides an in-memory Rainbond console for tests, like net/http/httptest:
// the four component-port operations (list, add, update, delete) answered the way the real
// console (goodrain/rainbond-console) answers them, as described in
// ../shared/docs/rainbond-server-behaviour.md.
//
// A Server listens on a local port and serves under PathPrefix, so Server.URL is a base URL with
// a path (http://127.0.0.1:PORT/console). The token is random; send it raw as
// `Authorization: <token>` (a "Bearer " prefix is refused, as by the console). Register the
// components the test needs with AddComponent; all other teams, apps and components are 404.
//
// What the server checks, in order:
//
//  1. The path: anything but the two port paths (a trailing slash, a letter in app_id, an
//     unescaped "/" in an ID) gets the console's HTML 404 page, as Django answers it.
//  2. The token: missing or wrong is 401 with `WWW-Authenticate: Token` and
//     {"detail", "code": 401, "msg", "msg_show", "error_type": "AuthenticationFailed"}.
//  3. The request against specs/rainbond.yaml (kin-openapi): path parameters, then (after team,
//     app and component were found, else 404 "no found team"/"no found app"/"no found
//     component") the body. A failure is 400 {"detail": "参数错误", "err": {"field": [...]},
//     "code": 20400, "error_type": "ValidationError"}. Two exceptions keep the console's own
//     statuses: a POST port above 65535 is 412, and an integer path port outside 1..65535 is
//     404 (no such port). A port given as a JSON string ("80"), which the console accepts, is
//     refused here because the spec says integer.
//  4. The state rules: duplicate port 409 (code 20501); unknown port 404; open_outer while inner
//     is closed 404; close_inner while outer is open 404; open_inner without an alias 409;
//     change_protocol to non-http while outer is open 400; change_port_alias without
//     k8s_service_name 500 (code 10401, error_type KeyError, as the console crashes), with a
//     k8s service name used by another component of the team 409; delete while inner or outer is
//     open 409.
//
// Success is HTTP 200 with {"code": 200, "msg": "success", "msg_show": "...", "data": {"bean":
// ..., "list": [...]}}: the list answers bean {} and the ports in list (sorted by container
// port); add, update and delete answer the port in bean and list []. A new port has
// mapping_port = container port, lb_mapping_port 0, is_outer_service false, protocol http
// unless given, an alias generated from the service id when empty ("GR123ABC_80") and a k8s
// service name generated from it ("gr123abc-80").
//
// Every request is recorded, whatever its outcome: RequestCount and Requests let a test assert
// that a client sent nothing for bad input. SetPort and Ports set and read the state directly.
//
// To serve several fake APIs on one listener, mount a Handler under any prefix:
//
//	h := rainbondtest.NewHandler("token")
//	h.AddComponent(comp)
//	mux := http.NewServeMux()
//	mux.Handle("/rainbond/", http.StripPrefix("/rainbond", h))
//	// base URL: <listener URL>/rainbond
//
// Example:
//
//	s := rainbondtest.NewServer()
//	defer s.Close()
//	comp := rainbond.Component{TeamID: "team", RegionName: "region", AppID: 1, ServiceID: "gr123abc"}
//	s.AddComponent(comp)
//	client, err := rainbond.NewClient(s.URL, s.Token)
//	...
//	port, err := client.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80, IsInnerService: true})
package rainbondtest
