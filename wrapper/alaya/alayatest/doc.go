// Package alayatest provides an in-memory Alaya NeW (九章智算云) CCI API for tests, like
// net/http/httptest: list, open and close the ports of a container compute instance, answered
// the way the live service answers (docs/servers/alaya.md in the repository).
//
// A Server listens on a local port and serves the API under PathPrefix (/api/osm), so Server.URL
// is a base URL with the service's prefix (http://127.0.0.1:PORT/api/osm). It accepts requests
// signed with its AccessKey pair (scheme alayanew-HMAC-SHA256), random unless SetAccessKey sets
// it; its bearer key APIKey (`Authorization: Bearer <key>`, the form the API pages show) only
// when the test asks for it with AcceptAPIKey. Register the instances the test needs with
// AddInstance; any other instance id is 403.
//
// What the server checks, in order:
//
//  1. The path: any path outside the API (the pages' unprefixed /v1/cci/... included) gets the
//     console's HTML page with HTTP 200, as the live service answers; clients must check the
//     content type.
//  2. The credential, each failure HTTP 401 with the envelope {"status", "message"} and no data:
//     40401 no Authorization header; 40001 a header that is neither a signed one nor, after
//     AcceptAPIKey, a bearer one, or a signed one not of the form `alayanew-HMAC-SHA256 {id}:{ts}:{sig}`; 40002
//     a timestamp that is not milliseconds in decimal digits or is more than five minutes from
//     the server's clock (see SetClock); 40006 an unknown access key ID, or a bearer key that is
//     not the key exactly; 40003 a signature that differs from the HMAC-SHA256, under the
//     secret, of "timestamp|METHOD|path", path being the escaped request path as sent (prefix
//     included, no query); then, for a key made disabled or expired with SetKeyState, 40004 or
//     40005.
//  3. The method: the wrong one is HTTP 405 with an Allow header.
//  4. The body, as the service's rules require: a JSON object with port an integer in 1..65535
//     (and, to open, protocol a non-empty string); anything else is HTTP 400
//     {"status": 400, "message": "invalid request: port: ...", "data": {}}.
//  5. The instance: unknown is HTTP 403 {"status": 403, "message": "Forbidden", "data": {}}.
//  6. The port rules, each HTTP 400 with envelope status 400 and a message saying why: opening or
//     closing a reserved port (ReservedPorts: 22, 8888, 9001, 9002), opening a port that is
//     already open, opening an eleventh custom port (MaxCustomPorts is 10), closing a port that
//     is not open. (The live service's statuses for these are not published; 400 is this
//     package's choice.)
//
// It does not check requests against specs/alaya.yaml: that is conformance.Validator's job.
//
// A new instance lists the system ports 9001 and 9002 (SystemPorts) under "ports", without a
// protocol. Every open port has externalHost ExternalHost (127.0.0.1) and an external port
// allocated in ExternalPortMin..ExternalPortMax (30000..32767), freed again on close. Open
// answers {"external_port", "internal_port", "protocol"} (the protocol as sent); the list
// answers {"ports": [...], "customPorts": [...]}, custom ports in opening order, both always
// arrays.
//
// Every request is recorded, whatever its outcome: RequestCount and Requests let a test assert
// that a client sent nothing for bad input. Ports reads the state directly.
//
// To serve several fake APIs on one listener, mount a Handler under any prefix; signatures are
// verified over the path as sent, mount prefix included:
//
//	h := alayatest.NewHandler()
//	h.AddInstance("08ba7a0e-af00-4072-a5e5-1298ed6c1aa0")
//	mux := http.NewServeMux()
//	mux.Handle("/api/osm/", http.StripPrefix("/api/osm", h))
//	// base URL: <listener URL>/api/osm; credential: h.AccessKey()
//
// Example:
//
//	s := alayatest.NewServer()
//	defer s.Close()
//	s.AddInstance("inst-1")
//	client, err := alaya.NewClient(s.AccessKey, alaya.WithBaseURL(s.URL))
//	...
//	mapping, err := client.OpenPort(ctx, "inst-1", 8080, "tcp")
package alayatest
