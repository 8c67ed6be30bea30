package wrapper_test

// Fault injection: both clients against loopback servers that misbehave the ways a network, a proxy
// or a server can. Each test names the fault; docs/library.md's "Failure modes" table states the outcomes.

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/internal/runtime/options"
	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/alaya"
	"github.com/portsdk/portsdk/wrapper/rainbond"
)

const secret = "fault-test-token-9f8e7d"

var comp = rainbond.Component{TeamID: "t", RegionName: "r", AppID: 1, ServiceID: "s"}

// The backoff between retries is 1 ms in these tests (200 ms by default).
func init() { options.RetryBaseWait = time.Millisecond }

// rawServer accepts TCP connections on loopback and lets handle answer each request by hand.
type rawServer struct {
	ln    net.Listener
	count atomic.Int32
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns []net.Conn
}

func newRawServer(t *testing.T, handle func(n int, conn net.Conn, req *http.Request)) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := &rawServer{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, conn)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer func() { _ = conn.Close() }()
				br := bufio.NewReader(conn)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					_, _ = io.Copy(io.Discard, req.Body)
					handle(int(s.count.Add(1)), conn, req)
				}
			}()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		s.mu.Lock()
		for _, c := range s.conns { // idle keep-alive connections of the client
			_ = c.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *rawServer) url() string { return "http://" + s.ln.Addr().String() + "/console" }

func rainbondClient(t *testing.T, base string, opts ...rainbond.Option) *rainbond.Client {
	t.Helper()
	c, err := rainbond.NewClient(base, secret, opts...)
	require.NoError(t, err)
	return c
}

const okList = `{"code":200,"msg":"success","msg_show":"成功","data":{"bean":{},"list":[]}}`

func writeOK(conn net.Conn, body string) {
	fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
}

// reset closes conn with a TCP RST instead of a FIN.
func reset(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func TestFaultConnectionClosedBeforeResponse(t *testing.T) {
	ctx := context.Background()
	t.Run("GET is retried and then succeeds", func(t *testing.T) {
		s := newRawServer(t, func(n int, conn net.Conn, _ *http.Request) {
			if n == 1 {
				_ = conn.Close()
				return
			}
			writeOK(conn, okList)
		})
		ports, err := rainbondClient(t, s.url()).ListPorts(ctx, comp)
		require.NoError(t, err)
		assert.Empty(t, ports)
		assert.EqualValues(t, 2, s.count.Load())
	})
	t.Run("GET gives up after its retries with a transport error", func(t *testing.T) {
		s := newRawServer(t, func(_ int, conn net.Conn, _ *http.Request) { _ = conn.Close() })
		_, err := rainbondClient(t, s.url()).ListPorts(ctx, comp)
		require.Error(t, err)
		var ae *wrapper.APIError
		assert.False(t, errors.As(err, &ae), "no response, so no APIError")
		assert.ErrorIs(t, err, io.EOF)
		assert.Contains(t, err.Error(), "rainbond.ListPorts")
		assert.NotContains(t, err.Error(), secret)
		assert.EqualValues(t, 3, s.count.Load())
	})
	t.Run("POST is not retried", func(t *testing.T) {
		s := newRawServer(t, func(_ int, conn net.Conn, _ *http.Request) { _ = conn.Close() })
		_, err := rainbondClient(t, s.url(), rainbond.WithMaxRetries(5)).AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80, IsInnerService: true})
		require.Error(t, err)
		assert.EqualValues(t, 1, s.count.Load())
	})
}

