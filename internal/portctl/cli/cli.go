// Package cli is portctl: its command tree (spf13/cobra), the settings it reads from flags and the
// environment, its output formats and its exit statuses. cmd/portctl runs it; cmd/portctl-docs
// writes the reference from its tree.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/portsdk/portsdk/internal/portctl/portfile"
	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// Exit statuses.
const (
	exitOK         = 0 // success, or help was asked for
	exitAPI        = 1 // the API refused, failed or could not be reached
	exitUsage      = 2 // bad usage or invalid input: nothing was sent
	exitPending    = 3 // diff --exit-code: changes are pending
	exitCredential = 4 // the server refused the credential (HTTP 401)
)

// userAgent is put before portsdk's own product in the User-Agent header.
const userAgent = "portctl/" + wrapper.Version

// Run executes one portctl command line (args without the program name) and returns its exit
// status. Everything it needs from the process comes in as arguments, so tests run it in-process.
//
// The commands that take several requests or run until stopped (apply, diff, fake, demo: those
// marked with annotCancelOnSignal) see their context cancelled on SIGINT or SIGTERM, so that they
// stop between steps and report what they did. The single-request commands leave both signals to
// the runtime, which ends the process at once: a handler would cost each of them a thread at
// start-up (issue 19), and an interrupted request is in the same state either way.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	e := newEnv(getenv, stdout, stderr)
	defer func() { e.stopSignal() }() // the runtime handles SIGINT and SIGTERM again
	root := newRootCmd(e, args)
	if args == nil {
		args = []string{} // nil would make cobra read os.Args
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	return e.exitCode(cmd, err)
}

