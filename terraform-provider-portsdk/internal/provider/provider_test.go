package provider

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/alaya/alayatest"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

var factories = map[string]func() (tfprotov6.ProviderServer, error){
	"portsdk": providerserver.NewProtocol6WithError(New("test")()),
}

var comp = rainbond.Component{TeamID: "team", RegionName: "region", AppID: 1, ServiceID: "web"}

const instance = "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0"

func rainbondServer(t *testing.T) *rainbondtest.Server {
	srv := rainbondtest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddComponent(comp)
	return srv
}

func rainbondProvider(srv *rainbondtest.Server) string {
	return fmt.Sprintf("provider \"portsdk\" {\n  rainbond {\n    url   = %q\n    token = %q\n  }\n}\n", srv.URL, srv.Token)
}

// rbHCL is a provider block and one portsdk_rainbond_port "p" on comp with the given attributes.
func rbHCL(srv *rainbondtest.Server, attrs string) string {
	return rainbondProvider(srv) + `resource "portsdk_rainbond_port" "p" {
  team      = "team"
  region    = "region"
  app       = 1
  component = "web"
` + attrs + "\n}\n"
}

// serverPort checks the port as the fake server holds it.
func serverPort(srv *rainbondtest.Server, port int, check func(rainbond.Port) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ports, _ := srv.Ports(comp)
		for _, p := range ports {
			if p.ContainerPort == port {
				return check(p)
			}
		}
		return fmt.Errorf("port %d is not on the server: %+v", port, ports)
	}
}

func expect(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("portsdk_rainbond_port.p", action)}}
}

func noPorts(srv *rainbondtest.Server) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if ports, _ := srv.Ports(comp); len(ports) != 0 {
			return fmt.Errorf("ports left on the server: %+v", ports)
		}
		return nil
	}
}

// TestRainbondPortLifecycle: create, an in-place update of each updatable attribute, import, a port
// deleted outside planned for re-creation, a port change replacing, destroy.
func TestRainbondPortLifecycle(t *testing.T) {
	srv := rainbondServer(t)
	client, err := rainbond.NewClient(srv.URL, srv.Token)
	if err != nil {
		t.Fatal(err)
	}
	const name = "portsdk_rainbond_port.p"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             noPorts(srv),
		Steps: []resource.TestStep{
			{Config: rbHCL(srv, `port = 8080
  inner = true
  alias = "WEB"`), ConfigPlanChecks: expect(plancheck.ResourceActionCreate), Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(name, "id", "team/region/1/web/8080"),
				resource.TestCheckResourceAttr(name, "protocol", "http"),
				resource.TestCheckResourceAttr(name, "outer", "false"),
				resource.TestCheckResourceAttr(name, "mapping_port", "8080"),
				resource.TestCheckResourceAttrSet(name, "k8s_service_name"),
				serverPort(srv, 8080, func(p rainbond.Port) error {
					if !p.IsInnerService || p.IsOuterService || p.PortAlias != "WEB" {
						return fmt.Errorf("server port %+v", p)
					}
					return nil
				}))},
			{Config: rbHCL(srv, `port = 8080
  inner = true
  outer = true
  alias = "WEB"`), ConfigPlanChecks: expect(plancheck.ResourceActionUpdate), Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(name, "outer", "true"),
				serverPort(srv, 8080, func(p rainbond.Port) error {
					if !p.IsOuterService {
						return fmt.Errorf("outer not open: %+v", p)
					}
					return nil
				}))},
			{Config: rbHCL(srv, `port = 8080
  inner = true
  outer = true
  alias = "API"
  k8s_service_name = "api-svc"`), ConfigPlanChecks: expect(plancheck.ResourceActionUpdate), Check: serverPort(srv, 8080, func(p rainbond.Port) error {
				if p.PortAlias != "API" || p.K8sServiceName != "api-svc" {
					return fmt.Errorf("alias and k8s service name not changed: %+v", p)
				}
				return nil
			})},
			// A protocol change on an open outer service: the plan engine closes it around the change.
			{Config: rbHCL(srv, `port = 8080
  protocol = "tcp"
  inner = true
  outer = true`), ConfigPlanChecks: expect(plancheck.ResourceActionUpdate), Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(name, "alias", "API"), // unset keeps the server's
				serverPort(srv, 8080, func(p rainbond.Port) error {
					if p.Protocol != "tcp" || !p.IsOuterService {
						return fmt.Errorf("protocol not changed with outer open: %+v", p)
					}
					return nil
				}))},
			{Config: rbHCL(srv, `port = 8080
  protocol = "tcp"`), ConfigPlanChecks: expect(plancheck.ResourceActionUpdate), Check: serverPort(srv, 8080, func(p rainbond.Port) error {
				if p.IsInnerService || p.IsOuterService {
					return fmt.Errorf("inner and outer not closed: %+v", p)
				}
				return nil
			})},
			{ResourceName: name, ImportState: true, ImportStateVerify: true, ImportStateId: "team/region/1/web/8080"},
			{ResourceName: name, ImportState: true, ImportStateId: "team/region/one/web/8080", ExpectError: regexp.MustCompile(`app "one" is not a number`)},
			{PreConfig: func() {
				if _, err := client.DeletePort(context.Background(), comp, 8080); err != nil {
					t.Fatal(err)
				}
			}, Config: rbHCL(srv, `port = 8080
  protocol = "tcp"`), ConfigPlanChecks: expect(plancheck.ResourceActionCreate),
				Check: serverPort(srv, 8080, func(rainbond.Port) error { return nil })},
			{Config: rbHCL(srv, `port = 9090
  protocol = "tcp"`), ConfigPlanChecks: expect(plancheck.ResourceActionDestroyBeforeCreate), Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(name, "id", "team/region/1/web/9090"),
				serverPort(srv, 9090, func(rainbond.Port) error { return nil }),
				func(*terraform.State) error {
					if ports, _ := srv.Ports(comp); len(ports) != 1 {
						return fmt.Errorf("want only 9090, have %+v", ports)
					}
					return nil
				})},
		},
	})
}

