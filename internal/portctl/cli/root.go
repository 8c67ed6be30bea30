package cli

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// topLevel is every top-level command but help and completion, by name: a new command is a
// constructor taking the env, added here. (A function, not a variable: demo runs portctl, whose
// tree holds demo.)
func topLevel() map[string]func(*env) *cobra.Command {
	return map[string]func(*env) *cobra.Command{
		"rainbond": newRainbondCmd, "alaya": newAlayaCmd, "fake": newFakeCmd, "demo": newDemoCmd,
		"apply": newApplyCmd, "diff": newDiffCmd, "version": newVersionCmd,
	}
}

// CommandTree is the whole command tree, as the help and the reference show it, for
// cmd/portctl-docs. Its commands read no environment and print nothing.
func CommandTree() *cobra.Command {
	return newRootCmd(newEnv(func(string) string { return "" }, io.Discard, io.Discard), nil)
}

// newRootCmd builds the command tree of one run with args. When the first argument names a
// top-level command, only that command is built under the root: cobra would find nothing else on
// that line, and building the 20-odd others cost every run a part of its start-up (issue 19). Any
// other line (help, completion, a global flag first, a typo that needs suggestions) gets the whole
// tree.
func newRootCmd(e *env, args []string) *cobra.Command {
	var showVersion bool
	root := &cobra.Command{
		Use:   "portctl <command>",
		Short: "Manage container ports on Rainbond and Alaya NeW",
		Long: `portctl manages container ports on Rainbond (component ports) and Alaya NeW (CCI instance ports).

Connection settings come from flags or from the environment: RAINBOND_URL, RAINBOND_TOKEN,
RAINBOND_TEAM, RAINBOND_REGION, RAINBOND_APP, RAINBOND_COMPONENT; ALAYA_URL, ALAYA_ACCESS_KEY and
ALAYA_SECRET_KEY (or ALAYA_API_KEY, a bearer key), ALAYA_INSTANCE. A flag wins over its variable.
Keep tokens and keys in the environment, not on the command line. PORTCTL_DEBUG=1 is --debug;
PORTCTL_TIMEOUT (e.g. 10s) is --timeout.

Global flags (-o, --debug, --timeout) may be given anywhere on the line.

Exit status: 0 success; 1 the API refused or could not be reached; 2 bad usage or invalid input
(nothing was sent); 3 changes pending (diff --exit-code only); 4 the server refused the credential
(HTTP 401).`,
		Example: examples(`portctl rainbond ports list --team my-team --region rainbond --app 12 --component gr1a2b3c
portctl -o json alaya ports list --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0
portctl alaya ports open --instance 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0 --port 8080 --protocol http/https
portctl fake --addr 127.0.0.1:8080     # both APIs in memory, prints KEY=value lines to export
portctl demo                           # a complete port lifecycle against the in-memory APIs
portctl help rainbond ports update     # the help of any command`),
		Args: func(c *cobra.Command, args []string) error {
			if showVersion && len(args) == 0 {
				return nil
			}
			return needsSubcommand(c, args)
		},
		RunE:              e.printVersion, // only reached with --version: Args refuses anything else
		SilenceErrors:     true,           // exitCode prints them
		SilenceUsage:      true,
		DisableAutoGenTag: true, // the committed reference must not change with the date
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.globalFlags(cmd); err != nil {
				return err
			}
			e.watchSignals(cmd)
			return nil
		},
	}
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetFlagErrorFunc(flagError)
	root.SetUsageTemplate(usageTemplate)

	pf := root.PersistentFlags()
	pf.VarP(&e.output, "output", "o", "output format: table, json or yaml (json and yaml keep the API's own field names)")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(
		[]string{string(outputTable), string(outputJSON), string(outputYAML)}, cobra.ShellCompDirectiveNoFileComp))
	pf.BoolVar(&e.debug, "debug", false,
		"log each HTTP attempt on stderr (method, path, status, duration, retry waits; never a credential) [$PORTCTL_DEBUG]")
	_ = pf.SetAnnotation("debug", annotEnv, []string{"PORTCTL_DEBUG"})
	pf.DurationVar(&e.timeout, "timeout", defaultTimeout,
		"time limit of each HTTP request (e.g. 10s, 2m); a retry may start only within this time of the call's start [$PORTCTL_TIMEOUT]")
	_ = pf.SetAnnotation("timeout", annotEnv, []string{"PORTCTL_TIMEOUT"})
	root.Flags().BoolVar(&showVersion, "version", false, "print the version of portctl, Go and the platform, and exit")
	mark(root, annotTakesOutput)

	first := ""
	if len(args) > 0 {
		first = args[0]
	}
	all := topLevel()
	if build, ok := all[first]; ok {
		root.AddCommand(build(e))
		// Nor the completion command, which cobra would otherwise add when it runs the line.
		root.CompletionOptions.DisableDefaultCmd = true
	} else {
		for _, build := range all {
			root.AddCommand(build(e))
		}
		root.InitDefaultCompletionCmd()
	}
	// cobra's help command, but a path that names no command is a usage error.
	root.InitDefaultHelpCmd()
	help, _, _ := root.Find([]string{"help"})
	help.Long, help.Args, help.Run = "Print the help of any command, e.g. 'portctl help rainbond ports add'.", cobra.ArbitraryArgs, nil
	help.RunE = func(c *cobra.Command, args []string) error {
		cmd, rest, err := c.Root().Find(args)
		if err != nil || len(rest) > 0 {
			return usageErrorf("unknown help topic %q", strings.Join(args, " "))
		}
		cmd.InitDefaultHelpFlag() // as --help would: the help lists -h, --help
		return cmd.Help()
	}
	for _, c := range root.Commands() {
		finishTree(c)
	}
	return root
}

