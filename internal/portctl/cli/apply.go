package cli

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/portsdk/portsdk/internal/plan"
	"github.com/portsdk/portsdk/internal/portctl/portfile"
	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

// applyConfig is what `apply -f` and `diff -f` need, whatever parses the command line.
type applyConfig struct {
	// file is the ports file; "-" reads stdin.
	file  string
	stdin io.Reader
	// dryRun prints the plan and sends no write (diff, apply --dry-run).
	dryRun bool
	// format is "table" (or empty), "json" or "yaml".
	format string
	stdout io.Writer
	// rainbond and alaya make the clients from flags and environment; they are called only when the
	// file names a component or an instance, before any request is sent.
	rainbond func() (*rainbond.Client, error)
	alaya    func() (*alaya.Client, error)
	// redact removes the credentials from a text before it is printed.
	redact func(string) string
}

// applyDoc is the plan (and the run) as data, for -o json and -o yaml.
type applyDoc struct {
	Targets []applyTarget `json:"targets"`
	Summary plan.Summary  `json:"summary"`
	// Applied is false for diff and apply --dry-run; true when apply ran the steps (or tried to).
	Applied bool `json:"applied"`
}

// applyTarget is a targetOf either platform.
type applyTarget interface {
	// lines are the plan's lines.
	lines() string
	// apply runs the plan, or with skip records that none of it was run. It returns how many steps
	// were done and not run, and the *applyRunError of the failing step.
	apply(skip bool, redact func(string) string) (done, notRun int, err error)
	// report prints what the run did: the external ports Alaya gave, or after a failure every step
	// as done, failed (with the server's answer) or not run.
	report(w io.Writer, failed bool)
}

// targetOf is one entry of the file with its plan and, after a run, its result.
type targetOf[S plan.Step] struct {
	Platform string `json:"platform"`
	// Target is team/app/component for Rainbond, the instance id for Alaya.
	Target string `json:"target"`
	// Steps is the plan.
	Steps []S `json:"steps"`
	// The run's result (apply only).
	*runOf[S]

	// run sends the steps and says what it did.
	run func() (*runOf[S], error)
}

// runOf is what the run of a target's plan did.
type runOf[S plan.Step] struct {
	Done   []S                 `json:"done"`
	Opened []alaya.PortMapping `json:"opened,omitempty"`
	Failed *S                  `json:"failed,omitempty"`
	Error  string              `json:"error,omitempty"`
	NotRun []S                 `json:"not_run"`

	answer string // Error without the step, which the report shows already
}

// lines are plan.Lines with the text from the server and the file (aliases, protocols, the target)
// made terminalSafe.
func (t *targetOf[S]) lines() string {
	var b strings.Builder
	for _, s := range t.Steps {
		b.WriteString(s.Symbol() + " " + terminalSafe(t.Platform+" "+t.Target) + " " + terminalSafe(s.String()) + "\n")
	}
	return b.String()
}

func (t *targetOf[S]) apply(skip bool, redact func(string) string) (int, int, error) {
	if skip {
		t.runOf = &runOf[S]{Done: []S{}, NotRun: t.Steps}
		return 0, len(t.Steps), nil
	}
	var err error
	t.runOf, err = t.run()
	if err != nil {
		t.Error, t.answer = redact(err.Error()), redact(err.Error())
		if se := (*plan.StepError[S])(nil); errors.As(err, &se) {
			t.answer = redact(se.Err.Error())
		}
		err = &applyRunError{target: t.Platform + " " + t.Target, err: err}
	}
	return len(t.Done), len(t.NotRun), err
}

