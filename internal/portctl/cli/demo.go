package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// demoStep is one portctl command line of the demo and what it must do.
type demoStep struct {
	title string   // what the step shows
	args  []string // the command line after "portctl"; the argument "ports.yaml" is demoPortsFile
	code  int      // the expected exit status
	// want are patterns (regular expressions) the output (stdout and stderr) of a step that exited
	// as expected must match; one that starts with "!" must not match.
	want []string
	// sendsNothing says the step must not reach the server.
	sendsNothing bool
}

// step is a demo step that must exit 0 (see exits); its command line is split at spaces.
func step(title, args string, want ...string) demoStep {
	return demoStep{title: title, args: strings.Fields(args), want: want}
}

// exits is s expecting the exit status code.
func (s demoStep) exits(code int) demoStep {
	s.code = code
	return s
}

// demoSteps is the whole demo: the life of port 8080 on Rainbond and on Alaya.
func demoSteps() []demoStep {
	// A Rainbond row: PORT PROTOCOL ALIAS INNER OUTER MAPPING K8S-SERVICE.
	const noPorts, rb8080 = `\APORT[^\n]*\n\z`, `(?m)^8080 +`
	const systemOnly, noCustom = `(?m)^system `, `!(?m)^custom `
	badProtocol := step("Rainbond: a protocol the API does not know is refused before anything is sent (exit 2, on purpose)",
		"rainbond ports add --port 8080 --protocol ftp", "invalid --protocol").exits(exitUsage)
	badProtocol.sendsNothing = true
	return []demoStep{
		step("Rainbond: list the ports of the component (none yet)", "rainbond ports list", noPorts),
		badProtocol,
		step("Rainbond: add port 8080, http, with an alias",
			"rainbond ports add --port 8080 --protocol http --alias WEB", rb8080+`http +WEB +closed +closed `),
		step("Rainbond: open the inner service (the outer one needs it)",
			"rainbond ports update --port 8080 --action open_inner", rb8080+`\S+ +\S+ +open +closed `),
		step("Rainbond: open the outer service",
			"rainbond ports update --port 8080 --action open_outer", rb8080+`\S+ +\S+ +open +open `),
		// One port (the lines of one object), 8080, its outer service open.
		step("Rainbond: list again, as JSON (the API's own field names)", "rainbond ports list -o json",
			`\A\[\n  \{\n(    .*\n)*    "container_port": 8080,\n(    .*\n)*  \}\n\]\n\z`, `\n    "is_outer_service": true,?\n`),
		step("Rainbond: change the alias (and the component's k8s service name)",
			"rainbond ports update --port 8080 --action change_port_alias --alias WEB_V2 --k8s-service-name web-v2",
			rb8080+`\S+ +WEB_V2 +\S+ +\S+ +\S+ +web-v2$`),
		step("Rainbond: change the protocol to tcp: the server refuses while the outer service is open (exit 1, on purpose)",
			"rainbond ports update --port 8080 --action change_protocol --protocol tcp", "HTTP 400").exits(exitAPI),
		step("Rainbond: close the outer service",
			"rainbond ports update --port 8080 --action close_outer", rb8080+`\S+ +\S+ +open +closed `),
		step("Rainbond: now the protocol can change to tcp",
			"rainbond ports update --port 8080 --action change_protocol --protocol tcp", rb8080+`tcp `),
		step("Rainbond: close the inner service (a port is deleted only when both are closed)",
			"rainbond ports update --port 8080 --action close_inner", rb8080+`\S+ +\S+ +closed +closed `),
		step("Rainbond: delete port 8080", "rainbond ports delete --port 8080", rb8080),
		step("Rainbond: list (empty again)", "rainbond ports list", noPorts),

		step("Alaya: list the open ports of the instance (the system ones only)", "alaya ports list", systemOnly, noCustom),
		step("Alaya: a wrong AccessKey secret: the service refuses the signature (exit 4, on purpose)",
			"alaya ports list --secret-key not-the-secret", "HTTP 401, code 40003").exits(exitCredential),
		step("Alaya: open 8080 as http/https",
			"alaya ports open --port 8080 --protocol http/https", `(?m)^8080 +http/https +[0-9]+$`),
		// One custom port (the lines of one object), 8080.
		step(`Alaya: list again, as JSON ({"ports": system, "customPorts": opened by you})`, "alaya ports list -o json",
			`\n  "customPorts": \[\n    \{\n(      .*\n)*      "port": 8080,?\n(      .*\n)*    \}\n  \]\n`),
		step("Alaya: close 8080", "alaya ports close --port 8080", `\Aclosed port 8080 `),
		step("Alaya: list (no custom port left)", "alaya ports list", systemOnly, noCustom),

		step("Declarative: describe the ports wanted in a file; diff prints the plan and writes nothing",
			"diff -f ports.yaml", `(?m)^~ rainbond demo-team/1/gr1a2b3c 8080 open outer$`,
			`(?m)^Plan: 3 to add, 0 to change, 0 to delete\.$`),
		step("Declarative: apply runs the plan, one API call per line, in an order the servers accept",
			"apply -f ports.yaml", `(?m)^Apply complete: 4 steps done\.$`),
		step("Declarative: apply again: the state is reached, nothing to do", "apply -f ports.yaml", `(?m)^no changes$`),
	}
}

