package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
)

// alayaFields maps the fields of the Alaya client's validation errors to portctl's flags.
var alayaFields = map[string]string{"instance_id": "instance", "port": "port", "protocol": "protocol"}

// alayaAPI is what the alaya commands call: an *alaya.Client, or a fake in tests.
type alayaAPI interface {
	ListOpenPorts(ctx context.Context, instanceID string) (*alaya.OpenPorts, error)
	OpenPort(ctx context.Context, instanceID string, port int, protocol string) (*alaya.PortMapping, error)
	ClosePort(ctx context.Context, instanceID string, port int) error
}

// alayaOptions are the flags of an 'alaya ports' command, and the client, the instance and the
// printer that complete makes of the connection settings.
type alayaOptions struct {
	port     int
	protocol string

	client   alayaAPI
	instance string
	print    func(v any, table func(io.Writer) error) error
}

// alayaList is the JSON of 'alaya ports list': the API's own object, with both arrays always present.
type alayaList struct {
	Ports       []alaya.OpenPort `json:"ports"`
	CustomPorts []alaya.OpenPort `json:"customPorts"`
}

func runAlayaList(ctx context.Context, o *alayaOptions) error {
	ports, err := o.client.ListOpenPorts(ctx, o.instance)
	if err != nil {
		return err
	}
	// Copies that are never nil, so that JSON shows an empty array, not null.
	list := alayaList{
		Ports: append([]alaya.OpenPort{}, ports.Ports...), CustomPorts: append([]alaya.OpenPort{}, ports.CustomPorts...),
	}
	return o.print(list, func(w io.Writer) error {
		var rows [][]string
		for i, ports := range [][]alaya.OpenPort{list.Ports, list.CustomPorts} {
			for _, p := range ports {
				ext := "" // shown as "-"
				if p.ExternalPort != 0 {
					ext = strconv.Itoa(p.ExternalPort)
				}
				rows = append(rows, []string{[]string{"system", "custom"}[i], strconv.Itoa(p.Port), p.Protocol, p.ExternalHost, ext})
			}
		}
		return table(w, []string{"KIND", "PORT", "PROTOCOL", "EXTERNAL-HOST", "EXTERNAL-PORT"}, rows)
	})
}

func runAlayaOpen(ctx context.Context, o *alayaOptions) error {
	m, err := o.client.OpenPort(ctx, o.instance, o.port, o.protocol)
	if err != nil {
		return err
	}
	return o.print(m, func(w io.Writer) error {
		return table(w, []string{"PORT", "PROTOCOL", "EXTERNAL-PORT"}, [][]string{{
			strconv.Itoa(m.InternalPort), m.Protocol, strconv.Itoa(m.ExternalPort),
		}})
	})
}

func runAlayaClose(ctx context.Context, o *alayaOptions) error {
	if err := o.client.ClosePort(ctx, o.instance, o.port); err != nil {
		return err
	}
	return o.print(struct{}{}, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "closed port %d of instance %s\n", o.port, terminalSafe(o.instance))
		return err
	})
}

// alayaAuthFlags declares the URL flag, its name after prefix, and the credential flags, their help
// after helpPrefix.
func alayaAuthFlags(fs *pflag.FlagSet, prefix, helpPrefix string) {
	envString(fs, prefix+"url", "ALAYA_URL", helpPrefix+"API base URL (default "+alaya.DefaultBaseURL+")")
	envString(fs, "access-key", "ALAYA_ACCESS_KEY", helpPrefix+"AccessKey ID, with --secret-key: every request is signed")
	envString(fs, "secret-key", "ALAYA_SECRET_KEY",
		helpPrefix+"AccessKey secret; prefer the variable: a flag value stays in shell history and shows in ps")
	envString(fs, "api-key", "ALAYA_API_KEY",
		helpPrefix+"bearer key (the form the API pages show), instead of the AccessKey pair; prefer the variable")
}

func (o *alayaOptions) portVar() *int { return &o.port }

