//go:build unix

package portfile_test

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadEndsWhenCancelledOnAFIFOWithNoWriter protects issue 25: opening a FIFO nobody writes to
// blocks; Ctrl-C (the command's context) still ends the read.
func TestReadEndsWhenCancelledOnAFIFOWithNoWriter(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	err := readCancelled(t, ctx, fifo, nil)
	assert.Equal(t, fifo+": not read: context canceled", err.Error())
}
