package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/portsdk/portsdk/wrapper"
)

// Exit statuses.
const (
	exitOK    = 0 // success, or help was asked for
	exitAPI   = 1 // the API refused, failed or could not be reached
	exitUsage = 2 // bad usage or invalid input: nothing was sent
)

// userAgent is put before portsdk's own product in the User-Agent header.
const userAgent = "portctl/" + wrapper.Version

// run executes one portctl command line (args without the program name) and returns its exit
// status. Everything it needs from the process comes in as arguments, so tests run it in-process.
// The context is cancelled on SIGINT or SIGTERM.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := &env{getenv: getenv, stdout: stdout, stderr: stderr}
	return e.exitCode(rootCommand().exec(ctx, e, args))
}

// env is what a command reads and writes.
type env struct {
	getenv         func(string) string
	stdout, stderr io.Writer
	secrets        []string // values that must never be printed (tokens, keys)
}

// secret returns v and remembers it, so that no error message can show it.
func (e *env) secret(v string) string {
	if v != "" {
		e.secrets = append(e.secrets, v)
	}
	return v
}

// redact replaces every remembered secret in s.
func (e *env) redact(s string) string {
	for _, v := range e.secrets {
		s = strings.ReplaceAll(s, v, "***")
	}
	return s
}

// longFlag matches a flag name of two or more characters in the flag package's error messages.
var longFlag = regexp.MustCompile(`(: | flag | for )-([A-Za-z0-9][A-Za-z0-9_-]+)`)

// errHelp says that help was printed on stdout: exit 0.
var errHelp = errors.New("help shown")

// usageError is bad usage: an unknown command or flag, a missing or malformed flag. Exit 2.
type usageError struct {
	path string // the command, e.g. "portctl rainbond ports add"
	msg  string
}

func (e *usageError) Error() string { return e.msg }

// exitError ends a command with a status after it printed what it had to say.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// exitCode prints err on stderr (without any secret) and returns the exit status for it.
func (e *env) exitCode(err error) int {
	var (
		ue *usageError
		ve *wrapper.ValidationError
		xe *exitError
	)
	switch {
	case err == nil, errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &xe):
		return xe.code
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "portctl: %s\nRun '%s --help' for usage.\n", e.redact(ue.msg), ue.path)
		return exitUsage
	case errors.As(err, &ve):
		fmt.Fprintf(e.stderr, "portctl: %s (nothing was sent)\n", e.redact(err.Error()))
		return exitUsage
	default:
		// *wrapper.APIError ("rainbond.AddPort: HTTP 409, code 20501: ..."), a transport error,
		// a cancelled context.
		fmt.Fprintf(e.stderr, "portctl: %s\n", e.redact(err.Error()))
		return exitAPI
	}
}

// command is a node of the command tree: a group with subcommands, or a leaf that runs.
type command struct {
	name     string
	summary  string // one line, for the parent's list
	long     string // a paragraph for --help
	examples string
	subs     []*command
	// leaf commands: flags declares the flags and returns what runs after a successful parse.
	flags func(fs *flag.FlagSet) func(ctx context.Context, e *env) error
	usage string // the arguments part of the usage line, for leaves: "[flags]"

	path string // set by link: "portctl rainbond ports add"
}

// link sets the paths of c and its subcommands and returns c.
func (c *command) link(parent string) *command {
	c.path = strings.TrimSpace(parent + " " + c.name)
	for _, s := range c.subs {
		s.link(c.path)
	}
	return c
}

func (c *command) usageErr(format string, args ...any) error {
	return &usageError{path: c.path, msg: fmt.Sprintf(format, args...)}
}

// exec runs c with the arguments that follow its name.
func (c *command) exec(ctx context.Context, e *env, args []string) error {
	if c.flags != nil {
		return c.execLeaf(ctx, e, args)
	}
	if len(args) == 0 {
		return c.usageErr("%s needs a command: %s", c.path, c.subNames())
	}
	switch a := args[0]; {
	case a == "help" || a == "-h" || a == "-help" || a == "--help":
		c.printGroupHelp(e.stdout)
		return errHelp
	case strings.HasPrefix(a, "-"):
		return c.usageErr("unknown flag %s before the command (flags go after it: %s <command> [flags])", a, c.path)
	}
	for _, s := range c.subs {
		if s.name == args[0] {
			return s.exec(ctx, e, args[1:])
		}
	}
	return c.usageErr("unknown command %q for %q (commands: %s)", args[0], c.path, c.subNames())
}