// watchSignals gives cmd, when it is marked with annotCancelOnSignal, a context that SIGINT and
// SIGTERM cancel; e.stopSignal undoes it.
func (e *env) watchSignals(cmd *cobra.Command) {
	if cmd.Annotations[annotCancelOnSignal] == "" {
		return
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	e.stopSignal = stop
	cmd.SetContext(ctx)
}

// env is what a command reads and writes, and the global settings of one run.
type env struct {
	getenv         func(string) string
	stdout, stderr io.Writer
	secrets        []string // values that must never be printed (tokens, keys)

	output  outputFormat  // -o/--output
	debug   bool          // --debug or PORTCTL_DEBUG
	timeout time.Duration // --timeout or PORTCTL_TIMEOUT

	// fromEnv records, for a setting read from the environment, the variable it came from (by flag
	// name), so that an error about it names what the user actually set.
	fromEnv map[string]string

	stopSignal func() // set by watchSignals; a no-op until then

	// The credential a command read, for what to check when a server refuses it: the flag of the
	// Rainbond token, the Alaya credential.
	tokenFlag string
	cred      alaya.Credential
}

func newEnv(getenv func(string) string, stdout, stderr io.Writer) *env {
	return &env{getenv: getenv, stdout: stdout, stderr: stderr, output: outputTable, timeout: defaultTimeout,
		fromEnv: map[string]string{}, stopSignal: func() {}}
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

// safe is s redacted and terminalSafe, for an error message.
func (e *env) safe(s string) string { return terminalSafe(e.redact(s)) }

// logger is what --debug gives the clients: Debug records on stderr, through redact, or nil.
func (e *env) logger() *slog.Logger {
	if !e.debug {
		return nil
	}
	return slog.New(slog.NewTextHandler(redactingWriter{e}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// redactingWriter writes to stderr without any remembered secret. The clients never log one; this
// keeps it so whatever they log. Each line is made terminalSafe: the TextHandler quotes a value
// holding a control character, but writes DEL raw.
type redactingWriter struct{ e *env }

func (w redactingWriter) Write(p []byte) (int, error) {
	lines := strings.Split(w.e.redact(string(p)), "\n")
	for i, l := range lines {
		lines[i] = terminalSafe(l)
	}
	if _, err := io.WriteString(w.e.stderr, strings.Join(lines, "\n")); err != nil {
		return 0, err
	}
	return len(p), nil
}

// usageError is bad usage: an unknown command or flag, a missing or malformed flag, a flag the
// command does not use. Nothing was sent. Exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitError ends a command with a status after it printed what it had to say.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// exitCode prints err on stderr (without any secret, terminalSafe: a server's message may hold
// escape sequences) and returns the exit status for it. cmd is the command that ran or was found
// (ExecuteC always returns one).
func (e *env) exitCode(cmd *cobra.Command, err error) int {
	var (
		ue *usageError
		ve *wrapper.ValidationError
		fe *portfile.Error  // a ports file apply or diff refuses
		se *applyStateError // a ports file the current ports make impossible
		xe *exitError
		re *reportError
	)
	if err == nil {
		return exitOK
	} else if errors.As(err, &xe) {
		return xe.code
	}
	// By default a *wrapper.APIError ("rainbond.AddPort: HTTP 409, code 20501: ..."), a transport
	// error, a cancelled context.
	msg, code := e.safe(err.Error()), exitAPI
	switch {
	case errors.As(err, &re) && re.run == nil: // the run succeeded; only its report is a table
		code = exitOK
	case errors.As(err, &ue):
		msg, code = e.safe(ue.msg)+"\nRun '"+cmd.CommandPath()+" --help' for usage.", exitUsage
	case errors.As(err, &se):
		msg, code = msg+" (only lists were sent; nothing was written)", exitUsage
	case errors.As(err, &ve), errors.As(err, &fe):
		msg, code = msg+" (nothing was sent)", exitUsage
	case errors.Is(err, wrapper.ErrUnauthorized):
		msg, code = msg+"\nportctl: the server refused the credential: "+e.safe(e.credentialHint(err)), exitCredential
	}
	fmt.Fprintf(e.stderr, "portctl: %s\n", msg)
	return code
}

// Command annotations.
const (
	annotTakesOutput    = "portctl/output"           // the command prints with -o
	annotTakesDebug     = "portctl/debug"            // the command sends requests --debug can show
	annotCancelOnSignal = "portctl/cancel-on-signal" // SIGINT or SIGTERM cancels the command's context
	annotEnv            = "portctl/env"              // on a flag: the environment variable it falls back to
)

// mark sets the annotations annots on c.
func mark(c *cobra.Command, annots ...string) *cobra.Command {
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	for _, a := range annots {
		c.Annotations[a] = "true"
	}
	return c
}

// credentialHint says what to check when a server refused the credential (err, an *APIError whose
// Operation names the API): the token or the Alaya credential the command read.
func (e *env) credentialHint(err error) string {
	var ae *wrapper.APIError
	switch {
	case !errors.As(err, &ae):
	case strings.HasPrefix(ae.Operation, "rainbond.") && e.tokenFlag != "":
		return "check " + e.flagName(e.tokenFlag)
	case strings.HasPrefix(ae.Operation, "alaya.") && e.cred != nil:
		return e.alayaCredentialHint(ae.Code)
	}
	return "check the token or key"
}

// portsOptions is what the options of a 'rainbond ports' or 'alaya ports' command do besides
// holding its flags.
type portsOptions interface {
	connFlags(fs *pflag.FlagSet)               // declares the connection flags
	complete(e *env, cmd *cobra.Command) error // reads them (flag, else variable), makes the client; sends nothing
	restate(e *env, err error) error           // restates an error of run for the user
	portVar() *int                             // where --port goes
	ports(ctx context.Context) []string        // the target's current ports (none on a failure), for completing --port
}

// portsSpec is a command of an API whose options are a *T: its help (Long and Example without the
// environment help and the indentation portsCmds adds), its run function, the flags it requires,
// the flags it declares besides the connection flags and --port, and whether --port names a port
// the target has (completed from its current ports).
type portsSpec[T any] struct {
	use, short, long, example string
	run                       func(context.Context, *T) error
	required                  []string
	flags                     func(c *cobra.Command, o *T)
	existingPort              bool
}

// portsCmds makes the commands of specs, each with its own options: a command declares the
// connection flags, --port when it requires it, and its own flags; its RunE checks the required
// flags, completes the options and calls run.
func portsCmds[T any, O interface {
	*T
	portsOptions
}](e *env, envHelp string, specs ...portsSpec[T]) []*cobra.Command {
	cmds := make([]*cobra.Command, len(specs))
	for i, s := range specs {
		o := O(new(T))
		c := &cobra.Command{Use: s.use, Short: s.short, Long: s.long + "\n\n" + envHelp, Example: examples(s.example)}
		o.connFlags(c.Flags())
		if slices.Contains(s.required, "port") {
			c.Flags().Var(intValue{o.portVar()}, "port", "container port, 1..65535 (required)")
		}
		if s.flags != nil {
			s.flags(c, o)
		}
		if s.existingPort {
			_ = c.RegisterFlagCompletionFunc("port", func(cmd *cobra.Command, _ []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
				return e.currentPorts(cmd, o), cobra.ShellCompDirectiveNoFileComp
			})
		}
		c.RunE = func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, s.required...); err != nil {
				return err
			}
			if err := o.complete(e, cmd); err != nil {
				return err
			}
			if err := s.run(cmd.Context(), o); err != nil {
				return o.restate(e, err)
			}
			return nil
		}
		cmds[i] = mark(c, annotTakesOutput, annotTakesDebug)
	}
	return cmds
}

// choiceFlag declares a string flag, def by default, whose completion offers choices.
func choiceFlag(c *cobra.Command, p *string, name, def, usage string, choices ...string) {
	c.Flags().StringVar(p, name, def, usage)
	_ = c.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(choices, cobra.ShellCompDirectiveNoFileComp))
}

// currentPorts completes --port of cmd from the target's current ports: asked with a 2 s timeout
// (as --timeout), none on any failure, and nothing said (a completion must not print).
func (e *env) currentPorts(cmd *cobra.Command, o portsOptions) []string {
	if e.timeout = 2 * time.Second; o.complete(e, cmd) != nil {
		return nil
	}
	return o.ports(context.Background())
}

// printUnless is err, or what print makes of v.
func printUnless(err error, v any, print func(any) error) error {
	if err != nil {
		return err
	}
	return print(v)
}

// defaultTimeout is the default of --timeout: the clients' own per-request timeout.
const defaultTimeout = 30 * time.Second

// httpClient is the http.Client of both APIs: the clients' default (a transport of its own, cloned
// from http.DefaultTransport, with a larger idle pool), with --timeout as its per-request limit.
func (e *env) httpClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	tr.MaxIdleConns = max(tr.MaxIdleConns, tr.MaxIdleConnsPerHost)
	return &http.Client{Timeout: e.timeout, Transport: tr}
}

// newRainbondClient makes the client of url and token (given with the flags urlFlag and tokenFlag).
func (e *env) newRainbondClient(url, token, urlFlag, tokenFlag string) (*rainbond.Client, error) {
	e.tokenFlag = tokenFlag
	c, err := rainbond.NewClient(url, e.secret(token), rainbond.WithUserAgent(userAgent), rainbond.WithLogger(e.logger()),
		rainbond.WithHTTPClient(e.httpClient()), rainbond.WithRetryBudget(e.timeout))
	return c, e.asFlagError(err, map[string]string{"baseURL": urlFlag, "token": tokenFlag})
}

// envString declares a string flag that falls back to the environment variable envName; its help
// names the variable.
func envString(fs *pflag.FlagSet, name, envName, usage string) {
	fs.String(name, "", usage+" [$"+envName+"]")
	_ = fs.SetAnnotation(name, annotEnv, []string{envName})
}

// envName returns the variable the flag falls back to, or "".
func envName(f *pflag.Flag) string {
	if v := f.Annotations[annotEnv]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// settings returns the values of the named string flags declared with envString, in order: each
// the flag when given on the command line, else its environment variable. The first missing value
// is a usage error naming both.
func (e *env) settings(cmd *cobra.Command, names ...string) ([]string, error) {
	vs := make([]string, len(names))
	for i, n := range names {
		if vs[i] = e.optionalSetting(cmd, n); vs[i] == "" {
			return nil, usageErrorf("missing --%s (or set %s)", n, envName(cmd.Flags().Lookup(n)))
		}
	}
	return vs, nil
}

// optionalSetting is one of settings without the error: "" when neither the flag nor the variable is set.
func (e *env) optionalSetting(cmd *cobra.Command, name string) string {
	f := cmd.Flags().Lookup(name)
	if f.Changed {
		return f.Value.String()
	}
	v := e.getenv(envName(f))
	if v != "" {
		e.fromEnv[name] = envName(f)
	}
	return v
}

// flagName names a setting as the user gave it: "--team", or "RAINBOND_TEAM" when its value came
// from the environment.
func (e *env) flagName(name string) string {
	if v := e.fromEnv[name]; v != "" {
		return v
	}
	return "--" + name
}

// asFlagError restates a *wrapper.ValidationError whose Field is a key of fields as one about that
// flag, as the user gave it ("invalid --alias: ...", or RAINBOND_COMPONENT when the value came from
// the environment); anything else is returned as is.
func (e *env) asFlagError(err error, fields map[string]string) error {
	var ve *wrapper.ValidationError
	if !errors.As(err, &ve) || fields[ve.Field] == "" {
		return err
	}
	return &wrapper.ValidationError{Field: e.flagName(fields[ve.Field]), Reason: ve.Reason}
}

// intValue is an int flag parsed in base 10, with an error that says what was expected.
type intValue struct{ p *int }

func (v intValue) String() string { return strconv.Itoa(*v.p) }
func (v intValue) Type() string   { return "int" }
func (v intValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return errors.New("out of range")
		}
		return errors.New("not a number")
	}
	*v.p = n
	return nil
}

