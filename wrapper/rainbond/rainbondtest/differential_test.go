package rainbondtest_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/fakes/testserver"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// TestDifferentialAgainstLiveConsole runs one sequence of raw HTTP calls against rainbondtest and
// against a real Rainbond console, and compares the answers call by call: status, content type,
// `code`, the set of keys of the body (and of `err`), whether `msg` is a string or an object, the
// shape of `data`, and the port fields. It tells whether the fake still answers as your console
// version does.
//
// It needs a console and a scratch component there (its ports are changed, then restored):
//
//	RAINBOND_LIVE_URL        base URL of the console (as for rainbond.NewClient)
//	RAINBOND_LIVE_TOKEN      an access token of that console
//	RAINBOND_LIVE_TEAM       team id or name
//	RAINBOND_LIVE_REGION     region name
//	RAINBOND_LIVE_APP        app id
//	RAINBOND_LIVE_COMPONENT  the component's alias (e.g. gr1a2b3c): generated names derive from it
//
// Optional, each enabling more calls:
//
//	RAINBOND_LIVE_CLOSED_REGION  a region of the enterprise the team is not opened in (409, code 2001)
//	RAINBOND_LIVE_TAKEN_K8S_NAME a k8s service name another component of the team uses (409, code 20500)
//	RAINBOND_LIVE_REGION_MODE    the mode file of a region stand-in (ok|500|500code|404|409), to
//	                             compare the answers to region failures with SetRegionFault, and
//	                             what change_port_alias answers when the connection variables are gone
//	RAINBOND_LIVE_DB             the SQLite database of a console run locally, for the states no
//	                             API call makes: the test adds an app
//	                             with no components, a component aliased "straße-ﬀ" and a port of it
//	                             sharing the scratch component's k8s service name (with the sqlite3
//	                             command), and removes them at the end
//
// Without the six required variables the test skips.
func TestDifferentialAgainstLiveConsole(t *testing.T) {
	env := map[string]string{}
	for _, k := range []string{"URL", "TOKEN", "TEAM", "REGION", "APP", "COMPONENT"} {
		env[k] = os.Getenv("RAINBOND_LIVE_" + k)
		if env[k] == "" {
			t.Skip("set RAINBOND_LIVE_URL, _TOKEN, _TEAM, _REGION, _APP and _COMPONENT to compare the fake with a console")
		}
	}
	appID, err := strconv.ParseInt(env["APP"], 10, 64)
	require.NoError(t, err, "RAINBOND_LIVE_APP")
	comp := rainbond.Component{TeamID: env["TEAM"], RegionName: env["REGION"], AppID: appID, ServiceID: env["COMPONENT"]}
	live := &peer{name: "console", base: strings.TrimRight(env["URL"], "/"), token: env["TOKEN"], hc: &http.Client{Timeout: 60 * time.Second}}

	srv := rainbondtest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddComponent(comp)
	fake := &peer{name: "fake", base: srv.URL, token: srv.Token, hc: srv.Client()}

	// The fake starts where the scratch component is: the same ports, in the same order.
	start := live.do(t, "GET", portsPath(comp), "", "")
	require.Equal(t, http.StatusOK, start.status, "listing the scratch component: %s", start.raw)
	var original []rainbond.Port
	require.NoError(t, json.Unmarshal(start.field("data", "list"), &original))
	used := map[int]bool{}
	for _, p := range original {
		require.NoError(t, srv.SetPort(comp, p))
		used[p.ContainerPort] = true
		if p.IsInnerService { // its connection variables, as the add or open_inner that opened it made them
			a := fake.do(t, "PUT", portsPath(comp)+"/"+strconv.Itoa(p.ContainerPort), `{"action": "open_inner"}`, "")
			require.Equal(t, http.StatusOK, a.status, "open_inner on the fake: %s", a.raw)
		}
	}
	ports := freePorts(used, 11)
	t.Cleanup(func() { restore(t, live, comp, original, ports) })

	closedRegion := os.Getenv("RAINBOND_LIVE_CLOSED_REGION")
	if closedRegion != "" {
		srv.AddRegion(closedRegion, false)
	}
	takenName := os.Getenv("RAINBOND_LIVE_TAKEN_K8S_NAME")
	if takenName != "" {
		other := rainbond.Component{TeamID: comp.TeamID, RegionName: comp.RegionName, AppID: appID + 1000, ServiceID: "difftest-other"}
		srv.AddComponent(other)
		require.NoError(t, srv.SetPort(other, rainbond.Port{ContainerPort: 5000, MappingPort: 5000, Protocol: "http", PortAlias: "OTHER5000", K8sServiceName: takenName}))
	}

	steps := differentialSteps(comp, ports, closedRegion, takenName, "pdt-"+testserver.RandomHex(3))
	if mode := os.Getenv("RAINBOND_LIVE_REGION_MODE"); mode != "" {
		steps = append(steps, regionSteps(comp, ports, mode, srv)...)
		steps = append(steps, envSteps(comp, ports, mode, takenName, srv)...)
	}
	if db := os.Getenv("RAINBOND_LIVE_DB"); db != "" {
		shared := comp.ServiceID // the k8s service name the scratch component's next port gets
		if len(original) > 0 {
			shared = original[0].K8sServiceName
		}
		steps = append(steps, dbSteps(t, db, comp, ports, shared, srv)...)
	}
	agree := 0
	for _, s := range steps {
		if s.before != nil {
			s.before()
		}
		a := fake.do(t, s.method, s.path, s.body, s.ctype, s.headers...)
		b := live.do(t, s.method, s.path, s.body, s.ctype, s.headers...)
		if s.after != nil {
			s.after()
		}
		if diffs := compareAnswers(a, b); len(diffs) > 0 {
			t.Errorf("%-48s fake %d, console %d: %s\n  fake:    %s\n  console: %s", s.name, a.status, b.status, strings.Join(diffs, "; "), short(a.raw), short(b.raw))
			continue
		}
		agree++
		t.Logf("agree %-48s %d code=%s", s.name, b.status, string(b.field("code")))
	}
	t.Logf("%d of %d calls agree", agree, len(steps))
}

