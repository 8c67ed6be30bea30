package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
)

// demoStep is one portctl command line of the demo and what it must do.
type demoStep struct {
	title string   // what the step shows
	args  []string // the command line after "portctl"
	code  int      // the expected exit status
	// check looks at the output of a step that exited as expected; nil means no more to check.
	check func(stdout, stderr string) error
	// sendsNothing says the step must not reach the server.
	sendsNothing bool
	// file, when set, is written to a temporary ports.yaml (and shown) before the step runs; the
	// argument "ports.yaml" is that file.
	file string
}

// demoSteps is the whole demo: the life of port 8080 on Rainbond and on Alaya.
func demoSteps() []demoStep {
	rb := func(args ...string) []string { return append([]string{"rainbond", "ports"}, args...) }
	al := func(args ...string) []string { return append([]string{"alaya", "ports"}, args...) }
	return []demoStep{
		{title: "Rainbond: list the ports of the component (none yet)", args: rb("list"), check: noRows},
		{
			title: "Rainbond: a protocol the API does not know is refused before anything is sent (exit 2, on purpose)",
			args:  rb("add", "--port", "8080", "--protocol", "ftp"), code: exitUsage, sendsNothing: true,
			check: stderrHas("invalid --protocol"),
		},
		{
			title: "Rainbond: add port 8080, http, with an alias",
			args:  rb("add", "--port", "8080", "--protocol", "http", "--alias", "WEB"),
			check: row("8080", col{1, "http"}, col{2, "WEB"}, col{3, "closed"}, col{4, "closed"}),
		},
		{
			title: "Rainbond: open the inner service (the outer one needs it)",
			args:  rb("update", "--port", "8080", "--action", "open_inner"),
			check: row("8080", col{3, "open"}, col{4, "closed"}),
		},
		{
			title: "Rainbond: open the outer service",
			args:  rb("update", "--port", "8080", "--action", "open_outer"),
			check: row("8080", col{3, "open"}, col{4, "open"}),
		},
		{
			title: "Rainbond: list again, as JSON (the API's own field names)",
			args:  rb("list", "-o", "json"),
			check: func(stdout, _ string) error {
				var ports []map[string]any
				if err := json.Unmarshal([]byte(stdout), &ports); err != nil {
					return err
				}
				if len(ports) != 1 || ports[0]["container_port"] != float64(8080) || ports[0]["is_outer_service"] != true {
					return fmt.Errorf("want port 8080 with its outer service open, got %v", ports)
				}
				return nil
			},
		},
		{
			title: "Rainbond: change the alias (and the component's k8s service name)",
			args:  rb("update", "--port", "8080", "--action", "change_port_alias", "--alias", "WEB_V2", "--k8s-service-name", "web-v2"),
			check: row("8080", col{2, "WEB_V2"}, col{6, "web-v2"}),
		},
		{
			title: "Rainbond: change the protocol to tcp: the server refuses while the outer service is open (exit 1, on purpose)",
			args:  rb("update", "--port", "8080", "--action", "change_protocol", "--protocol", "tcp"),
			code:  exitAPI, check: stderrHas("HTTP 400"),
		},
		{
			title: "Rainbond: close the outer service",
			args:  rb("update", "--port", "8080", "--action", "close_outer"),
			check: row("8080", col{3, "open"}, col{4, "closed"}),
		},
		{
			title: "Rainbond: now the protocol can change to tcp",
			args:  rb("update", "--port", "8080", "--action", "change_protocol", "--protocol", "tcp"),
			check: row("8080", col{1, "tcp"}),
		},
		{
			title: "Rainbond: close the inner service (a port is deleted only when both are closed)",
			args:  rb("update", "--port", "8080", "--action", "close_inner"),
			check: row("8080", col{3, "closed"}, col{4, "closed"}),
		},
		{title: "Rainbond: delete port 8080", args: rb("delete", "--port", "8080"), check: row("8080")},
		{title: "Rainbond: list (empty again)", args: rb("list"), check: noRows},

		{
			title: "Alaya: list the open ports of the instance (the system ones only)",
			args:  al("list"), check: all(row("system"), noRowWith("custom")),
		},
		{
			title: "Alaya: a wrong AccessKey secret: the service refuses the signature (exit 4, on purpose)",
			args:  al("list", "--secret-key", "not-the-secret"), code: exitCredential,
			check: stderrHas("HTTP 401, code 40003"),
		},
		{
			title: "Alaya: open 8080 as http/https",
			args:  al("open", "--port", "8080", "--protocol", "http/https"),
			check: row("8080", col{1, "http/https"}, col{2, `^[0-9]+$`}),
		},
		{
			title: "Alaya: list again, as JSON ({\"ports\": system, \"customPorts\": opened by you})",
			args:  al("list", "-o", "json"),
			check: func(stdout, _ string) error {
				var list struct {
					Ports       []map[string]any `json:"ports"`
					CustomPorts []map[string]any `json:"customPorts"`
				}
				if err := json.Unmarshal([]byte(stdout), &list); err != nil {
					return err
				}
				if len(list.CustomPorts) != 1 || list.CustomPorts[0]["port"] != float64(8080) {
					return fmt.Errorf("want custom port 8080, got %v", list.CustomPorts)
				}
				return nil
			},
		},
		{
			title: "Alaya: close 8080",
			args:  al("close", "--port", "8080"),
			check: func(stdout, _ string) error {
				if !strings.HasPrefix(stdout, "closed port 8080") {
					return fmt.Errorf("want a confirmation, got %q", stdout)
				}
				return nil
			},
		},
		{title: "Alaya: list (no custom port left)", args: al("list"), check: all(row("system"), noRowWith("custom"))},

		{
			title: "Declarative: describe the ports wanted in a file; diff prints the plan and writes nothing",
			args:  []string{"diff", "-f", "ports.yaml"}, file: demoPortsFile,
			check: stdoutHas("~ rainbond demo-team/1/gr1a2b3c 8080 open outer\n", "Plan: 3 to add, 0 to change, 0 to delete.\n"),
		},
		{
			title: "Declarative: apply runs the plan, one API call per line, in an order the servers accept",
			args:  []string{"apply", "-f", "ports.yaml"}, file: demoPortsFile,
			check: stdoutHas("Apply complete: 4 steps done.\n"),
		},
		{
			title: "Declarative: apply again: the state is reached, nothing to do",
			args:  []string{"apply", "-f", "ports.yaml"}, file: demoPortsFile,
			check: stdoutHas("no changes\n"),
		},
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

// stdoutHas checks that stdout contains every part.
func stdoutHas(parts ...string) func(string, string) error {
	return func(stdout, _ string) error {
		for _, p := range parts {
			if !strings.Contains(stdout, p) {
				return fmt.Errorf("want %q in the output", p)
			}
		}
		return nil
	}
}

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
			if err := checkAddr(addr); err != nil {
				return err
			}
			return e.servers.demo(e, cmd, addr)
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "`address` the embedded fake listens on")
	return cancelOnSignal(c)
}

