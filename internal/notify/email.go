package notify

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Email is one email to one recipient.
type Email struct {
	// Key is the message's idempotency key: sending the same key twice delivers once.
	Key string
	// WorkspaceID is the vendor the email is sent for.
	WorkspaceID string
	From        string
	To          string
	Subject     string
	HTML        string
	Text        string
	// Tags label the email at the provider (kind, workspace), for its own logs.
	Tags map[string]string
}

// EmailSender delivers email. Send returns the provider's id for the message. A send the
// provider refuses for good is a *SendError with Permanent set; one worth retrying may
// say how long to wait.
type EmailSender interface {
	Send(ctx context.Context, e Email) (string, error)
	// Provider names where email goes: "resend" or "outbox".
	Provider() string
}

// SendError is a send that failed, saying whether a retry can help.
type SendError struct {
	// Permanent is true when retrying cannot help: an invalid address, a refused sender.
	Permanent bool
	// RetryAfter is how long the provider asked to wait (a 429's Retry-After); zero if it did not say.
	RetryAfter time.Duration
	Err        error
}

func (e *SendError) Error() string {
	if e.Permanent {
		return fmt.Sprintf("refused for good: %v", e.Err)
	}
	return e.Err.Error()
}

func (e *SendError) Unwrap() error { return e.Err }

// IsPermanent reports whether err says a retry cannot help.
func IsPermanent(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Permanent
}

// RetryDelay returns how long a provider asked to wait before the next attempt, or zero.
func RetryDelay(err error) time.Duration {
	var se *SendError
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	return 0
}
