package devstack

import (
	"context"
	"log/slog"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
	"go.temporal.io/server/service/history/workflow/update"
)

// serverLogger passes the Temporal server's messages at or above level to
// an slog.Logger, tagged component=temporal.
type serverLogger struct {
	log   *slog.Logger
	level slog.Leveler
}

var (
	_ log.Logger      = serverLogger{}
	_ log.WithLogger  = serverLogger{}
	_ log.SLogWrapper = serverLogger{}
)

func newServerLogger(l *slog.Logger, level slog.Leveler) serverLogger {
	return serverLogger{log: l.With("component", "temporal"), level: level}
}

// Debug implements log.Logger.
func (s serverLogger) Debug(msg string, tags ...tag.Tag) { s.emit(slog.LevelDebug, msg, tags) }

// Info implements log.Logger.
func (s serverLogger) Info(msg string, tags ...tag.Tag) { s.emit(slog.LevelInfo, msg, tags) }

// Warn implements log.Logger.
func (s serverLogger) Warn(msg string, tags ...tag.Tag) { s.emit(slog.LevelWarn, msg, tags) }

// Error implements log.Logger.
func (s serverLogger) Error(msg string, tags ...tag.Tag) { s.emit(slog.LevelError, msg, tags) }

// DPanic implements log.Logger; it logs at error level.
func (s serverLogger) DPanic(msg string, tags ...tag.Tag) { s.emit(slog.LevelError, msg, tags) }

// Panic implements log.Logger; it logs at error level.
func (s serverLogger) Panic(msg string, tags ...tag.Tag) { s.emit(slog.LevelError, msg, tags) }

// Fatal implements log.Logger; it logs at error level (never exits).
func (s serverLogger) Fatal(msg string, tags ...tag.Tag) { s.emit(slog.LevelError, msg, tags) }

// With implements log.WithLogger.
func (s serverLogger) With(tags ...tag.Tag) log.Logger {
	args := make([]any, len(tags))
	for i, t := range tags {
		args[i] = slog.Any(t.Key(), t.Value())
	}
	return serverLogger{log: s.log.With(args...), level: s.level}
}

// SLog implements log.SLogWrapper; the returned logger keeps the level.
func (s serverLogger) SLog() *slog.Logger {
	return slog.New(minLevelHandler{Handler: s.log.Handler(), min: s.level})
}

// minLevelHandler drops records below min.
type minLevelHandler struct {
	slog.Handler
	min slog.Leveler
}

// Enabled implements slog.Handler.
func (h minLevelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min.Level() && h.Handler.Enabled(ctx, l)
}

// WithAttrs implements slog.Handler.
func (h minLevelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevelHandler{Handler: h.Handler.WithAttrs(attrs), min: h.min}
}

// WithGroup implements slog.Handler.
func (h minLevelHandler) WithGroup(name string) slog.Handler {
	return minLevelHandler{Handler: h.Handler.WithGroup(name), min: h.min}
}

func (s serverLogger) emit(level slog.Level, msg string, tags []tag.Tag) {
	if level >= slog.LevelError && retriedUpdateAbort(msg, tags) {
		level = slog.LevelDebug
	}
	ctx := context.Background()
	if level < s.level.Level() || !s.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, len(tags))
	for i, t := range tags {
		attrs[i] = slog.Any(t.Key(), t.Value())
	}
	s.log.LogAttrs(ctx, level, msg, attrs...)
}

// retriedUpdateAbort recognises the server's ERROR "service failures" for an Update it
// aborted with its retryable error (update.AbortedByServerErr, "workflow update was
// aborted"): the history service, the frontend and the SDK retry it, so the caller still
// gets the Update's own answer. The SDK's request-failure metrics still count it.
func retriedUpdateAbort(msg string, tags []tag.Tag) bool {
	if msg != "service failures" {
		return false
	}
	for _, t := range tags {
		if t.Key() == "error" {
			v, _ := t.Value().(string)
			return v == update.AbortedByServerErr.Error()
		}
	}
	return false
}
