package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"
)

// fakeProgram is the program that holds the in-memory servers of fake and demo: cmd/portctl-fake,
// which is portctl with them linked in (RunFake).
const fakeProgram = "portctl-fake"

// handOff runs the whole command line in portctl-fake: found beside this executable first, else on
// PATH. On Unix it replaces this process, so the program's output, its handling of Ctrl-C and its
// exit status are the user's directly; elsewhere it runs it and exits with its status.
func handOff(e *env, cmd *cobra.Command, _ string) error {
	path, err := findFakeProgram()
	if err != nil {
		return fmt.Errorf("%s runs the program %s, which holds the in-memory servers: %w; install it beside portctl "+
			"with 'go install github.com/portsdk/portsdk/cmd/%s@latest' (from a clone: 'go install ./cmd/%s')",
			cmd.CommandPath(), fakeProgram, err, fakeProgram, fakeProgram)
	}
	return execProgram(path, e.args)
}

// findFakeProgram returns the path of portctl-fake: the file beside this executable, else the one
// PATH finds.
func findFakeProgram() (string, error) {
	name := fakeProgram
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	p, err := exec.LookPath(fakeProgram)
	if err != nil {
		return "", fmt.Errorf("it is neither beside portctl nor on PATH")
	}
	return p, nil
}
