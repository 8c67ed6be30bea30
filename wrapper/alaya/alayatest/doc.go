// Package alayatest provides an in-memory Alaya NeW (九章智算云) CCI API for tests, like
// net/http/httptest: list, open and close the ports of a container compute instance, answered
// the way the live service answers. docs/servers/alaya.md in this repository is the full account
// it follows: the credential checks and their statuses, the order of the checks, the port rules
// and what the project assumes where the service is not observed. It does not check requests
// against specs/alaya.yaml: that is conformance.Validator's job.
//
// A Server serves under PathPrefix (/api/osm), so Server.URL is a base URL with the service's
// prefix (http://127.0.0.1:PORT/api/osm). It accepts requests signed with its random AccessKey
// pair (SetAccessKey changes it), and its bearer APIKey only after AcceptAPIKey. Register the
// instances the test needs with AddInstance; any other instance id is 403. Every request is
// recorded, whatever its outcome (RequestCount, Requests), so a test can assert that a client
// sent nothing for bad input.
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
