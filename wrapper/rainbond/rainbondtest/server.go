package rainbondtest

import (
	"net/http"
	"net/http/httptest"

	"github.com/portsdk/portsdk/internal/fakes/testserver"
	"github.com/portsdk/portsdk/wrapper/rainbond"
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

	h  *Handler
	ts *httptest.Server
}

// NewServer starts a Server with a random token and no components.
func NewServer() *Server {
	token := testserver.RandomHex(24)
	s := &Server{Token: token, h: NewHandler(token)}
	s.ts = httptest.NewServer(testserver.StripPrefix(PathPrefix, s.h.serve))
	s.URL = s.ts.URL + PathPrefix
	return s
}

// Handler returns the Handler behind the server. It serves paths without PathPrefix; use it to
// mount the same state elsewhere or to call its methods.
func (s *Server) Handler() *Handler { return s.h }

// AddComponent registers a component with no ports (see Handler.AddComponent).
func (s *Server) AddComponent(c rainbond.Component) { s.h.AddComponent(c) }

// AddApp registers an app with no components (see Handler.AddApp).
func (s *Server) AddApp(teamID, regionName string, appID int64) {
	s.h.AddApp(teamID, regionName, appID)
}

// SetPort stores a port of a registered component as given (see Handler.SetPort).
func (s *Server) SetPort(c rainbond.Component, p rainbond.Port) error { return s.h.SetPort(c, p) }

// Ports returns the ports of a component (see Handler.Ports).
func (s *Server) Ports(c rainbond.Component) ([]rainbond.Port, bool) { return s.h.Ports(c) }

// SetTeamName gives the team teamID a second name that reaches it (see Handler.SetTeamName).
func (s *Server) SetTeamName(teamID, name string) error { return s.h.SetTeamName(teamID, name) }

// SetComponentAlias sets the alias of component c (see Handler.SetComponentAlias).
func (s *Server) SetComponentAlias(c rainbond.Component, alias string) error {
	return s.h.SetComponentAlias(c, alias)
}

// AddRegion registers a region (see Handler.AddRegion).
func (s *Server) AddRegion(name string, opened bool) { s.h.AddRegion(name, opened) }

// BindDomain binds a custom domain to a port (see Handler.BindDomain).
func (s *Server) BindDomain(c rainbond.Component, port int, domain string) error {
	return s.h.BindDomain(c, port, domain)
}

// SetRegionFault makes the calls that reach the region fail (see Handler.SetRegionFault).
func (s *Server) SetRegionFault(f RegionFault) { s.h.SetRegionFault(f) }

// SetRequestLogSize sets how many requests Requests keeps (see Handler.SetRequestLogSize).
func (s *Server) SetRequestLogSize(n int) { s.h.SetRequestLogSize(n) }

// RequestCount returns how many requests reached the server, whatever their path or outcome.
func (s *Server) RequestCount() int { return s.h.RequestCount() }

// Requests returns a copy of the last requests that reached the server (DefaultRequestLogSize
// unless SetRequestLogSize changed it), oldest first.
func (s *Server) Requests() []Request { return s.h.Requests() }

// Client returns an http.Client for the server (see httptest.Server.Client).
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close shuts the server down and blocks until its requests are done.
func (s *Server) Close() { s.ts.Close() }