// peer is one server under comparison.
type peer struct {
	name, base, token string
	hc                *http.Client
}

// answer is what a peer answered.
type answer struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]json.RawMessage // nil unless a JSON object
}

func (a answer) field(path ...string) json.RawMessage {
	m := a.body
	for i, k := range path {
		v, ok := m[k]
		if !ok {
			return nil
		}
		if i == len(path)-1 {
			return v
		}
		m = nil
		if json.Unmarshal(v, &m) != nil {
			return nil
		}
	}
	return nil
}

// do sends one call. headers are "Name: value" pairs; "Authorization:" with no value sends none,
// and a value replaces the peer's token.
func (p *peer) do(t *testing.T, method, path, body, ctype string, headers ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, p.base+path, rd)
	require.NoError(t, err)
	if body != "" {
		if ctype == "" {
			ctype = "application/json"
		}
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Authorization", p.token)
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		value = strings.TrimSpace(value)
		if value == "" {
			req.Header.Del(name)
			continue
		}
		req.Header.Set(name, value)
	}
	resp, err := p.hc.Do(req)
	require.NoError(t, err, "%s %s %s", p.name, method, path)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(raw, &a.body)
	}
	return a
}

// compareAnswers lists how two answers differ in what the comparison covers.
func compareAnswers(fake, live answer) []string {
	var diffs []string
	if fake.status != live.status {
		diffs = append(diffs, "status")
	}
	ctype := func(a answer) string { return strings.SplitN(a.header.Get("Content-Type"), ";", 2)[0] }
	if ctype(fake) != ctype(live) {
		diffs = append(diffs, fmt.Sprintf("content type %q vs %q", ctype(fake), ctype(live)))
	}
	if fake.body == nil || live.body == nil {
		if (fake.body == nil) != (live.body == nil) {
			diffs = append(diffs, "one body is no JSON object")
		}
		return diffs
	}
	for _, h := range []string{"Allow", "WWW-Authenticate"} {
		if fake.header.Get(h) != live.header.Get(h) {
			diffs = append(diffs, fmt.Sprintf("%s %q vs %q", h, fake.header.Get(h), live.header.Get(h)))
		}
	}
	if !bytes.Equal(fake.field("code"), live.field("code")) {
		diffs = append(diffs, fmt.Sprintf("code %s vs %s", fake.field("code"), live.field("code")))
	}
	if k1, k2 := keys(fake.body), keys(live.body); k1 != k2 {
		diffs = append(diffs, fmt.Sprintf("keys [%s] vs [%s]", k1, k2))
	}
	if t1, t2 := jsonKind(fake.field("msg")), jsonKind(live.field("msg")); t1 != t2 {
		diffs = append(diffs, fmt.Sprintf("msg is %s vs %s", t1, t2))
	}
	var e1, e2 map[string]json.RawMessage
	_ = json.Unmarshal(fake.field("err"), &e1)
	_ = json.Unmarshal(live.field("err"), &e2)
	if k1, k2 := keys(e1), keys(e2); k1 != k2 {
		diffs = append(diffs, fmt.Sprintf("err keys [%s] vs [%s]", k1, k2))
	}
	var d1, d2 map[string]json.RawMessage
	_ = json.Unmarshal(fake.field("data"), &d1)
	_ = json.Unmarshal(live.field("data"), &d2)
	if k1, k2 := keys(d1), keys(d2); k1 != k2 {
		diffs = append(diffs, fmt.Sprintf("data keys [%s] vs [%s]", k1, k2))
	}
	if p1, p2 := portFields(fake.field("data", "bean")), portFields(live.field("data", "bean")); p1 != p2 {
		diffs = append(diffs, fmt.Sprintf("bean %s vs %s", p1, p2))
	}
	if l1, l2 := portList(fake.field("data", "list")), portList(live.field("data", "list")); l1 != l2 {
		diffs = append(diffs, fmt.Sprintf("list %s vs %s", l1, l2))
	}
	return diffs
}

