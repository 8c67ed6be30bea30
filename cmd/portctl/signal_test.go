package main

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A single-request command leaves SIGINT to the runtime (no handler thread at start-up): Ctrl-C ends
// it at once, killed by the signal. apply watches the signal: the request in flight is cancelled and
// it exits 1 with what happened.
func TestInterruptWhileARequestHangs(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds portctl; signals are Unix")
	}
	dir := t.TempDir()
	build(t, dir, ".")
	arrived := make(chan struct{}, 4)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select { // hang until the client goes away or the test ends
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	file := filepath.Join(dir, "ports.yaml")
	if err := os.WriteFile(file, []byte("rainbond:\n  - team: t\n    region: r\n    app: 1\n    component: c\n    ports:\n      - port: 8080\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"RAINBOND_URL=" + srv.URL, "RAINBOND_TOKEN=tok", "RAINBOND_TEAM=t", "RAINBOND_REGION=r",
		"RAINBOND_APP=1", "RAINBOND_COMPONENT=c", "HOME=" + dir}

	interrupt := func(args ...string) (*exec.ExitError, string) {
		t.Helper()
		cmd := exec.Command(filepath.Join(dir, "portctl"), args...)
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-arrived:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("portctl %v sent no request within 10 s", args)
		}
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("portctl %v after SIGINT: %v, want a failure", args, err)
			}
			return ee, stderr.String()
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("portctl %v did not end within 10 s of SIGINT", args)
		}
		return nil, ""
	}

	ee, stderr := interrupt("rainbond", "ports", "list")
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Errorf("portctl rainbond ports list after SIGINT: %v (stderr %q), want killed by SIGINT", ee, stderr)
	}

	ee, stderr = interrupt("apply", "-f", file)
	if ee.ExitCode() != 1 || !strings.Contains(stderr, "interrupt signal received") {
		t.Errorf("portctl apply after SIGINT: %v, stderr %q; want exit 1 naming the cancelled request", ee, stderr)
	}
}
