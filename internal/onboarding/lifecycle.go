package onboarding

import (
	"strings"
	"time"
	"unicode/utf8"
)

// LifecycleAction is something staff do to a whole onboarding.
type LifecycleAction string

// Lifecycle actions.
const (
	LifecyclePause  LifecycleAction = "pause"
	LifecycleResume LifecycleAction = "resume"
	LifecycleCancel LifecycleAction = "cancel"
)

// LifecycleActions lists every lifecycle action.
var LifecycleActions = []LifecycleAction{LifecyclePause, LifecycleResume, LifecycleCancel}

// ParseLifecycleAction returns the lifecycle action named s.
func ParseLifecycleAction(s string) (LifecycleAction, bool) {
	for _, a := range LifecycleActions {
		if string(a) == s {
			return a, true
		}
	}
	return "", false
}

// Label returns the action as a button says it: "Pause".
func (a LifecycleAction) Label() string { return lifecycleActionLabels[a] }

var lifecycleActionLabels = map[LifecycleAction]string{LifecyclePause: "Pause", LifecycleResume: "Resume", LifecycleCancel: "Cancel onboarding"}

// NeedsReason reports whether the action must say why.
func (a LifecycleAction) NeedsReason() bool { return a == LifecycleCancel }

// lifecycleFrom says from which onboarding statuses each lifecycle action may be taken.
var lifecycleFrom = map[LifecycleAction][]Status{
	LifecyclePause:  {StatusActive},
	LifecycleResume: {StatusPaused},
	LifecycleCancel: {StatusActive, StatusPaused, StatusLive},
}

// LifecycleActionsFrom lists the lifecycle actions an onboarding in status s may take.
func LifecycleActionsFrom(s Status) []LifecycleAction {
	var out []LifecycleAction
	for _, a := range LifecycleActions {
		for _, from := range lifecycleFrom[a] {
			if from == s {
				out = append(out, a)
			}
		}
	}
	return out
}

// LifecycleRequest is one requested pause, resume or cancel.
type LifecycleRequest struct {
	RequestID string          `json:"request_id"`
	Action    LifecycleAction `json:"action"`
	Reason    string          `json:"reason,omitempty"`
	Actor     string          `json:"actor"`
	// TimeZone is the account's, for an onboarding from before the state kept it.
	TimeZone string `json:"time_zone,omitempty"`
}

// ValidateLifecycle checks a lifecycle request against the state without changing it.
func (s *State) ValidateLifecycle(r LifecycleRequest) error {
	if s.Seen(r.RequestID) {
		return nil
	}
	from, ok := lifecycleFrom[r.Action]
	if !ok {
		return reject(CodeInvalidInput, "unknown action %q: want one of pause, resume, cancel", r.Action)
	}
	reason := strings.TrimSpace(r.Reason)
	switch {
	case r.Action.NeedsReason() && reason == "":
		return reject(CodeInvalidInput, "reason: say why the onboarding is cancelled")
	case utf8.RuneCountInString(reason) > MaxReasonLength:
		return reject(CodeInvalidInput, "reason: at most %d characters", MaxReasonLength)
	case !PlainText(reason):
		return reject(CodeInvalidInput, "reason: must be plain text, without control characters")
	}
	for _, st := range from {
		if st == s.Status {
			return nil
		}
	}
	if s.Terminal() {
		return reject(CodeOnboardingClosed, "the onboarding is %s", s.Status.Label())
	}
	return reject(CodeInvalidTransition, "cannot %s an onboarding that is %s", r.Action, s.Status.Label())
}

// ApplyLifecycle validates and performs a lifecycle request at now; it reports whether
// the state changed (a repeated request ID changes nothing). While paused nothing falls
// due and nothing is sent; on resume, when the policy says so, every open due date and
// the target go-live move by the whole days the onboarding was paused, and the paused
// time does not count as customer inactivity.
func (s *State) ApplyLifecycle(r LifecycleRequest, now time.Time) (bool, error) {
	if err := s.ValidateLifecycle(r); err != nil {
		return false, err
	}
	if s.Seen(r.RequestID) {
		return false, nil
	}
	s.SetTimeZone(r.TimeZone)
	switch r.Action {
	case LifecyclePause:
		s.Status, s.PausedAt = StatusPaused, now
	case LifecycleResume:
		s.resume(now)
	case LifecycleCancel:
		s.Status, s.CloseReason = StatusCancelled, strings.TrimSpace(r.Reason)
	}
	s.remember(r.RequestID)
	s.Health = s.ComputeHealth(now)
	s.refreshForecast(now)
	s.Version++
	return true, nil
}

func (s *State) resume(now time.Time) {
	paused := now.Sub(s.PausedAt)
	s.Status, s.PausedAt = StatusActive, time.Time{}
	if paused <= 0 {
		return
	}
	s.LastCustomerActivity = s.LastCustomerActivity.Add(paused)
	for i := range s.Tasks { // paused time neither counts as blocked nor uses up a snooze
		ts := &s.Tasks[i]
		if !ts.BlockedAt.IsZero() {
			ts.BlockedAt = ts.BlockedAt.Add(paused)
		}
		if !ts.SnoozedUntil.IsZero() {
			ts.SnoozedUntil = ts.SnoozedUntil.Add(paused)
		}
	}
	if s.Nudging != nil && !s.Nudging.Policy.ShiftOnResume {
		return
	}
	loc := s.Location()
	days := int(Day(now.In(loc)).Sub(Day(now.Add(-paused).In(loc))) / (24 * time.Hour))
	if days <= 0 {
		return
	}
	for i := range s.Tasks {
		if ts := &s.Tasks[i]; !ts.Status.Done() && !ts.DueAt.IsZero() {
			ts.DueAt = ts.DueAt.In(loc).AddDate(0, 0, days).UTC()
		}
	}
	s.TargetGoLive = s.TargetGoLive.AddDate(0, 0, days)
}
