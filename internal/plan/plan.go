// Package plan is what the declarative planners of wrapper/rainbond and wrapper/alaya, and portctl's
// apply, share: the summary of a plan, its lines, and the run that sends its steps in order and
// stops at the first that fails.
package plan

import (
	"fmt"
	"strconv"
	"strings"
)

// Step is one API call of a plan, as a platform's planner makes it.
type Step interface {
	// Symbol is the plan's mark for the step: "+" adds, "-" deletes, "~" changes.
	Symbol() string
	// String describes the step on one line without its symbol.
	String() string
}

// Summary counts the ports a plan adds, changes and deletes.
type Summary struct {
	Add    int `json:"add"`
	Change int `json:"change"`
	Delete int `json:"delete"`
}

// String is e.g. "3 to add, 2 to change, 1 to delete", or "no changes".
func (s Summary) String() string {
	if s == (Summary{}) {
		return "no changes"
	}
	return fmt.Sprintf("%d to add, %d to change, %d to delete", s.Add, s.Change, s.Delete)
}

// Plus is the sum of two summaries.
func (s Summary) Plus(o Summary) Summary {
	return Summary{Add: s.Add + o.Add, Change: s.Change + o.Change, Delete: s.Delete + o.Delete}
}

// Lines formats the steps one per line with their symbol and a prefix naming the target, e.g.
// "+ rainbond demo-team/1/gr1a2b3c 8080 add http inner".
func Lines[S Step](prefix string, steps []S) string {
	var b strings.Builder
	if prefix != "" {
		prefix += " "
	}
	for _, s := range steps {
		b.WriteString(s.Symbol() + " " + prefix + s.String() + "\n")
	}
	return b.String()
}

// StepError is the error of a plan step that failed: the call's own error (a *wrapper.APIError
// with the server's answer, a transport error, a cancelled context) is Err, and errors.As reaches it.
type StepError[S Step] struct {
	Index int   // the step's position in the plan, from 0
	Step  S     // the step that failed
	Err   error // the call's error
}

// Error is e.g. "step 2 (8080 open outer): rainbond.UpdatePort: HTTP 404: inner port is not open".
func (e *StepError[S]) Error() string {
	return "step " + strconv.Itoa(e.Index+1) + " (" + e.Step.String() + "): " + e.Err.Error()
}

// Unwrap returns the call's error.
func (e *StepError[S]) Unwrap() error { return e.Err }

// Result says what a run of a plan did. Done, the failed step and NotRun together are the plan, in
// order.
type Result[S Step] struct {
	Done   []S   `json:"done"`             // the steps that succeeded
	Failed *S    `json:"failed,omitempty"` // the step that failed, or nil when every step succeeded
	Err    error `json:"-"`                // the failed step's error (a *StepError), or nil
	NotRun []S   `json:"not_run"`          // the steps after the failed one, which were not sent
}

// Run sends the steps in order, one call each, and stops at the first that fails: its error is
// returned as a *StepError and in the result, and the later steps are not sent.
func Run[S Step](steps []S, call func(S) error) (*Result[S], error) {
	res := &Result[S]{Done: []S{}, NotRun: []S{}}
	for i, s := range steps {
		if err := call(s); err != nil {
			res.Failed, res.Err, res.NotRun = &s, &StepError[S]{Index: i, Step: s, Err: err}, append(res.NotRun, steps[i+1:]...)
			return res, res.Err
		}
		res.Done = append(res.Done, s)
	}
	return res, nil
}

// Make is a client's Plan: it checks the desired state (sending nothing when it is invalid), reads
// the current one with list, and plans from both. It sends no write.
func Make[C, D any, S Step](want D, check func(D) error, list func() (C, error), plan func(C, D) ([]S, error)) ([]S, error) {
	if err := check(want); err != nil {
		return nil, err
	}
	current, err := list()
	if err != nil {
		return nil, err
	}
	return plan(current, want)
}
