package onboarding

import "time"

// Reschedule moves the target go-live (TaskKey empty), one task's due date, or the
// start date (StartDate set) to a day.
type Reschedule struct {
	RequestID string `json:"request_id"`
	// TaskKey names the task whose due date moves; empty moves the target go-live.
	TaskKey string `json:"task_key,omitempty"`
	// StartDate moves the onboarding's start instead: every open task's due date is
	// computed again from the plan.
	StartDate bool `json:"start_date,omitempty"`
	// Day is the new calendar day (UTC midnight); a task is due at its end in the
	// onboarding's time zone.
	Day   time.Time `json:"day"`
	Actor string    `json:"actor"`
	// TimeZone is the account's, for an onboarding from before the state kept it.
	TimeZone string `json:"time_zone,omitempty"`
}

// ValidateReschedule checks a reschedule against the state without changing anything:
// the onboarding is open, the task exists and is not done, and the day lies between the
// start date and DateWindowYears from now.
func (s *State) ValidateReschedule(r Reschedule, now time.Time) error {
	if s.Seen(r.RequestID) {
		return nil
	}
	if s.Terminal() {
		return reject(CodeOnboardingClosed, "the onboarding is %s", s.Status.Label())
	}
	field := "target_go_live"
	if r.StartDate {
		field = "start_date"
		if r.TaskKey != "" {
			return reject(CodeInvalidInput, "start_date: moves the whole onboarding, not one task")
		}
		if !r.Day.IsZero() && Day(r.Day).Before(Day(now).AddDate(-DateWindowYears, 0, 0)) {
			return reject(CodeInvalidInput, "start_date: %s is more than %d years ago", Day(r.Day).Format(time.DateOnly), DateWindowYears)
		}
	}
	if r.TaskKey != "" {
		field = "due_date"
		ts, ok := s.Task(r.TaskKey)
		if !ok {
			return reject(CodeUnknownTask, "there is no task %q in this onboarding", r.TaskKey)
		}
		if ts.Status.Done() {
			return reject(CodeInvalidTransition, "task %q is %s: reopen it before moving its due date", r.TaskKey, ts.Status.Label())
		}
	}
	day := Day(r.Day)
	switch {
	case r.Day.IsZero():
		return reject(CodeInvalidInput, "%s: give a date such as 2026-03-31", field)
	case r.StartDate && day.After(s.TargetGoLive):
		return reject(CodeInvalidInput, "start_date: %s is after the target go-live %s: move the target first",
			day.Format(time.DateOnly), s.TargetGoLive.Format(time.DateOnly))
	case day.Before(s.StartDate) && !r.StartDate:
		return reject(CodeInvalidInput, "%s: %s is before the start date %s", field, day.Format(time.DateOnly), s.StartDate.Format(time.DateOnly))
	case day.After(Day(now).AddDate(DateWindowYears, 0, 0)):
		return reject(CodeInvalidInput, "%s: %s is more than %d years from today", field, day.Format(time.DateOnly), DateWindowYears)
	}
	return nil
}

// ApplyReschedule validates and applies a reschedule at now; it reports whether the
// state changed. A task moved later is reminded afresh of its new date (its coming-due
// and due-day reminders go again); health and the forecast follow at once, and so do the
// workflow's timers, which are computed from the state.
func (s *State) ApplyReschedule(r Reschedule, now time.Time) (bool, error) {
	if err := s.ValidateReschedule(r, now); err != nil {
		return false, err
	}
	if s.Seen(r.RequestID) {
		return false, nil
	}
	s.SetTimeZone(r.TimeZone)
	day := Day(r.Day)
	switch {
	case r.StartDate:
		if day.Equal(s.StartDate) {
			return false, nil
		}
		s.StartDate = day
		loc := s.Location()
		due := dueDates(s.Plan, time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc), loc, s.Holidays)
		for i := range s.Tasks {
			ts := &s.Tasks[i]
			if ts.Status.Done() || due[ts.Key].IsZero() {
				continue
			}
			if due[ts.Key].After(ts.DueAt) && ts.Reminded > levelTurn {
				ts.Reminded = levelTurn
			}
			ts.DueAt = due[ts.Key]
		}
	case r.TaskKey == "":
		if day.Equal(s.TargetGoLive) {
			return false, nil // already so: nothing to change or record
		}
		s.TargetGoLive = day
	default:
		ts, _ := s.Task(r.TaskKey)
		due := endOfDay(time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, s.Location()))
		if due.Equal(ts.DueAt) {
			return false, nil
		}
		if due.After(ts.DueAt) && ts.Reminded > levelTurn {
			ts.Reminded = levelTurn
		}
		ts.DueAt = due
	}
	s.remember(r.RequestID)
	s.Health = s.ComputeHealth(now)
	s.refreshForecast(now)
	s.Version++
	return true, nil
}
