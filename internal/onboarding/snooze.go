package onboarding

import (
	"time"
)

// MaxSnooze is the longest a reminder can be put off at once.
const MaxSnooze = 14 * 24 * time.Hour

// SnoozeFor is how long "Remind me in 2 days" (portal, email, Slack) puts reminders off.
const SnoozeFor = 48 * time.Hour

// SnoozeRequest puts off the reminders about some of the customer's tasks until a moment.
type SnoozeRequest struct {
	RequestID string    `json:"request_id"`
	Tasks     []string  `json:"tasks"`
	Until     time.Time `json:"until"`
	Actor     string    `json:"actor"`
	// ActorSide is who snoozes: a customer (or a request without it) snoozes reminders of
	// the customer's tasks only; the vendor's staff may snooze those and their own.
	ActorSide Owner `json:"actor_side,omitempty"`
}

// ValidateSnooze checks a snooze against the state without changing anything: every task
// is the customer's (or the vendor's, snoozed by staff) and open, and the moment lies ahead, at most MaxSnooze from now.
// Snoozing a task that was done meanwhile is not an error: there is nothing left to remind.
func (s *State) ValidateSnooze(r SnoozeRequest, now time.Time) error {
	if s.Seen(r.RequestID) {
		return nil
	}
	if s.Terminal() {
		return reject(CodeOnboardingClosed, "the onboarding is %s", s.Status.Label())
	}
	if len(r.Tasks) == 0 || len(r.Tasks) > len(s.Tasks) {
		return reject(CodeInvalidInput, "tasks: name the tasks to snooze")
	}
	for _, key := range r.Tasks {
		t, _, ok := s.Plan.Task(key)
		if !ok {
			return reject(CodeUnknownTask, "there is no task %q in this onboarding", key)
		}
		if t.Owner != OwnerCustomer && r.ActorSide != OwnerVendor {
			return reject(CodeInvalidInput, "task %q is the vendor's: there are no reminders to snooze", key)
		}
	}
	if !r.Until.After(now) || r.Until.Sub(now) > MaxSnooze {
		return reject(CodeInvalidInput, "until: a moment in the next %d days", int(MaxSnooze.Hours()/24))
	}
	return nil
}

// ApplySnooze validates and applies a snooze at now; it reports whether the state changed.
func (s *State) ApplySnooze(r SnoozeRequest, now time.Time) (bool, error) {
	if err := s.ValidateSnooze(r, now); err != nil {
		return false, err
	}
	if s.Seen(r.RequestID) {
		return false, nil
	}
	for _, key := range r.Tasks {
		if ts, ok := s.Task(key); ok && !ts.Status.Done() {
			ts.SnoozedUntil = later(ts.SnoozedUntil, r.Until)
		}
	}
	s.remember(r.RequestID)
	s.Version++
	return true, nil
}