func keys[V any](m map[string]V) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0:
		return "absent"
	case raw[0] == '"':
		return "string"
	case raw[0] == '{':
		return "object"
	case raw[0] == '[':
		return "array"
	case string(raw) == "null":
		return "null"
	}
	return "other"
}

// portFields renders the port fields of a bean for comparison. lb_mapping_port is compared as
// zero or not: the region hands out the number.
func portFields(raw json.RawMessage) string {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return jsonKind(raw)
	}
	if lb, ok := m["lb_mapping_port"].(float64); ok && lb != 0 {
		m["lb_mapping_port"] = "set"
	}
	b, _ := json.Marshal(m) // sorted keys
	return string(b)
}

// portList renders a list of ports, sorted by container port (the console's order is the
// database's).
func portList(raw json.RawMessage) string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return jsonKind(raw)
	}
	out := make([]string, len(list))
	for i, p := range list {
		out[i] = portFields(p)
	}
	sort.Strings(out)
	return "[" + strings.Join(out, ",") + "]"
}

func short(b []byte) string {
	s := string(b)
	if len(s) > 400 {
		s = s[:400] + "..."
	}
	return s
}

// freePorts picks n port numbers the scratch component does not have.
func freePorts(used map[int]bool, n int) []int {
	var out []int
	for p := 18080; len(out) < n; p++ {
		if !used[p] {
			out = append(out, p)
		}
	}
	return out
}

// step is one call of the sequence.
type step struct {
	name               string
	method, path, body string
	ctype              string
	headers            []string
	before, after      func()
}