// TestRainbondPortDestroyClosesFirst: destroying a port with both services open closes them first,
// as the SDK's planner orders it (the server refuses to delete an open port).
func TestRainbondPortDestroyClosesFirst(t *testing.T) {
	srv := rainbondServer(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy:             noPorts(srv),
		Steps: []resource.TestStep{{Config: rbHCL(srv, `port = 80
  inner = true
  outer = true`)}},
	})
}

// TestRainbondPlanTimeErrors: invalid attributes are refused before anything is sent, naming the attribute.
func TestRainbondPlanTimeErrors(t *testing.T) {
	srv := rainbondServer(t)
	for _, c := range []struct{ attrs, want string }{
		{`port = 8080
  protocol = "ftp"`, `(?s)Invalid protocol.*protocol *= "ftp".*"ftp" is not one of`},
		{`port = 70000`, `(?s)Invalid port.*port *= 70000`},
		{`port = 8080
  outer = true`, `(?s)Invalid outer.*needs inner`},
		{`port = 8080
  alias = "web"`, `(?s)Invalid alias.*alias *= "web"`},
		{`port = 8080
  k8s_service_name = "Bad_Name"`, `(?s)Invalid k8s_service_name`},
	} {
		resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: []resource.TestStep{
			{Config: rbHCL(srv, c.attrs), PlanOnly: true, ExpectError: regexp.MustCompile(c.want)},
		}})
	}
	bad := rainbondProvider(srv) + `resource "portsdk_rainbond_port" "p" {
  team      = "a/b"
  region    = "region"
  app       = 1
  component = "web"
  port      = 80
}`
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: []resource.TestStep{
		{Config: bad, PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Invalid team.*team *= "a/b"`)},
	}})
	if n := srv.RequestCount(); n != 0 {
		t.Errorf("the server got %d requests for invalid configurations", n)
	}
}

// TestRainbondAPIErrors: the console's refusal becomes a diagnostic with its status and message.
func TestRainbondAPIErrors(t *testing.T) {
	srv := rainbondServer(t)
	cfg := rainbondProvider(srv) + `resource "portsdk_rainbond_port" "p" {
  team      = "team"
  region    = "region"
  app       = 1
  component = "nope"
  port      = 80
}`
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: []resource.TestStep{
		{Config: cfg, ExpectError: regexp.MustCompile(`(?s)Applying the port failed.*HTTP 404`)},
	}})
	// An existing port is not adopted silently.
	if err := srv.SetPort(comp, rainbond.Port{ContainerPort: 80, Protocol: "http", PortAlias: "WEB"}); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: []resource.TestStep{
		{Config: rbHCL(srv, "port = 80"), ExpectError: regexp.MustCompile(`(?s)Invalid port.*80 exists already: import it`)},
	}})
}

// TestRainbondPortsDataSource lists a component's ports, ordered, with the provider configured
// from the environment (RAINBOND_URL, RAINBOND_TOKEN).
func TestRainbondPortsDataSource(t *testing.T) {
	srv := rainbondServer(t)
	for _, p := range []rainbond.Port{
		{ContainerPort: 9000, Protocol: "tcp", PortAlias: "B", K8sServiceName: "svc", MappingPort: 9000},
		{ContainerPort: 80, Protocol: "http", PortAlias: "A", K8sServiceName: "svc", MappingPort: 80, IsInnerService: true},
	} {
		if err := srv.SetPort(comp, p); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("RAINBOND_URL", srv.URL)
	t.Setenv("RAINBOND_TOKEN", srv.Token)
	const name = "data.portsdk_rainbond_ports.all"
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: []resource.TestStep{{
		Config: `data "portsdk_rainbond_ports" "all" {
  team      = "team"
  region    = "region"
  app       = 1
  component = "web"
}`,
		Check: resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr(name, "ports.#", "2"),
			resource.TestCheckResourceAttr(name, "ports.0.port", "80"),
			resource.TestCheckResourceAttr(name, "ports.0.inner", "true"),
			resource.TestCheckResourceAttr(name, "ports.0.alias", "A"),
			resource.TestCheckResourceAttr(name, "ports.1.port", "9000"),
			resource.TestCheckResourceAttr(name, "ports.1.protocol", "tcp"),
			resource.TestCheckResourceAttr(name, "ports.1.k8s_service_name", "svc")),
	}}})
}

func alayaServer(t *testing.T) *alayatest.Server {
	srv := alayatest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddInstance(instance)
	return srv
}

func alayaProvider(srv *alayatest.Server) string {
	return fmt.Sprintf("provider \"portsdk\" {\n  alaya {\n    url        = %q\n    access_key = %q\n    secret_key = %q\n  }\n}\n",
		srv.URL, srv.AccessKey.ID, srv.AccessKey.Secret)
}

func alHCL(srv *alayatest.Server, attrs string) string {
	return alayaProvider(srv) + "resource \"portsdk_alaya_port\" \"p\" {\n  instance = \"" + instance + "\"\n" + attrs + "\n}\n"
}

func alayaOpen(srv *alayatest.Server, port int, protocol string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		ports, _ := srv.Ports(instance)
		for _, p := range ports.CustomPorts {
			if p.Port == port && p.Protocol == protocol {
				return resource.TestCheckResourceAttr("portsdk_alaya_port.p", "external_port", strconv.Itoa(p.ExternalPort))(s)
			}
		}
		return fmt.Errorf("port %d %s is not open: %+v", port, protocol, ports.CustomPorts)
	}
}

func expectAlaya(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("portsdk_alaya_port.p", action)}}
}

// TestAlayaPortLifecycle: open, import, a port closed outside planned for re-opening, a protocol
// or port change replacing, close on destroy.
func TestAlayaPortLifecycle(t *testing.T) {
	srv := alayaServer(t)
	client, err := alaya.NewClient(srv.AccessKey, alaya.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	const name = "portsdk_alaya_port.p"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		CheckDestroy: func(*terraform.State) error {
			if ports, _ := srv.Ports(instance); len(ports.CustomPorts) != 0 {
				return fmt.Errorf("ports left open: %+v", ports.CustomPorts)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: alHCL(srv, "port = 8080"), ConfigPlanChecks: expectAlaya(plancheck.ResourceActionCreate), Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(name, "id", instance+"/8080"),
				resource.TestCheckResourceAttr(name, "protocol", "http/https"),
				resource.TestCheckResourceAttr(name, "external_host", alayatest.ExternalHost),
				alayaOpen(srv, 8080, "http/https"))},
			{ResourceName: name, ImportState: true, ImportStateVerify: true, ImportStateId: instance + "/8080"},
			{ResourceName: name, ImportState: true, ImportStateId: instance, ExpectError: regexp.MustCompile(`is not instance/port`)},
			{PreConfig: func() {
				if err := client.ClosePort(context.Background(), instance, 8080); err != nil {
					t.Fatal(err)
				}
			}, Config: alHCL(srv, "port = 8080"), ConfigPlanChecks: expectAlaya(plancheck.ResourceActionCreate),
				Check: alayaOpen(srv, 8080, "http/https")},
			{Config: alHCL(srv, "port = 8080\n  protocol = \"tcp\""), ConfigPlanChecks: expectAlaya(plancheck.ResourceActionDestroyBeforeCreate),
				Check: alayaOpen(srv, 8080, "tcp")},
			{Config: alHCL(srv, "port = 8081\n  protocol = \"tcp\""), ConfigPlanChecks: expectAlaya(plancheck.ResourceActionDestroyBeforeCreate),
				Check: resource.ComposeAggregateTestCheckFunc(alayaOpen(srv, 8081, "tcp"), resource.TestCheckResourceAttr(name, "id", instance+"/8081"))},
		},
	})
}

// TestAlayaPlanTimeErrors: a reserved port is refused before anything is sent, naming the attribute.
func TestAlayaPlanTimeErrors(t *testing.T) {
	srv := alayaServer(t)
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: []resource.TestStep{
		{Config: alHCL(srv, "port = 22"), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Invalid port.*port *= 22.*reserved`)},
		{Config: alHCL(srv, "port = 80\n  protocol = \" tcp\""), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Invalid protocol.*spaces`)},
	}})
	if n := srv.RequestCount(); n != 0 {
		t.Errorf("the server got %d requests for invalid configurations", n)
	}
}

// TestAlayaPortsDataSource lists the system and custom ports of an instance.
func TestAlayaPortsDataSource(t *testing.T) {
	srv := alayaServer(t)
	const name = "data.portsdk_alaya_ports.all"
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: []resource.TestStep{{
		Config: alHCL(srv, "port = 8080\n  protocol = \"tcp\"") + `data "portsdk_alaya_ports" "all" {
  instance   = portsdk_alaya_port.p.instance
  depends_on = [portsdk_alaya_port.p]
}`,
		Check: resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr(name, "ports.#", strconv.Itoa(len(alayatest.SystemPorts))),
			resource.TestCheckResourceAttr(name, "custom_ports.#", "1"),
			resource.TestCheckResourceAttr(name, "custom_ports.0.port", "8080"),
			resource.TestCheckResourceAttr(name, "custom_ports.0.protocol", "tcp"),
			resource.TestCheckResourceAttrPair(name, "custom_ports.0.external_port", "portsdk_alaya_port.p", "external_port")),
	}}})
}

// TestUnconfiguredPlatform: a resource of a platform with no configuration says what to set.
func TestUnconfiguredPlatform(t *testing.T) {
	for _, k := range []string{"ALAYA_ACCESS_KEY", "ALAYA_SECRET_KEY", "ALAYA_API_KEY"} {
		t.Setenv(k, "")
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: []resource.TestStep{{
		Config:      `data "portsdk_alaya_ports" "all" { instance = "i" }`,
		ExpectError: regexp.MustCompile(`alaya is not configured`),
	}}})
}

// TestRainbondLive runs the resource against a real console when RAINBOND_LIVE_URL,
// RAINBOND_LIVE_TOKEN, RAINBOND_LIVE_TEAM, RAINBOND_LIVE_REGION, RAINBOND_LIVE_APP and
// RAINBOND_LIVE_COMPONENT name one and a scratch component (as wrapper/rainbond's live tests); it
// uses port RAINBOND_LIVE_PORT (default 18080), which must not exist.
func TestRainbondLive(t *testing.T) {
	url := os.Getenv("RAINBOND_LIVE_URL")
	if url == "" {
		t.Skip("RAINBOND_LIVE_URL not set: no console to run against")
	}
	port := cmp.Or(os.Getenv("RAINBOND_LIVE_PORT"), "18080")
	cfg := func(attrs string) string {
		return fmt.Sprintf(`provider "portsdk" {
  rainbond {
    url   = %q
    token = %q
  }
}
resource "portsdk_rainbond_port" "p" {
  team      = %q
  region    = %q
  app       = %s
  component = %q
  port      = %s
  %s
}`, url, os.Getenv("RAINBOND_LIVE_TOKEN"), os.Getenv("RAINBOND_LIVE_TEAM"), os.Getenv("RAINBOND_LIVE_REGION"),
			os.Getenv("RAINBOND_LIVE_APP"), os.Getenv("RAINBOND_LIVE_COMPONENT"), port, attrs)
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: []resource.TestStep{
		{Config: cfg(`inner = true`)},
		{Config: cfg("inner = true\n  outer = true"), ConfigPlanChecks: expect(plancheck.ResourceActionUpdate)},
		{Config: cfg("inner = true\n  outer = true\n  alias = \"PORTSDK_TF\""), ConfigPlanChecks: expect(plancheck.ResourceActionUpdate)},
		{ResourceName: "portsdk_rainbond_port.p", ImportState: true, ImportStateVerify: true},
	}})
}

// TestProviderConfigErrors: a configuration the clients refuse fails on its block, the secret unquoted.
func TestProviderConfigErrors(t *testing.T) {
	ds := `data "portsdk_alaya_ports" "all" { instance = "i" }`
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: []resource.TestStep{
		{Config: `provider "portsdk" {
  alaya {
    access_key = "AK1"
    secret_key = "s3cr3t-value"
    api_key    = "bearer-value"
  }
}
` + ds, ExpectError: regexp.MustCompile(`(?s)Invalid alaya configuration.*api_key, not both`)},
		{Config: `provider "portsdk" {
  rainbond {
    url   = "ftp://console.example.com"
    token = "tok3n-value"
  }
}
` + ds, ExpectError: regexp.MustCompile(`Invalid rainbond configuration`)},
	}})
}

// TestRainbondK8sServiceNameOnOnePort: the component's k8s service name set on one port resource
// while another port of the component changes in the same apply: the other does not set it back.
func TestRainbondK8sServiceNameOnOnePort(t *testing.T) {
	srv := rainbondServer(t)
	cfg := func(k8s string, inner bool) string {
		return rainbondProvider(srv) + fmt.Sprintf(`resource "portsdk_rainbond_port" "a" {
  team             = "team"
  region           = "region"
  app              = 1
  component        = "web"
  port             = 80
  alias            = "A"
  k8s_service_name = %q
}
resource "portsdk_rainbond_port" "b" {
  team      = "team"
  region    = "region"
  app       = 1
  component = "web"
  port      = 81
  alias     = "B"
  inner     = %t
}`, k8s, inner)
	}
	names := func(want string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			ports, _ := srv.Ports(comp)
			for _, p := range ports {
				if p.K8sServiceName != want {
					return fmt.Errorf("port %d has k8s service name %q, want %q", p.ContainerPort, p.K8sServiceName, want)
				}
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: factories, Steps: []resource.TestStep{
		{Config: cfg("first-svc", false), Check: names("first-svc")},
		{Config: cfg("second-svc", true), Check: resource.ComposeAggregateTestCheckFunc(names("second-svc"),
			resource.TestCheckResourceAttr("portsdk_rainbond_port.b", "inner", "true"))},
	}})
}