// finishTree makes every command below the root refuse what it does not take: a group (a command
// with subcommands, e.g. "rainbond ports" or cobra's "completion") refuses to run without one of
// them, a leaf refuses positional arguments, and every such refusal is a usage error.
func finishTree(c *cobra.Command) {
	for _, s := range c.Commands() {
		finishTree(s)
	}
	switch {
	case c.HasSubCommands():
		c.Args = needsSubcommand
		if c.RunE == nil && c.Run == nil {
			c.RunE = func(*cobra.Command, []string) error { return nil } // never reached: Args refuses
		}
		// An unknown word is reported as an unknown command even when flags follow it.
		c.FParseErrWhitelist.UnknownFlags = true
	case c.Args == nil:
		c.Args = noArgs
	default:
		c.Args = asUsageError(c.Args)
	}
}

// globalFlags checks -o, --debug and --timeout against the command that runs, and reads
// PORTCTL_TIMEOUT and PORTCTL_DEBUG for the flags not given.
func (e *env) globalFlags(cmd *cobra.Command) error {
	fs, path := cmd.Flags(), cmd.CommandPath()
	switch {
	case fs.Changed("output") && cmd.Annotations[annotTakesOutput] == "":
		return usageErrorf("-o/--output does not apply to %s", path)
	case cmd.Annotations[annotTakesDebug] == "":
		return refuseFlags(cmd, "to "+path+": it sends no request", "debug", "timeout")
	}
	if v := e.getenv("PORTCTL_TIMEOUT"); v != "" && !fs.Changed("timeout") {
		if e.timeout, _ = time.ParseDuration(v); e.timeout <= 0 { // 0 when v is not a duration
			return usageErrorf("invalid PORTCTL_TIMEOUT %q: must be a positive duration (e.g. 10s)", v)
		}
	} else if e.timeout <= 0 {
		return usageErrorf("invalid --timeout %s: must be a positive duration (e.g. 10s)", e.timeout)
	}
	if v := e.getenv("PORTCTL_DEBUG"); v != "" && !fs.Changed("debug") {
		var err error
		if e.debug, err = strconv.ParseBool(v); err != nil {
			return usageErrorf("invalid PORTCTL_DEBUG %q: must be 1 or 0 (true or false)", v)
		}
	}
	return nil
}

// usageTemplate is cobra's, with the examples last, one usage line, and "Commands" for the
// subcommands of a group.
const usageTemplate = `Usage:
  {{.UseLine}}{{if .HasAvailableSubCommands}}

Commands:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Flags:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Global Flags:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasExample}}

Examples:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Run '{{.CommandPath}} <command> --help' for more about a command.{{end}}
`