// differentialSteps is the sequence: every behaviour of docs/servers/rainbond.md that a client
// can reach through the API. ports are free port numbers; k8sName is a fresh k8s service name.
func differentialSteps(comp rainbond.Component, ports []int, closedRegion, takenName, k8sName string) []step {
	base := portsPath(comp)
	p := func(i int) string { return strconv.Itoa(ports[i]) }
	one := func(i int) string { return base + "/" + p(i) }
	with := func(c rainbond.Component) string { return portsPath(c) }
	other := comp
	steps := []step{
		{name: "list, no token", method: "GET", path: base, headers: []string{"Authorization:"}},
		{name: "list, Bearer token", method: "GET", path: base, headers: []string{"Authorization: Bearer x" + comp.TeamID}},
		{name: "list, wrong token", method: "GET", path: base, headers: []string{"Authorization: wrong-token"}},
		{name: "list", method: "GET", path: base},
		{name: "list, unknown team", method: "GET", path: with(func() rainbond.Component { c := other; c.TeamID = "no-such-team-pdt"; return c }())},
		{name: "list, unknown region", method: "GET", path: with(func() rainbond.Component { c := other; c.RegionName = "no-such-region-pdt"; return c }())},
		{name: "list, unknown app", method: "GET", path: with(func() rainbond.Component { c := other; c.AppID = 987654321; return c }())},
		{name: "list, app 1-2", method: "GET", path: strings.Replace(base, "/apps/"+strconv.FormatInt(comp.AppID, 10)+"/", "/apps/1-2/", 1)},
		{name: "list, unknown component", method: "GET", path: with(func() rainbond.Component { c := other; c.ServiceID = "no-such-component-pdt"; return c }())},
		{name: "list, trailing slash", method: "GET", path: base + "/"},
		{name: "list, dotted team", method: "GET", path: strings.Replace(base, "/teams/"+url.PathEscape(comp.TeamID)+"/", "/teams/a.b/", 1)},
		{name: "GET on a port", method: "GET", path: one(0)},
		{name: "PATCH on the list", method: "PATCH", path: base, body: "{}"},
		{name: "add minimal", method: "POST", path: base, body: `{"port": ` + p(0) + `, "is_inner_service": false}`},
		{name: "add again (duplicate)", method: "POST", path: base, body: `{"port": ` + p(0) + `, "is_inner_service": false}`},
		{name: "add string port, tcp, inner", method: "POST", path: base, body: `{"port": "` + p(1) + `", "protocol": "tcp", "is_inner_service": true}`},
		{name: "add with alias, inner", method: "POST", path: base, body: `{"port": ` + p(2) + `, "port_alias": "PDTWEB", "is_inner_service": true}`},
		{name: "add without is_inner_service", method: "POST", path: base, body: `{"port": ` + p(3) + `}`},
		{name: "add port 0", method: "POST", path: base, body: `{"port": 0, "is_inner_service": false}`},
		{name: "add port -5", method: "POST", path: base, body: `{"port": -5, "is_inner_service": false}`},
		{name: "add port 70000", method: "POST", path: base, body: `{"port": 70000, "is_inner_service": false}`},
		{name: "add bad alias", method: "POST", path: base, body: `{"port": ` + p(3) + `, "port_alias": "bad", "is_inner_service": false}`},
		{name: "add protocol null", method: "POST", path: base, body: `{"port": ` + p(3) + `, "protocol": null, "is_inner_service": false}`},
		{name: "add protocol ftp", method: "POST", path: base, body: `{"port": ` + p(3) + `, "protocol": "ftp", "is_inner_service": false}`},
		{name: "add not JSON", method: "POST", path: base, body: `port=1`},
		{name: "add wrong types", method: "POST", path: base, body: `{"port": true, "protocol": "", "port_alias": false, "is_inner_service": 2}`},
		{name: "add JSON array", method: "POST", path: base, body: `[1]`},
		{name: "add JSON null", method: "POST", path: base, body: `null`},
		{name: "add text/plain", method: "POST", path: base, body: `{}`, ctype: "text/plain"},
		{name: "list after adds", method: "GET", path: base},
		{name: "open_outer, inner closed", method: "PUT", path: one(0), body: `{"action": "open_outer"}`},
		{name: "close_inner, already closed", method: "PUT", path: one(0), body: `{"action": "close_inner"}`},
		{name: "open_inner", method: "PUT", path: one(0), body: `{"action": "open_inner"}`},
		{name: "open_outer (http)", method: "PUT", path: one(0), body: `{"action": "open_outer"}`},
		{name: "close_inner while outer open", method: "PUT", path: one(0), body: `{"action": "close_inner"}`},
		{name: "change_protocol to tcp, outer open", method: "PUT", path: one(0), body: `{"action": "change_protocol", "protocol": "tcp"}`},
		{name: "change_protocol, no protocol", method: "PUT", path: one(0), body: `{"action": "change_protocol"}`},
		{name: "change_protocol, protocol null", method: "PUT", path: one(0), body: `{"action": "change_protocol", "protocol": null}`},
		{name: "delete while open", method: "DELETE", path: one(0)},
		{name: "open_outer (tcp)", method: "PUT", path: one(1), body: `{"action": "open_outer"}`},
		{name: "change_protocol to http, outer open", method: "PUT", path: one(1), body: `{"action": "change_protocol", "protocol": "http"}`},
		{name: "add for only_open_outer", method: "POST", path: base, body: `{"port": ` + p(3) + `, "is_inner_service": false}`},
		{name: "only_open_outer, inner closed", method: "PUT", path: one(3), body: `{"action": "only_open_outer"}`},
		{name: "bogus action", method: "PUT", path: one(0), body: `{"action": "bogus"}`},
		{name: "missing action", method: "PUT", path: one(0), body: `{}`},
		{name: "unknown port", method: "PUT", path: one(6), body: `{"action": "open_inner"}`},
		{name: "unknown port, bad alias", method: "PUT", path: one(6), body: `{"action": "open_inner", "port_alias": "bad"}`},
		{name: "port abc, valid body", method: "PUT", path: base + "/abc", body: `{"action": "open_inner"}`},
		{name: "port abc, invalid body", method: "PUT", path: base + "/abc", body: `{"action": "bogus"}`},
		{name: "port with underscore", method: "PUT", path: base + "/" + p(0)[:len(p(0))-1] + "_" + p(0)[len(p(0))-1:], body: `{"action": "close_outer"}`},
		{name: "open_outer, bad k8s name ignored", method: "PUT", path: one(2), body: `{"action": "open_outer", "k8s_service_name": "Bad_Name"}`},
		{name: "open_outer, empty k8s name", method: "PUT", path: one(2), body: `{"action": "open_outer", "k8s_service_name": ""}`},
		{name: "change_port_alias, no k8s name", method: "PUT", path: one(1), body: `{"action": "change_port_alias", "port_alias": "PDTNEW"}`},
		{name: "change_port_alias, no alias", method: "PUT", path: one(1), body: `{"action": "change_port_alias", "k8s_service_name": "` + k8sName + `"}`},
		{name: "change_port_alias, bad k8s name", method: "PUT", path: one(1), body: `{"action": "change_port_alias", "port_alias": "PDTNEW", "k8s_service_name": "Bad_Name"}`},
		{name: "change_port_alias, 64-char k8s name", method: "PUT", path: one(1), body: `{"action": "change_port_alias", "port_alias": "PDTNEW", "k8s_service_name": "` + strings.Repeat("a", 64) + `"}`},
		{name: "change_port_alias", method: "PUT", path: one(1), body: `{"action": "change_port_alias", "port_alias": "PDTNEW", "k8s_service_name": "` + k8sName + `"}`},
		{name: "change_port_alias to a used alias", method: "PUT", path: one(0), body: `{"action": "change_port_alias", "port_alias": "PDTNEW", "k8s_service_name": "` + k8sName + `"}`},
		{name: "list after changes", method: "GET", path: base},
		{name: "delete unknown port", method: "DELETE", path: one(6)},
		{name: "delete port abc", method: "DELETE", path: base + "/abc"},
		{name: "delete with outer open", method: "DELETE", path: one(3)},
		{name: "form-encoded add", method: "POST", path: base, body: "port=" + p(4), ctype: "application/x-www-form-urlencoded"},
		{name: "OPTIONS on the list", method: "OPTIONS", path: base},
	}
	if closedRegion != "" {
		c := comp
		c.RegionName = closedRegion
		steps = append(steps, step{name: "list, team not opened in region", method: "GET", path: portsPath(c)})
	}
	if takenName != "" {
		steps = append(steps, step{name: "change_port_alias, k8s name taken", method: "PUT", path: one(1),
			body: `{"action": "change_port_alias", "port_alias": "PDTNEW", "k8s_service_name": "` + takenName + `"}`})
	}
	// Back to where the component was: every port the sequence added is closed and deleted.
	for _, i := range []int{0, 1, 2, 3, 4} {
		steps = append(steps,
			step{name: "cleanup: close_outer " + p(i), method: "PUT", path: one(i), body: `{"action": "close_outer"}`},
			step{name: "cleanup: close_inner " + p(i), method: "PUT", path: one(i), body: `{"action": "close_inner"}`},
			step{name: "cleanup: delete " + p(i), method: "DELETE", path: one(i)})
	}
	return steps
}

