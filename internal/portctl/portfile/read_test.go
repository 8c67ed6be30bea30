package portfile_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/portctl/portfile"
)

// readErr runs Read and requires a *portfile.Error within 5 s.
func readErr(t *testing.T, ctx context.Context, path string, stdin io.Reader) *portfile.Error {
	t.Helper()
	done := make(chan error, 1)
	go func() { _, err := portfile.Read(ctx, path, stdin); done <- err }()
	select {
	case err := <-done:
		var fe *portfile.Error
		require.True(t, errors.As(err, &fe), "%v", err)
		return fe
	case <-time.After(5 * time.Second):
		t.Fatalf("Read(%s) did not end within 5 s", path)
	}
	return nil
}

// readCancelled runs Read, which must end within 5 s with an error that is not a *portfile.Error:
// an interrupted read exits 1 as an interrupted apply does, not 2.
func readCancelled(t *testing.T, ctx context.Context, path string, stdin io.Reader) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { _, err := portfile.Read(ctx, path, stdin); done <- err }()
	select {
	case err := <-done:
		var fe *portfile.Error
		require.Error(t, err)
		require.False(t, errors.As(err, &fe), "%v", err)
		require.ErrorIs(t, err, context.Canceled)
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("Read(%s) did not end within 5 s of the cancel", path)
	}
	return nil
}

// TestReadRefusesABigFileWithoutReadingIt protects issue 25: a regular file over the cap is refused
// from its size, at once.
func TestReadRefusesABigFileWithoutReadingIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.yaml")
	require.NoError(t, os.WriteFile(path, nil, 0o600))
	require.NoError(t, os.Truncate(path, 64<<20)) // sparse: no 64 MiB written
	start := time.Now()
	fe := readErr(t, context.Background(), path, nil)
	assert.Equal(t, path+": larger than 1 MiB", fe.Error())
	assert.Less(t, time.Since(start), 200*time.Millisecond)
}

// TestReadRefusesADirectory protects issue 25.
func TestReadRefusesADirectory(t *testing.T) {
	dir := t.TempDir()
	fe := readErr(t, context.Background(), dir, nil)
	assert.Contains(t, fe.Error(), "a directory")
}

// TestReadStopsAnEndlessSourceAtTheCap protects issue 25: a device or a pipe that never ends is read
// up to the cap, not into memory without bound.
func TestReadStopsAnEndlessSourceAtTheCap(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	fe := readErr(t, context.Background(), "/dev/zero", nil)
	assert.Equal(t, "/dev/zero: larger than 1 MiB", fe.Error())

	r, w := io.Pipe()
	go func() { // endless stdin
		buf := make([]byte, 64<<10)
		for {
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
	}()
	defer func() { _ = r.Close() }()
	fe = readErr(t, context.Background(), "-", r)
	assert.Equal(t, "stdin: larger than 1 MiB", fe.Error())
}

// TestReadEndsWhenCancelled protects issue 25: Ctrl-C (the command's context) stops a read that
// waits, on a silent stdin or on a FIFO nobody writes to (whose open blocks).
func TestReadEndsWhenCancelled(t *testing.T) {
	r, w := io.Pipe()
	defer func() { _ = w.Close() }()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	err := readCancelled(t, ctx, "-", r)
	assert.Equal(t, "stdin: not read: context canceled", err.Error())

}

// TestReadReadsASmallFile keeps the ordinary case.
func TestReadReadsASmallFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ports.yaml")
	require.NoError(t, os.WriteFile(path, []byte("alaya: []\n"), 0o600))
	data, err := portfile.Read(context.Background(), path, nil)
	require.NoError(t, err)
	assert.Equal(t, "alaya: []\n", string(data))
}