// serveDemo is demo in this process.
func serveDemo(e *env, cmd *cobra.Command, addr string) error {
	f, err := startFake(addr)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	return runDemo(cmd.Context(), e.stdout, f, demoSteps())
}

// runDemo runs the steps against f through run, as a user would type them, and prints them.
func runDemo(ctx context.Context, w io.Writer, f *fake, steps []demoStep) error {
	fmt.Fprintf(w, "The embedded fake serves Rainbond and Alaya at %s. Every command below reads this\n", f.base)
	fmt.Fprintf(w, "environment, as after 'portctl fake' (secrets not shown):\n\n")
	for _, k := range fakeVarNames {
		v := f.vars[k]
		if k == "RAINBOND_TOKEN" || k == "ALAYA_SECRET_KEY" {
			v = "<hidden>"
		}
		fmt.Fprintf(w, "  %s=%s\n", k, v)
	}
	var failed []string
	var dir, shown string
	for i, s := range steps {
		fmt.Fprintf(w, "\n# %d. %s\n", i+1, s.title)
		if s.file != "" {
			if dir == "" {
				var err error
				if dir, err = os.MkdirTemp("", "portctl-demo-"); err != nil {
					return err
				}
				defer func() { _ = os.RemoveAll(dir) }()
			}
			path := filepath.Join(dir, "ports.yaml")
			if err := os.WriteFile(path, []byte(s.file), 0o600); err != nil {
				return err
			}
			if s.file != shown {
				fmt.Fprintf(w, "$ cat ports.yaml\n%s", s.file)
				shown = s.file
			}
			args := make([]string, len(s.args))
			for j, a := range s.args {
				if a == "ports.yaml" {
					a = path
				}
				args[j] = a
			}
			s.args = args
		}
		fmt.Fprintf(w, "$ portctl %s\n", shellJoin(s.args))
		var stdout, stderr bytes.Buffer
		before := f.requestCount()
		code := Run(ctx, s.args, f.getenv, &stdout, &stderr)
		_, _ = w.Write(stdout.Bytes())
		_, _ = w.Write(stderr.Bytes())
		problem := ""
		switch {
		case code != s.code:
			problem = fmt.Sprintf("exit %d, want %d", code, s.code)
		case s.sendsNothing && f.requestCount() != before:
			problem = "a request was sent"
		case s.check != nil:
			if err := s.check(stdout.String(), stderr.String()); err != nil {
				problem = err.Error()
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

// col is a column of a table row and a pattern its cell must match (anchored).
type col struct {
	i    int
	want string
}

// row checks that the table has a row whose first cell is first and whose cells match cols.
func row(first string, cols ...col) func(string, string) error {
	return func(stdout, _ string) error {
		for _, r := range tableRows(stdout) {
			if r[0] != first {
				continue
			}
			for _, c := range cols {
				if c.i >= len(r) || !regexp.MustCompile(`^(`+c.want+`)$`).MatchString(r[c.i]) {
					return fmt.Errorf("row %s: column %d is not %s", first, c.i+1, c.want)
				}
			}
			return nil
		}
		return fmt.Errorf("no row %s", first)
	}
}

// noRowWith checks that no row starts with first.
func noRowWith(first string) func(string, string) error {
	return func(stdout, _ string) error {
		for _, r := range tableRows(stdout) {
			if r[0] == first {
				return fmt.Errorf("unexpected row %s", strings.Join(r, " "))
			}
		}
		return nil
	}
}

// noRows checks that the table has a header and no rows.
func noRows(stdout, _ string) error {
	if !strings.Contains(stdout, "PORT") {
		return fmt.Errorf("no table header")
	}
	if rs := tableRows(stdout); len(rs) > 0 {
		return fmt.Errorf("want no ports, got %d", len(rs))
	}
	return nil
}

func stderrHas(s string) func(string, string) error {
	return func(_, stderr string) error {
		if !strings.Contains(stderr, s) {
			return fmt.Errorf("stderr does not say %q", s)
		}
		return nil
	}
}

func all(checks ...func(string, string) error) func(string, string) error {
	return func(stdout, stderr string) error {
		for _, c := range checks {
			if err := c(stdout, stderr); err != nil {
				return err
			}
		}
		return nil
	}
}

// tableRows returns the cells of each row of a table, without the header.
func tableRows(out string) [][]string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	var rs [][]string
	for _, l := range lines[1:] {
		if f := strings.Fields(l); len(f) > 0 {
			rs = append(rs, f)
		}
	}
	return rs
}
