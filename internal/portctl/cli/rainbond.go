package cli

import (
	"errors"
	"io"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// rainbondFields maps the fields of the Rainbond client's validation errors to portctl's flags.
var rainbondFields = map[string]string{
	"baseURL": "url", "token": "token", "team_id": "team", "region_name": "region", "app_id": "app",
	"service_id": "component", "port": "port", "protocol": "protocol", "port_alias": "alias",
	"k8s_service_name": "k8s-service-name", "action": "action",
}

// rainbondConnFlags declares the connection flags every rainbond ports command takes.
func rainbondConnFlags(fs *pflag.FlagSet) {
	envString(fs, "url", "RAINBOND_URL", "console base URL, e.g. https://console.example.com")
	envString(fs, "token", "RAINBOND_TOKEN",
		"access token; prefer the variable: a flag value stays in shell history and shows in ps")
	envString(fs, "team", "RAINBOND_TEAM", "team (tenant) id or name")
	envString(fs, "region", "RAINBOND_REGION", "region (cluster) name")
	envString(fs, "app", "RAINBOND_APP", "application id, a positive integer")
	envString(fs, "component", "RAINBOND_COMPONENT", "component service id or alias")
}

// rainbondClient reads the connection settings (flags, else the environment) and returns the
// client and the component. Nothing is sent.
func (e *env) rainbondClient(cmd *cobra.Command) (*rainbond.Client, rainbond.Component, error) {
	var comp rainbond.Component
	url, err := e.setting(cmd, "url")
	if err != nil {
		return nil, comp, err
	}
	token, err := e.setting(cmd, "token")
	if err != nil {
		return nil, comp, err
	}
	e.secret(token)
	if comp.TeamID, err = e.setting(cmd, "team"); err != nil {
		return nil, comp, err
	}
	if comp.RegionName, err = e.setting(cmd, "region"); err != nil {
		return nil, comp, err
	}
	app, err := e.setting(cmd, "app")
	if err != nil {
		return nil, comp, err
	}
	if comp.AppID, err = strconv.ParseInt(app, 10, 64); err != nil {
		return nil, comp, usageErrorf("invalid %s %q: not a number", e.flagName("app"), app)
	}
	if comp.AppID <= 0 {
		return nil, comp, usageErrorf("invalid %s %q: must be a positive integer", e.flagName("app"), app)
	}
	if comp.ServiceID, err = e.setting(cmd, "component"); err != nil {
		return nil, comp, err
	}
	c, err := rainbond.NewClient(url, token, rainbond.WithUserAgent(userAgent), rainbond.WithLogger(e.logger()))
	if err != nil {
		return nil, comp, e.asFlagError(err, rainbondFields)
	}
	return c, comp, nil
}

// rainbondError restates a client error for the user: a validation error names the flag, and a
// refused token says where it came from.
func (e *env) rainbondError(err error) error {
	if errors.Is(err, wrapper.ErrUnauthorized) {
		return &credentialError{err: err, hint: "check " + e.flagName("token")}
	}
	return e.asFlagError(err, rainbondFields)
}

// printPorts writes ports as a table, or as JSON or YAML (a list as an array, one port as an object).
func (e *env) printPorts(v any) error {
	return e.print(v, func(w io.Writer) error {
		var ports []rainbond.Port
		switch p := v.(type) {
		case []rainbond.Port:
			ports = p
		case *rainbond.Port:
			ports = []rainbond.Port{*p}
		}
		rows := make([][]string, len(ports))
		for i, p := range ports {
			rows[i] = []string{
				strconv.Itoa(p.ContainerPort), p.Protocol, p.PortAlias, openClosed(p.IsInnerService),
				openClosed(p.IsOuterService), strconv.Itoa(p.MappingPort), p.K8sServiceName,
			}
		}
		return table(w, []string{"PORT", "PROTOCOL", "ALIAS", "INNER", "OUTER", "MAPPING", "K8S-SERVICE"}, rows)
	})
}

func openClosed(b bool) string {
	if b {
		return "open"
	}
	return "closed"
}

const rainbondEnvHelp = `Flags fall back to RAINBOND_URL, RAINBOND_TOKEN, RAINBOND_TEAM, RAINBOND_REGION, RAINBOND_APP and
RAINBOND_COMPONENT.`

func newRainbondCmd(e *env) *cobra.Command {
	ports := &cobra.Command{
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
	}
	ports.AddCommand(rainbondListCmd(e), rainbondAddCmd(e), rainbondUpdateCmd(e), rainbondDeleteCmd(e))
	rb := &cobra.Command{
		Use:   "rainbond <command>",
		Short: "Rainbond component ports (list, add, update, delete)",
		Long:  "Commands for the Rainbond console OpenAPI.",
		Example: examples(`export RAINBOND_URL=https://console.example.com RAINBOND_TOKEN=...
portctl rainbond ports list --team my-team --region rainbond --app 12 --component gr1a2b3c`),
	}
	rb.AddCommand(ports)
	return rb
}

func rainbondListCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "list",
		Short: "list the ports of a component",
		Long:  "List the ports of a Rainbond component.\n\n" + rainbondEnvHelp,
		Example: examples(`portctl rainbond ports list --team my-team --region rainbond --app 12 --component gr1a2b3c
portctl rainbond ports list -o json      # a JSON array of ports`),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, comp, err := e.rainbondClient(cmd)
			if err != nil {
				return err
			}
			ports, err := c.ListPorts(cmd.Context(), comp)
			if err != nil {
				return e.rainbondError(err)
			}
			return e.printPorts(ports)
		},
	}
	rainbondConnFlags(c.Flags())
	return apiCommand(c)
}

