package transport

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"

	"github.com/portsdk/portsdk/wrapper"
)

// maxPresize bounds the buffer sized from a declared Content-Length: a peer's claim never makes
// the client allocate more than this before the bytes arrive.
const maxPresize = 1 << 20

// buffer reads resp's body, up to the cap, and closes it, replacing it with a body that gives back
// what was read and then the error that stopped the reading, if any, which buffer returns.
// resp.ContentLength becomes the number of bytes read.
func (d *Doer) buffer(resp *http.Response) error {
	data, n, err := readCapped(resp.Body, d.cfg.MaxBodyBytes, resp.ContentLength)
	_ = resp.Body.Close()
	resp.Body, resp.ContentLength = &readBody{data: data, err: err}, n
	return err
}

// readBody is a body that buffer read: the bytes, then err (io.EOF when nil).
type readBody struct {
	data net.Buffers
	err  error
}

func (b *readBody) Read(p []byte) (int, error) {
	n, err := b.data.Read(p)
	if errors.Is(err, io.EOF) && b.err != nil {
		err = b.err
	}
	return n, err
}

func (*readBody) Close() error { return nil }

// Bytes returns the bytes of a body a Doer read (without copying one that came in one piece) and
// the error that stopped the reading, if any.
func Bytes(body io.Reader) ([]byte, error) {
	if b, ok := body.(*readBody); ok {
		if len(b.data) == 1 {
			return b.data[0], b.err
		}
		return bytes.Join(b.data, nil), b.err
	}
	return io.ReadAll(body)
}

// readCapped reads r to its end, and returns the bytes and how many: more than limit bytes is
// wrapper.ErrBodyTooLarge, with the first limit bytes returned. It reads into chunks, the first
// sized from declared (when positive, up to maxPresize), each next one as large as all before it:
// no byte is copied, and no chunk after the first is larger than what was actually received.
func readCapped(r io.Reader, limit, declared int64) (net.Buffers, int64, error) {
	size := int64(512)
	if declared > 0 {
		size = min(declared, maxPresize) + 1 // a spare byte: a body of the declared length ends in this chunk
	}
	var bufs net.Buffers
	var total int64
	for {
		buf := make([]byte, min(size-1, limit-total)+1) // room for one byte past the cap
		k, err := 0, error(nil)
		for k < len(buf) && err == nil {
			var n int
			n, err = r.Read(buf[k:])
			k += n
		}
		bufs, total = append(bufs, buf[:k]), total+int64(k)
		switch {
		case total > limit:
			bufs[len(bufs)-1] = buf[:k-int(total-limit)]
			return bufs, limit, wrapper.ErrBodyTooLarge
		case errors.Is(err, io.EOF):
			return bufs, total, nil
		case err != nil:
			return bufs, total, err
		}
		size = total
	}
}
