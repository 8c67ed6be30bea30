// Package rainbondtest provides an in-memory Rainbond console for tests, like net/http/httptest:
// the four component-port operations (list, add, update, delete) answered the way the real
// console (goodrain/rainbond-console) answers them: the same statuses, envelope codes, body
// shapes, generated names, check order and state rules. docs/servers/rainbond.md in this
// repository is the account of the console it follows, with the console's source for each rule;
// TestDifferentialAgainstLiveConsole compares the fake with a running console call by call (see
// CONTRIBUTING.md, "Live tests against a real console").
//
// The fake answers by the console's rules, not by checking requests against specs/rainbond.yaml:
// it accepts what the console accepts (a port sent as "8080", change_protocol without a protocol,
// the undocumented action only_open_outer) and refuses what it refuses, in the console's words.
// Checking requests and answers against the spec is conformance.Validator's job.
//
// A Server listens on a local port and serves under PathPrefix, so Server.URL is a base URL with
// a path (http://127.0.0.1:PORT/console). The token is random; send it raw as
// `Authorization: <token>` (a "Bearer " prefix is refused, as by the console).
//
// # What the server knows
//
// AddComponent registers a component, its app, its team and its region (the team is opened in
// it). The component is found by its id or its alias (SetComponentAlias; the alias is the id
// until set), the team by its id or its name (SetTeamName). AddApp registers an app with no
// components, through which, as in the console, every component of the team is reached. AddRegion adds a region, opened or
// not for every team. BindDomain binds a custom domain to a port, which the console then refuses
// to delete. SetPort and Ports set and read ports directly. SetRegionFault makes the calls that
// reach the region API fail, as the console answers a region 5xx, 404, 409 or an unreachable
// region.
//
// # Order of the checks, as in the console
//
//  1. The URL: the console's routes, matched on the decoded path. IDs are letters and digits of
//     any script, "_" and "-"; app_id digits and "-"; anything else (a dot, an escaped "/", a
//     trailing slash) gets Django's HTML 404 page.
//  2. The token: missing is 401 "No token", wrong (or "Bearer ...") 401 "No such user or user is
//     not admin", with `WWW-Authenticate: Token`.
//  3. The lookups: team (404 "no found team"), region (404, code 3000), team opened in the region
//     (409, code 2001), app (404 "no found app"; app_id "1-2" is a 500), component (404 "no found
//     component"), component of this app (404 "component not belong to this app").
//  4. The method: 405 with `Allow` (the lookups come first).
//  5. The body (POST, PUT): JSON, form or multipart as Django REST framework parses it (415 for
//     other media types, 400 ParseError for broken JSON), then the serializer: 400 in the
//     validation shape {"detail": "参数错误", "err": {...}, "code": 20400, "error_type"}.
//  6. The view: service-shape errors {"code", "msg", "msg_show", "data"}: e.g. duplicate port 409
//     code 20501, port out of range 412, bad alias 400, k8s service name of another component 409
//     code 20500, custom domains 412 before the 404 and 409 of a delete, and the console's own
//     crashes (500, code 10401): a non-numeric path port, change_port_alias without
//     k8s_service_name.
//
// Success is HTTP 200 with {"code": 200, "msg": "success", "msg_show": "...", "data": {"bean":
// ..., "list": [...]}}: the list answers bean {} and the ports in list (in the order they were
// added, as the console's database returns them); add, update and delete answer the port in bean
// and list []. A new port has mapping_port = container port, lb_mapping_port 0, is_outer_service
// false, protocol http unless given, an alias made from the component alias when empty
// ("gr1a2b3c" -> "GR1A2B3C80", upper-cased as Python does: "straße" -> "STRASSE80") and the k8s
// service name of the component's first port, else the component alias ("gr1a2b3c"): all ports
// of a component share one name.
//
// Every request is recorded, whatever its outcome: RequestCount counts them all and Requests
// returns the last DefaultRequestLogSize of them, at most 8 MiB in all (SetRequestLogSize changes
// the count), so a test can assert that a client sent nothing for bad input.
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
//	// port.PortAlias == "GR123ABC80", port.K8sServiceName == "gr123abc"
//
//	s.SetRegionFault(rainbondtest.RegionUnreachable)
//	_, err = client.CloseInner(ctx, comp, 80) // *wrapper.APIError: HTTP 400, Code 10411
package rainbondtest
