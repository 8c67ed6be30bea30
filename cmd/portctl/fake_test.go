package main

import (
	"bufio"
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// build compiles the packages into dir with go build -o, each under its base name.
func build(t testing.TB, dir string, pkgs ...string) {
	t.Helper()
	for _, pkg := range pkgs {
		out := filepath.Join(dir, filepath.Base(pkg))
		if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
	}
}

// portctl fake, built alone, serves: the other commands reach it, and Ctrl-C stops it cleanly.
func TestFakeServes(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds portctl; signals are Unix")
	}
	dir := t.TempDir()
	build(t, dir, ".")
	portctl := filepath.Join(dir, "portctl")
	env := []string{"PATH=" + filepath.Join(dir, "no-such-dir"), "HOME=" + dir} // no other program on PATH

	fake := exec.Command(portctl, "fake", "--addr", "127.0.0.1:0")
	fake.Env = env
	stdout, err := fake.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	fake.Stderr = &stderr
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	defer func() {
		_ = fake.Process.Kill()
	}()
	vars := env
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		vars = append(vars, sc.Text())
		if strings.HasPrefix(sc.Text(), "ALAYA_INSTANCE=") {
			break
		}
	}
	if len(vars)-len(env) != 10 {
		t.Fatalf("portctl fake printed %d settings, want 10: %v\nstderr: %s", len(vars)-len(env), vars[len(env):], stderr.String())
	}
	go func() { done <- fake.Wait() }()

	list := exec.Command(portctl, "rainbond", "ports", "list", "-o", "json")
	list.Env = vars
	if out, err := list.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "[]" {
		t.Fatalf("portctl rainbond ports list against the fake: %v\n%s", err, out)
	}

	if err := fake.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("portctl fake after Ctrl-C: %v, want exit 0\nstderr: %s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("portctl fake did not stop within 10 s of SIGINT")
	}
	if !strings.Contains(stderr.String(), "portctl fake: stopped") {
		t.Errorf("stderr lacks the clean stop:\n%s", stderr.String())
	}
}

// portctl demo, built alone, runs the whole lifecycle against its embedded fake (exit 0); a
// malformed --addr is refused (exit 2).
func TestDemoRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds portctl")
	}
	dir := t.TempDir()
	build(t, dir, ".")
	portctl := filepath.Join(dir, "portctl")
	out, err := exec.Command(portctl, "demo").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "demo: all 22 steps did what they should.") {
		t.Errorf("portctl demo: %v\n%s", err, out)
	}
	out, err = exec.Command(portctl, "fake", "--addr", "no-port").CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "invalid --addr") {
		t.Errorf("portctl fake --addr no-port: %v, want exit 2 naming --addr\n%s", err, out)
	}
}