func (o *alayaOptions) ports(ctx context.Context) []string {
	ports, err := o.client.ListOpenPorts(ctx, o.instance)
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range ports.CustomPorts {
		out = append(out, strconv.Itoa(p.Port))
	}
	return out
}

// connFlags declares the connection flags every alaya ports command takes.
func (*alayaOptions) connFlags(fs *pflag.FlagSet) {
	alayaAuthFlags(fs, "", "")
	envString(fs, "instance", "ALAYA_INSTANCE", "CCI instance id")
}

// complete reads the connection settings (flags, else the environment) and makes the client.
// Nothing is sent.
func (o *alayaOptions) complete(e *env, cmd *cobra.Command) error {
	url, cred, err := e.alayaCredential(cmd, "url")
	if err != nil {
		return err
	}
	instance, err := e.settings(cmd, "instance")
	if err != nil {
		return err
	}
	o.instance, o.print = instance[0], e.print
	o.client, err = e.newAlayaClient(url, cred, "url")
	return err
}

// restate restates a client error for the user: a validation error names the flag, and a 403 says
// what it most often means for an instance.
func (o *alayaOptions) restate(e *env, err error) error {
	if errors.Is(err, wrapper.ErrForbidden) {
		return fmt.Errorf("%w (instance %q may not exist, or may not belong to this key)", err, o.instance)
	}
	return e.asFlagError(err, alayaFields)
}

// alayaCredential reads the URL (the flag urlFlag, else ALAYA_URL, else the public endpoint) and the
// credential: the AccessKey pair (--access-key and --secret-key, else ALAYA_ACCESS_KEY and
// ALAYA_SECRET_KEY) or a bearer key (--api-key, else ALAYA_API_KEY), not both. It remembers the
// credential for the hint of a refusal.
func (e *env) alayaCredential(cmd *cobra.Command, urlFlag string) (string, alaya.Credential, error) {
	url := cmp.Or(e.optionalSetting(cmd, urlFlag), alaya.DefaultBaseURL)
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
		return "", nil, usageErrorf("both an AccessKey pair (%s) and a bearer key (%s) are set: give one",
			strings.Join(pair, ", "), e.flagName("api-key"))
	case bearer != "":
		e.cred = alaya.BearerKey(bearer)
	case len(pair) == 0:
		return "", nil, usageErrorf("missing credential: --access-key and --secret-key (or set ALAYA_ACCESS_KEY and " +
			"ALAYA_SECRET_KEY), or --api-key (or set ALAYA_API_KEY) for a bearer key")
	case id == "":
		return "", nil, usageErrorf("missing --access-key (or set ALAYA_ACCESS_KEY): %s needs its AccessKey ID", e.flagName("secret-key"))
	case secret == "":
		return "", nil, usageErrorf("missing --secret-key (or set ALAYA_SECRET_KEY): %s needs its secret", e.flagName("access-key"))
	default:
		e.cred = alaya.AccessKey{ID: id, Secret: secret}
	}
	return url, e.cred, nil
}

// newAlayaClient makes the client of url (given with the flag urlFlag) and cred.
func (e *env) newAlayaClient(url string, cred alaya.Credential, urlFlag string) (*alaya.Client, error) {
	c, err := alaya.NewClient(cred, alaya.WithBaseURL(url), alaya.WithUserAgent(userAgent), alaya.WithLogger(e.logger()),
		alaya.WithHTTPClient(e.httpClient()), alaya.WithRetryBudget(e.timeout))
	return c, e.asFlagError(err, map[string]string{
		"baseURL": urlFlag, "AccessKey.ID": "access-key", "AccessKey.Secret": "secret-key", "BearerKey": "api-key",
	})
}

