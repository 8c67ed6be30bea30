//go:build unix

package main

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 25: diff -f on a FIFO nobody writes to blocks in its open; Ctrl-C still ends it, exit 1 as an
// interrupted apply, naming the file, with nothing sent.
func TestInterruptWhileOpeningAFIFOWithNoWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("builds portctl")
	}
	dir := t.TempDir()
	build(t, dir, ".")
	fifo := filepath.Join(dir, "ports.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// portctl gives no sign that it waits in the open, so the test waits a while before the signal;
	// a signal that comes before portctl listens for it kills the process (no exit status): then
	// the run is tried again with a longer wait.
	for _, wait := range []time.Duration{time.Second, 3 * time.Second, 8 * time.Second} {
		cmd := exec.Command(filepath.Join(dir, "portctl"), "diff", "-f", fifo)
		cmd.Env = []string{"HOME=" + dir, "RAINBOND_URL=http://127.0.0.1:1", "RAINBOND_TOKEN=tok"}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(wait)
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			var ee *exec.ExitError
			if errors.As(err, &ee) && ee.ExitCode() == -1 {
				continue // killed by the signal: it came too early
			}
			if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), fifo+": not read: interrupt signal received") {
				t.Errorf("portctl diff -f FIFO after SIGINT: %v, stderr %q; want exit 1 naming the file", err, stderr.String())
			}
			return
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatal("portctl diff -f FIFO did not end within 10 s of SIGINT")
		}
	}
	t.Fatal("every SIGINT killed portctl before it listened for it")
}
