package portfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxFileBytes bounds what Read reads: a ports file is small.
const maxFileBytes = 1 << 20

// Read reads the ports file at path, or stdin when path is "-", within maxFileBytes: a regular file
// is refused from its size before it is read, a directory at once, anything else (a device, a FIFO,
// a pipe) is read up to the cap and refused there. A problem of the file is an *Error. Cancelling
// ctx (Ctrl-C) ends a read that waits, even the open of a FIFO with no writer: the error wraps
// the context's cause and is not an *Error.
func Read(ctx context.Context, path string, stdin io.Reader) ([]byte, error) {
	name := Name(path)
	var data []byte
	var err error
	done := make(chan struct{})
	go func() { // left behind, blocked, when ctx ends first: the process is about to exit
		data, err = read(name, path, stdin)
		close(done)
	}()
	select {
	case <-done:
		return data, err
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: not read: %w", name, context.Cause(ctx))
	}
}

// Name is how messages name the ports file at path: "stdin" for "-".
func Name(path string) string {
	if path == "-" {
		return "stdin"
	}
	return path
}

func read(name, path string, r io.Reader) ([]byte, error) {
	tooBig := &Error{File: name, Msg: fmt.Sprintf("larger than %d MiB", maxFileBytes>>20)}
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, cannotRead(name, err)
		}
		defer func() { _ = f.Close() }() // read only
		fi, err := f.Stat()
		switch {
		case err != nil:
			return nil, cannotRead(name, err)
		case fi.IsDir():
			return nil, &Error{File: name, Msg: "is a directory, not a ports file"}
		case fi.Mode().IsRegular() && fi.Size() > maxFileBytes:
			return nil, tooBig
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return nil, cannotRead(name, err)
	}
	if len(data) > maxFileBytes {
		return nil, tooBig
	}
	return data, nil
}

func cannotRead(name string, err error) error {
	msg := err.Error()
	if pe := (*os.PathError)(nil); errors.As(err, &pe) {
		msg = pe.Err.Error()
	}
	return &Error{File: name, Msg: "cannot read: " + msg}
}
