package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

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

// applyStep is a step of either platform, as printed.
type applyStep interface {
	Symbol() string
	String() string
}

// applyTarget is one entry of the file with its plan and, after a run, its result.
type applyTarget struct {
	Platform string `json:"platform"`
	// Target is team/app/component for Rainbond, the instance id for Alaya.
	Target string `json:"target"`
	// Steps is the plan: []rainbond.Step or []alaya.Step.
	Steps any `json:"steps"`
	// The run's result (apply only).
	Done   any                 `json:"done,omitempty"`
	Opened []alaya.PortMapping `json:"opened,omitempty"`
	Failed any                 `json:"failed,omitempty"`
	Error  string              `json:"error,omitempty"`
	NotRun any                 `json:"not_run,omitempty"`

	rb    *portfile.RainbondTarget
	al    *portfile.AlayaTarget
	lines []applyStep
	// counts of the run, for the report
	done, notRun int
}

// applyDoc is the plan (and the run) as data, for -o json and -o yaml.
type applyDoc struct {
	Targets []*applyTarget `json:"targets"`
	Summary applySummary   `json:"summary"`
	// Applied is false for diff and apply --dry-run; true when apply ran the steps (or tried to).
	Applied bool `json:"applied"`
}

type applySummary struct {
	Add    int `json:"add"`
	Change int `json:"change"`
	Delete int `json:"delete"`
}

func (s applySummary) String() string {
	if s == (applySummary{}) {
		return "no changes"
	}
	return fmt.Sprintf("Plan: %d to add, %d to change, %d to delete.", s.Add, s.Change, s.Delete)
}

// applyRunError says that a step failed; the report is already printed. Exit 1.
type applyRunError struct {
	target string
	err    error
}

func (e *applyRunError) Error() string { return "apply stopped: " + e.target + ": " + e.err.Error() }
func (e *applyRunError) Unwrap() error { return e.err }

