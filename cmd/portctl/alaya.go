package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
)

// alayaFields maps the fields of the Alaya client's validation errors to portctl's flags.
var alayaFields = map[string]string{
	"baseURL": "url", "apiKey": "api-key", "instance_id": "instance", "port": "port", "protocol": "protocol",
}

// alayaConnFlags declares the connection flags every alaya ports command takes.
func alayaConnFlags(fs *pflag.FlagSet) {
	envString(fs, "url", "ALAYA_URL", "Open API base URL (default "+alaya.DefaultBaseURL+")")
	envString(fs, "api-key", "ALAYA_API_KEY",
		"Open API key; prefer the variable: a flag value stays in shell history and shows in ps")
	envString(fs, "instance", "ALAYA_INSTANCE", "CCI instance id")
}

// alayaClient reads the connection settings (flags, else the environment) and returns the client
// and the instance id. Nothing is sent.
func (e *env) alayaClient(cmd *cobra.Command) (*alaya.Client, string, error) {
	url := e.optionalSetting(cmd, "url")
	if url == "" {
		url = alaya.DefaultBaseURL
	}
	key, err := e.setting(cmd, "api-key")
	if err != nil {
		return nil, "", err
	}
	e.secret(key)
	instance, err := e.setting(cmd, "instance")
	if err != nil {
		return nil, "", err
	}
	c, err := alaya.NewClient(alaya.BearerKey(key), alaya.WithBaseURL(url), alaya.WithUserAgent(userAgent))
	if err != nil {
		return nil, "", e.asFlagError(err, alayaFields)
	}
	return c, instance, nil
}

// alayaError restates a client error for the user: a validation error names the flag, and a 403
// says what it most often means for an instance.
func (e *env) alayaError(err error, instance string) error {
	var ae *wrapper.APIError
	if errors.As(err, &ae) && (ae.StatusCode == http.StatusForbidden || ae.Code == http.StatusForbidden) {
		return fmt.Errorf("%w (instance %q may not exist, or may not belong to this key)", err, instance)
	}
	return e.asFlagError(err, alayaFields)
}

// alayaList is the JSON of 'alaya ports list': the API's own object, with both arrays always present.
type alayaList struct {
	Ports       []alaya.OpenPort `json:"ports"`
	CustomPorts []alaya.OpenPort `json:"customPorts"`
}

const alayaEnvHelp = `Flags fall back to ALAYA_URL (else ` + alaya.DefaultBaseURL + `), ALAYA_API_KEY and ALAYA_INSTANCE.`

func newAlayaCmd(e *env) *cobra.Command {
	ports := &cobra.Command{
		Use:   "ports <command>",
		Short: "list, open and close the ports of a CCI instance",
		Long:  "List, open and close the ports of an Alaya NeW CCI container compute instance.\n\n" + alayaEnvHelp,
		Example: examples(`export ALAYA_API_KEY=... ALAYA_INSTANCE=08ba7a0e-af00-4072-a5e5-1298ed6c1aa0
portctl alaya ports list
portctl alaya ports open --port 8080 --protocol http/https
portctl alaya ports close --port 8080`),
	}
	ports.AddCommand(alayaListCmd(e), alayaOpenCmd(e), alayaCloseCmd(e))
	al := &cobra.Command{
		Use:   "alaya <command>",
		Short: "Alaya NeW CCI instance ports (list, open, close)",
		Long:  "Commands for the Alaya NeW (九章智算云) Open API.",
		Example: examples(`export ALAYA_API_KEY=...
portctl alaya ports list --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0`),
		Annotations: map[string]string{annotCredentialHint: "check ALAYA_API_KEY (or --api-key)"},
	}
	al.AddCommand(ports)
	return al
}

func alayaListCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "list",
		Short: "list the open ports of an instance (system and custom)",
		Long: "List the open ports of an Alaya NeW CCI instance: the system ports (KIND system) and the ports\n" +
			"opened by the user (KIND custom).\n\n" + alayaEnvHelp,
		Example: examples(`portctl alaya ports list --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0
portctl alaya ports list -o json      # {"ports": [...], "customPorts": [...]}`),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, id, err := e.alayaClient(cmd)
			if err != nil {
				return err
			}
			ports, err := c.ListOpenPorts(cmd.Context(), id)
			if err != nil {
				return e.alayaError(err, id)
			}
			list := alayaList{Ports: ports.Ports, CustomPorts: ports.CustomPorts}
			if list.Ports == nil {
				list.Ports = []alaya.OpenPort{}
			}
			if list.CustomPorts == nil {
				list.CustomPorts = []alaya.OpenPort{}
			}
			return e.print(list, func(w io.Writer) error {
				var rows [][]string
				for _, p := range list.Ports {
					rows = append(rows, alayaRow("system", p))
				}
				for _, p := range list.CustomPorts {
					rows = append(rows, alayaRow("custom", p))
				}
				return table(w, []string{"KIND", "PORT", "PROTOCOL", "EXTERNAL-HOST", "EXTERNAL-PORT"}, rows)
			})
		},
	}
	alayaConnFlags(c.Flags())
	return apiCommand(c)
}

func alayaRow(kind string, p alaya.OpenPort) []string {
	ext := ""
	if p.ExternalPort != 0 {
		ext = strconv.Itoa(p.ExternalPort)
	}
	return []string{kind, strconv.Itoa(p.Port), p.Protocol, p.ExternalHost, ext}
}

func alayaOpenCmd(e *env) *cobra.Command {
	var (
		port     int
		protocol string
	)
	c := &cobra.Command{
		Use:   "open --port PORT --protocol PROTOCOL",
		Short: "open a port of an instance",
		Long: "Open a container port of an Alaya NeW CCI instance and print the external port it is mapped to.\n" +
			"The pages show the protocols http/https and tcp; portctl refuses only an empty protocol and leaves\n" +
			"the rest to the service.\n\n" + alayaEnvHelp,
		Example: examples(`portctl alaya ports open --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0 --port 8080 --protocol http/https
portctl alaya ports open --port 7778 --protocol tcp -o json   # {"external_port": ..., "internal_port": 7778, "protocol": "tcp"}`),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "port", "protocol"); err != nil {
				return err
			}
			c, id, err := e.alayaClient(cmd)
			if err != nil {
				return err
			}
			m, err := c.OpenPort(cmd.Context(), id, port, protocol)
			if err != nil {
				return e.alayaError(err, id)
			}
			return e.print(m, func(w io.Writer) error {
				return table(w, []string{"PORT", "PROTOCOL", "EXTERNAL-PORT"}, [][]string{{
					strconv.Itoa(m.InternalPort), m.Protocol, strconv.Itoa(m.ExternalPort),
				}})
			})
		},
	}
	fs := c.Flags()
	intFlag(fs, &port, "port", "container port, 1..65535 (required)")
	fs.StringVar(&protocol, "protocol", "", "protocol, e.g. \"http/https\" or \"tcp\" (required)")
	_ = c.RegisterFlagCompletionFunc("protocol", cobra.FixedCompletions([]string{"http/https", "tcp"},
		cobra.ShellCompDirectiveNoFileComp))
	alayaConnFlags(fs)
	return apiCommand(c)
}

func alayaCloseCmd(e *env) *cobra.Command {
	var port int
	c := &cobra.Command{
		Use:   "close --port PORT",
		Short: "close a port of an instance",
		Long: "Close a port of an Alaya NeW CCI instance. The API answers no data: the table output is one\n" +
			"confirmation line, and -o json or yaml prints an empty object ({}).\n\n" + alayaEnvHelp,
		Example: examples(`portctl alaya ports close --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0 --port 8080`),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "port"); err != nil {
				return err
			}
			c, id, err := e.alayaClient(cmd)
			if err != nil {
				return err
			}
			if err := c.ClosePort(cmd.Context(), id, port); err != nil {
				return e.alayaError(err, id)
			}
			return e.print(struct{}{}, func(w io.Writer) error {
				_, err := fmt.Fprintf(w, "closed port %d of instance %s\n", port, id)
				return err
			})
		},
	}
	intFlag(c.Flags(), &port, "port", "container port, 1..65535 (required)")
	alayaConnFlags(c.Flags())
	return apiCommand(c)
}