func (t *targetOf[S]) report(w io.Writer, failed bool) {
	if !failed {
		for _, m := range t.Opened {
			fmt.Fprintf(w, "alaya %s %d (%s) is reachable on external port %d\n",
				terminalSafe(t.Target), m.InternalPort, terminalSafe(m.Protocol), m.ExternalPort)
		}
		return
	}
	prefix := terminalSafe(t.Platform + " " + t.Target + " ")
	for i, s := range t.Steps {
		line := s.Symbol() + " " + prefix + terminalSafe(s.String())
		switch {
		case i < len(t.Done):
			fmt.Fprintf(w, "done     %s\n", line)
		case i == len(t.Done) && t.Error != "":
			fmt.Fprintf(w, "failed   %s\n         %s\n", line, terminalSafe(t.answer))
		default:
			fmt.Fprintf(w, "not run  %s\n", line)
		}
	}
}

// applyRunError says that a step failed; the report is already printed. Exit 1.
type applyRunError struct {
	target string
	err    error
}

func (e *applyRunError) Error() string { return "apply stopped: " + e.target + ": " + e.err.Error() }
func (e *applyRunError) Unwrap() error { return e.err }

// readPortsFile reads (within its cap, until ctx ends) and parses the file; every problem of the
// file is a *portfile.Error (exit 2), an interrupted read is not (exit 1, as an interrupted apply).
func readPortsFile(ctx context.Context, cfg applyConfig) (*portfile.File, error) {
	if cfg.file == "" {
		return nil, &portfile.Error{File: "-f", Msg: "a ports file is required (-f FILE, or -f - for stdin)"}
	}
	data, err := portfile.Read(ctx, cfg.file, cfg.stdin)
	if err != nil {
		return nil, err
	}
	return portfile.Parse(cfg.fileName(), data)
}

// fileName is how messages name the ports file.
func (cfg applyConfig) fileName() string {
	if cfg.file == "-" {
		return "stdin"
	}
	return cfg.file
}

// applyStateError is a file the current ports make impossible (e.g. an alias that an unlisted port
// keeps), placed at the file's line. Only lists were sent. Exit 2.
type applyStateError struct{ err error }

func (e *applyStateError) Error() string { return e.err.Error() }
func (e *applyStateError) Unwrap() error { return e.err }

// planError places a planner's refusal at the file's line; any other error (a failed list) names
// the target.
func planError(cfg applyConfig, platform string, index int, target string, line int, portLines []int, err error) error {
	var ve *wrapper.ValidationError
	if errors.As(err, &ve) {
		return &applyStateError{portfile.At(cfg.fileName(), fmt.Sprintf("%s[%d]", platform, index), line, portLines, err)}
	}
	return fmt.Errorf("%s %s (line %d): %w", platform, target, line, err)
}

