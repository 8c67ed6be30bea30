// Package conformance checks that what the portsdk clients send, and what the in-memory test
// servers answer, conform to the OpenAPI specs in specs/.
//
// A Validator is an http.RoundTripper built on kin-openapi. Placed under a client, it validates
// every request before it is sent and every response after it is received, and records each
// mismatch as a Failure; it never changes or blocks traffic:
//
//	srv := rainbondtest.NewServer()
//	defer srv.Close()
//	v, err := conformance.NewRainbond(srv.URL, nil)
//	...
//	client, err := rainbond.NewClient(srv.URL, srv.Token, rainbond.WithHTTPClient(v.HTTPClient()))
//	... // drive the client
//	v.Report(t) // one t.Errorf per non-conforming request or response
//
// The tests of this package drive every operation of both clients through a Validator against
// rainbondtest and alayatest (every enum value, action and error status, the state rules, bad
// input the clients refuse, raw and deliberately broken requests and responses, concurrent
// clients). Run them with `make conformance`.
package conformance
