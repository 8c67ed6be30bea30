package transport

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// logAttempt writes the Debug record of one attempt: operation, method, escaped path (never the
// query), attempt number, status or error (sending, or reading the body), duration.
func (d *Doer) logAttempt(ctx context.Context, r *http.Request, call *Call, attempt int, resp *http.Response, err error, began time.Time) {
	if d.cfg.Logger == nil {
		return
	}
	var attrs []slog.Attr
	switch {
	case resp == nil:
		attrs = append(attrs, slog.String("error", d.Redact(errorText(err))))
	case err != nil:
		attrs = append(attrs, slog.Int("status", resp.StatusCode),
			slog.String("error", d.Redact("reading response body: "+errorText(err))))
	default:
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	d.debug(ctx, "portsdk: attempt", r, call, attempt, append(attrs, slog.Duration("duration", time.Since(began)))...)
}

// logWait writes the Debug record of a wait before a retry: its length and why.
func (d *Doer) logWait(ctx context.Context, r *http.Request, call *Call, attempt int, wait time.Duration, reason string) {
	d.debug(ctx, "portsdk: retry wait", r, call, attempt, slog.Duration("wait", wait), slog.String("reason", reason))
}

// debug writes a Debug record naming the operation, the method, the escaped path (never the query)
// and the attempt number, then attrs.
func (d *Doer) debug(ctx context.Context, msg string, r *http.Request, call *Call, attempt int, attrs ...slog.Attr) {
	if d.cfg.Logger == nil || !d.cfg.Logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	d.cfg.Logger.LogAttrs(ctx, slog.LevelDebug, msg, append([]slog.Attr{
		slog.String("operation", call.Op),
		slog.String("method", r.Method),
		slog.String("path", d.redactPath(r.URL)),
		slog.Int("attempt", attempt),
	}, attrs...)...)
}
