package rainbondtest

import (
	"net/http"
	"net/http/httptest"

	"github.com/portsdk/portsdk/internal/fakes/testserver"
)

// PathPrefix is the path under which a Server serves the console API; Server.URL ends with it,
// so clients are always tested against a base URL that carries a path.
const PathPrefix = "/console"

// Server is an in-memory Rainbond console listening on a local port, like httptest.Server.
// Close it when done. It is safe for concurrent use.
type Server struct {
	// URL is the base URL to give rainbond.NewClient: http://127.0.0.1:PORT/console.
	URL string
	// Token is the access token the server accepts, sent as `Authorization: <token>`.
	Token string

	*console // the methods of Handler, on the same state
	h        *Handler
	ts       *httptest.Server
}

// NewServer starts a Server with a random token and no components.
func NewServer() *Server {
	token := testserver.RandomHex(24)
	h := NewHandler(token)
	s := &Server{Token: token, console: h.console, h: h}
	s.ts = httptest.NewServer(testserver.StripPrefix(PathPrefix, s.h.serve))
	s.URL = s.ts.URL + PathPrefix
	return s
}

// Handler returns the Handler behind the server. It serves paths without PathPrefix; use it to
// mount the same state elsewhere or to call its methods.
func (s *Server) Handler() *Handler { return s.h }

// Client returns an http.Client for the server (see httptest.Server.Client).
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close shuts the server down and blocks until its requests are done.
func (s *Server) Close() { s.ts.Close() }
