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
	prefix := "" // of the error: with a response, it came reading the body
	if resp != nil {
		attrs, prefix = append(attrs, slog.Int("status", resp.StatusCode)), "reading response body: "
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", d.Redact(prefix+cause(err).Error())))
	}
	d.debug(ctx, "portsdk: attempt", r, call, attempt, append(attrs, slog.Duration("duration", time.Since(began)))...)
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
		slog.String("path", d.Redact(r.URL.EscapedPath())),
		slog.Int("attempt", attempt),
	}, attrs...)...)
}
