// Package alayatest provides an in-memory Alaya NeW (九章智算云) CCI API for tests, like
// net/http/httptest: list, open and close the ports of a container compute instance, answered
// the way the live service answers (../shared/docs/alaya-notes.md).
//
// A Server listens on a local port and serves under PathPrefix, so Server.URL is a base URL with
// a path (http://127.0.0.1:PORT/alaya). The API key is random; send it as
// `Authorization: Bearer <key>`. Register the instances the test needs with AddInstance; any
// other instance id is 403.
//
// Every body is the envelope {"status", "message", "data"}, data always present ({} on errors
// and on close). What the server checks, in order:
//
//  1. The path: any other path gets an HTML page with HTTP 200, as the live service answers a
//     wrong path with its website; clients must check the content type.
//  2. The key: none is HTTP 401 with envelope status 40401; a wrong key (or any other form of
//     the header) is HTTP 401 with 40006.
//  3. The request against specs/alaya.yaml (kin-openapi): a failure is HTTP 400
//     {"status": 400, "message": "invalid request: port: ...", "data": {}}.
//  4. The instance: unknown is HTTP 403 {"status": 403, "message": "Forbidden", "data": {}}.
//  5. The rules, each HTTP 400 with envelope status 400 and a message saying why: opening or
//     closing a reserved port (ReservedPorts: 22, 8888, 9001, 9002), opening a port that is
//     already open, opening more than MaxCustomPorts (10) custom ports, closing a port that is
//     not open. (The live service's codes for these are not documented; 400 was chosen.)
//
// A new instance lists two system ports: 22 (no protocol, as the list page says) and 8888
// ("http/https"). Every open port has externalHost ExternalHost (127.0.0.1) and an external
// port allocated in ExternalPortMin..ExternalPortMax (30000..32767), freed again on close. Open
// answers {"external_port", "internal_port", "protocol"} (the protocol as sent); the list
// answers {"ports": [...], "customPorts": [...]}, custom ports in opening order, both always
// arrays.
//
// Every request is recorded, whatever its outcome: RequestCount and Requests let a test assert
// that a client sent nothing for bad input. Ports reads the state directly.
//
// To serve several fake APIs on one listener, mount a Handler under any prefix:
//
//	h := alayatest.NewHandler("key")
//	h.AddInstance("08ba7a0e-af00-4072-a5e5-1298ed6c1aa0")
//	mux := http.NewServeMux()
//	mux.Handle("/alaya/", http.StripPrefix("/alaya", h))
//	// base URL: <listener URL>/alaya
//
// Example:
//
//	s := alayatest.NewServer()
//	defer s.Close()
//	s.AddInstance("inst-1")
//	client, err := alaya.NewClient(s.APIKey, alaya.WithBaseURL(s.URL))
//	...
//	mapping, err := client.OpenPort(ctx, "inst-1", 8080, "tcp")
package alayatest
