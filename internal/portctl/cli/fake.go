package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/portsdk/portsdk/internal/portctl/portfile"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// What the fake seeds: one Rainbond component and one Alaya instance.
var (
	fakeComponent = rainbond.Component{TeamID: "demo-team", RegionName: "demo-region", AppID: 1, ServiceID: "gr1a2b3c"}
	fakeInstance  = "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0"
)

// fakeVarNames are the variables the fake prints, in order.
var fakeVarNames = []string{
	"RAINBOND_URL", "RAINBOND_TOKEN", "RAINBOND_TEAM", "RAINBOND_REGION", "RAINBOND_APP", "RAINBOND_COMPONENT",
	"ALAYA_URL", "ALAYA_ACCESS_KEY", "ALAYA_SECRET_KEY", "ALAYA_INSTANCE",
}

// fakeAlayaPrefix is where the fake serves the Alaya API: under /alaya, the live service's own
// prefix, so the printed ALAYA_URL looks like the real one.
const fakeAlayaPrefix = "/alaya" + alayatest.PathPrefix

// fake is the in-memory Rainbond console (under /rainbond) and Alaya API (under /alaya/api/osm),
// served on one listener.
type fake struct {
	vars     map[string]string // fakeVarNames and their values
	base     string            // http://host:port
	rainbond *rainbondtest.Handler
	alaya    *alayatest.Handler
	srv      *http.Server
	served   chan error
}

// fakeReadTimeout bounds the reading of a request to the fake, its body included: a variable only
// so that a test can shorten it.
var fakeReadTimeout = 30 * time.Second

// startFake listens on addr and serves both APIs until Close. An addr that is not HOST:PORT with a
// port in 0..65535 is a usage error, before anything listens (a listen that fails on a well-formed
// address stays exit 1).
func startFake(addr string) (*fake, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, usageErrorf("invalid --addr %q: want HOST:PORT (port 0 picks a free one)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return nil, usageErrorf("invalid --addr %q: the port must be a number from 0 to 65535", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	a := ln.Addr().(*net.TCPAddr)
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "127.0.0.1" // listening on all interfaces: clients use the loopback address
	}
	f := &fake{base: "http://" + net.JoinHostPort(host, strconv.Itoa(a.Port)), served: make(chan error, 1)}
	token := randomHex(24)
	f.rainbond = rainbondtest.NewHandler(token)
	f.rainbond.AddComponent(fakeComponent)
	f.alaya = alayatest.NewHandler() // with a random AccessKey pair
	f.alaya.SetAPIKey(randomHex(24))
	f.alaya.AddInstance(fakeInstance)
	ak := f.alaya.AccessKey()
	f.vars = map[string]string{
		"RAINBOND_URL":       f.base + "/rainbond",
		"RAINBOND_TOKEN":     token,
		"RAINBOND_TEAM":      fakeComponent.TeamID,
		"RAINBOND_REGION":    fakeComponent.RegionName,
		"RAINBOND_APP":       strconv.FormatInt(fakeComponent.AppID, 10),
		"RAINBOND_COMPONENT": fakeComponent.ServiceID,
		"ALAYA_URL":          f.base + fakeAlayaPrefix,
		"ALAYA_ACCESS_KEY":   ak.ID,
		"ALAYA_SECRET_KEY":   ak.Secret,
		"ALAYA_INSTANCE":     fakeInstance,
	}
	mux := http.NewServeMux()
	mux.Handle("/rainbond/", http.StripPrefix("/rainbond", f.rainbond))
	mux.Handle(fakeAlayaPrefix+"/", http.StripPrefix(fakeAlayaPrefix, f.alaya))
	// Bounded for hostile clients: slow headers or bodies, answers never read, idle keep-alives,
	// huge headers (bodies are capped by the handlers, the request logs in entries and bytes).
	f.srv = &http.Server{
		Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: fakeReadTimeout,
		WriteTimeout: fakeReadTimeout + 30*time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
	}
	go func() { f.served <- f.srv.Serve(ln) }()
	return f, nil
}

// envLines returns the KEY=value lines a shell can export, each after indent; hide replaces the
// token and the secret key by "<hidden>".
func (f *fake) envLines(indent string, hide bool) string {
	var b strings.Builder
	for _, k := range fakeVarNames {
		v := f.vars[k]
		if hide && (k == "RAINBOND_TOKEN" || k == "ALAYA_SECRET_KEY") {
			v = "<hidden>"
		}
		b.WriteString(indent + k + "=" + v + "\n")
	}
	return b.String()
}

