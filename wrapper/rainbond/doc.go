// Package rainbond is a client for the component-port operations of the Rainbond console OpenAPI:
// list, add, update (open or close the inner and outer service, change the protocol or the alias)
// and delete the ports of a component.
//
// It follows the real server (goodrain/rainbond-console) where it differs from the vendor's page:
// the token is sent as "Authorization: <token>" with no "Bearer " scheme, every answer is unwrapped
// from the {code, msg, msg_show, data: {bean, list}} envelope, and ports carry eight fields.
//
//	c, err := rainbond.NewClient("https://console.example.com", os.Getenv("RAINBOND_TOKEN"))
//	comp := rainbond.Component{TeamID: "team", RegionName: "region", AppID: 12, ServiceID: "gr1234"}
//	p, err := c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 8080, Protocol: rainbond.ProtocolHTTP, IsInnerService: true})
//	p, err = c.OpenOuter(ctx, comp, 8080)
//
// # Errors
//
// Every call returns one of the three kinds of error package wrapper describes, and never (nil, nil):
//
//   - *wrapper.ValidationError, before anything is sent, naming the field: "baseURL" or "token"
//     (NewClient); a path ID ("team_id", "region_name", "app_id", "service_id": only Unicode
//     letters, digits, "_" and "-", the IDs the console's routes can match) or "port" (every
//     operation); "protocol", "port_alias", "k8s_service_name" or "action" (AddPort, UpdatePort
//     and its helpers).
//   - *wrapper.APIError, when the console answered but not with a usable success (a non-2xx status,
//     an envelope whose code is not 200, an HTML page, JSON that does not decode, a body over the
//     cap). Code is the envelope's code (see the Code constants). errors.Is matches
//     wrapper.ErrUnauthorized (401, a refused token), wrapper.ErrForbidden (403),
//     wrapper.ErrNotFound (404: the team, region, app, component or port is unknown; Code says
//     which) and wrapper.ErrConflict (409).
//   - any other error when no answer came: its text names the operation and it wraps the cause.
//
// What each operation adds: ListPorts fails with ErrNotFound for an unknown component. AddPort
// fails with ErrConflict and CodePortExists for a port the component has. UpdatePort, and so
// OpenOuter, CloseOuter, OpenInner, CloseInner, ChangeProtocol and ChangeAlias, fails with
// ErrNotFound for an unknown port or an action the port's state refuses (OpenOuter while the inner
// service is closed, CloseInner while the outer one is open), ErrConflict for OpenInner on a port
// without an alias and for a k8s service name in use (CodeK8sServiceNameTaken), HTTP 400 for a
// protocol other than http while the outer service is open, and HTTP 412 when the region refuses
// the gateway rule of an http OpenOuter. DeletePort fails with ErrNotFound for an unknown port,
// ErrConflict while a service of the port is open, and HTTP 412 while a custom domain is bound to
// it. Every operation may fail when the console cannot reach the region (HTTP 400,
// CodeRegionUnreachable), when the region fails (HTTP 400 with the region's answer as a JSON
// object in Message), with ErrNotFound for an unknown region (CodeRegionNotFound) and ErrConflict
// for a team not opened in it (CodeTeamNotOpenedInRegion). docs/servers/rainbond.md lists the
// console's answers.
//
// # Retries, redirects, limits, logging
//
// ListPorts is retried on connection errors, 429, 502, 503 and 504 (twice by default, honouring
// Retry-After, see WithMaxRetries and WithRetryBudget); AddPort, UpdatePort and DeletePort are never
// retried, so a lost answer cannot add a port twice. Answers are read up to 16 MiB
// (WithMaxBodyBytes); the default http.Client has a 30 s timeout (WithHTTPClient replaces it, e.g.
// with a tracing Transport such as otelhttp.NewTransport; see Example (Tracing)). WithLogger writes
// a Debug record per request sent and per wait before a retry, without the token, query or body.
//
// For tests of your own code, package rainbondtest serves an in-memory Rainbond that answers like the
// real one.
package rainbond
