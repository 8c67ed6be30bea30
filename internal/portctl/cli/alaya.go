package cli

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/portsdk/portsdk/internal/runtime/alayasign"
	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
)

// alayaFields maps the fields of the Alaya client's validation errors to portctl's flags.
var alayaFields = map[string]string{
	"baseURL": "url", "AccessKey.ID": "access-key", "AccessKey.Secret": "secret-key", "BearerKey": "api-key",
	"instance_id": "instance", "port": "port", "protocol": "protocol",
}

// alayaConnFlags declares the connection flags every alaya ports command takes.
func alayaConnFlags(fs *pflag.FlagSet) {
	envString(fs, "url", "ALAYA_URL", "API base URL (default "+alaya.DefaultBaseURL+")")
	envString(fs, "access-key", "ALAYA_ACCESS_KEY", "AccessKey ID, with --secret-key: every request is signed")
	envString(fs, "secret-key", "ALAYA_SECRET_KEY",
		"AccessKey secret; prefer the variable: a flag value stays in shell history and shows in ps")
	envString(fs, "api-key", "ALAYA_API_KEY",
		"bearer key (the form the API pages show), instead of the AccessKey pair; prefer the variable")
	envString(fs, "instance", "ALAYA_INSTANCE", "CCI instance id")
}

// alayaCredential reads the credential: the AccessKey pair (--access-key and --secret-key, else
// ALAYA_ACCESS_KEY and ALAYA_SECRET_KEY) or a bearer key (--api-key, else ALAYA_API_KEY), not both.
func (e *env) alayaCredential(cmd *cobra.Command) (alaya.Credential, error) {
	id := e.optionalSetting(cmd, "access-key")
	secret := e.secret(e.optionalSetting(cmd, "secret-key"))
	bearer := e.secret(e.optionalSetting(cmd, "api-key"))
	var pair []string // where the parts of the pair that are set came from
	if id != "" {
		pair = append(pair, e.flagName("access-key"))
	}
	if secret != "" {
		pair = append(pair, e.flagName("secret-key"))
	}
	switch {
	case len(pair) > 0 && bearer != "":
		return nil, usageErrorf("both an AccessKey pair (%s) and a bearer key (%s) are set: give one",
			strings.Join(pair, ", "), e.flagName("api-key"))
	case bearer != "":
		return alaya.BearerKey(bearer), nil
	case len(pair) == 0:
		return nil, usageErrorf("missing credential: --access-key and --secret-key (or set ALAYA_ACCESS_KEY and " +
			"ALAYA_SECRET_KEY), or --api-key (or set ALAYA_API_KEY) for a bearer key")
	case id == "":
		return nil, usageErrorf("missing --access-key (or set ALAYA_ACCESS_KEY): %s needs its AccessKey ID", e.flagName("secret-key"))
	case secret == "":
		return nil, usageErrorf("missing --secret-key (or set ALAYA_SECRET_KEY): %s needs its secret", e.flagName("access-key"))
	}
	return alaya.AccessKey{ID: id, Secret: secret}, nil
}

// alayaClient reads the connection settings (flags, else the environment) and returns the client,
// the instance id and the credential. Nothing is sent.
func (e *env) alayaClient(cmd *cobra.Command) (*alaya.Client, string, alaya.Credential, error) {
	url := e.optionalSetting(cmd, "url")
	if url == "" {
		url = alaya.DefaultBaseURL
	}
	cred, err := e.alayaCredential(cmd)
	if err != nil {
		return nil, "", nil, err
	}
	instance, err := e.setting(cmd, "instance")
	if err != nil {
		return nil, "", nil, err
	}
	c, err := alaya.NewClient(cred, alaya.WithBaseURL(url), alaya.WithUserAgent(userAgent),
		alaya.WithLogger(e.logger()))
	if err != nil {
		return nil, "", nil, e.asFlagError(err, alayaFields)
	}
	return c, instance, cred, nil
}