// seed registers the components of st (their teams, regions and apps with them) and its
// instances, names the first of each in the variables, and applies st to them (file names st).
func (f *fake) seed(ctx context.Context, file string, st *portfile.File) error {
	for i, t := range st.Rainbond {
		f.rainbond.AddComponent(t.Component)
		if i == 0 {
			c := t.Component
			f.vars["RAINBOND_TEAM"], f.vars["RAINBOND_REGION"], f.vars["RAINBOND_APP"], f.vars["RAINBOND_COMPONENT"] =
				c.TeamID, c.RegionName, strconv.FormatInt(c.AppID, 10), c.ServiceID
		}
	}
	for i, t := range st.Alaya {
		f.alaya.AddInstance(t.Instance)
		if i == 0 {
			f.vars["ALAYA_INSTANCE"] = t.Instance
		}
	}
	return applyFile(ctx, applyConfig{file: file, stdout: io.Discard, planOptions: planOptions{parallel: 10, yes: true},
		redact: func(s string) string { return s },
		rainbond: func() (*rainbond.Client, error) {
			return rainbond.NewClient(f.vars["RAINBOND_URL"], f.vars["RAINBOND_TOKEN"])
		},
		alaya: func() (*alaya.Client, error) {
			return alaya.NewClient(f.alaya.AccessKey(), alaya.WithBaseURL(f.vars["ALAYA_URL"]))
		}}, st)
}

// requestCount is how many requests reached either API.
func (f *fake) requestCount() int { return f.rainbond.RequestCount() + f.alaya.RequestCount() }

// Close stops the server, waiting a few seconds for requests in flight.
func (f *fake) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := f.srv.Shutdown(ctx)
	if serr := <-f.served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// randomHex returns n random bytes, hex encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

func newFakeCmd(e *env) *cobra.Command {
	var addr, state string
	c := &cobra.Command{
		Use:   "fake [--addr HOST:PORT]",
		Short: "serve both APIs in memory, for trying portctl out",
		Long: `Serve an in-memory Rainbond console (under /rainbond) and Alaya NeW API (under /alaya/api/osm) on
one listener, with one Rainbond component and one Alaya instance, until interrupted (Ctrl-C).

On start it prints KEY=value lines a shell can export (RAINBOND_URL, RAINBOND_TOKEN, RAINBOND_TEAM,
RAINBOND_REGION, RAINBOND_APP, RAINBOND_COMPONENT, ALAYA_URL, ALAYA_ACCESS_KEY, ALAYA_SECRET_KEY,
ALAYA_INSTANCE); every other portctl command reads them, so no flag is needed. With -o json or yaml
it prints them as one object instead. The Alaya API checks the signature of every request, as the
live service does; it also accepts a bearer key, printed on stderr as ALAYA_API_KEY=... (set it
instead of the AccessKey pair, not beside it). The token and keys are random, made for this run,
and printed on purpose: they open nothing but this fake. The state is lost when it stops.

--state FILE adds the components (with their teams, regions and apps), instances and ports of a ports
file ('portctl apply -f'; "ports: []": none), the variables naming the first of each; a file apply
would refuse is refused the same way (exit 2, with its line).`,
		Example: examples(`portctl fake                               # listens on 127.0.0.1:8080
portctl fake --addr 127.0.0.1:0            # any free port (the printed URLs carry it)
portctl fake --state fixtures.yaml         # the components, instances and ports of a ports file

# in one shell, keep it running:
portctl fake > /tmp/portctl-fake.env
# in another shell:
set -a; . /tmp/portctl-fake.env; set +a    # or: export $(cat /tmp/portctl-fake.env)
portctl rainbond ports list
portctl alaya ports list`),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.serveFake(cmd.Context(), addr, applyConfig{file: state, stdin: cmd.InOrStdin()})
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on; port 0 picks a free one")
	c.Flags().StringVar(&state, "state", "", "a ports file (as apply's) naming the components, instances and ports to start with; - reads stdin")
	return mark(c, annotTakesOutput, annotCancelOnSignal)
}

// serveFake serves until ctx is cancelled (Ctrl-C), seeded with the ports file of state, if any.
func (e *env) serveFake(ctx context.Context, addr string, state applyConfig) error {
	var st *portfile.File
	var err error
	if state.file != "" {
		if st, err = readPortsFile(ctx, state); err != nil {
			return err
		} else if len(st.Alaya) > 1000 {
			return &portfile.Error{File: portfile.Name(state.file), Msg: "names more than 1000 instances: the fake has external ports for 1000"}
		}
	}
	f, err := startFake(addr)
	if err != nil {
		return err
	}
	if st != nil {
		if err := f.seed(ctx, portfile.Name(state.file), st); err != nil {
			_ = f.Close()
			return fmt.Errorf("fake --state: %w", err)
		}
	}
	// One write, so a file the lines are redirected to is never seen half written.
	if err := e.print(f.vars, func(w io.Writer) error {
		_, err := io.WriteString(w, f.envLines("", false))
		return err
	}); err != nil {
		_ = f.Close()
		return err
	}
	fmt.Fprintf(e.stderr, "portctl fake: serving Rainbond at %s and Alaya at %s; Ctrl-C to stop\n"+
		"portctl fake: Alaya also accepts the bearer key ALAYA_API_KEY=%s (instead of ALAYA_ACCESS_KEY and ALAYA_SECRET_KEY)\n",
		f.vars["RAINBOND_URL"], f.vars["ALAYA_URL"], f.alaya.APIKey())
	select {
	case <-ctx.Done():
	case err := <-f.served:
		f.served <- err // for Close
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("fake: %w", err)
	}
	fmt.Fprintln(e.stderr, "portctl fake: stopped")
	return nil
}