// flagError turns pflag's parse errors into usage errors naming the flag:
// `invalid --port "abc": not a number`.
func flagError(_ *cobra.Command, err error) error {
	var inv *pflag.InvalidValueError
	if errors.As(err, &inv) {
		reason := inv.Unwrap().Error() // what the flag's Set said
		var ne *strconv.NumError
		if errors.As(inv, &ne) && ne.Func == "ParseBool" {
			reason = "must be true or false"
		}
		return usageErrorf("invalid --%s %q: %s", inv.GetFlag().Name, inv.GetValue(), reason)
	}
	return &usageError{msg: err.Error()}
}

// requireFlags is a usage error for the first of names not given on the command line.
func requireFlags(cmd *cobra.Command, names ...string) error {
	for _, n := range names {
		if !cmd.Flags().Changed(n) {
			return usageErrorf("missing required flag --%s", n)
		}
	}
	return nil
}

// refuseFlags is a usage error for the first of names given on the command line: a flag the chosen
// action does not use is refused rather than silently dropped.
func refuseFlags(cmd *cobra.Command, why string, names ...string) error {
	for _, n := range names {
		if cmd.Flags().Changed(n) {
			return usageErrorf("--%s does not apply %s", n, why)
		}
	}
	return nil
}

// noArgs refuses positional arguments: every value is given with a flag.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("unexpected argument %q (every value is given with a flag)", args[0])
	}
	return nil
}

// needsSubcommand is the Args check of a command group: it is only a path to its subcommands.
func needsSubcommand(c *cobra.Command, args []string) error {
	var names []string
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() {
			names = append(names, s.Name())
		}
	}
	if len(args) == 0 {
		return usageErrorf("%s needs a command: %s", c.CommandPath(), strings.Join(names, ", "))
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
	c.SuggestionsMinimumDistance = 2 // cobra's default, which SuggestionsFor alone does not apply
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", s[0])
	}
	return &usageError{msg: msg + " (commands: " + strings.Join(names, ", ") + ")"}
}

// asUsageError makes every error of an Args check a usage error.
func asUsageError(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		err := check(c, args)
		if ue := (*usageError)(nil); err == nil || errors.As(err, &ue) {
			return err
		}
		return &usageError{msg: err.Error()}
	}
}

// group is c with the subcommands subs.
func group(c *cobra.Command, subs ...*cobra.Command) *cobra.Command {
	c.AddCommand(subs...)
	return c
}

// examples indents a block of example lines for help.
func examples(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}
