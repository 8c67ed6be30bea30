package cli

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// runIn runs portctl in-process with stdin and ctx, and returns what it printed and its exit status.
func runIn(ctx context.Context, vars map[string]string, stdin io.Reader, args ...string) result {
	var stdout, stderr strings.Builder
	e := newEnv(func(k string) string { return vars[k] }, &stdout, &stderr)
	root := newRootCmd(e, args)
	root.SetArgs(args)
	root.SetIn(stdin)
	cmd, err := root.ExecuteContextC(ctx)
	code := e.exitCode(cmd, err)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// TestApplyCommandStopsAnEndlessStdinAtTheCap protects issue 25: -f - on a pipe that never ends is
// refused at 1 MiB (exit 2), and nothing is sent.
func TestApplyCommandStopsAnEndlessStdinAtTheCap(t *testing.T) {
	f := startApplyFake(t)
	r, w := io.Pipe()
	defer func() { _ = r.Close() }()
	go func() {
		buf := []byte(strings.Repeat("# comment\n", 6000))
		for {
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
	}()
	res := runIn(context.Background(), f.vars, r, "apply", "-f", "-")
	assert.Equal(t, 2, res.code, res)
	assert.Equal(t, "portctl: stdin: larger than 1 MiB (nothing was sent)\n", res.stderr)
	assert.Zero(t, f.rainbond.RequestCount()+f.alaya.RequestCount())
}

// TestApplyCommandInterruptedOnASilentStdin protects issue 25: Ctrl-C (the command's context) ends
// apply -f - while it waits for stdin, exit 1 as an interrupted apply, nothing sent.
func TestApplyCommandInterruptedOnASilentStdin(t *testing.T) {
	f := startApplyFake(t)
	r, w := io.Pipe()
	defer func() { _ = w.Close() }()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	done := make(chan result, 1)
	go func() { done <- runIn(ctx, f.vars, r, "apply", "-f", "-") }()
	select {
	case res := <-done:
		assert.Equal(t, 1, res.code, res)
		assert.Equal(t, "portctl: stdin: not read: context canceled\n", res.stderr)
	case <-time.After(5 * time.Second):
		t.Fatal("apply -f - on a silent stdin did not end within 5 s of the cancel")
	}
	assert.Zero(t, f.rainbond.RequestCount()+f.alaya.RequestCount())
}

// TestApplyCommandRefusesATaggedFile protects issue 25: a YAML tag is refused, exit 2, nothing sent.
func TestApplyCommandRefusesATaggedFile(t *testing.T) {
	f := startApplyFake(t)
	file := writeFile(t, "alaya:\n  - instance: 08ba7a0e-af00-4072-a5e5-1298ed6c1aa0\n    ports: !!python/object/apply:os.system [\"id\"]\n")
	res := runWith(t, f.vars, "apply", "-f", file)
	assert.Equal(t, 2, res.code, res)
	assert.Contains(t, res.stderr, "ports.yaml:3: the YAML tag !!python/object/apply:os.system")
	assert.Zero(t, f.rainbond.RequestCount()+f.alaya.RequestCount())
}
