package rainbond_test

// The surface of issue 13: sentinel errors against the in-memory console, Attempts, and the
// Debug records of WithLogger.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portsdk/portsdk/wrapper"
	"github.com/portsdk/portsdk/wrapper/rainbond"
	"github.com/portsdk/portsdk/wrapper/rainbond/rainbondtest"
)

// TestSentinelsAgainstTheFakeConsole protects errors.Is matching: an unknown component is
// ErrNotFound, a duplicate port ErrConflict with CodePortExists, a wrong token ErrUnauthorized.
func TestSentinelsAgainstTheFakeConsole(t *testing.T) {
	srv := rainbondtest.NewServer()
	defer srv.Close()
	srv.AddComponent(comp)
	ctx := context.Background()
	c, err := rainbond.NewClient(srv.URL, srv.Token)
	require.NoError(t, err)

	unknown := comp
	unknown.ServiceID = "nosuchservice"
	_, err = c.ListPorts(ctx, unknown)
	assert.ErrorIs(t, err, wrapper.ErrNotFound)
	assert.NotErrorIs(t, err, wrapper.ErrConflict)

	_, err = c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80, IsInnerService: true})
	require.NoError(t, err)
	_, err = c.AddPort(ctx, comp, rainbond.AddPortRequest{Port: 80, IsInnerService: true})
	assert.ErrorIs(t, err, wrapper.ErrConflict)
	var ae *wrapper.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, rainbond.CodePortExists, ae.Code)
	assert.Equal(t, 1, ae.Attempts, "a POST is sent once")

	bad, err := rainbond.NewClient(srv.URL, "wrong-token")
	require.NoError(t, err)
	_, err = bad.ListPorts(ctx, comp)
	assert.ErrorIs(t, err, wrapper.ErrUnauthorized)
	assert.NotErrorIs(t, err, wrapper.ErrNotFound)
}

// TestSentinelStatuses protects the mapping of each sentinel to its HTTP status, and that an
// envelope code under HTTP 200 counts while one under another error status does not.
func TestSentinelStatuses(t *testing.T) {
	for _, tc := range []struct {
		status, code int
		want         error
	}{
		{401, 401, wrapper.ErrUnauthorized}, {403, 0, wrapper.ErrForbidden}, {404, 3000, wrapper.ErrNotFound},
		{409, 20501, wrapper.ErrConflict}, {200, 403, wrapper.ErrForbidden},
	} {
		e := &wrapper.APIError{StatusCode: tc.status, Code: tc.code}
		for _, s := range []error{wrapper.ErrUnauthorized, wrapper.ErrForbidden, wrapper.ErrNotFound, wrapper.ErrConflict} {
			assert.Equal(t, errors.Is(s, tc.want), errors.Is(e, s), "HTTP %d code %d vs %v", tc.status, tc.code, s)
		}
	}
	assert.NotErrorIs(t, &wrapper.APIError{StatusCode: 400, Code: 404}, wrapper.ErrNotFound)
	assert.NotErrorIs(t, &wrapper.APIError{StatusCode: 500}, wrapper.ErrBodyTooLarge)
}

// TestLoggerRecordsAttemptsAndWaits protects WithLogger: a GET retried twice logs three attempt
// records and two wait records, Attempts is 3, and no record holds the token, the query or a body.
func TestLoggerRecordsAttemptsAndWaits(t *testing.T) {
	calls := 0
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `{"code":503,"msg":"busy %s","data":{"bean":{},"list":[]}}`, r.Header.Get("Authorization"))
	})
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := f.client(t, rainbond.WithLogger(logger), rainbond.WithMaxRetries(2))

	_, err := c.ListPorts(context.Background(), comp)
	var ae *wrapper.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 503, ae.StatusCode)
	assert.Equal(t, 3, ae.Attempts)
	assert.Equal(t, 3, calls)

	out := buf.String()
	assert.Equal(t, 3, strings.Count(out, `"msg":"portsdk: attempt"`), out)
	assert.Equal(t, 2, strings.Count(out, `"msg":"portsdk: retry wait"`), out)
	for _, want := range []string{`"operation":"rainbond.ListPorts"`, `"method":"GET"`, `"status":503`,
		`"attempt":3`, `"reason":"status 503"`, `"path":"` + portsPath + `"`, `"duration":`, `"wait":`} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, token)
	assert.NotContains(t, out, "busy", "no body in a record")
	assert.NotContains(t, ae.Message, token, "the echoed token is redacted from the message")
}

// TestLoggerOffByDefault protects the default: no logger, no records, and an io.Discard-like
// logger at Info level writes nothing either.
func TestLoggerOffByDefault(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"code":200,"msg":"success","data":{"bean":{},"list":[]}}`)
	})
	var buf bytes.Buffer
	c := f.client(t, rainbond.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	_, err := c.ListPorts(context.Background(), comp)
	require.NoError(t, err)
	assert.Empty(t, buf.String(), "Debug records are not written at Info level")
}

// TestPathIDsTheConsoleCanRoute protects the console's route pattern [\w-]+ (Python's Unicode \w):
// a team, region or service ID with any other character is refused before sending, naming the
// field; Unicode letters and digits, "_" and "-" pass.
func TestPathIDsTheConsoleCanRoute(t *testing.T) {
	sent := 0
	f := newFake(t, func(w http.ResponseWriter, _ *http.Request) {
		sent++
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"code":200,"msg":"success","data":{"bean":{},"list":[]}}`)
	})
	c := f.client(t)
	for _, bad := range []string{"a b", "a/b", "a.b", "a%2Fb", "a?b", "a#b", "a+b", "a:b", "a@b", "a\u00a0b", "a\u200bb", "é\u0301", "a~b", "."} {
		for _, field := range []string{"team_id", "region_name", "service_id"} {
			comp := comp
			switch field {
			case "team_id":
				comp.TeamID = bad
			case "region_name":
				comp.RegionName = bad
			case "service_id":
				comp.ServiceID = bad
			}
			_, err := c.ListPorts(context.Background(), comp)
			var ve *wrapper.ValidationError
			require.ErrorAs(t, err, &ve, "%s %q", field, bad)
			assert.Equal(t, field, ve.Field)
		}
	}
	assert.Zero(t, sent, "nothing was sent")
	for _, good := range []string{"team-1", "gr_1a2b", "团队一", "région", "٣٤", "Ⅻ"} {
		_, err := c.ListPorts(context.Background(), rainbond.Component{TeamID: good, RegionName: good, AppID: 1, ServiceID: good})
		assert.NoError(t, err, good)
	}
}