// regionSteps compare the answers to region failures: the stand-in's mode file is written before
// the console's call, the fake's SetRegionFault before its own.
func regionSteps(comp rainbond.Component, ports []int, modeFile string, srv *rainbondtest.Server) []step {
	base := portsPath(comp)
	p5 := strconv.Itoa(ports[5])
	set := func(mode string, f rainbondtest.RegionFault) func() {
		return func() {
			_ = os.WriteFile(modeFile, []byte(mode+"\n"), 0o600)
			srv.SetRegionFault(f)
		}
	}
	healthy := set("ok", rainbondtest.RegionHealthy)
	add := `{"port": ` + p5 + `, "is_inner_service": true}`
	var steps []step
	for _, m := range []struct {
		mode  string
		fault rainbondtest.RegionFault
	}{{"500", rainbondtest.RegionServerError}, {"500code", rainbondtest.RegionServerErrorCode}, {"404", rainbondtest.RegionNotFound}, {"409", rainbondtest.RegionBusy}} {
		steps = append(steps, step{name: "region " + m.mode + ": add", method: "POST", path: base, body: add, before: set(m.mode, m.fault), after: healthy})
	}
	steps = append(steps,
		step{name: "region ok: add inner http port", method: "POST", path: base, body: add},
		step{name: "region 500: first open_outer (http)", method: "PUT", path: base + "/" + p5, body: `{"action": "open_outer"}`, before: set("500", rainbondtest.RegionServerError), after: healthy},
		step{name: "region 500: delete unknown port", method: "DELETE", path: base + "/" + strconv.Itoa(ports[6]), before: set("500", rainbondtest.RegionServerError), after: healthy},
		step{name: "region 409: close_inner", method: "PUT", path: base + "/" + p5, body: `{"action": "close_inner"}`, before: set("409", rainbondtest.RegionBusy), after: healthy},
		step{name: "region 404: change_protocol", method: "PUT", path: base + "/" + p5, body: `{"action": "change_protocol", "protocol": "tcp"}`, before: set("404", rainbondtest.RegionNotFound), after: healthy},
		step{name: "region ok: open_outer", method: "PUT", path: base + "/" + p5, body: `{"action": "open_outer"}`},
		step{name: "region ok: close_outer", method: "PUT", path: base + "/" + p5, body: `{"action": "close_outer"}`},
		step{name: "region 500: reopen_outer (domain exists)", method: "PUT", path: base + "/" + p5, body: `{"action": "open_outer"}`, before: set("500", rainbondtest.RegionServerError), after: healthy},
		step{name: "region ok: close_inner", method: "PUT", path: base + "/" + p5, body: `{"action": "close_inner"}`},
		step{name: "region 500code: delete", method: "DELETE", path: base + "/" + p5, before: set("500code", rainbondtest.RegionServerErrorCode), after: healthy},
		step{name: "region ok: delete", method: "DELETE", path: base + "/" + p5},
	)
	return steps
}

