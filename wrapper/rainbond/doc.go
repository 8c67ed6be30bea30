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
// Every call returns one of the three kinds of error package wrapper describes, and never (nil,
// nil); the Code constants name the console's envelope codes a program may branch on. Only
// ListPorts is retried, so a lost answer cannot add a port twice. The repository's docs/library.md
// describes errors, retries, limits and logging in full, and docs/servers/rainbond.md the console's
// answers; package rainbondtest serves an in-memory Rainbond for tests.
package rainbond