// alayaCredentialHint says what to check for a 401 of the service with the envelope code (see
// docs/servers/alaya.md), given the credential the command read.
func (e *env) alayaCredentialHint(code int) string {
	_, bearer := e.cred.(alaya.BearerKey)
	switch {
	case bearer && code == alaya.StatusUnknownKey:
		return "the service does not know this bearer key: check " + e.flagName("api-key")
	case bearer:
		return "check " + e.flagName("api-key") + ", or use an AccessKey pair (ALAYA_ACCESS_KEY, ALAYA_SECRET_KEY)"
	case code == alaya.StatusTimestamp:
		return "the request's timestamp is outside the service's window: this machine's clock is more than 5 minutes off"
	case code == alaya.StatusSignature:
		return "the signature does not verify: check " + e.flagName("secret-key")
	case code == alaya.StatusUnknownKey:
		return "the service does not know this AccessKey ID: check " + e.flagName("access-key")
	case code == alaya.StatusKeyDisabled, code == alaya.StatusKeyExpired:
		return "the AccessKey is disabled or expired: create or enable one in the console"
	}
	return "check " + e.flagName("access-key") + " and " + e.flagName("secret-key")
}

const alayaEnvHelp = `Flags fall back to ALAYA_URL (else ` + alaya.DefaultBaseURL + `), ALAYA_ACCESS_KEY and ALAYA_SECRET_KEY
(the AccessKey pair every request is signed with) or ALAYA_API_KEY (a bearer key, the form the API
pages show; not both), and ALAYA_INSTANCE.`

func newAlayaCmd(e *env) *cobra.Command {
	ports := group(&cobra.Command{
		Use:   "ports <command>",
		Short: "list, open and close the ports of a CCI instance",
		Long:  "List, open and close the ports of an Alaya NeW CCI container compute instance.\n\n" + alayaEnvHelp,
		Example: examples(`export ALAYA_ACCESS_KEY=... ALAYA_SECRET_KEY=... ALAYA_INSTANCE=08ba7a0e-af00-4072-a5e5-1298ed6c1aa0
portctl alaya ports list
portctl alaya ports open --port 8080 --protocol http/https
portctl alaya ports close --port 8080`),
	}, portsCmds(e, alayaEnvHelp, alayaCmds...)...)
	return group(&cobra.Command{
		Use:   "alaya <command>",
		Short: "Alaya NeW CCI instance ports (list, open, close)",
		Long:  "Commands for the Alaya NeW (九章智算云) Open API.",
		Example: examples(`export ALAYA_ACCESS_KEY=... ALAYA_SECRET_KEY=...
portctl alaya ports list --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0`),
	}, ports)
}

// alayaCmds are the 'alaya ports' commands.
var alayaCmds = []portsSpec[alayaOptions]{{
	use:   "list",
	short: "list the open ports of an instance (system and custom)",
	long: "List the open ports of an Alaya NeW CCI instance: the system ports (KIND system) and the ports\n" +
		"opened by the user (KIND custom).",
	example: `portctl alaya ports list --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0
portctl alaya ports list -o json      # {"ports": [...], "customPorts": [...]}`,
	run: runAlayaList,
}, {
	use:   "open --port PORT --protocol PROTOCOL",
	short: "open a port of an instance",
	long: "Open a container port of an Alaya NeW CCI instance and print the external port it is mapped to.\n" +
		"The pages show the protocols http/https and tcp; portctl refuses only an empty protocol and leaves\n" +
		"the rest to the service.",
	example: `portctl alaya ports open --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0 --port 8080 --protocol http/https
portctl alaya ports open --port 7778 --protocol tcp -o json   # {"external_port": ..., "internal_port": 7778, "protocol": "tcp"}`,
	run: runAlayaOpen, required: []string{"port", "protocol"},
	flags: func(c *cobra.Command, o *alayaOptions) {
		choiceFlag(c, &o.protocol, "protocol", "", "protocol, e.g. \"http/https\" or \"tcp\" (required)", "http/https", "tcp")
	},
}, {
	use:   "close --port PORT",
	short: "close a port of an instance",
	long: "Close a port of an Alaya NeW CCI instance. The API answers no data: the table output is one\n" +
		"confirmation line, and -o json or yaml prints an empty object ({}).",
	example:  `portctl alaya ports close --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0 --port 8080`,
	run:      runAlayaClose,
	required: []string{"port"}, existingPort: true,
}}
