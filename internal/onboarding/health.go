package onboarding

import "time"

// Health thresholds. A share of overdue tasks at or over OffTrackOverdueShare, or
// OffTrackIdle without customer activity, is Off Track; any overdue task or AtRiskIdle
// without activity is At Risk.
const (
	OffTrackOverdueShare = 0.25
	AtRiskIdle           = 7 * 24 * time.Hour
	OffTrackIdle         = 14 * 24 * time.Hour
)

// Overdue reports whether a task is past its due moment and not done.
func (t TaskState) Overdue(now time.Time) bool { return Overdue(t.Status, t.DueAt, now) }

// Overdue reports whether a task in status s, due at due (zero: no due date), is overdue at now.
func Overdue(s TaskStatus, due, now time.Time) bool {
	return !s.Done() && !due.IsZero() && now.After(due)
}

// ComputeHealth derives health at now from the share of due tasks that are overdue and
// from the time since the customer last acted. Only active onboardings can be at risk.
func (s *State) ComputeHealth(now time.Time) Health {
	if s.Status != StatusActive {
		return HealthOnTrack
	}
	due, overdue := 0, 0
	for _, t := range s.Tasks {
		if t.DueAt.IsZero() || now.Before(t.DueAt) {
			continue
		}
		due++
		if t.Overdue(now) {
			overdue++
		}
	}
	idle := now.Sub(s.LastCustomerActivity)
	switch {
	case due > 0 && float64(overdue)/float64(due) >= OffTrackOverdueShare, idle >= OffTrackIdle:
		return HealthOffTrack
	case overdue > 0, idle >= AtRiskIdle:
		return HealthAtRisk
	}
	return HealthOnTrack
}

// RefreshHealth recomputes health (and, once nudging is on, the forecast go-live) at now
// and reports whether either changed; a change raises the version so the read model
// takes it.
func (s *State) RefreshHealth(now time.Time) bool {
	before := s.Status
	if s.Nudging != nil {
		s.refreshStatus(now) // the hypercare period may have ended
	}
	h := s.ComputeHealth(now)
	moved := s.refreshForecast(now)
	if h == s.Health && !moved && s.Status == before {
		return false
	}
	s.Health = h
	s.Version++
	return true
}

// NextWakeUp returns the next moment after now at which health can change by itself
// (a task falling due, an idle threshold passing) or, once nudging is on, a reminder or
// an escalation falls due, and what happens then.
// It returns the zero time when nothing is scheduled.
func (s *State) NextWakeUp(now time.Time) (time.Time, string) {
	var next time.Time
	why := ""
	consider := func(t time.Time, reason string) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next, why = t, reason
		}
	}
	if s.Status == StatusLive && s.Nudging != nil {
		// Hypercare: the customer is still reminded of what is left, until it ends.
		if s.Plan.HypercareDays > 0 {
			consider(s.HypercareEnds(), "hypercare ends")
		}
		if t, reason := s.nextReminder(now); !t.IsZero() {
			consider(t, reason)
		}
	}
	if s.Status != StatusActive {
		return next, why
	}
	for _, t := range s.Tasks {
		if !t.Status.Done() {
			consider(t.DueAt.Add(time.Second), "task "+t.Key+" falls due")
		}
	}
	consider(s.LastCustomerActivity.Add(AtRiskIdle), "customer idle for 7 days")
	consider(s.LastCustomerActivity.Add(OffTrackIdle), "customer idle for 14 days")
	if s.Nudging != nil {
		for _, moment := range []func(time.Time) (time.Time, string){s.nextReminder, s.nextEscalation} {
			if t, reason := moment(now); !t.IsZero() {
				consider(t, reason)
			}
		}
	}
	return next, why
}
