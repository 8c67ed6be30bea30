package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// build compiles the packages into dir with go build -o, each under its base name.
func build(t *testing.T, dir string, pkgs ...string) {
	t.Helper()
	for _, pkg := range pkgs {
		out := filepath.Join(dir, filepath.Base(pkg))
		if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
	}
}

// portctl fake runs portctl-fake found beside portctl: it serves, the other commands reach it, and
// Ctrl-C stops it cleanly (the process is portctl-fake's after the hand-off).
func TestFakeHandsOffToPortctlFake(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds portctl and portctl-fake; signals are Unix")
	}
	dir := t.TempDir()
	build(t, dir, ".", "../portctl-fake")
	portctl := filepath.Join(dir, "portctl")
	env := []string{"PATH=" + filepath.Join(dir, "no-such-dir"), "HOME=" + dir} // found beside portctl, not on PATH

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

// Without portctl-fake, fake and demo say how to install it (exit 1) and send nothing; a malformed
// --addr is still refused by portctl itself (exit 2).
func TestFakeWithoutPortctlFake(t *testing.T) {
	if testing.Short() {
		t.Skip("builds portctl")
	}
	dir := t.TempDir()
	build(t, dir, ".")
	portctl := filepath.Join(dir, "portctl")
	env := []string{"PATH=" + filepath.Join(dir, "no-such-dir"), "HOME=" + dir}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"fake", "--addr", "127.0.0.1:0"}, 1, "go install ./cmd/portctl-fake"},
		{[]string{"demo"}, 1, "portctl demo runs the program portctl-fake"},
		{[]string{"fake", "--addr", "no-port"}, 2, "invalid --addr"},
	} {
		cmd := exec.Command(portctl, tc.args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
			t.Errorf("portctl %v: %v, want exit %d\n%s", tc.args, err, tc.code, out)
		}
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("portctl %v: output lacks %q:\n%s", tc.args, tc.want, out)
		}
	}
}

// portctl carries none of the in-memory servers' code: only their package initialisation, which
// makes no allocation worth a budget (TestPortctlInitAllocs). Their handlers, the httptest server
// and the demo are in portctl-fake.
func TestPortctlHoldsNoServerCode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds portctl")
	}
	dir := t.TempDir()
	build(t, dir, ".", "../portctl-fake")
	symbols := func(bin string) string {
		out, err := exec.Command("go", "tool", "nm", bin).CombinedOutput()
		if err != nil {
			t.Fatalf("go tool nm %s: %v\n%s", bin, err, out)
		}
		return string(out)
	}
	server := []string{
		"rainbondtest.(*Handler).ServeHTTP",
		"alayatest.(*Handler).ServeHTTP",
		"internal/portctl/cli.serveFake",
		"internal/portctl/cli.serveDemo",
		"internal/portctl/cli.runDemo",
	}
	inPortctl, inFake := symbols(filepath.Join(dir, "portctl")), symbols(filepath.Join(dir, "portctl-fake"))
	for _, s := range server {
		if strings.Contains(inPortctl, s) {
			t.Errorf("portctl links %s: the in-memory servers belong in portctl-fake", s)
		}
		if !strings.Contains(inFake, s) {
			t.Errorf("portctl-fake lacks %s: the check above would pass for a renamed symbol", s)
		}
	}
	st, err := os.Stat(filepath.Join(dir, "portctl"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("portctl: %.1f MB", float64(st.Size())/1e6)
}