func (c *command) subNames() string {
	names := make([]string, len(c.subs))
	for i, s := range c.subs {
		names[i] = s.name
	}
	return strings.Join(names, ", ")
}

func (c *command) execLeaf(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet(c.path, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	do := c.flags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.printLeafHelp(e.stdout, fs)
			return errHelp
		}
		// The flag package names flags with one dash; the help shows long ones with two.
		return c.usageErr("%s", longFlag.ReplaceAllString(err.Error(), "$1--$2"))
	}
	if fs.NArg() > 0 {
		return c.usageErr("unexpected argument %q (every value is given with a flag)", fs.Arg(0))
	}
	err := do(ctx, e)
	var ue *usageError
	if errors.As(err, &ue) && ue.path == "" {
		ue.path = c.path
	}
	return err
}

func (c *command) printGroupHelp(w io.Writer) {
	fmt.Fprintf(w, "%s\n\nUsage:\n  %s <command> [flags]\n\nCommands:\n", c.long, c.path)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	for _, s := range c.subs {
		fmt.Fprintf(tw, "  %s\t%s\n", s.name, s.summary)
	}
	_ = tw.Flush()
	if c.examples != "" {
		fmt.Fprintf(w, "\nExamples:\n%s\n", indent(c.examples))
	}
	fmt.Fprintf(w, "\nRun '%s <command> --help' for more about a command.\n", c.path)
}

func (c *command) printLeafHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "%s\n\nUsage:\n  %s %s\n", c.long, c.path, c.usage)
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	if len(flags) > 0 {
		fmt.Fprintf(w, "\nFlags:\n")
		for _, f := range flags {
			typ, usage := flag.UnquoteUsage(f)
			dash := "--"
			if len(f.Name) == 1 {
				dash = "-"
			}
			head := "  " + dash + f.Name
			if typ != "" {
				head += " " + typ
			}
			if d := f.DefValue; d != "" && d != "false" && d != "0" {
				usage += " (default " + d + ")"
			}
			fmt.Fprintf(w, "%s\n      %s\n", head, strings.ReplaceAll(usage, "\n", "\n      "))
		}
	}
	if c.examples != "" {
		fmt.Fprintf(w, "\nExamples:\n%s\n", indent(c.examples))
	}
}

func indent(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}

// flagsSet returns the names of the flags given on the command line.
func flagsSet(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// outputFlag declares -o and returns the format it holds.
func outputFlag(fs *flag.FlagSet) *string {
	return fs.String("o", "table", "output `format`: table (aligned columns) or json (the API's own field names)")
}

// checkOutput refuses an output format other than table and json.
func checkOutput(format string) error {
	switch format {
	case "table", "json":
		return nil
	}
	return &usageError{msg: fmt.Sprintf("invalid -o %q: must be table or json", format)}
}

// fromEnv returns the flag value, or the environment variable when the flag is empty; a missing
// value is a usage error naming both.
func fromEnv(e *env, flagName, value, envName string) (string, error) {
	if value == "" {
		value = e.getenv(envName)
	}
	if value == "" {
		return "", &usageError{msg: fmt.Sprintf("missing --%s (or set %s)", flagName, envName)}
	}
	return value, nil
}

// requireFlags is a usage error for the first of names not given on the command line.
func requireFlags(fs *flag.FlagSet, names ...string) error {
	set := flagsSet(fs)
	for _, n := range names {
		if !set[n] {
			return &usageError{msg: "missing required flag --" + n}
		}
	}
	return nil
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table prints rows under a header, aligned; an empty cell is shown as "-".
func table(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			if c == "" {
				c = "-"
			}
			cells[i] = c
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// rootCommand builds the command tree.
func rootCommand() *command {
	root := &command{
		name: "portctl",
		long: `portctl manages container ports on Rainbond (component ports) and Alaya NeW (CCI instance ports).

Connection settings come from flags or from the environment (RAINBOND_URL, RAINBOND_TOKEN, ...,
ALAYA_API_KEY, ...); keep tokens in the environment, not on the command line.
Exit status: 0 success, 1 the API refused or could not be reached, 2 bad usage or invalid input
(nothing sent).`,
		examples: `portctl rainbond ports list --team my-team --region rainbond --app 12 --component gr1a2b3c
portctl alaya ports open --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0 --port 8080 --protocol http/https
portctl fake --addr 127.0.0.1:8080     # both APIs in memory, prints KEY=value lines to export
portctl demo                           # a complete port lifecycle against the in-memory APIs`,
		subs: []*command{rainbondCommand(), alayaCommand(), fakeCommand(), demoCommand()},
	}
	return root.link("")
}
