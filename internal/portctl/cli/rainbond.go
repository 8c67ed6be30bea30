package cli

import (
	"context"
	"io"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// rainbondFields maps the fields of the Rainbond client's validation errors to portctl's flags.
var rainbondFields = map[string]string{
	"team_id": "team", "region_name": "region", "app_id": "app", "service_id": "component", "port": "port",
	"protocol": "protocol", "port_alias": "alias", "k8s_service_name": "k8s-service-name", "action": "action",
}

// rainbondAPI is what the rainbond commands call: a *rainbond.Client, or a fake in tests.
type rainbondAPI interface {
	ListPorts(ctx context.Context, comp rainbond.Component) ([]rainbond.Port, error)
	AddPort(ctx context.Context, comp rainbond.Component, req rainbond.AddPortRequest) (*rainbond.Port, error)
	UpdatePort(ctx context.Context, comp rainbond.Component, port int, req rainbond.UpdatePortRequest) (*rainbond.Port, error)
	DeletePort(ctx context.Context, comp rainbond.Component, port int) (*rainbond.Port, error)
}

// rainbondOptions are the flags of a 'rainbond ports' command, and the client, the component and
// the printer that complete makes of the connection settings.
type rainbondOptions struct {
	port                                    int
	protocol, alias, action, k8sServiceName string
	inner                                   bool

	client rainbondAPI
	comp   rainbond.Component
	print  func(any) error
}

func runRainbondList(ctx context.Context, o *rainbondOptions) error {
	ports, err := o.client.ListPorts(ctx, o.comp)
	return printUnless(err, ports, o.print)
}

func runRainbondAdd(ctx context.Context, o *rainbondOptions) error {
	p, err := o.client.AddPort(ctx, o.comp, rainbond.AddPortRequest{
		Port: o.port, Protocol: rainbond.Protocol(o.protocol), PortAlias: o.alias, IsInnerService: o.inner,
	})
	return printUnless(err, p, o.print)
}

func runRainbondUpdate(ctx context.Context, o *rainbondOptions) error {
	p, err := o.client.UpdatePort(ctx, o.comp, o.port, rainbond.UpdatePortRequest{
		Action: rainbond.Action(o.action), Protocol: rainbond.Protocol(o.protocol),
		PortAlias: o.alias, K8sServiceName: o.k8sServiceName,
	})
	return printUnless(err, p, o.print)
}

func runRainbondDelete(ctx context.Context, o *rainbondOptions) error {
	p, err := o.client.DeletePort(ctx, o.comp, o.port)
	return printUnless(err, p, o.print)
}

// rainbondAuthFlags declares the URL and token flags, their names after prefix, their help after
// helpPrefix.
func rainbondAuthFlags(fs *pflag.FlagSet, prefix, helpPrefix string) {
	envString(fs, prefix+"url", "RAINBOND_URL", helpPrefix+"console base URL, e.g. https://console.example.com")
	envString(fs, prefix+"token", "RAINBOND_TOKEN",
		helpPrefix+"access token; prefer the variable: a flag value stays in shell history and shows in ps")
}

func (o *rainbondOptions) portVar() *int { return &o.port }

func (o *rainbondOptions) ports(ctx context.Context) []string {
	ports, _ := o.client.ListPorts(ctx, o.comp)
	var out []string
	for _, p := range ports {
		out = append(out, strconv.Itoa(p.ContainerPort))
	}
	return out
}

// rainbondProtocols are what --protocol offers.
var rainbondProtocols = []string{"http", "tcp", "udp", "mysql", "grpc"}

// connFlags declares the connection flags every rainbond ports command takes.
func (*rainbondOptions) connFlags(fs *pflag.FlagSet) {
	rainbondAuthFlags(fs, "", "")
	envString(fs, "team", "RAINBOND_TEAM", "team (tenant) id or name")
	envString(fs, "region", "RAINBOND_REGION", "region (cluster) name")
	envString(fs, "app", "RAINBOND_APP", "application id, a positive integer")
	envString(fs, "component", "RAINBOND_COMPONENT", "component service id or alias")
}

// complete refuses a flag the --action does not use, then reads the connection settings (flags,
// else the environment) and makes the client. Nothing is sent.
func (o *rainbondOptions) complete(e *env, cmd *cobra.Command) error {
	why := "to --action " + o.action
	var err error
	switch rainbond.Action(o.action) {
	case rainbond.ActionChangeProtocol:
		err = refuseFlags(cmd, why+" (it sets --protocol only)", "alias", "k8s-service-name")
	case rainbond.ActionChangePortAlias:
		err = refuseFlags(cmd, why+" (it sets --alias and --k8s-service-name only)", "protocol")
	case rainbond.ActionOpenInner, rainbond.ActionCloseInner, rainbond.ActionOpenOuter, rainbond.ActionCloseOuter:
		err = refuseFlags(cmd, why+" (it takes no value)", "protocol", "alias", "k8s-service-name")
	}
	if err != nil {
		return err
	}
	v, err := e.settings(cmd, "url", "token", "team", "region", "app")
	if err != nil {
		return err
	}
	e.secret(v[1])
	o.comp = rainbond.Component{TeamID: v[2], RegionName: v[3]}
	if o.comp.AppID, err = strconv.ParseInt(v[4], 10, 64); err != nil {
		return usageErrorf("invalid %s %q: not a number", e.flagName("app"), v[4])
	}
	if o.comp.AppID <= 0 {
		return usageErrorf("invalid %s %q: must be a positive integer", e.flagName("app"), v[4])
	}
	comp, err := e.settings(cmd, "component")
	if err != nil {
		return err
	}
	o.comp.ServiceID, o.print = comp[0], e.printPorts
	o.client, err = e.newRainbondClient(v[0], v[1], "url", "token")
	return err
}

// restate restates a client error for the user: a validation error names the flag.
func (*rainbondOptions) restate(e *env, err error) error {
	return e.asFlagError(err, rainbondFields)
}

// printPorts writes ports as a table, or as JSON or YAML (a list as an array, one port as an object).
func (e *env) printPorts(v any) error {
	return e.print(v, func(w io.Writer) error {
		ports, ok := v.([]rainbond.Port)
		if !ok {
			ports = []rainbond.Port{*v.(*rainbond.Port)}
		}
		rows := make([][]string, len(ports))
		for i, p := range ports {
			rows[i] = []string{
				strconv.Itoa(p.ContainerPort), p.Protocol, p.PortAlias, openClosed[p.IsInnerService],
				openClosed[p.IsOuterService], strconv.Itoa(p.MappingPort), p.K8sServiceName,
			}
		}
		return table(w, []string{"PORT", "PROTOCOL", "ALIAS", "INNER", "OUTER", "MAPPING", "K8S-SERVICE"}, rows)
	})
}

// openClosed shows whether a service is open.
var openClosed = map[bool]string{true: "open", false: "closed"}

const rainbondEnvHelp = `Flags fall back to RAINBOND_URL, RAINBOND_TOKEN, RAINBOND_TEAM, RAINBOND_REGION, RAINBOND_APP and
RAINBOND_COMPONENT.`

func newRainbondCmd(e *env) *cobra.Command {
	ports := group(&cobra.Command{
		Use:   "ports <command>",
		Short: "list, add, update and delete the ports of a component",
		Long: "List, add, update (open or close the inner and outer service, change the protocol or the alias)\n" +
			"and delete the ports of a Rainbond component.\n\n" + rainbondEnvHelp,
		Example: examples(`export RAINBOND_URL=https://console.example.com RAINBOND_TOKEN=...
export RAINBOND_TEAM=my-team RAINBOND_REGION=rainbond RAINBOND_APP=12 RAINBOND_COMPONENT=gr1a2b3c
portctl rainbond ports list
portctl rainbond ports add --port 8080 --protocol http --alias WEB --inner
portctl rainbond ports update --port 8080 --action open_outer
portctl rainbond ports delete --port 8080`),
	}, portsCmds(e, rainbondEnvHelp, rainbondCmds...)...)
	return group(&cobra.Command{
		Use:   "rainbond <command>",
		Short: "Rainbond component ports (list, add, update, delete)",
		Long:  "Commands for the Rainbond console OpenAPI.",
		Example: examples(`export RAINBOND_URL=https://console.example.com RAINBOND_TOKEN=...
portctl rainbond ports list --team my-team --region rainbond --app 12 --component gr1a2b3c`),
	}, ports)
}

// rainbondCmds are the 'rainbond ports' commands.
var rainbondCmds = []portsSpec[rainbondOptions]{{
	use:   "list",
	short: "list the ports of a component",
	long:  "List the ports of a Rainbond component.",
	example: `portctl rainbond ports list --team my-team --region rainbond --app 12 --component gr1a2b3c
portctl rainbond ports list -o json      # a JSON array of ports`,
	run: runRainbondList,
}, {
	use:   "add --port PORT [--protocol PROTOCOL] [--alias ALIAS] [--inner]",
	short: "add a port to a component",
	long: "Add a port to a Rainbond component and print it as the server created it. The outer service\n" +
		"starts closed; open it with 'update --action open_outer'.",
	example: `portctl rainbond ports add --port 8080 --protocol http --alias WEB
portctl rainbond ports add --port 5432 --protocol tcp --alias DB --inner -o json`,
	run: runRainbondAdd, required: []string{"port"},
	flags: func(c *cobra.Command, o *rainbondOptions) {
		choiceFlag(c, &o.protocol, "protocol", "http", "protocol: http, tcp, udp, mysql or grpc", rainbondProtocols...)
		fs := c.Flags()
		fs.StringVar(&o.alias, "alias", "", "port alias, ^[A-Z][A-Z0-9_]*$ (default: the server makes one)")
		fs.BoolVar(&o.inner, "inner", false, "open the inner (in-cluster) service at once")
	},
}, {
	use:   "update --port PORT --action ACTION [--protocol PROTOCOL] [--alias ALIAS --k8s-service-name NAME]",
	short: "open or close a port's services, change its protocol or alias",
	long: `Apply an action to a port of a Rainbond component and print the port after the change.

Actions:
  open_inner          open the inner (in-cluster) service; the port needs an alias
  open_outer          open the outer (external) service; the inner service must be open
  close_outer         close the outer service
  close_inner         close the inner service; the outer service must be closed
  change_protocol     set --protocol; only http while the outer service is open
  change_port_alias   set --alias and --k8s-service-name (both required)

A flag the action does not use (--protocol, --alias, --k8s-service-name) is refused.`,
	example: `portctl rainbond ports update --port 8080 --action open_inner
portctl rainbond ports update --port 8080 --action open_outer
portctl rainbond ports update --port 8080 --action change_protocol --protocol tcp
portctl rainbond ports update --port 8080 --action change_port_alias --alias WEB --k8s-service-name web`,
	run: runRainbondUpdate, required: []string{"port", "action"}, existingPort: true,
	flags: func(c *cobra.Command, o *rainbondOptions) {
		choiceFlag(c, &o.action, "action", "",
			"action: open_inner, open_outer, close_outer, close_inner, change_protocol or change_port_alias (required)",
			"open_inner", "open_outer", "close_outer", "close_inner", "change_protocol", "change_port_alias")
		choiceFlag(c, &o.protocol, "protocol", "", "new protocol for change_protocol: http, tcp, udp, mysql or grpc", rainbondProtocols...)
		fs := c.Flags()
		fs.StringVar(&o.alias, "alias", "", "new port alias for change_port_alias, ^[A-Z][A-Z0-9_]*$")
		fs.StringVar(&o.k8sServiceName, "k8s-service-name", "",
			"k8s service name for change_port_alias, a DNS label of at most 63 characters")
	},
}, {
	use:   "delete --port PORT",
	short: "delete a port (close its services first)",
	long: "Delete a port of a Rainbond component and print it as it was. The server refuses while its\n" +
		"inner or outer service is open: close both first.",
	example: `portctl rainbond ports update --port 8080 --action close_outer
portctl rainbond ports update --port 8080 --action close_inner
portctl rainbond ports delete --port 8080`,
	run:      runRainbondDelete,
	required: []string{"port"}, existingPort: true,
}}