func TestFaultResetMidBody(t *testing.T) {
	ctx := context.Background()
	half := func(conn net.Conn) {
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
			len(okList)+100, okList[:20])
		time.Sleep(20 * time.Millisecond)
		reset(conn)
	}
	t.Run("GET is retried", func(t *testing.T) {
		s := newRawServer(t, func(n int, conn net.Conn, _ *http.Request) {
			if n == 1 {
				half(conn)
				return
			}
			writeOK(conn, okList)
		})
		_, err := rainbondClient(t, s.url()).ListPorts(ctx, comp)
		require.NoError(t, err)
		assert.EqualValues(t, 2, s.count.Load())
	})
	t.Run("the last failure keeps the status and the partial body", func(t *testing.T) {
		s := newRawServer(t, func(_ int, conn net.Conn, _ *http.Request) { half(conn) })
		_, err := rainbondClient(t, s.url()).ListPorts(ctx, comp)
		var ae *wrapper.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 200, ae.StatusCode)
		assert.Equal(t, okList[:20], string(ae.Body))
		assert.Contains(t, ae.Message, "reading response body")
		assert.EqualValues(t, 3, s.count.Load())
	})
	t.Run("DELETE is not retried", func(t *testing.T) {
		s := newRawServer(t, func(_ int, conn net.Conn, _ *http.Request) { half(conn) })
		_, err := rainbondClient(t, s.url()).DeletePort(ctx, comp, 80)
		var ae *wrapper.APIError
		require.ErrorAs(t, err, &ae)
		assert.EqualValues(t, 1, s.count.Load())
	})
}

func TestFaultBodyNeverEnds(t *testing.T) {
	dribble := func(_ int, conn net.Conn, _ *http.Request) {
		_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
		for {
			if _, err := io.WriteString(conn, "1\r\n \r\n"); err != nil {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	t.Run("the context ends the call", func(t *testing.T) {
		s := newRawServer(t, dribble)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := rainbondClient(t, s.url()).ListPorts(ctx, comp)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Less(t, time.Since(start), 2*time.Second)
		assert.EqualValues(t, 1, s.count.Load())
	})
	t.Run("the client timeout ends each attempt", func(t *testing.T) {
		s := newRawServer(t, dribble)
		start := time.Now()
		_, err := rainbondClient(t, s.url(), rainbond.WithHTTPClient(&http.Client{Timeout: 200 * time.Millisecond}),
			rainbond.WithMaxRetries(1)).ListPorts(context.Background(), comp)
		var ae *wrapper.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 200, ae.StatusCode)
		assert.Less(t, time.Since(start), 3*time.Second)
		assert.EqualValues(t, 2, s.count.Load())
	})
	t.Run("a fast endless body stops at the cap", func(t *testing.T) {
		s := newRawServer(t, func(_ int, conn net.Conn, _ *http.Request) {
			_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
			chunk := []byte(strings.Repeat(" ", 64<<10))
			for {
				if _, err := conn.Write(chunk); err != nil {
					return
				}
			}
		})
		_, err := rainbondClient(t, s.url(), rainbond.WithMaxBodyBytes(1<<20)).ListPorts(context.Background(), comp)
		require.ErrorIs(t, err, wrapper.ErrBodyTooLarge)
		var ae *wrapper.APIError
		require.ErrorAs(t, err, &ae)
		assert.Len(t, ae.Body, 1<<20)
		assert.EqualValues(t, 1, s.count.Load(), "a body over the cap is not retried")
	})
}

func TestFaultOneGiBBody(t *testing.T) {
	const gib = 1 << 30
	s := newRawServer(t, func(_ int, conn net.Conn, _ *http.Request) {
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", gib)
		chunk := make([]byte, 256<<10)
		for sent := 0; sent < gib; sent += len(chunk) {
			if _, err := conn.Write(chunk); err != nil {
				return
			}
		}
	})
	c := rainbondClient(t, s.url())
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := c.ListPorts(context.Background(), comp)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, wrapper.ErrBodyTooLarge)
	var ae *wrapper.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 200, ae.StatusCode)
	assert.Len(t, ae.Body, options.DefaultMaxBodyBytes)
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("1 GiB body: stopped after %v, %d MiB allocated in all (cap %d MiB)", elapsed, allocated>>20, options.DefaultMaxBodyBytes>>20)
	assert.Less(t, allocated, uint64(3*options.DefaultMaxBodyBytes), "memory stays near the cap, far below 1 GiB")
}

func TestFaultGzipEncodedResponse(t *testing.T) {
	var acceptEncoding string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		acceptEncoding = r.Header.Get("Accept-Encoding")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = io.WriteString(zw, `{"code":200,"msg":"success","data":{"bean":{},"list":[{"container_port":80,"mapping_port":80,`+
			`"lb_mapping_port":0,"protocol":"http","port_alias":"WEB","is_inner_service":true,"is_outer_service":false,"k8s_service_name":"web"}]}}`)
		_ = zw.Close()
	}))
	defer srv.Close()
	ports, err := rainbondClient(t, srv.URL).ListPorts(context.Background(), comp)
	require.NoError(t, err)
	require.Len(t, ports, 1)
	assert.Equal(t, "WEB", ports[0].PortAlias)
	assert.Contains(t, acceptEncoding, "gzip")
}

