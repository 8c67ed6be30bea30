// Package rainbondtest provides an in-memory Rainbond console for tests, like net/http/httptest:
// the four component-port operations (list, add, update, delete) answered the way the real
// console (goodrain/rainbond-console) answers them: the same statuses, envelope codes, body
// shapes, generated names, check order and state rules. docs/servers/rainbond.md in this
// repository is the full account of the console it follows, with the console's source for each
// rule; TestDifferentialAgainstLiveConsole compares the fake with a running console call by call.
// The fake follows the console's rules, not specs/rainbond.yaml: checking requests and answers
// against the spec is conformance.Validator's job.
//
// A Server serves under PathPrefix, so Server.URL is a base URL with a path
// (http://127.0.0.1:PORT/console). Send its random Token raw, as `Authorization: <token>`. Every
// request is recorded, whatever its outcome (RequestCount, Requests), so a test can assert that
// a client sent nothing for bad input. To serve several fake APIs on one listener, mount a
// Handler under any prefix:
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