// restore leaves the scratch component as it was found: the ports the test added are closed and
// deleted (quietly; the sequence normally did it already) and the original ports' k8s service
// name, which change_port_alias changes on every port, is set back.
func restore(t *testing.T, live *peer, comp rainbond.Component, original []rainbond.Port, ports []int) {
	if mode := os.Getenv("RAINBOND_LIVE_REGION_MODE"); mode != "" {
		_ = os.WriteFile(mode, []byte("ok\n"), 0o600)
	}
	base := portsPath(comp)
	for _, n := range ports {
		path := base + "/" + strconv.Itoa(n)
		live.do(t, "PUT", path, `{"action": "close_outer"}`, "")
		live.do(t, "PUT", path, `{"action": "close_inner"}`, "")
		live.do(t, "DELETE", path, "", "")
	}
	if len(original) == 0 {
		return
	}
	first := original[0]
	body, _ := json.Marshal(map[string]string{"action": "change_port_alias", "port_alias": first.PortAlias, "k8s_service_name": first.K8sServiceName})
	a := live.do(t, "PUT", base+"/"+strconv.Itoa(first.ContainerPort), string(body), "")
	if a.status != http.StatusOK {
		t.Errorf("could not restore the k8s service name %q of the scratch component: %d %s", first.K8sServiceName, a.status, short(a.raw))
	}
}

