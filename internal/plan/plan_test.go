package plan_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/plan"
)

type step int

func (s step) Symbol() string { return "+" }
func (s step) String() string { return strconv.Itoa(int(s)) + " open" }

// TestRunStopsAtFirstFailure protects the run: steps in order, the first failure stops it, the
// later steps are not sent, and the error is a *StepError that reaches the call's error.
func TestRunStopsAtFirstFailure(t *testing.T) {
	boom := errors.New("boom")
	var sent []step
	res, err := plan.Run([]step{1, 2, 3, 4}, func(s step) error {
		sent = append(sent, s)
		if s == 2 {
			return boom
		}
		return nil
	})
	assert.Equal(t, []step{1, 2}, sent)
	assert.Equal(t, []step{1}, res.Done)
	require.NotNil(t, res.Failed)
	assert.Equal(t, step(2), *res.Failed)
	assert.Equal(t, []step{3, 4}, res.NotRun)
	assert.Same(t, err, res.Err)
	assert.ErrorIs(t, err, boom)
	var se *plan.StepError[step]
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 1, se.Index)
	assert.EqualError(t, err, "step 2 (2 open): boom")

	res, err = plan.Run(nil, func(step) error { return boom })
	require.NoError(t, err)
	assert.Equal(t, &plan.Result[step]{Done: []step{}, NotRun: []step{}}, res)
}

// TestSummaryAndLines protects the printed forms.
func TestSummaryAndLines(t *testing.T) {
	assert.Equal(t, "no changes", plan.Summary{}.String())
	sum := plan.Summary{Add: 1, Delete: 2}.Plus(plan.Summary{Add: 2, Change: 1})
	assert.Equal(t, "3 to add, 1 to change, 2 to delete", sum.String())
	assert.Equal(t, "+ alaya i 8 open\n+ alaya i 9 open\n", plan.Lines("alaya i", []step{8, 9}))
	assert.Equal(t, "+ 8 open\n", plan.Lines("", []step{8}))
}
