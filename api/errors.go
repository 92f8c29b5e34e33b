package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// Error is a failure with the status, code and message a client sees. Codes are one per
// kind of failure, listed in the README.
type Error struct {
	Status  int
	Code    string
	Message string
	// RetryAfter, in seconds, goes in a Retry-After header: how soon trying again may help.
	RetryAfter int
	cause      error
}

// outageRetryAfter is how long a client is asked to wait when a service is down.
const outageRetryAfter = 5

func (e *Error) Error() string {
	if e.cause != nil {
		return e.Message + ": " + e.cause.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.cause }

func badRequest(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: fmt.Sprintf(format, args...)}
}

func notFound(what string) *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: what + " not found"}
}

var errUnauthorized = &Error{Status: http.StatusUnauthorized, Code: "unauthorized",
	Message: "missing or invalid API key: send the header Authorization: Bearer followed by your key"}

// classify turns any error into the Error a client sees. Unknown errors are 500s
// whose cause is logged, never shown.
func classify(err error) *Error {
	var e *Error
	var te *onboarding.TransitionError
	var ie *input.Error
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &te):
		return transitionStatus(te)
	case errors.As(err, &ie):
		return &Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: ie.Error()}
	case store.IsUnavailable(err):
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", RetryAfter: outageRetryAfter,
			Message: "the database is unavailable; try again shortly", cause: err}
	case errors.As(err, &tooBig):
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
			Message: fmt.Sprintf("request body is over the %d-byte limit", tooBig.Limit)}
	case errors.Is(err, store.ErrNotFound):
		return notFound("resource")
	case errors.Is(err, store.ErrConflict):
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: "that already exists", cause: err}
	case errors.Is(err, engine.ErrUnavailable):
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", RetryAfter: outageRetryAfter,
			Message: engine.ErrUnavailable.Error()}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "something went wrong on our side; it has been logged", cause: err}
}

// transitionStatus maps a refused task action: an unknown task is not found and bad input
// is a bad request like any other; the rest are 409s whose codes say what the state forbids.
func transitionStatus(te *onboarding.TransitionError) *Error {
	switch te.Code {
	case onboarding.CodeUnknownTask:
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: te.Message}
	case onboarding.CodeInvalidInput:
		return &Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: te.Message}
	}
	return &Error{Status: http.StatusConflict, Code: te.Code, Message: te.Message}
}

// renderErrors is the one place errors become responses: JSON under /api, an error
// page elsewhere. Every 5xx is logged with its cause.
func (s *Server) renderErrors(c *gin.Context) {
	c.Next()
	s.writeError(c)
}

// writeError answers with the last error recorded on c, unless a response was written;
// a 5xx is logged with its cause either way (a page that failed half-way answered already).
func (s *Server) writeError(c *gin.Context) {
	if len(c.Errors) == 0 {
		return
	}
	e := classify(c.Errors.Last().Err)
	if e.Status >= 500 {
		s.log.Error("request failed", "method", c.Request.Method, "path", c.FullPath(), "status", e.Status, "error", c.Errors.Last().Err)
	}
	if c.Writer.Written() {
		return
	}
	if e.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	if wantsJSON(c) {
		c.JSON(e.Status, gin.H{"error": gin.H{"code": e.Code, "message": e.Message}})
		return
	}
	s.pages.render(c, e.Status, "error", errorPage{Title: http.StatusText(e.Status), Message: e.Message})
}

func wantsJSON(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/api/") || c.GetHeader("Accept") == "application/json"
}