// envSteps compare what change_port_alias answers under region failures when the component has no
// connection variables (issue 26, class A): two inner ports share an alias, so their variables
// are one set, which goes when the second port is deleted; the console then reaches its name
// checks without a region call. open_inner makes them again. An add that fails at the region
// keeps the variables it moved to its port, and they go when that port is deleted.
func envSteps(comp rainbond.Component, ports []int, modeFile, takenName string, srv *rainbondtest.Server) []step {
	base := portsPath(comp)
	a, b := strconv.Itoa(ports[7]), strconv.Itoa(ports[8])
	set := func(mode string, f rainbondtest.RegionFault) func() {
		return func() {
			_ = os.WriteFile(modeFile, []byte(mode+"\n"), 0o600)
			srv.SetRegionFault(f)
		}
	}
	healthy := set("ok", rainbondtest.RegionHealthy)
	rename := func(name string) string {
		if name == "" {
			return `{"action": "change_port_alias", "port_alias": "PDTA"}`
		}
		return `{"action": "change_port_alias", "port_alias": "PDTA", "k8s_service_name": "` + name + `"}`
	}
	steps := []step{
		{name: "env: add inner, alias PDTA", method: "POST", path: base, body: `{"port": ` + a + `, "port_alias": "PDTA", "is_inner_service": true}`},
		{name: "env: add inner, alias PDTA again", method: "POST", path: base, body: `{"port": ` + b + `, "port_alias": "PDTA", "is_inner_service": true}`},
		{name: "env: close_inner the second", method: "PUT", path: base + "/" + b, body: `{"action": "close_inner"}`},
		{name: "env: delete the second", method: "DELETE", path: base + "/" + b},
	}
	for _, m := range []struct {
		mode  string
		fault rainbondtest.RegionFault
	}{{"500", rainbondtest.RegionServerError}, {"500code", rainbondtest.RegionServerErrorCode}, {"404", rainbondtest.RegionNotFound}, {"409", rainbondtest.RegionBusy}} {
		names := []string{"", "Bad_Name", "pdt-fresh"}
		if takenName != "" {
			names = append(names, takenName)
		}
		for _, name := range names {
			steps = append(steps, step{name: "no env, region " + m.mode + ": change_port_alias " + cmp.Or(name, "(no name)"),
				method: "PUT", path: base + "/" + a, body: rename(name), before: set(m.mode, m.fault), after: healthy})
		}
	}
	return append(steps,
		step{name: "env: open_inner makes the variables again", method: "PUT", path: base + "/" + a, body: `{"action": "open_inner"}`},
		step{name: "env, region 409: change_port_alias (no name)", method: "PUT", path: base + "/" + a, body: rename(""), before: set("409", rainbondtest.RegionBusy), after: healthy},
		step{name: "env, region 409: add inner, alias PDTA again", method: "POST", path: base, body: `{"port": ` + b + `, "port_alias": "PDTA", "is_inner_service": true}`, before: set("409", rainbondtest.RegionBusy), after: healthy},
		step{name: "env: add the second, not inner", method: "POST", path: base, body: `{"port": ` + b + `, "is_inner_service": false}`},
		step{name: "env: delete the second (the moved variables go)", method: "DELETE", path: base + "/" + b},
		step{name: "no env, region 500: change_port_alias (no name)", method: "PUT", path: base + "/" + a, body: rename(""), before: set("500", rainbondtest.RegionServerError), after: healthy},
		step{name: "env: close_inner", method: "PUT", path: base + "/" + a, body: `{"action": "close_inner"}`},
		step{name: "env: delete", method: "DELETE", path: base + "/" + a},
	)
}

