package conformance_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/gen/rainbondapi"
	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// requireValidation asserts that err is a *wrapper.ValidationError naming field.
func requireValidation(t testing.TB, err error, field string) {
	t.Helper()
	var ve *wrapper.ValidationError
	require.Truef(t, errors.As(err, &ve), "want *wrapper.ValidationError for %q, got %T: %v", field, err, err)
	assert.Equal(t, field, ve.Field, ve.Error())
}

// TestValidationRainbond: every bad input of the Rainbond client is a *wrapper.ValidationError
// naming the field, and nothing is sent: neither the server nor the Validator sees a request.
func TestValidationRainbond(t *testing.T) {
	r := newRainbondRig(t)
	c := ctx(t)
	// A port that exists, so that a request sent by mistake would succeed and be noticed twice.
	require.NoError(t, r.srv.SetPort(comp, rainbond.Port{ContainerPort: 80, MappingPort: 80, Protocol: "http", PortAlias: "WEB", K8sServiceName: "web"}))

	type call func(*rainbond.Client, rainbond.Component) error
	calls := map[string]call{
		"ListPorts": func(cl *rainbond.Client, co rainbond.Component) error { _, err := cl.ListPorts(c, co); return err },
		"AddPort": func(cl *rainbond.Client, co rainbond.Component) error {
			_, err := cl.AddPort(c, co, rainbond.AddPortRequest{Port: 81, IsInnerService: true})
			return err
		},
		"UpdatePort": func(cl *rainbond.Client, co rainbond.Component) error {
			_, err := cl.UpdatePort(c, co, 80, rainbond.UpdatePortRequest{Action: rainbond.ActionCloseOuter})
			return err
		},
		"DeletePort": func(cl *rainbond.Client, co rainbond.Component) error { _, err := cl.DeletePort(c, co, 80); return err },
		"OpenOuter":  func(cl *rainbond.Client, co rainbond.Component) error { _, err := cl.OpenOuter(c, co, 80); return err },
		"CloseOuter": func(cl *rainbond.Client, co rainbond.Component) error { _, err := cl.CloseOuter(c, co, 80); return err },
		"OpenInner":  func(cl *rainbond.Client, co rainbond.Component) error { _, err := cl.OpenInner(c, co, 80); return err },
		"CloseInner": func(cl *rainbond.Client, co rainbond.Component) error { _, err := cl.CloseInner(c, co, 80); return err },
		"ChangeProtocol": func(cl *rainbond.Client, co rainbond.Component) error {
			_, err := cl.ChangeProtocol(c, co, 80, rainbond.ProtocolTCP)
			return err
		},
		"ChangeAlias": func(cl *rainbond.Client, co rainbond.Component) error {
			_, err := cl.ChangeAlias(c, co, 80, "WEB2", "web2")
			return err
		},
	}

	type tcase struct {
		name  string
		field string
		call  func() error
	}
	var cases []tcase

	// Bad path IDs, on every operation.
	badComps := map[string]rainbond.Component{}
	for _, bad := range []string{"", ".", ".."} {
		co := comp
		co.TeamID = bad
		badComps["team_id="+bad] = co
		co = comp
		co.RegionName = bad
		badComps["region_name="+bad] = co
		co = comp
		co.ServiceID = bad
		badComps["service_id="+bad] = co
	}
	for _, app := range []int64{0, -1} {
		co := comp
		co.AppID = app
		badComps["app_id="+strconv.FormatInt(app, 10)] = co
	}
	for cname, co := range badComps {
		field, _, _ := strings.Cut(cname, "=")
		for op, f := range calls {
			cases = append(cases, tcase{op + "/" + cname, field, func() error { return f(r.c, co) }})
		}
	}

	// Bad ports, on every operation that takes one.
	for _, port := range []int{0, -1, 65536, 1 << 20} {
		cases = append(cases,
			tcase{"AddPort/port", "port", func() error {
				_, err := r.c.AddPort(c, comp, rainbond.AddPortRequest{Port: port, IsInnerService: true})
				return err
			}},
			tcase{"UpdatePort/port", "port", func() error {
				_, err := r.c.UpdatePort(c, comp, port, rainbond.UpdatePortRequest{Action: rainbond.ActionOpenInner})
				return err
			}},
			tcase{"DeletePort/port", "port", func() error { _, err := r.c.DeletePort(c, comp, port); return err }},
			tcase{"OpenOuter/port", "port", func() error { _, err := r.c.OpenOuter(c, comp, port); return err }},
			tcase{"CloseOuter/port", "port", func() error { _, err := r.c.CloseOuter(c, comp, port); return err }},
			tcase{"OpenInner/port", "port", func() error { _, err := r.c.OpenInner(c, comp, port); return err }},
			tcase{"CloseInner/port", "port", func() error { _, err := r.c.CloseInner(c, comp, port); return err }},
			tcase{"ChangeProtocol/port", "port", func() error {
				_, err := r.c.ChangeProtocol(c, comp, port, rainbond.ProtocolHTTP)
				return err
			}},
			tcase{"ChangeAlias/port", "port", func() error { _, err := r.c.ChangeAlias(c, comp, port, "WEB", "web"); return err }},
		)
	}

	// Bad enums.
	for _, p := range []rainbond.Protocol{"ftp", "HTTP", "Tcp", " http", "http/https"} {
		cases = append(cases,
			tcase{"AddPort/protocol " + string(p), "protocol", func() error {
				_, err := r.c.AddPort(c, comp, rainbond.AddPortRequest{Port: 81, Protocol: p, IsInnerService: true})
				return err
			}},
			tcase{"ChangeProtocol/protocol " + string(p), "protocol", func() error { _, err := r.c.ChangeProtocol(c, comp, 80, p); return err }},
			tcase{"UpdatePort open_outer/protocol " + string(p), "protocol", func() error {
				_, err := r.c.UpdatePort(c, comp, 80, rainbond.UpdatePortRequest{Action: rainbond.ActionOpenOuter, Protocol: p})
				return err
			}},
		)
	}
	for _, a := range []rainbond.Action{"", "explode", "only_open_outer", "OPEN_OUTER", "open_outer "} {
		cases = append(cases, tcase{"UpdatePort/action " + string(a), "action", func() error {
			_, err := r.c.UpdatePort(c, comp, 80, rainbond.UpdatePortRequest{Action: a})
			return err
		}})
	}

	// Bad aliases, on add and on change_port_alias.
	for _, alias := range []string{"web", "1WEB", "_WEB", "WEB-1", "WEB PORT", "WEB.1", "Web", "ÄWEB", "WEB\n"} {
		cases = append(cases,
			tcase{"AddPort/port_alias " + alias, "port_alias", func() error {
				_, err := r.c.AddPort(c, comp, rainbond.AddPortRequest{Port: 81, PortAlias: rainbondapi.PortAlias(alias), IsInnerService: true})
				return err
			}},
			tcase{"ChangeAlias/port_alias " + alias, "port_alias", func() error {
				_, err := r.c.ChangeAlias(c, comp, 80, alias, "web2")
				return err
			}},
		)
	}
	// Bad k8s service names.
	for _, name := range []string{"nginx_port", "Nginx", "-nginx", "nginx-", "1nginx", "ngi nx", "nginx.port", strings.Repeat("a", 64)} {
		cases = append(cases, tcase{"ChangeAlias/k8s_service_name " + name, "k8s_service_name", func() error {
			_, err := r.c.ChangeAlias(c, comp, 80, "WEB2", name)
			return err
		}})
	}

	// Fields an action needs.
	cases = append(cases,
		tcase{"change_protocol without protocol", "protocol", func() error {
			_, err := r.c.UpdatePort(c, comp, 80, rainbond.UpdatePortRequest{Action: rainbond.ActionChangeProtocol})
			return err
		}},
		tcase{"ChangeProtocol with empty protocol", "protocol", func() error { _, err := r.c.ChangeProtocol(c, comp, 80, ""); return err }},
		tcase{"change_port_alias without port_alias", "port_alias", func() error {
			_, err := r.c.UpdatePort(c, comp, 80, rainbond.UpdatePortRequest{Action: rainbond.ActionChangePortAlias, K8sServiceName: "web2"})
			return err
		}},
		tcase{"change_port_alias without k8s_service_name", "k8s_service_name", func() error {
			_, err := r.c.UpdatePort(c, comp, 80, rainbond.UpdatePortRequest{Action: rainbond.ActionChangePortAlias, PortAlias: "WEB2"})
			return err
		}},
		tcase{"ChangeAlias with empty alias", "port_alias", func() error { _, err := r.c.ChangeAlias(c, comp, 80, "", "web2"); return err }},
		tcase{"ChangeAlias with empty k8s name", "k8s_service_name", func() error { _, err := r.c.ChangeAlias(c, comp, 80, "WEB2", ""); return err }},
	)

	// Bad client construction.
	newClient := func(base, token string) func() error {
		return func() error { _, err := rainbond.NewClient(base, token); return err }
	}
	cases = append(cases,
		tcase{"NewClient/empty base URL", "baseURL", newClient("", r.srv.Token)},
		tcase{"NewClient/relative base URL", "baseURL", newClient("/console", r.srv.Token)},
		tcase{"NewClient/ftp base URL", "baseURL", newClient("ftp://example.com", r.srv.Token)},
		tcase{"NewClient/base URL with query", "baseURL", newClient(r.srv.URL+"?x=1", r.srv.Token)},
		tcase{"NewClient/empty token", "token", newClient(r.srv.URL, "")},
		tcase{"NewClient/Bearer token", "token", newClient(r.srv.URL, "Bearer "+r.srv.Token)},
		tcase{"NewClient/token with space", "token", newClient(r.srv.URL, "a b")},
	)

	require.Greater(t, len(cases), 200)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srvBefore, vBefore := r.srv.RequestCount(), r.v.Requests()
			requireValidation(t, tc.call(), tc.field)
			assert.Equal(t, srvBefore, r.srv.RequestCount(), "the server saw a request")
			assert.Equal(t, vBefore, r.v.Requests(), "the Validator saw a request")
		})
	}
	assert.Zero(t, r.srv.RequestCount())
	stored, _ := r.srv.Ports(comp)
	assert.Len(t, stored, 1)
}

