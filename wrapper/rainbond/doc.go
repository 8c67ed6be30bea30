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
// Every argument is checked before anything is sent: a bad one is a *wrapper.ValidationError that
// names the field. Every failure the server reports (any non-2xx status, an envelope whose code is
// not 200, an HTML page, JSON that does not decode) is a *wrapper.APIError that keeps the HTTP status,
// the envelope's code and message, and the body.
//
// ListPorts is retried on connection errors, 429, 502, 503 and 504 (twice by default, honouring
// Retry-After); AddPort, UpdatePort and DeletePort are never retried, so a lost answer cannot add a
// port twice.
//
// For tests of your own code, package rainbondtest serves an in-memory Rainbond that answers like the
// real one.
package rainbond