// readPortsFile reads and parses the file; every problem is a *portfile.Error (exit 2).
func readPortsFile(cfg applyConfig) (*portfile.File, error) {
	if cfg.file == "" {
		return nil, &portfile.Error{File: "-f", Msg: "a ports file is required (-f FILE, or -f - for stdin)"}
	}
	var data []byte
	var err error
	if cfg.file == "-" {
		data, err = io.ReadAll(io.LimitReader(cfg.stdin, 1<<20+1))
	} else {
		data, err = os.ReadFile(cfg.file)
	}
	if err != nil {
		msg := err.Error()
		if pe, ok := err.(*os.PathError); ok {
			msg = pe.Err.Error()
		}
		return nil, &portfile.Error{File: cfg.file, Msg: "cannot read: " + msg}
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
	f, err := readPortsFile(cfg)
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

	doc := &applyDoc{Targets: []*applyTarget{}}
	for i := range f.Rainbond {
		t := &f.Rainbond[i]
		steps, err := rc.Plan(ctx, t.Component, t.Desired)
		if err != nil {
			return planError(cfg, "rainbond", i, t.Name(), t.Line, t.PortLines, err)
		}
		at := &applyTarget{Platform: "rainbond", Target: t.Name(), Steps: nonNil(steps), rb: t}
		for _, s := range steps {
			at.lines = append(at.lines, s)
		}
		sum := rainbond.Summarize(steps)
		doc.Summary.Add += sum.Add
		doc.Summary.Change += sum.Change
		doc.Summary.Delete += sum.Delete
		doc.Targets = append(doc.Targets, at)
	}
	for i := range f.Alaya {
		t := &f.Alaya[i]
		steps, err := ac.Plan(ctx, t.Instance, t.Desired)
		if err != nil {
			return planError(cfg, "alaya", i, t.Instance, t.Line, t.PortLines, err)
		}
		at := &applyTarget{Platform: "alaya", Target: t.Instance, Steps: nonNil(steps), al: t}
		for _, s := range steps {
			at.lines = append(at.lines, s)
		}
		sum := alaya.Summarize(steps)
		doc.Summary.Add += sum.Add
		doc.Summary.Change += sum.Change
		doc.Summary.Delete += sum.Delete
		doc.Targets = append(doc.Targets, at)
	}

	table := cfg.format == "" || cfg.format == "table"
	var out bytes.Buffer
	if table {
		for _, t := range doc.Targets {
			for _, s := range t.lines {
				fmt.Fprintf(&out, "%s %s %s %s\n", s.Symbol(), t.Platform, t.Target, s.String())
			}
		}
		fmt.Fprintln(&out, doc.Summary)
		// The plan is printed before anything is sent.
		if _, err := cfg.stdout.Write(out.Bytes()); err != nil {
			return err
		}
		out.Reset()
	}
	if cfg.dryRun || doc.Summary == (applySummary{}) {
		if table {
			return nil
		}
		return applyEncode(cfg.stdout, cfg.format, doc)
	}

	doc.Applied = true
	var failure *applyRunError
	for _, t := range doc.Targets {
		if failure != nil {
			t.Done, t.NotRun, t.notRun = []any{}, t.Steps, len(t.lines)
			continue
		}
		var stepErr error
		switch {
		case t.rb != nil:
			res, err := rc.RunPlan(ctx, t.rb.Component, t.Steps.([]rainbond.Step))
			t.Done, t.NotRun, t.done, t.notRun = res.Done, res.NotRun, len(res.Done), len(res.NotRun)
			if res.Failed != nil {
				t.Failed = res.Failed
			}
			stepErr = err
		default:
			res, err := ac.RunPlan(ctx, t.al.Instance, t.Steps.([]alaya.Step))
			t.Done, t.Opened, t.NotRun, t.done, t.notRun = res.Done, res.Opened, res.NotRun, len(res.Done), len(res.NotRun)
			if res.Failed != nil {
				t.Failed = res.Failed
			}
			stepErr = err
		}
		if stepErr != nil {
			t.Error = cfg.redact(stepErr.Error())
			failure = &applyRunError{target: t.Platform + " " + t.Target, err: stepErr}
		}
	}
	if !table {
		if err := applyEncode(cfg.stdout, cfg.format, doc); err != nil {
			return err
		}
	} else {
		applyReport(&out, doc, failure != nil)
		if _, err := cfg.stdout.Write(out.Bytes()); err != nil {
			return err
		}
	}
	if failure != nil {
		return failure
	}
	return nil
}

// applyReport prints what a run did: on success one line (and the external ports Alaya gave), on
// a failure every step as done, failed (with the server's answer) or not run.
func applyReport(w io.Writer, doc *applyDoc, failed bool) {
	done, notRun := 0, 0
	for _, t := range doc.Targets {
		done += t.done
		notRun += t.notRun
	}
	if !failed {
		fmt.Fprintf(w, "Apply complete: %d %s done.\n", done, plural(done, "step", "steps"))
		for _, t := range doc.Targets {
			for _, m := range t.Opened {
				fmt.Fprintf(w, "alaya %s %d (%s) is reachable on external port %d\n", t.Target, m.InternalPort, m.Protocol, m.ExternalPort)
			}
		}
		return
	}
	for _, t := range doc.Targets {
		prefix := t.Platform + " " + t.Target + " "
		for i, s := range t.lines {
			switch {
			case i < t.done:
				fmt.Fprintf(w, "done     %s %s%s\n", s.Symbol(), prefix, s.String())
			case i == t.done && t.Error != "":
				fmt.Fprintf(w, "failed   %s %s%s\n         %s\n", s.Symbol(), prefix, s.String(), serverAnswer(t.Error))
			default:
				fmt.Fprintf(w, "not run  %s %s%s\n", s.Symbol(), prefix, s.String())
			}
		}
	}
	fmt.Fprintf(w, "Apply stopped at the first failing step: %d done, 1 failed, %d not run. Apply again to continue from there.\n", done, notRun)
}

// serverAnswer drops the "step N (...): " prefix of a step error: the report shows the step already.
func serverAnswer(msg string) string {
	if i := strings.Index(msg, "): "); i >= 0 && strings.HasPrefix(msg, "step ") {
		return msg[i+3:]
	}
	return msg
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// applyEncode prints v as indented JSON, or as YAML with the same field names and order.
func applyEncode(w io.Writer, format string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if format == "json" {
		_, err = w.Write(append(raw, '\n'))
		return err
	}
	var node yaml.Node
	if err := yaml.Unmarshal(raw, &node); err != nil {
		return fmt.Errorf("yaml: %w", err)
	}
	var block func(n *yaml.Node)
	block = func(n *yaml.Node) { // drop the flow style the JSON source gave every node
		n.Style = 0
		for _, c := range n.Content {
			block(c)
		}
	}
	block(&node)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}
