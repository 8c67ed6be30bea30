package cli

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

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
	planOptions
	// format is "table" (or empty), "json" or "yaml".
	format string
	stdout io.Writer
	// rainbond and alaya make the clients from flags and environment; they are called only when the
	// file names a component or an instance, before any request is sent.
	rainbond func() (*rainbond.Client, error)
	alaya    func() (*alaya.Client, error)
	// redact removes the credentials from a text before it is printed.
	redact func(string) string
	// confirm asks before a plan that deletes or closes ports runs without yes (the prompt on
	// stderr, the answer from stdin); nil when stdin is not a terminal: such a plan is refused.
	confirm func(prompt string) bool
	// stderr, when not nil, gets a line per step as it completes, or on a terminal (tty) one
	// progress line, rewritten.
	stderr io.Writer
	tty    bool
}

// applyDoc is the plan (and the run) as data, for -o json and -o yaml.
type applyDoc struct {
	Targets []*applyTarget `json:"targets"`
	Summary plan.Summary   `json:"summary"`
	// Applied is false for diff and apply --dry-run; true when apply ran the steps (or tried to).
	Applied bool `json:"applied"`
}

// applyTarget is one entry of the file with its plan (the steps of either platform) and, after a
// run, its result.
type applyTarget struct {
	Platform string `json:"platform"`
	// Target is team/app/component for Rainbond, the instance id for Alaya.
	Target string `json:"target"`
	// Steps is the plan.
	Steps []plan.Step `json:"steps"`
	// The run's result (apply only).
	*applyRun

	// send sends one step, recording in the run what it opened.
	send   func(plan.Step, *applyRun) error
	closes bool         // a step deletes or closes a port
	sum    plan.Summary // of the steps
}

// applyRun is what the run of a target's plan did.
type applyRun struct {
	Done   []plan.Step         `json:"done"`
	Opened []alaya.PortMapping `json:"opened,omitempty"`
	Failed *plan.Step          `json:"failed,omitempty"`
	Error  string              `json:"error,omitempty"`
	NotRun []plan.Step         `json:"not_run"`

	answer string // Error without the step, which the report shows already
}

// planned is the target of steps, which sum summarizes; closes says whether a step deletes or
// closes a port, send runs one step with the client's RunPlan (whose *StepError is unwrapped to the
// call's own error).
func planned[S plan.Step](platform, target string, steps []S, sum plan.Summary, closes func(S) bool,
	send func(S, *applyRun) error) *applyTarget {
	t := &applyTarget{Platform: platform, Target: target, Steps: []plan.Step{}, sum: sum}
	t.send = func(s plan.Step, r *applyRun) error {
		err := send(s.(S), r)
		if se := (*plan.StepError[S])(nil); errors.As(err, &se) {
			return se.Err
		}
		return err
	}
	for _, s := range steps {
		t.Steps, t.closes = append(t.Steps, s), t.closes || closes(s)
	}
	return t
}

// errNotRun stops a target's run before a step, when another target failed.
var errNotRun = errors.New("not run")

// line is the plan line of s, with the text from the server and the file (aliases, protocols, the
// target) made terminalSafe.
func (t *applyTarget) line(s plan.Step) string {
	return s.Symbol() + " " + terminalSafe(t.Platform+" "+t.Target) + " " + terminalSafe(s.String())
}

// apply runs the plan step by step, reporting each to progress, until a step fails here or stop is
// set (by a failure elsewhere). It returns the *applyRunError of the failing step (the
// *plan.StepError of plan.Run); a failure sets stop.
func (t *applyTarget) apply(stop *atomic.Bool, redact func(string) string, progress func(string)) error {
	t.applyRun = &applyRun{}
	res, err := plan.Run(t.Steps, func(s plan.Step) error {
		if stop.Load() {
			return errNotRun
		}
		err := t.send(s, t.applyRun)
		progress(map[bool]string{true: "done     ", false: "failed   "}[err == nil] + t.line(s))
		return err
	})
	t.Done, t.Failed, t.NotRun = res.Done, res.Failed, res.NotRun
	if errors.Is(err, errNotRun) {
		t.Failed, t.NotRun, err = nil, t.Steps[len(t.Done):], nil
	}
	if err != nil {
		stop.Store(true)
		t.Error, t.answer = redact(err.Error()), redact(errors.Unwrap(err).Error())
		err = &applyRunError{target: t.Platform + " " + t.Target, err: err}
	}
	return err
}

