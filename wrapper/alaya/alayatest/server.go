package alayatest

import (
	"net/http"
	"net/http/httptest"

	"github.com/portsdk/portsdk/internal/fakes/testserver"
	"github.com/portsdk/portsdk/wrapper/alaya"
)

// PathPrefix is the path under which a Server serves the API, as the live service does
// (https://api.alayanew.com/api/osm); Server.URL ends with it.
const PathPrefix = "/api/osm"

// Server is an in-memory Alaya NeW CCI API listening on a local port, like httptest.Server.
// Close it when done. It is safe for concurrent use.
type Server struct {
	// URL is the base URL to give the client (alaya.WithBaseURL): http://127.0.0.1:PORT/api/osm.
	URL string
	// AccessKey is the AccessKey pair whose signed requests the server accepts (random):
	// alaya.NewClient(srv.AccessKey, alaya.WithBaseURL(srv.URL)).
	AccessKey alaya.AccessKey
	// APIKey is an Open API key (random) the server accepts as `Authorization: Bearer <APIKey>`,
	// the form the API pages show, only after AcceptAPIKey: by default, as the live service, it
	// accepts signed requests only.
	APIKey string

	*cci // the methods of Handler, on the same state
	h    *Handler
	ts   *httptest.Server
}

// NewServer starts a Server with no instances, a random AccessKey pair and a random APIKey, which
// it accepts only after AcceptAPIKey.
func NewServer() *Server {
	h := NewHandler()
	s := &Server{AccessKey: h.AccessKey(), APIKey: testserver.RandomHex(24), cci: h.cci, h: h}
	s.ts = httptest.NewServer(testserver.StripPrefix(PathPrefix, h.serve))
	s.URL = s.ts.URL + PathPrefix
	return s
}

// AcceptAPIKey makes the server also accept s.APIKey as a bearer key (`Authorization: Bearer
// <APIKey>`, compared exactly), for a test of a client that uses one.
func (s *Server) AcceptAPIKey() { s.h.SetAPIKey(s.APIKey) }

// SetAccessKey makes the server accept requests signed with k instead (and sets s.AccessKey).
// Call it before the server is used concurrently.
func (s *Server) SetAccessKey(k alaya.AccessKey) {
	s.AccessKey = k
	s.h.SetAccessKey(k)
}

// Handler returns the Handler behind the server. It serves paths without PathPrefix; use it to
// mount the same state elsewhere or to call its methods.
func (s *Server) Handler() *Handler { return s.h }

// Client returns an http.Client for the server (see httptest.Server.Client).
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close shuts the server down and blocks until its requests are done.
func (s *Server) Close() { s.ts.Close() }