func rainbondAddCmd(e *env) *cobra.Command {
	var (
		port            int
		protocol, alias string
		inner           bool
	)
	c := &cobra.Command{
		Use:   "add --port PORT [--protocol PROTOCOL] [--alias ALIAS] [--inner]",
		Short: "add a port to a component",
		Long: "Add a port to a Rainbond component and print it as the server created it. The outer service\n" +
			"starts closed; open it with 'update --action open_outer'.\n\n" + rainbondEnvHelp,
		Example: examples(`portctl rainbond ports add --port 8080 --protocol http --alias WEB
portctl rainbond ports add --port 5432 --protocol tcp --alias DB --inner -o json`),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "port"); err != nil {
				return err
			}
			c, comp, err := e.rainbondClient(cmd)
			if err != nil {
				return err
			}
			p, err := c.AddPort(cmd.Context(), comp, rainbond.AddPortRequest{
				Port: port, Protocol: rainbond.Protocol(protocol), PortAlias: alias, IsInnerService: inner,
			})
			if err != nil {
				return e.rainbondError(err)
			}
			return e.printPorts(p)
		},
	}
	fs := c.Flags()
	intFlag(fs, &port, "port", "container port, 1..65535 (required)")
	fs.StringVar(&protocol, "protocol", "http", "protocol: http, tcp, udp, mysql or grpc")
	fs.StringVar(&alias, "alias", "", "port alias, ^[A-Z][A-Z0-9_]*$ (default: the server makes one)")
	fs.BoolVar(&inner, "inner", false, "open the inner (in-cluster) service at once")
	rainbondConnFlags(fs)
	return apiCommand(c)
}

func rainbondUpdateCmd(e *env) *cobra.Command {
	var (
		port                             int
		action, protocol, alias, k8sName string
	)
	c := &cobra.Command{
		Use:   "update --port PORT --action ACTION [--protocol PROTOCOL] [--alias ALIAS --k8s-service-name NAME]",
		Short: "open or close a port's services, change its protocol or alias",
		Long: `Apply an action to a port of a Rainbond component and print the port after the change.

Actions:
  open_inner          open the inner (in-cluster) service; the port needs an alias
  open_outer          open the outer (external) service; the inner service must be open
  close_outer         close the outer service
  close_inner         close the inner service; the outer service must be closed
  change_protocol     set --protocol; only http while the outer service is open
  change_port_alias   set --alias and --k8s-service-name (both required)

A flag the action does not use (--protocol, --alias, --k8s-service-name) is refused.

` + rainbondEnvHelp,
		Example: examples(`portctl rainbond ports update --port 8080 --action open_inner
portctl rainbond ports update --port 8080 --action open_outer
portctl rainbond ports update --port 8080 --action change_protocol --protocol tcp
portctl rainbond ports update --port 8080 --action change_port_alias --alias WEB --k8s-service-name web`),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "port", "action"); err != nil {
				return err
			}
			why := "to --action " + action
			var err error
			switch rainbond.Action(action) {
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
			c, comp, err := e.rainbondClient(cmd)
			if err != nil {
				return err
			}
			p, err := c.UpdatePort(cmd.Context(), comp, port, rainbond.UpdatePortRequest{
				Action: rainbond.Action(action), Protocol: rainbond.Protocol(protocol),
				PortAlias: alias, K8sServiceName: k8sName,
			})
			if err != nil {
				return e.rainbondError(err)
			}
			return e.printPorts(p)
		},
	}
	fs := c.Flags()
	intFlag(fs, &port, "port", "container port, 1..65535 (required)")
	fs.StringVar(&action, "action", "",
		"action: open_inner, open_outer, close_outer, close_inner, change_protocol or change_port_alias (required)")
	_ = c.RegisterFlagCompletionFunc("action", cobra.FixedCompletions([]string{
		"open_inner", "open_outer", "close_outer", "close_inner", "change_protocol", "change_port_alias",
	}, cobra.ShellCompDirectiveNoFileComp))
	fs.StringVar(&protocol, "protocol", "", "new protocol for change_protocol: http, tcp, udp, mysql or grpc")
	fs.StringVar(&alias, "alias", "", "new port alias for change_port_alias, ^[A-Z][A-Z0-9_]*$")
	fs.StringVar(&k8sName, "k8s-service-name", "",
		"k8s service name for change_port_alias, a DNS label of at most 63 characters")
	rainbondConnFlags(fs)
	return apiCommand(c)
}

func rainbondDeleteCmd(e *env) *cobra.Command {
	var port int
	c := &cobra.Command{
		Use:   "delete --port PORT",
		Short: "delete a port (close its services first)",
		Long: "Delete a port of a Rainbond component and print it as it was. The server refuses while its\n" +
			"inner or outer service is open: close both first.\n\n" + rainbondEnvHelp,
		Example: examples(`portctl rainbond ports update --port 8080 --action close_outer
portctl rainbond ports update --port 8080 --action close_inner
portctl rainbond ports delete --port 8080`),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "port"); err != nil {
				return err
			}
			c, comp, err := e.rainbondClient(cmd)
			if err != nil {
				return err
			}
			p, err := c.DeletePort(cmd.Context(), comp, port)
			if err != nil {
				return e.rainbondError(err)
			}
			return e.printPorts(p)
		},
	}
	intFlag(c.Flags(), &port, "port", "container port, 1..65535 (required)")
	rainbondConnFlags(c.Flags())
	return apiCommand(c)
}