// dbSteps compare the states only the console's database makes (issue 26, classes B-D): an app
// with no components reaches any component of the team; a component alias upper-cased by Python
// ("straße-ﬀ" -> "STRASSE_FF80"); a k8s service name two components have, where only the first
// row counts.
func dbSteps(t *testing.T, db string, comp rainbond.Component, ports []int, shared string, srv *rainbondtest.Server) []step {
	sql := func(stmts string) string {
		t.Helper()
		out, err := exec.Command("sqlite3", db, stmts).CombinedOutput()
		require.NoError(t, err, "sqlite3 %s: %s", db, out)
		return strings.TrimSpace(string(out))
	}
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	const uniAlias = "straße-ﬀ"
	id, src := "pdt"+testserver.RandomHex(14), quote(comp.ServiceID)
	app := sql(`CREATE TEMP TABLE s AS SELECT * FROM tenant_service WHERE service_id = ` + src + ` OR service_alias = ` + src + ` LIMIT 1;
INSERT INTO service_group_relation (service_id, group_id, tenant_id, region_name)
  SELECT '` + id + `', r.group_id, r.tenant_id, r.region_name FROM service_group_relation r, s WHERE r.service_id = s.service_id;
UPDATE s SET ID = (SELECT max(ID) + 1 FROM tenant_service), service_id = '` + id + `', service_alias = '` + uniAlias + `', service_cname = '` + uniAlias + `', k8s_component_name = '` + uniAlias + `';
INSERT INTO tenant_service SELECT * FROM s;
CREATE TEMP TABLE g AS SELECT * FROM service_group WHERE ID = ` + strconv.FormatInt(comp.AppID, 10) + `;
UPDATE g SET ID = (SELECT max(ID) + 1 FROM service_group), group_name = 'pdt-empty';
INSERT INTO service_group SELECT * FROM g;
SELECT ID FROM g;`)
	t.Cleanup(func() {
		sql(`DELETE FROM tenant_services_port WHERE service_id = '` + id + `'; DELETE FROM tenant_service_env_var WHERE service_id = '` + id + `';
DELETE FROM service_group_relation WHERE service_id = '` + id + `'; DELETE FROM tenant_service WHERE service_id = '` + id + `';
DELETE FROM service_group WHERE ID = ` + app + `;`)
	})
	emptyApp, err := strconv.ParseInt(app, 10, 64)
	require.NoError(t, err, "the new app's id: %s", app)
	srv.AddApp(comp.TeamID, comp.RegionName, emptyApp)
	uni := rainbond.Component{TeamID: comp.TeamID, RegionName: comp.RegionName, AppID: comp.AppID, ServiceID: uniAlias}
	srv.AddComponent(uni)
	viaEmpty := comp
	viaEmpty.AppID = emptyApp

	e, p9, p10 := portsPath(viaEmpty), strconv.Itoa(ports[9]), strconv.Itoa(ports[10])
	base, u := portsPath(comp), portsPath(uni)
	sharedRow := func() { // a port of the Unicode component, a later row with the same k8s service name
		sql(`INSERT INTO tenant_services_port (tenant_id, service_id, container_port, mapping_port, lb_mapping_port, protocol, port_alias,
  is_inner_service, is_outer_service, k8s_service_name, name)
  SELECT tenant_id, service_id, 81, 81, 0, 'http', 'PDTU', 0, 0, ` + quote(shared) + `, '' FROM tenant_service WHERE service_id = '` + id + `';`)
		require.NoError(t, srv.SetPort(uni, rainbond.Port{ContainerPort: 81, MappingPort: 81, Protocol: "http", PortAlias: "PDTU", K8sServiceName: shared}))
	}
	keep := `{"action": "change_port_alias", "port_alias": "PDTE", "k8s_service_name": ` + strconv.Quote(shared) + `}`
	return []step{
		{name: "empty app: list", method: "GET", path: e},
		{name: "empty app: add", method: "POST", path: e, body: `{"port": ` + p9 + `, "port_alias": "PDTE", "is_inner_service": false}`},
		{name: "empty app: open_inner", method: "PUT", path: e + "/" + p9, body: `{"action": "open_inner"}`},
		{name: "empty app: close_inner", method: "PUT", path: e + "/" + p9, body: `{"action": "close_inner"}`},
		{name: "Unicode alias: add", method: "POST", path: u, body: `{"port": 80, "is_inner_service": true}`},
		{name: "Unicode alias: list", method: "GET", path: u},
		{name: "first row: change_port_alias keeping the name", method: "PUT", path: base + "/" + p9, body: keep, before: sharedRow},
		{name: "first row: add (no suffix)", method: "POST", path: base, body: `{"port": ` + p10 + `, "is_inner_service": false}`},
		{name: "first row: the later row's component is refused", method: "PUT", path: u + "/81",
			body: `{"action": "change_port_alias", "port_alias": "PDTU", "k8s_service_name": ` + strconv.Quote(shared) + `}`},
		{name: "first row: list", method: "GET", path: base},
		{name: "db cleanup: delete " + p9, method: "DELETE", path: base + "/" + p9},
		{name: "db cleanup: delete " + p10, method: "DELETE", path: base + "/" + p10},
		{name: "db cleanup: Unicode close_inner", method: "PUT", path: u + "/80", body: `{"action": "close_inner"}`},
		{name: "db cleanup: Unicode delete 80", method: "DELETE", path: u + "/80"},
		{name: "db cleanup: Unicode delete 81", method: "DELETE", path: u + "/81"},
	}
}