// demoPortsFile is the ports file of the demo's declarative steps.
const demoPortsFile = `rainbond:
  - team: demo-team
    region: demo-region
    app: 1
    component: gr1a2b3c
    prune: true
    ports:
      - port: 8080
        inner: true
        outer: true
        alias: WEB
      - port: 5432
        protocol: tcp
        inner: true
alaya:
  - instance: 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0
    prune: true
    ports:
      - port: 8080
        protocol: http/https
`

func newDemoCmd(e *env) *cobra.Command {
	var addr string
	c := &cobra.Command{
		Use:   "demo",
		Short: "run a complete port lifecycle against the in-memory APIs",
		Long: `Start the in-memory APIs of 'portctl fake' inside this process and run a complete port lifecycle
against them through portctl's own commands, printing each command line and its output: on Rainbond
list, add, open inner and outer, change alias and protocol, close, delete; on Alaya (every request
signed with the AccessKey pair) list, open, close; then the declarative way: diff and apply a ports
file, and apply it again (no changes). Three steps fail on purpose (marked): invalid input (exit 2,
nothing sent), a change the server refuses (exit 1) and a wrong AccessKey secret (exit 4).
The demo exits 0 when every step did what it should, else 1.`,
		Example: examples(`portctl demo
make demo                 # the same, from a checkout`),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := startFake(addr)
			if err != nil {
				return err
			}
			defer func() { _ = f.Close() }()
			return runDemo(cmd.Context(), e.stdout, f, demoSteps())
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "`address` the embedded fake listens on")
	return mark(c, annotCancelOnSignal)
}

// runDemo runs the steps against f through Run, as a user would type them, and prints them.
func runDemo(ctx context.Context, w io.Writer, f *fake, steps []demoStep) error {
	dir, err := os.MkdirTemp("", "portctl-demo-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	file := filepath.Join(dir, "ports.yaml")
	if err := os.WriteFile(file, []byte(demoPortsFile), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(w, "The embedded fake serves Rainbond and Alaya at %s. Every command below reads this\n", f.base)
	fmt.Fprintf(w, "environment, as after 'portctl fake' (secrets not shown):\n\n%s", f.envLines("  ", true))
	var failed []string
	shown := false
	for i, s := range steps {
		fmt.Fprintf(w, "\n# %d. %s\n", i+1, s.title)
		args := slices.Clone(s.args)
		if j := slices.Index(args, "ports.yaml"); j >= 0 {
			args[j] = file
			if !shown {
				fmt.Fprintf(w, "$ cat ports.yaml\n%s", demoPortsFile)
				shown = true
			}
		}
		fmt.Fprintf(w, "$ portctl %s\n", shellJoin(args))
		var out bytes.Buffer // stdout and stderr, as a terminal shows them
		before := f.requestCount()
		code := Run(ctx, args, func(k string) string { return f.vars[k] }, &out, &out) // what the fake printed, only
		_, _ = w.Write(out.Bytes())
		problem := ""
		switch {
		case code != s.code:
			problem = fmt.Sprintf("exit %d, want %d", code, s.code)
		case s.sendsNothing && f.requestCount() != before:
			problem = "a request was sent"
		}
		for _, p := range s.want {
			not := strings.HasPrefix(p, "!")
			if problem == "" && regexp.MustCompile(strings.TrimPrefix(p, "!")).Match(out.Bytes()) == not {
				problem = fmt.Sprintf("the output does not match %s", p)
			}
		}
		switch {
		case problem != "":
			fmt.Fprintf(w, "(exit %d) UNEXPECTED: %s\n", code, problem)
			failed = append(failed, fmt.Sprintf("%d (%s)", i+1, problem))
		case s.code != 0:
			fmt.Fprintf(w, "(exit %d, as expected)\n", code)
		}
		if ctx.Err() != nil {
			break
		}
	}
	if ctx.Err() != nil {
		fmt.Fprintf(w, "\ndemo: interrupted\n")
		return &exitError{code: exitAPI}
	}
	if len(failed) > 0 {
		fmt.Fprintf(w, "\ndemo: FAILED: %d of %d steps did not do what they should: %s\n",
			len(failed), len(steps), strings.Join(failed, "; "))
		return &exitError{code: exitAPI}
	}
	fmt.Fprintf(w, "\ndemo: all %d steps did what they should.\n", len(steps))
	return nil
}

// shellJoin quotes the arguments that a shell would otherwise change.
func shellJoin(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsFunc(a, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@,+", r))
		}) {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		quoted[i] = a
	}
	return strings.Join(quoted, " ")
}