// runApply reads the file, plans every target (sending only lists), prints the plan and, unless
// dryRun, runs it target by target, stopping at the first failing step.
func runApply(ctx context.Context, cfg applyConfig) error {
	f, err := readPortsFile(ctx, cfg)
	if err != nil {
		return err
	}
	var rc *rainbond.Client
	var ac *alaya.Client
	if len(f.Rainbond) > 0 {
		if rc, err = cfg.rainbond(); err != nil {
			return err
		}
	}
	if len(f.Alaya) > 0 {
		if ac, err = cfg.alaya(); err != nil {
			return err
		}
	}

	doc := &applyDoc{Targets: []applyTarget{}}
	for i, t := range f.Rainbond {
		steps, err := rc.Plan(ctx, t.Component, t.Desired)
		if err != nil {
			return planError(cfg, "rainbond", i, t.Name(), t.Line, t.PortLines, err)
		}
		doc.Summary = doc.Summary.Plus(rainbond.Summarize(steps))
		doc.Targets = append(doc.Targets, &targetOf[rainbond.Step]{
			Platform: "rainbond", Target: t.Name(), Steps: append([]rainbond.Step{}, steps...),
			run: func() (*runOf[rainbond.Step], error) {
				res, err := rc.RunPlan(ctx, t.Component, steps)
				return &runOf[rainbond.Step]{Done: res.Done, Failed: res.Failed, NotRun: res.NotRun}, err
			}})
	}
	for i, t := range f.Alaya {
		steps, err := ac.Plan(ctx, t.Instance, t.Desired)
		if err != nil {
			return planError(cfg, "alaya", i, t.Instance, t.Line, t.PortLines, err)
		}
		doc.Summary = doc.Summary.Plus(alaya.Summarize(steps))
		doc.Targets = append(doc.Targets, &targetOf[alaya.Step]{
			Platform: "alaya", Target: t.Instance, Steps: append([]alaya.Step{}, steps...),
			run: func() (*runOf[alaya.Step], error) {
				res, err := ac.RunPlan(ctx, t.Instance, steps)
				return &runOf[alaya.Step]{Done: res.Done, Opened: res.Opened, Failed: res.Failed, NotRun: res.NotRun}, err
			}})
	}

	table := cfg.format == "" || cfg.format == "table"
	if table { // the plan, printed before anything is sent
		if _, err := io.WriteString(cfg.stdout, planText(doc)); err != nil {
			return err
		}
	}
	var failure error
	done, notRun := 0, 0
	if doc.Applied = !cfg.dryRun && doc.Summary != (plan.Summary{}); doc.Applied {
		for _, t := range doc.Targets {
			d, n, err := t.apply(failure != nil, cfg.redact)
			done, notRun, failure = done+d, notRun+n, cmp.Or(failure, err)
		}
	}
	var out bytes.Buffer
	if !table {
		encode := reportEncoders[cfg.format]
		if encode == nil {
			encode = reportEncoders["yaml"]
		}
		if err := encode(&out, doc); err != nil {
			// The report of what ran is printed whatever happens: as a table, after the plan.
			out.Reset()
			out.WriteString(planText(doc))
			runText(&out, doc, done, notRun, failure)
			if _, werr := cfg.stdout.Write(out.Bytes()); werr != nil {
				return cmp.Or(failure, werr)
			}
			return &reportError{format: cfg.format, err: err, run: failure}
		}
	} else {
		runText(&out, doc, done, notRun, failure)
	}
	_, err = cfg.stdout.Write(out.Bytes())
	return cmp.Or(failure, err)
}

// reportEncoders write the report of apply and diff for -o json and -o yaml.
var reportEncoders = map[string]func(io.Writer, any) error{"json": writeJSON, "yaml": writeYAML}

// planText is the plan as text: a line per step, and the summary.
func planText(doc *applyDoc) string {
	var b strings.Builder
	for _, t := range doc.Targets {
		b.WriteString(t.lines())
	}
	if doc.Summary == (plan.Summary{}) {
		b.WriteString("no changes\n")
	} else {
		fmt.Fprintf(&b, "Plan: %s.\n", doc.Summary)
	}
	return b.String()
}

// runText prints what a run did, when there was one: on success one line, on a failure every step.
func runText(w io.Writer, doc *applyDoc, done, notRun int, failure error) {
	if !doc.Applied {
		return
	}
	if failure == nil && done == 1 {
		fmt.Fprint(w, "Apply complete: 1 step done.\n")
	} else if failure == nil {
		fmt.Fprintf(w, "Apply complete: %d steps done.\n", done)
	}
	for _, t := range doc.Targets {
		t.report(w, failure != nil)
	}
	if failure != nil {
		fmt.Fprintf(w, "Apply stopped at the first failing step: %d done, 1 failed, %d not run. Apply again to continue from there.\n", done, notRun)
	}
}

// reportError says that the report could not be encoded as format and was printed as a table. The
// exit status is the run's: that of run, or 0 when run is nil.
type reportError struct {
	format   string
	err, run error
}

func (e *reportError) Error() string {
	s := "cannot print the report as " + e.format + ": " + e.err.Error() + "; it is printed as a table"
	if e.run != nil {
		s += "; " + e.run.Error()
	}
	return s
}

func (e *reportError) Unwrap() error { return e.run }