// TestValidationAlaya is the same for the Alaya client.
func TestValidationAlaya(t *testing.T) {
	r := newAlayaRig(t)
	c := ctx(t)

	type tcase struct {
		name  string
		field string
		call  func() error
	}
	var cases []tcase
	for _, id := range []string{"", ".", ".."} {
		cases = append(cases,
			tcase{"ListOpenPorts/instance_id " + id, "instance_id", func() error { _, err := r.c.ListOpenPorts(c, id); return err }},
			tcase{"OpenPort/instance_id " + id, "instance_id", func() error { _, err := r.c.OpenPort(c, id, 80, "tcp"); return err }},
			tcase{"ClosePort/instance_id " + id, "instance_id", func() error { return r.c.ClosePort(c, id, 80) }},
		)
	}
	for _, port := range []int{0, -1, 65536, 1 << 20} {
		cases = append(cases,
			tcase{"OpenPort/port", "port", func() error { _, err := r.c.OpenPort(c, inst, port, "tcp"); return err }},
			tcase{"ClosePort/port", "port", func() error { return r.c.ClosePort(c, inst, port) }},
		)
	}
	cases = append(cases,
		tcase{"OpenPort/empty protocol", "protocol", func() error { _, err := r.c.OpenPort(c, inst, 80, ""); return err }},
	)
	newClient := func(cred alaya.Credential, opts ...alaya.Option) func() error {
		return func() error { _, err := alaya.NewClient(cred, opts...); return err }
	}
	key := r.srv.AccessKey
	cases = append(cases,
		tcase{"NewClient/no credential", "cred", newClient(nil, alaya.WithBaseURL(r.srv.URL))},
		tcase{"NewClient/empty access key ID", "AccessKey.ID", newClient(alaya.AccessKey{Secret: key.Secret}, alaya.WithBaseURL(r.srv.URL))},
		tcase{"NewClient/access key ID with colon", "AccessKey.ID", newClient(alaya.AccessKey{ID: "a:b", Secret: key.Secret}, alaya.WithBaseURL(r.srv.URL))},
		tcase{"NewClient/empty secret", "AccessKey.Secret", newClient(alaya.AccessKey{ID: key.ID}, alaya.WithBaseURL(r.srv.URL))},
		tcase{"NewClient/secret with space", "AccessKey.Secret", newClient(alaya.AccessKey{ID: key.ID, Secret: "a b"}, alaya.WithBaseURL(r.srv.URL))},
		tcase{"NewClient/empty bearer key", "BearerKey", newClient(alaya.BearerKey(""), alaya.WithBaseURL(r.srv.URL))},
		tcase{"NewClient/Bearer key", "BearerKey", newClient(alaya.BearerKey("Bearer "+r.srv.APIKey), alaya.WithBaseURL(r.srv.URL))},
		tcase{"NewClient/key with space", "BearerKey", newClient(alaya.BearerKey("a b"), alaya.WithBaseURL(r.srv.URL))},
		tcase{"NewClient/empty base URL", "baseURL", newClient(key, alaya.WithBaseURL(""))},
		tcase{"NewClient/base URL with fragment", "baseURL", newClient(key, alaya.WithBaseURL(r.srv.URL+"#x"))},
		tcase{"NewClient/base URL with user", "baseURL", newClient(key, alaya.WithBaseURL("http://u:p@127.0.0.1/alaya"))},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srvBefore, vBefore := r.srv.RequestCount(), r.v.Requests()
			requireValidation(t, tc.call(), tc.field)
			assert.Equal(t, srvBefore, r.srv.RequestCount(), "the server saw a request")
			assert.Equal(t, vBefore, r.v.Requests(), "the Validator saw a request")
		})
	}
	assert.Zero(t, r.srv.RequestCount())
}