func TestFaultRedirects(t *testing.T) {
	t.Run("to another host: the credential is not forwarded", func(t *testing.T) {
		var got atomic.Value
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got.Store(r.Header.Get("Authorization"))
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"status":200,"message":"OK","data":{"ports":[],"customPorts":[]}}`)
		}))
		defer other.Close()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
		}))
		defer srv.Close()
		c, err := alaya.NewClient(alaya.BearerKey(secret), alaya.WithBaseURL(srv.URL))
		require.NoError(t, err)
		_, err = c.ListOpenPorts(context.Background(), "i-1")
		require.NoError(t, err)
		assert.Equal(t, "", got.Load())
	})
	t.Run("a loop ends with an error and no retry", func(t *testing.T) {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			http.Redirect(w, r, r.URL.Path, http.StatusFound)
		}))
		defer srv.Close()
		_, err := rainbondClient(t, srv.URL).ListPorts(context.Background(), comp)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "redirects")
		assert.EqualValues(t, 10, n.Load(), "net/http's limit of 10 requests, then no retry")
	})
}

func TestFaultRetryAfter(t *testing.T) {
	busyThen := func(retryAfter func() string) (*httptest.Server, *atomic.Int32) {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			if n.Add(1) == 1 {
				w.Header().Set("Retry-After", retryAfter())
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = io.WriteString(w, `{"code":503,"msg":"busy"}`)
				return
			}
			_, _ = io.WriteString(w, okList)
		}))
		t.Cleanup(srv.Close)
		return srv, &n
	}
	t.Run("as seconds", func(t *testing.T) {
		srv, n := busyThen(func() string { return "1" })
		start := time.Now()
		_, err := rainbondClient(t, srv.URL).ListPorts(context.Background(), comp)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond)
		assert.EqualValues(t, 2, n.Load())
	})
	t.Run("as an HTTP date", func(t *testing.T) {
		srv, n := busyThen(func() string { return time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat) })
		start := time.Now()
		_, err := rainbondClient(t, srv.URL).ListPorts(context.Background(), comp)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond)
		assert.EqualValues(t, 2, n.Load())
	})
	t.Run("an absurd value is capped, and a deadline sooner than the wait ends the call at once", func(t *testing.T) {
		srv, n := busyThen(func() string { return "315360000" }) // ten years
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		start := time.Now()
		_, err := rainbondClient(t, srv.URL).ListPorts(ctx, comp)
		var ae *wrapper.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 503, ae.StatusCode)
		assert.Less(t, time.Since(start), time.Second)
		assert.EqualValues(t, 1, n.Load())
	})
	t.Run("a retry budget bounds the total time", func(t *testing.T) {
		srv, n := busyThen(func() string { return "2" })
		start := time.Now()
		_, err := rainbondClient(t, srv.URL, rainbond.WithRetryBudget(time.Second)).ListPorts(context.Background(), comp)
		var ae *wrapper.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, 503, ae.StatusCode)
		assert.Less(t, time.Since(start), time.Second)
		assert.EqualValues(t, 1, n.Load())
	})
}

func TestFaultChineseTextArrivesIntact(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"status":403,"message":"实例不存在或无权访问","data":{}}`)
			return
		}
		w.WriteHeader(http.StatusConflict)
		_, _ = io.WriteString(w, `{"code":20501,"msg":"组件端口已存在","msg_show":"端口 8080 已存在","data":{"bean":{},"list":[]}}`)
	}))
	defer srv.Close()
	_, err := rainbondClient(t, srv.URL).AddPort(context.Background(), comp, rainbond.AddPortRequest{Port: 8080})
	var ae *wrapper.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "组件端口已存在", ae.Message)
	assert.Contains(t, err.Error(), "组件端口已存在")

	c, err := alaya.NewClient(alaya.BearerKey(secret), alaya.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = c.OpenPort(context.Background(), "i-1", 8080, "http/https")
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 403, ae.Code)
	assert.Equal(t, "实例不存在或无权访问", ae.Message)
}
