package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// rainbondOpts are the flags every rainbond ports command takes.
type rainbondOpts struct {
	url, token                   *string
	team, region, app, component *string
	output                       *string
}

func rainbondFlags(fs *flag.FlagSet) *rainbondOpts {
	return &rainbondOpts{
		url: fs.String("url", "", "console base URL, e.g. https://console.example.com (default $RAINBOND_URL)"),
		token: fs.String("token", "", "access token (default $RAINBOND_TOKEN)\n"+
			"prefer the environment variable: a flag value stays in shell history and shows in ps"),
		team:      fs.String("team", "", "team (tenant) id or name (default $RAINBOND_TEAM)"),
		region:    fs.String("region", "", "region (cluster) name (default $RAINBOND_REGION)"),
		app:       fs.String("app", "", "application id, a positive integer (default $RAINBOND_APP)"),
		component: fs.String("component", "", "component service id or alias (default $RAINBOND_COMPONENT)"),
		output:    outputFlag(fs),
	}
}

// resolve checks the output format and the connection flags (falling back to the environment) and
// returns the client and the component. Nothing is sent.
func (o *rainbondOpts) resolve(e *env) (*rainbond.Client, rainbond.Component, error) {
	var comp rainbond.Component
	if err := checkOutput(*o.output); err != nil {
		return nil, comp, err
	}
	url, err := fromEnv(e, "url", *o.url, "RAINBOND_URL")
	if err != nil {
		return nil, comp, err
	}
	token, err := fromEnv(e, "token", *o.token, "RAINBOND_TOKEN")
	if err != nil {
		return nil, comp, err
	}
	e.secret(token)
	if comp.TeamID, err = fromEnv(e, "team", *o.team, "RAINBOND_TEAM"); err != nil {
		return nil, comp, err
	}
	if comp.RegionName, err = fromEnv(e, "region", *o.region, "RAINBOND_REGION"); err != nil {
		return nil, comp, err
	}
	app, err := fromEnv(e, "app", *o.app, "RAINBOND_APP")
	if err != nil {
		return nil, comp, err
	}
	if comp.AppID, err = strconv.ParseInt(app, 10, 64); err != nil || comp.AppID <= 0 {
		return nil, comp, &usageError{msg: fmt.Sprintf("invalid --app %q: must be a positive integer", app)}
	}
	if comp.ServiceID, err = fromEnv(e, "component", *o.component, "RAINBOND_COMPONENT"); err != nil {
		return nil, comp, err
	}
	c, err := rainbond.NewClient(url, token, rainbond.WithUserAgent(userAgent))
	if err != nil {
		return nil, comp, err
	}
	return c, comp, nil
}

// print writes ports as a table or as JSON (a list as an array, one port as an object).
func (o *rainbondOpts) print(e *env, v any) error {
	if *o.output == "json" {
		return writeJSON(e.stdout, v)
	}
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
	return table(e.stdout, []string{"PORT", "PROTOCOL", "ALIAS", "INNER", "OUTER", "MAPPING", "K8S-SERVICE"}, rows)
}

func openClosed(b bool) string {
	if b {
		return "open"
	}
	return "closed"
}

const rainbondEnvHelp = `Flags fall back to RAINBOND_URL, RAINBOND_TOKEN, RAINBOND_TEAM, RAINBOND_REGION, RAINBOND_APP and
RAINBOND_COMPONENT.`

func rainbondCommand() *command {
	return &command{
		name:    "rainbond",
		summary: "Rainbond component ports (list, add, update, delete)",
		long:    "Commands for the Rainbond console OpenAPI.",
		examples: `export RAINBOND_URL=https://console.example.com RAINBOND_TOKEN=...
portctl rainbond ports list --team my-team --region rainbond --app 12 --component gr1a2b3c`,
		subs: []*command{{
			name:    "ports",
			summary: "list, add, update and delete the ports of a component",
			long: "List, add, update (open or close the inner and outer service, change the protocol or the alias)\n" +
				"and delete the ports of a Rainbond component.\n\n" + rainbondEnvHelp,
			examples: `export RAINBOND_URL=https://console.example.com RAINBOND_TOKEN=...
export RAINBOND_TEAM=my-team RAINBOND_REGION=rainbond RAINBOND_APP=12 RAINBOND_COMPONENT=gr1a2b3c
portctl rainbond ports list
portctl rainbond ports add --port 8080 --protocol http --alias WEB --inner
portctl rainbond ports update --port 8080 --action open_outer
portctl rainbond ports delete --port 8080`,
			subs: []*command{rainbondList(), rainbondAdd(), rainbondUpdate(), rainbondDelete()},
		}},
	}
}

