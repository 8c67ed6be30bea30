package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	"github.com/portsdk/portsdk/wrapper/alaya"
)

// alayaOpts are the flags every alaya ports command takes.
type alayaOpts struct {
	url, apiKey, instance *string
	output                *string
}

func alayaFlags(fs *flag.FlagSet) *alayaOpts {
	return &alayaOpts{
		url: fs.String("url", "", "Open API base URL (default $ALAYA_URL, else "+alaya.DefaultBaseURL+")"),
		apiKey: fs.String("api-key", "", "Open API key (default $ALAYA_API_KEY)\n"+
			"prefer the environment variable: a flag value stays in shell history and shows in ps"),
		instance: fs.String("instance", "", "CCI instance id (default $ALAYA_INSTANCE)"),
		output:   outputFlag(fs),
	}
}

// resolve checks the output format and the connection flags (falling back to the environment) and
// returns the client and the instance id. Nothing is sent.
func (o *alayaOpts) resolve(e *env) (*alaya.Client, string, error) {
	if err := checkOutput(*o.output); err != nil {
		return nil, "", err
	}
	url := *o.url
	if url == "" {
		url = e.getenv("ALAYA_URL")
	}
	if url == "" {
		url = alaya.DefaultBaseURL
	}
	key, err := fromEnv(e, "api-key", *o.apiKey, "ALAYA_API_KEY")
	if err != nil {
		return nil, "", err
	}
	e.secret(key)
	instance, err := fromEnv(e, "instance", *o.instance, "ALAYA_INSTANCE")
	if err != nil {
		return nil, "", err
	}
	c, err := alaya.NewClient(alaya.BearerKey(key), alaya.WithBaseURL(url), alaya.WithUserAgent(userAgent))
	if err != nil {
		return nil, "", err
	}
	return c, instance, nil
}

// alayaList is the JSON of 'alaya ports list': the API's own object, with both arrays always present.
type alayaList struct {
	Ports       []alaya.OpenPort `json:"ports"`
	CustomPorts []alaya.OpenPort `json:"customPorts"`
}

const alayaEnvHelp = `Flags fall back to ALAYA_URL (else ` + alaya.DefaultBaseURL + `), ALAYA_API_KEY and ALAYA_INSTANCE.`

func alayaCommand() *command {
	return &command{
		name:    "alaya",
		summary: "Alaya NeW CCI instance ports (list, open, close)",
		long:    "Commands for the Alaya NeW (九章智算云) Open API.",
		examples: `export ALAYA_API_KEY=...
portctl alaya ports list --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0`,
		subs: []*command{{
			name:    "ports",
			summary: "list, open and close the ports of a CCI instance",
			long:    "List, open and close the ports of an Alaya NeW CCI container compute instance.\n\n" + alayaEnvHelp,
			examples: `export ALAYA_API_KEY=... ALAYA_INSTANCE=08ba7a0e-af00-4072-a5e5-1298ed6c1aa0
portctl alaya ports list
portctl alaya ports open --port 8080 --protocol http/https
portctl alaya ports close --port 8080`,
			subs: []*command{alayaListCmd(), alayaOpenCmd(), alayaCloseCmd()},
		}},
	}
}

func alayaListCmd() *command {
	return &command{
		name:    "list",
		summary: "list the open ports of an instance (system and custom)",
		long: "List the open ports of an Alaya NeW CCI instance: the system ports (KIND system) and the ports\n" +
			"opened by the user (KIND custom).\n\n" + alayaEnvHelp,
		usage: "[flags]",
		examples: `portctl alaya ports list --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0
portctl alaya ports list -o json      # {"ports": [...], "customPorts": [...]}`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
			o := alayaFlags(fs)
			return func(ctx context.Context, e *env) error {
				c, id, err := o.resolve(e)
				if err != nil {
					return err
				}
				ports, err := c.ListOpenPorts(ctx, id)
				if err != nil {
					return err
				}
				if *o.output == "json" {
					return writeJSON(e.stdout, alayaList{Ports: ports.Ports, CustomPorts: ports.CustomPorts})
				}
				var rows [][]string
				for _, p := range ports.Ports {
					rows = append(rows, alayaRow("system", p))
				}
				for _, p := range ports.CustomPorts {
					rows = append(rows, alayaRow("custom", p))
				}
				return table(e.stdout, []string{"KIND", "PORT", "PROTOCOL", "EXTERNAL-HOST", "EXTERNAL-PORT"}, rows)
			}
		},
	}
}

func alayaRow(kind string, p alaya.OpenPort) []string {
	ext := ""
	if p.ExternalPort != 0 {
		ext = strconv.Itoa(p.ExternalPort)
	}
	return []string{kind, strconv.Itoa(p.Port), p.Protocol, p.ExternalHost, ext}
}

func alayaOpenCmd() *command {
	return &command{
		name:    "open",
		summary: "open a port of an instance",
		long: "Open a container port of an Alaya NeW CCI instance and print the external port it is mapped to.\n\n" +
			alayaEnvHelp,
		usage: "--port PORT --protocol PROTOCOL [flags]",
		examples: `portctl alaya ports open --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0 --port 8080 --protocol http/https
portctl alaya ports open --port 7778 --protocol tcp -o json   # {"external_port": ..., "internal_port": 7778, "protocol": "tcp"}`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
			port := fs.Int("port", 0, "container port, 1..65535 (required)")
			protocol := fs.String("protocol", "", `protocol, e.g. "http/https" or "tcp" (required)`)
			o := alayaFlags(fs)
			return func(ctx context.Context, e *env) error {
				if err := requireFlags(fs, "port", "protocol"); err != nil {
					return err
				}
				c, id, err := o.resolve(e)
				if err != nil {
					return err
				}
				m, err := c.OpenPort(ctx, id, *port, *protocol)
				if err != nil {
					return err
				}
				if *o.output == "json" {
					return writeJSON(e.stdout, m)
				}
				return table(e.stdout, []string{"PORT", "PROTOCOL", "EXTERNAL-PORT"}, [][]string{{
					strconv.Itoa(m.InternalPort), m.Protocol, strconv.Itoa(m.ExternalPort),
				}})
			}
		},
	}
}

func alayaCloseCmd() *command {
	return &command{
		name:    "close",
		summary: "close a port of an instance",
		long: "Close a port of an Alaya NeW CCI instance. The API answers no data: the table output is one\n" +
			"confirmation line, and -o json prints {} so that stdout is always JSON.\n\n" + alayaEnvHelp,
		usage:    "--port PORT [flags]",
		examples: `portctl alaya ports close --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0 --port 8080`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env) error {
			port := fs.Int("port", 0, "container port, 1..65535 (required)")
			o := alayaFlags(fs)
			return func(ctx context.Context, e *env) error {
				if err := requireFlags(fs, "port"); err != nil {
					return err
				}
				c, id, err := o.resolve(e)
				if err != nil {
					return err
				}
				if err := c.ClosePort(ctx, id, *port); err != nil {
					return err
				}
				if *o.output == "json" {
					return writeJSON(e.stdout, struct{}{})
				}
				_, err = fmt.Fprintf(e.stdout, "closed port %d of instance %s\n", *port, id)
				return err
			}
		},
	}
}
