package service

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// AccessLog logs one line a request to log: method, path (never the
// query, which may carry a token), status, duration, caller and, for a
// run, the block; a refused request also says why. Refusals are logged
// at level refusedLevel and the rest at okLevel, so that the preview can
// show only refusals. Nothing a caller sends but the method, path and
// block names reaches the log, and no header: no token.
func AccessLog(log *slog.Logger, okLevel, refusedLevel slog.Level, next http.Handler) http.Handler {
	if log == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		e := &logEntry{}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), logEntryKey{}, e)))
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("path", clip(r.URL.Path)),
			slog.Int("status", sw.status),
			slog.Duration("duration", time.Since(start).Round(time.Microsecond)),
			slog.String("caller", e.callerOr(peer(r))),
		}
		if e.block != "" {
			attrs = append(attrs, slog.String("block", e.block))
		}
		level := okLevel
		if e.refused != "" {
			level = refusedLevel
			attrs = append(attrs, slog.String("refused", e.refused))
		}
		log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// logEntry is what the handlers tell the access log about a request.
type logEntry struct {
	caller  string
	block   string // file#block of a run
	refused string // why the request was refused, if it was
}

type logEntryKey struct{}

func logEntryOf(ctx context.Context) *logEntry {
	e, _ := ctx.Value(logEntryKey{}).(*logEntry)
	return e
}

// NoteRefused records in the access log why a handler refused a request.
func NoteRefused(r *http.Request, why string) {
	if e := logEntryOf(r.Context()); e != nil {
		e.refused = why
	}
}

// NoteBlock names the block a run asked for in the access log.
func NoteBlock(r *http.Request, file, block string) {
	if e := logEntryOf(r.Context()); e != nil {
		e.block = clip(file + "#" + block)
	}
}

func (e *logEntry) callerOr(def string) string {
	if e.caller != "" {
		return e.caller
	}
	return def
}

// clip bounds a caller's text in the log.
func clip(s string) string {
	const max = 200
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}

// statusWriter records the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush passes on a flush, for event streams.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
