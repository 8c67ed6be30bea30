package alayatest

import (
	"net/http"
	"net/http/httptest"

	"github.com/portsdk/portsdk/gen/alayaapi"
	"github.com/portsdk/portsdk/internal/testserver"
)

// PathPrefix is the path under which a Server serves the API; Server.URL ends with it, so
// clients are always tested against a base URL that carries a path.
const PathPrefix = "/alaya"

// Server is an in-memory Alaya NeW CCI API listening on a local port, like httptest.Server.
// Close it when done. It is safe for concurrent use.
type Server struct {
	// URL is the base URL to give the client (alaya.WithBaseURL): http://127.0.0.1:PORT/alaya.
	URL string
	// APIKey is the Open API key the server accepts, sent as `Authorization: Bearer <APIKey>`.
	APIKey string

	h  *Handler
	ts *httptest.Server
}

// NewServer starts a Server with a random API key and no instances.
func NewServer() *Server {
	key := testserver.RandomHex(24)
	s := &Server{APIKey: key, h: NewHandler(key)}
	s.ts = httptest.NewServer(testserver.StripPrefix(PathPrefix, s.h.serve))
	s.URL = s.ts.URL + PathPrefix
	return s
}

// Handler returns the Handler behind the server. It serves paths without PathPrefix; use it to
// mount the same state elsewhere or to call its methods.
func (s *Server) Handler() *Handler { return s.h }

// AddInstance registers an instance with its system ports (see Handler.AddInstance).
func (s *Server) AddInstance(id string) { s.h.AddInstance(id) }

// Ports returns the open ports of an instance (see Handler.Ports).
func (s *Server) Ports(id string) (alayaapi.OpenPortList, bool) { return s.h.Ports(id) }

// RequestCount returns how many requests reached the server, whatever their path or outcome.
func (s *Server) RequestCount() int { return s.h.RequestCount() }

// Requests returns a copy of every request that reached the server, oldest first.
func (s *Server) Requests() []Request { return s.h.Requests() }

// Client returns an http.Client for the server (see httptest.Server.Client).
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close shuts the server down and blocks until its requests are done.
func (s *Server) Close() { s.ts.Close() }