// alayaError restates a client error for the user: a validation error names the flag, a 403 says
// what it most often means for an instance, and a 401 says what to check for its status.
func (e *env) alayaError(err error, instance string, cred alaya.Credential) error {
	switch {
	case errors.Is(err, wrapper.ErrForbidden):
		return fmt.Errorf("%w (instance %q may not exist, or may not belong to this key)", err, instance)
	case errors.Is(err, wrapper.ErrUnauthorized):
		return &credentialError{err: err, hint: e.alayaCredentialHint(err, cred)}
	}
	return e.asFlagError(err, alayaFields)
}

// alayaCredentialHint says what to check for the 401 statuses of the service (see
// docs/servers/alaya.md).
func (e *env) alayaCredentialHint(err error, cred alaya.Credential) string {
	_, bearer := cred.(alaya.BearerKey)
	var ae *wrapper.APIError
	code := 0
	if errors.As(err, &ae) {
		code = ae.Code
	}
	switch {
	case bearer && code == alayasign.StatusUnknownKey:
		return "the service does not know this bearer key: check " + e.flagName("api-key")
	case bearer:
		return "check " + e.flagName("api-key") + ", or use an AccessKey pair (ALAYA_ACCESS_KEY, ALAYA_SECRET_KEY)"
	case code == alayasign.StatusTimestamp:
		return "the request's timestamp is outside the service's window: this machine's clock is more than 5 minutes off"
	case code == alayasign.StatusSignature:
		return "the signature does not verify: check " + e.flagName("secret-key")
	case code == alayasign.StatusUnknownKey:
		return "the service does not know this AccessKey ID: check " + e.flagName("access-key")
	case code == alayasign.StatusKeyDisabled, code == alayasign.StatusKeyExpired:
		return "the AccessKey is disabled or expired: create or enable one in the console"
	}
	return "check " + e.flagName("access-key") + " and " + e.flagName("secret-key")
}

// alayaList is the JSON of 'alaya ports list': the API's own object, with both arrays always present.
type alayaList struct {
	Ports       []alaya.OpenPort `json:"ports"`
	CustomPorts []alaya.OpenPort `json:"customPorts"`
}

const alayaEnvHelp = `Flags fall back to ALAYA_URL (else ` + alaya.DefaultBaseURL + `), ALAYA_ACCESS_KEY and ALAYA_SECRET_KEY
(the AccessKey pair every request is signed with) or ALAYA_API_KEY (a bearer key, the form the API
pages show; not both), and ALAYA_INSTANCE.`

func newAlayaCmd(e *env) *cobra.Command {
	ports := &cobra.Command{
		Use:   "ports <command>",
		Short: "list, open and close the ports of a CCI instance",
		Long:  "List, open and close the ports of an Alaya NeW CCI container compute instance.\n\n" + alayaEnvHelp,
		Example: examples(`export ALAYA_ACCESS_KEY=... ALAYA_SECRET_KEY=... ALAYA_INSTANCE=08ba7a0e-af00-4072-a5e5-1298ed6c1aa0
portctl alaya ports list
portctl alaya ports open --port 8080 --protocol http/https
portctl alaya ports close --port 8080`),
	}
	ports.AddCommand(alayaListCmd(e), alayaOpenCmd(e), alayaCloseCmd(e))
	al := &cobra.Command{
		Use:   "alaya <command>",
		Short: "Alaya NeW CCI instance ports (list, open, close)",
		Long:  "Commands for the Alaya NeW (九章智算云) Open API.",
		Example: examples(`export ALAYA_ACCESS_KEY=... ALAYA_SECRET_KEY=...
portctl alaya ports list --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0`),
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
			c, id, cred, err := e.alayaClient(cmd)
			if err != nil {
				return err
			}
			ports, err := c.ListOpenPorts(cmd.Context(), id)
			if err != nil {
				return e.alayaError(err, id, cred)
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
			c, id, cred, err := e.alayaClient(cmd)
			if err != nil {
				return err
			}
			m, err := c.OpenPort(cmd.Context(), id, port, protocol)
			if err != nil {
				return e.alayaError(err, id, cred)
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
			c, id, cred, err := e.alayaClient(cmd)
			if err != nil {
				return err
			}
			if err := c.ClosePort(cmd.Context(), id, port); err != nil {
				return e.alayaError(err, id, cred)
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