func rainbondList() *command {
	return &command{
		name:    "list",
		summary: "list the ports of a component",
		long:    "List the ports of a Rainbond component.\n\n" + rainbondEnvHelp,
		usage:   "[flags]",
		examples: `portctl rainbond ports list --team my-team --region rainbond --app 12 --component gr1a2b3c
portctl rainbond ports list -o json      # a JSON array of ports`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
			o := rainbondFlags(fs)
			return func(ctx context.Context, e *env) error {
				c, comp, err := o.resolve(e)
				if err != nil {
					return err
				}
				ports, err := c.ListPorts(ctx, comp)
				if err != nil {
					return err
				}
				return o.print(e, ports)
			}
		},
	}
}

func rainbondAdd() *command {
	return &command{
		name:    "add",
		summary: "add a port to a component",
		long: "Add a port to a Rainbond component and print it as the server created it. The outer service\n" +
			"starts closed; open it with 'update --action open_outer'.\n\n" + rainbondEnvHelp,
		usage: "--port PORT [--protocol P] [--alias ALIAS] [--inner] [flags]",
		examples: `portctl rainbond ports add --port 8080 --protocol http --alias WEB
portctl rainbond ports add --port 5432 --protocol tcp --alias DB --inner -o json`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
			port := fs.Int("port", 0, "container port, 1..65535 (required)")
			protocol := fs.String("protocol", "http", "protocol: http, tcp, udp, mysql or grpc")
			alias := fs.String("alias", "", "port alias, ^[A-Z][A-Z0-9_]*$ (default: the server generates one)")
			inner := fs.Bool("inner", false, "open the inner (in-cluster) service at once")
			o := rainbondFlags(fs)
			return func(ctx context.Context, e *env) error {
				if err := requireFlags(fs, "port"); err != nil {
					return err
				}
				c, comp, err := o.resolve(e)
				if err != nil {
					return err
				}
				p, err := c.AddPort(ctx, comp, rainbond.AddPortRequest{
					Port: *port, Protocol: rainbond.Protocol(*protocol), PortAlias: *alias, IsInnerService: *inner,
				})
				if err != nil {
					return err
				}
				return o.print(e, p)
			}
		},
	}
}

func rainbondUpdate() *command {
	return &command{
		name:    "update",
		summary: "open or close a port's services, change its protocol or alias",
		long: `Apply an action to a port of a Rainbond component and print the port after the change.

Actions:
  open_inner          open the inner (in-cluster) service; the port needs an alias
  open_outer          open the outer (external) service; the inner service must be open
  close_outer         close the outer service
  close_inner         close the inner service; the outer service must be closed
  change_protocol     set --protocol; only http while the outer service is open
  change_port_alias   set --alias and --k8s-service-name (both required)

` + rainbondEnvHelp,
		usage: "--port PORT --action ACTION [--protocol P] [--alias ALIAS] [--k8s-service-name NAME] [flags]",
		examples: `portctl rainbond ports update --port 8080 --action open_inner
portctl rainbond ports update --port 8080 --action open_outer
portctl rainbond ports update --port 8080 --action change_protocol --protocol tcp
portctl rainbond ports update --port 8080 --action change_port_alias --alias WEB --k8s-service-name web`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
			port := fs.Int("port", 0, "container port, 1..65535 (required)")
			action := fs.String("action", "", "open_inner, open_outer, close_outer, close_inner, change_protocol or change_port_alias (required)")
			protocol := fs.String("protocol", "", "new protocol for change_protocol: http, tcp, udp, mysql or grpc")
			alias := fs.String("alias", "", "new port alias for change_port_alias, ^[A-Z][A-Z0-9_]*$")
			k8sName := fs.String("k8s-service-name", "", "k8s service name for change_port_alias, a DNS label of at most 63 characters")
			o := rainbondFlags(fs)
			return func(ctx context.Context, e *env) error {
				if err := requireFlags(fs, "port", "action"); err != nil {
					return err
				}
				c, comp, err := o.resolve(e)
				if err != nil {
					return err
				}
				p, err := c.UpdatePort(ctx, comp, *port, rainbond.UpdatePortRequest{
					Action: rainbond.Action(*action), Protocol: rainbond.Protocol(*protocol),
					PortAlias: *alias, K8sServiceName: *k8sName,
				})
				if err != nil {
					return err
				}
				return o.print(e, p)
			}
		},
	}
}

func rainbondDelete() *command {
	return &command{
		name:    "delete",
		summary: "delete a port (close its services first)",
		long: "Delete a port of a Rainbond component and print it as it was. The server refuses while its\n" +
			"inner or outer service is open: close both first.\n\n" + rainbondEnvHelp,
		usage: "--port PORT [flags]",
		examples: `portctl rainbond ports update --port 8080 --action close_outer
portctl rainbond ports update --port 8080 --action close_inner
portctl rainbond ports delete --port 8080`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
			port := fs.Int("port", 0, "container port, 1..65535 (required)")
			o := rainbondFlags(fs)
			return func(ctx context.Context, e *env) error {
				if err := requireFlags(fs, "port"); err != nil {
					return err
				}
				c, comp, err := o.resolve(e)
				if err != nil {
					return err
				}
				p, err := c.DeletePort(ctx, comp, *port)
				if err != nil {
					return err
				}
				return o.print(e, p)
			}
		},
	}
}
