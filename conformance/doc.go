// Package conformance checks that what the portsdk clients send, and what the in-memory test
// servers answer, conform to the OpenAPI specs in specs/.
//
// A Validator is an http.RoundTripper built on kin-openapi (openapi3filter, with the
// routers/gorillamux router). Placed under a client, it validates every request before it is
// sent (path parameters, body, the security scheme's header form) and every response after it
// is received (status, content type, body), and records each mismatch as a Failure:
//
//	srv := rainbondtest.NewServer()
//	defer srv.Close()
//	v, err := conformance.NewRainbond(srv.URL, nil)
//	...
//	client, err := rainbond.NewClient(srv.URL, srv.Token, rainbond.WithHTTPClient(v.HTTPClient()))
//	... // drive the client
//	v.Report(t) // one t.Errorf per non-conforming request or response
//
// The Validator never changes or blocks traffic: a non-conforming request is still sent, so a
// test can also see what the server does with it. Requests() counts what went through, so a
// test can assert that a client sent nothing for bad input.
//
// The test servers serve under a path prefix (http://127.0.0.1:PORT/console); New replaces the
// spec's servers with the URL it is given, so the router matches the prefixed paths. Path
// parameters are matched on the escaped path, so IDs holding "/", "?", "#", "%" or spaces are
// validated like any other.
//
// The tests of this package drive every operation of both clients through a Validator against
// rainbondtest and alayatest: every enum value, every action, every error status the servers
// produce from client requests, the Rainbond state rules, every bad input the clients refuse
// (nothing may be sent), raw requests the clients cannot send (412, 500, no or malformed
// credentials), deliberately broken requests and responses, and 50 concurrent clients per
// server. Run them with `make conformance` (go test -race ./conformance/...).
package conformance
