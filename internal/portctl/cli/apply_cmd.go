package cli

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

const applyFileHelp = `The file (YAML; JSON is accepted too) names the ports each Rainbond component and Alaya NeW
instance must have:

  rainbond:
    - team: demo-team
      region: demo-region
      app: 1
      component: gr1a2b3c
      prune: true            # delete ports not listed (default false: leave them alone)
      ports:
        - port: 8080
          protocol: http     # default http
          inner: true        # default false
          outer: true        # default false; needs inner
          alias: WEB         # optional: when absent, the server's alias is kept
          k8s_service_name: web   # optional, applies to the whole component
  alaya:
    - instance: 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0
      prune: true            # close custom ports not listed (system ports never)
      ports:
        - port: 8080
          protocol: http/https   # default http/https

URLs and credentials never come from the file: they come from --rainbond-url and
--rainbond-token (RAINBOND_URL, RAINBOND_TOKEN), and --alaya-url with the AccessKey pair
--access-key and --secret-key (ALAYA_URL, ALAYA_ACCESS_KEY, ALAYA_SECRET_KEY) or a bearer key
--api-key (ALAYA_API_KEY), asked for only when the file names that platform. A file with an unknown key, a port
listed twice, an outer service without the inner one or two k8s service names for one component
is refused with its line before anything is sent (exit 2).

The plan has one line per API call: "+" adds a port, "~" changes one, "-" deletes one, in an order
the server accepts (e.g. a tcp protocol on a port whose outer service is open: close outer, change
protocol, open outer; prune: close outer, close inner, delete). On Alaya a protocol change closes
the port and opens it again, and its external port may change.`

// planOptions are the flags of apply and diff besides --file and the connection flags.
type planOptions struct {
	dryRun   bool // print the plan and send no write (diff, apply --dry-run)
	yes      bool // run a plan that deletes or closes ports without asking
	exitCode bool // a plan with changes ends with exit 3 (diff --exit-code)
	parallel int  // how many targets are planned and run at once (at least 1)
}

// isTerminal reports whether f is a terminal (not merely a character device such as /dev/null); a
// variable so that a test can pretend.
var isTerminal = func(f any) bool {
	file, ok := f.(*os.File)
	return ok && file != nil && term.IsTerminal(int(file.Fd()))
}

// applyConfigFor makes the applyConfig of a run of apply or diff.
func (e *env) applyConfigFor(cmd *cobra.Command, file string, o *planOptions) applyConfig {
	cfg := applyConfig{
		file:        file,
		stdin:       cmd.InOrStdin(),
		planOptions: *o,
		format:      string(e.output),
		stdout:      e.stdout,
		stderr:      e.stderr,
		tty:         isTerminal(e.stderr),
		rainbond: func() (*rainbond.Client, error) {
			v, err := e.settings(cmd, "rainbond-url", "rainbond-token")
			if err != nil {
				return nil, err
			}
			return e.newRainbondClient(v[0], v[1], "rainbond-url", "rainbond-token")
		},
		alaya: func() (*alaya.Client, error) {
			url, cred, err := e.alayaCredential(cmd, "alaya-url")
			if err != nil {
				return nil, err
			}
			return e.newAlayaClient(url, cred, "alaya-url")
		},
		redact: e.redact,
	}
	if isTerminal(cfg.stdin) {
		answers := bufio.NewReader(cfg.stdin)
		cfg.confirm = func(prompt string) bool {
			fmt.Fprint(e.stderr, prompt) // its plan lines are terminalSafe
			line, _ := answers.ReadString('\n')
			return slices.Contains([]string{"y", "yes"}, strings.ToLower(strings.TrimSpace(line)))
		}
	}
	return cfg
}

func newApplyCmd(e *env) *cobra.Command {
	o := &planOptions{}
	c := e.planCmd(&cobra.Command{
		Use:   "apply -f FILE [--dry-run]",
		Short: "bring ports to the state a file describes (declarative)",
		Long: `Read a ports file, list the ports of every component and instance it names, print the plan
that reaches the file's state, and run it: one API call per line, stopping at the first that fails.
A second apply of the same file prints "no changes". With --dry-run (or 'portctl diff') the plan
is printed and nothing is written.

--parallel (default 10) components and instances run at once, each step by step, the output in file
order; each step is reported on stderr as it completes. A plan that deletes or closes ports is asked
about on a terminal; --yes skips the question, and is required without one (else exit 2, only lists
sent). When a call fails, no step starts after it: apply prints which steps were done, which failed (with
the server's answer) and which were not run, and exits 1; apply again continues from where it
stopped. -o json and -o yaml print the plan and the run as data, without progress.

` + applyFileHelp,
		Example: examples(`portctl apply -f ports.yaml
portctl apply -f ports.yaml --dry-run     # the same as: portctl diff -f ports.yaml
portctl apply -f ports.json -o json       # the plan and the run as data
cat ports.yaml | portctl apply -f - --yes`),
	}, o)
	c.Flags().BoolVar(&o.dryRun, "dry-run", false, "print the plan and send no write")
	c.Flags().BoolVarP(&o.yes, "yes", "y", false, "run a plan that deletes or closes ports without asking (required when stdin is not a terminal)")
	return c
}

func newDiffCmd(e *env) *cobra.Command {
	o := &planOptions{dryRun: true}
	c := e.planCmd(&cobra.Command{
		Use:   "diff -f FILE",
		Short: "print the plan 'apply -f FILE' would run, and send no write",
		Long: `Read a ports file, list the ports of every component and instance it names, and print the plan
that reaches the file's state, one API call per line, with a summary ("2 to add, 1 to change,
0 to delete", or "no changes"). Nothing is written. -o json and -o yaml print the plan as data.
With --exit-code, diff exits 3 when changes are pending and 0 when there are none (1, 2 and 4 keep
their meanings), as git diff --exit-code does.

` + applyFileHelp,
		Example: examples(`portctl diff -f ports.yaml
portctl diff -f ports.yaml -o yaml
portctl diff -f ports.yaml --exit-code     # exit 3 when changes are pending, 0 when none`),
	}, o)
	c.Flags().BoolVar(&o.exitCode, "exit-code", false, "exit 3 when changes are pending, 0 when there are none")
	return c
}

// planCmd makes c apply or diff (o.dryRun): it declares --file, --parallel and the connection
// flags of both platforms (the URLs and the token prefixed with the platform's name), and its RunE
// runs the plan of the file.
func (e *env) planCmd(c *cobra.Command, o *planOptions) *cobra.Command {
	var file string
	o.parallel = 10
	c.RunE = func(cmd *cobra.Command, _ []string) error {
		if err := requireFlags(cmd, "file"); err != nil {
			return err
		}
		if o.parallel < 1 {
			return usageErrorf("invalid --parallel %d: must be at least 1", o.parallel)
		}
		return runApply(cmd.Context(), e.applyConfigFor(cmd, file, o))
	}
	c.Flags().StringVarP(&file, "file", "f", "", "the ports file, YAML or JSON; - reads stdin (required)")
	c.Flags().Var(intValue{&o.parallel}, "parallel", "how many components and instances are planned and applied at once; 1: one after another, in file order")
	rainbondAuthFlags(c.Flags(), "rainbond-", "Rainbond ")
	alayaAuthFlags(c.Flags(), "alaya-", "Alaya NeW ")
	return mark(c, annotTakesOutput, annotTakesDebug, annotCancelOnSignal)
}