// report prints what the run did: the external ports Alaya gave, or after a failure every step as
// done, failed (with the server's answer) or not run.
func (t *applyTarget) report(w io.Writer, failed bool) {
	if !failed {
		for _, m := range t.Opened {
			fmt.Fprintf(w, "alaya %s %d (%s) is reachable on external port %d\n",
				terminalSafe(t.Target), m.InternalPort, terminalSafe(m.Protocol), m.ExternalPort)
		}
		return
	}
	for i, s := range t.Steps {
		switch {
		case i < len(t.Done):
			fmt.Fprintf(w, "done     %s\n", t.line(s))
		case i == len(t.Done) && t.Error != "":
			fmt.Fprintf(w, "failed   %s\n         %s\n", t.line(s), terminalSafe(t.answer))
		default:
			fmt.Fprintf(w, "not run  %s\n", t.line(s))
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
	return portfile.Parse(portfile.Name(cfg.file), data)
}

// applyStateError is a file the current ports make impossible (e.g. an alias that an unlisted port
// keeps), placed at the file's line, or a plan that deletes or closes ports without consent. Only
// lists were sent. Exit 2.
type applyStateError struct{ err error }

func (e *applyStateError) Error() string { return e.err.Error() }
func (e *applyStateError) Unwrap() error { return e.err }

// planError places a planner's refusal at the file's line; any other error (a failed list) names
// the target.
func planError(cfg applyConfig, platform string, index int, target string, line int, portLines []int, err error) error {
	var ve *wrapper.ValidationError
	if errors.As(err, &ve) {
		return &applyStateError{portfile.At(portfile.Name(cfg.file), fmt.Sprintf("%s[%d]", platform, index), line, portLines, err)}
	}
	return fmt.Errorf("%s %s (line %d): %w", platform, target, line, err)
}

// runApply reads the file, plans every target (sending only lists), prints the plan, asks before a
// plan that deletes or closes ports and, unless dryRun, runs it, parallel targets at a time, each
// step by step, starting no step after the first that fails.
func runApply(ctx context.Context, cfg applyConfig) error {
	f, err := readPortsFile(ctx, cfg)
	if err != nil {
		return err
	}
	return applyFile(ctx, cfg, f)
}

// applyFile is runApply of the parsed file f.
func applyFile(ctx context.Context, cfg applyConfig, f *portfile.File) (err error) {
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

	// The plans, each a list, parallel at a time; the first failure in file order is the error.
	var jobs []func() (*applyTarget, error)
	for i, t := range f.Rainbond {
		jobs = append(jobs, func() (*applyTarget, error) {
			steps, err := rc.Plan(ctx, t.Component, t.Desired)
			if err != nil {
				return nil, planError(cfg, "rainbond", i, t.Name(), t.Line, t.PortLines, err)
			}
			return planned("rainbond", t.Name(), steps, rainbond.Summarize(steps), func(s rainbond.Step) bool {
				return s.Op == rainbond.OpDelete || s.Op == rainbond.OpCloseInner || s.Op == rainbond.OpCloseOuter
			}, func(s rainbond.Step, _ *applyRun) error {
				_, err := rc.RunPlan(ctx, t.Component, []rainbond.Step{s})
				return err
			}), nil
		})
	}
	for i, t := range f.Alaya {
		jobs = append(jobs, func() (*applyTarget, error) {
			steps, err := ac.Plan(ctx, t.Instance, t.Desired)
			if err != nil {
				return nil, planError(cfg, "alaya", i, t.Instance, t.Line, t.PortLines, err)
			}
			return planned("alaya", t.Instance, steps, alaya.Summarize(steps), func(s alaya.Step) bool { return s.Op == alaya.OpClose },
				func(s alaya.Step, r *applyRun) error {
					res, err := ac.RunPlan(ctx, t.Instance, []alaya.Step{s})
					r.Opened = append(r.Opened, res.Opened...)
					return err
				}), nil
		})
	}
	doc := &applyDoc{Targets: make([]*applyTarget, len(jobs))}
	errs := make([]error, len(jobs))
	var stop atomic.Bool // a plan failed: the later ones are not listed
	each(len(jobs), cfg.parallel, func(i int) {
		if !stop.Load() {
			if doc.Targets[i], errs[i] = jobs[i](); errs[i] != nil {
				stop.Store(true)
			}
		}
	})
	if err := cmp.Or(errs...); err != nil {
		return err
	}
	steps, closes := 0, false
	for _, t := range doc.Targets {
		doc.Summary = doc.Summary.Plus(t.sum)
		steps, closes = steps+len(t.Steps), closes || t.closes
	}

	table := cfg.format == "" || cfg.format == "table"
	if table { // the plan, printed before anything is sent
		if _, err := io.WriteString(cfg.stdout, planText(doc)); err != nil {
			return err
		}
	}
	doc.Applied = !cfg.dryRun && doc.Summary != (plan.Summary{})
	if doc.Applied && closes && !cfg.yes {
		if err := consent(cfg, doc, table); err != nil {
			return err
		}
	}
	var failure error
	if doc.Applied {
		progress := cfg.progress(table, steps)
		runs := make([]error, len(doc.Targets))
		each(len(doc.Targets), cfg.parallel, func(i int) { runs[i] = doc.Targets[i].apply(&stop, cfg.redact, progress) })
		progress("")
		failure = cmp.Or(runs...)
	}
	var out bytes.Buffer
	var encodeErr error
	if !table {
		if encodeErr = reportEncoders[cfg.format](&out, doc); encodeErr != nil {
			// The report of what ran is printed whatever happens: as a table, after the plan.
			out.Reset()
			out.WriteString(planText(doc))
		}
	}
	if table || encodeErr != nil {
		runText(&out, doc, failure)
	}
	switch _, err = cfg.stdout.Write(out.Bytes()); {
	case err == nil && encodeErr != nil:
		return &reportError{format: cfg.format, err: encodeErr, run: failure}
	case err == nil && cfg.exitCode && doc.Summary != (plan.Summary{}):
		return &exitError{code: exitPending}
	}
	return cmp.Or(failure, err)
}

// progress reports the steps of a run of total steps as they complete (nothing unless table): on a
// terminal one line, rewritten, which a last call with "" clears; else a line per step.
func (cfg applyConfig) progress(table bool, total int) func(string) {
	var mu sync.Mutex
	n := 0
	return func(line string) {
		if !table || cfg.stderr == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case !cfg.tty && line != "":
			fmt.Fprintln(cfg.stderr, line)
		case !cfg.tty:
		case line == "":
			fmt.Fprint(cfg.stderr, "\r\033[K")
		default:
			n++
			fmt.Fprintf(cfg.stderr, "\r\033[Kapply: %d of %d steps sent", n, total)
		}
	}
}

// consent asks before a plan that deletes or closes ports runs, showing the plan when it is not
// printed already; without a terminal to ask on, it refuses. Only lists were sent.
func consent(cfg applyConfig, doc *applyDoc, table bool) error {
	if cfg.confirm == nil {
		return &applyStateError{errors.New("the plan deletes or closes ports and stdin is not a terminal to ask on: apply it with --yes")}
	}
	prompt := "The plan deletes or closes ports. Apply it? Type yes to go on: "
	if !table {
		prompt = planText(doc) + prompt
	}
	if !cfg.confirm(prompt) {
		return &applyStateError{errors.New("apply cancelled: not confirmed")}
	}
	return nil
}

// planText is the plan as text: a line per step, and the summary.
func planText(doc *applyDoc) string {
	var b strings.Builder
	for _, t := range doc.Targets {
		for _, s := range t.Steps {
			b.WriteString(t.line(s) + "\n")
		}
	}
	if doc.Summary == (plan.Summary{}) {
		b.WriteString("no changes\n")
	} else {
		fmt.Fprintf(&b, "Plan: %s.\n", doc.Summary)
	}
	return b.String()
}

// runText prints what a run did, when there was one: on success one line, on a failure every step.
func runText(w io.Writer, doc *applyDoc, failure error) {
	if !doc.Applied {
		return
	}
	done, notRun, failed := 0, 0, 0
	for _, t := range doc.Targets {
		done, notRun = done+len(t.Done), notRun+len(t.NotRun)
		if t.Failed != nil {
			failed++
		}
	}
	if failure == nil {
		fmt.Fprintf(w, "Apply complete: %d %s done.\n", done, map[bool]string{true: "step", false: "steps"}[done == 1])
	}
	for _, t := range doc.Targets {
		t.report(w, failure != nil)
	}
	if failure != nil {
		fmt.Fprintf(w, "Apply stopped at the first failing step: %d done, %d failed, %d not run. Apply again to continue from there.\n", done, failed, notRun)
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

// each calls do(i) for every i in [0, n), at most limit (at least 1) at a time, starting them in
// order, and returns when all have returned. With limit 1 they run one after another, in order.
func each(n, limit int, do func(i int)) {
	sem, wg := make(chan struct{}, max(limit, 1)), new(sync.WaitGroup)
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() { do(i); <-sem })
	}
	wg.Wait()
}
