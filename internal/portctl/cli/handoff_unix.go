//go:build unix

package cli

import (
	"fmt"
	"os"
	"syscall"
)

// execProgram replaces this process with the program at path, run with args; it returns only when
// that fails.
func execProgram(path string, args []string) error {
	err := syscall.Exec(path, append([]string{path}, args...), os.Environ())
	return fmt.Errorf("running %s: %w", path, err)
}
