package onboarding

import "time"

// ComputeForecast projects the go-live day at now from how late the work is running. A
// task finishes on its due date unless it slips: an overdue task is projected to finish a
// day from now (two while blocked), and a task inherits the slip of anything it waits on.
// The forecast is the day the last required task is projected to finish, in the
// onboarding's time zone; an onboarding already live forecasts the day it went live.
func (s *State) ComputeForecast(now time.Time) time.Time {
	loc := s.Location()
	if !s.WentLiveAt.IsZero() {
		return Day(s.WentLiveAt.In(loc))
	}
	slips := make(map[string]time.Duration, len(s.Tasks))
	var slip func(key string, depth int) time.Duration
	slip = func(key string, depth int) time.Duration {
		if d, ok := slips[key]; ok {
			return d
		}
		t, _, okPlan := s.Plan.Task(key)
		ts, okState := s.Task(key)
		if !okPlan || !okState || ts.DueAt.IsZero() || depth > len(s.Tasks) { // plans have no cycles; be safe
			return 0
		}
		var d time.Duration
		if ts.Status.Done() {
			d = ts.CompletedAt.Sub(ts.DueAt)
		} else {
			for _, dep := range t.DependsOn {
				d = max(d, slip(dep, depth+1))
			}
			if now.After(ts.DueAt) {
				left := 24 * time.Hour
				if ts.Status == TaskBlocked {
					left *= 2
				}
				d = max(d, now.Add(left).Sub(ts.DueAt))
			}
		}
		d = max(d, 0)
		slips[key] = d
		return d
	}
	var last time.Time
	for _, ph := range s.Plan.Phases {
		for _, t := range ph.Tasks {
			if ts, ok := s.Task(t.Key); ok && t.Required && !ts.DueAt.IsZero() {
				last = later(last, ts.DueAt.Add(slip(t.Key, 0)))
			}
		}
	}
	if last.IsZero() {
		return s.TargetGoLive
	}
	return Day(last.In(loc))
}

// refreshForecast recomputes the forecast once nudging is on (runs from before it keep
// none) and reports whether it moved.
func (s *State) refreshForecast(now time.Time) bool {
	if s.Nudging == nil {
		return false
	}
	f := s.ComputeForecast(now)
	if f.Equal(s.Forecast) {
		return false
	}
	s.Forecast = f
	return true
}

// Outcome sums up a finished (or cancelled) onboarding.
type Outcome struct {
	// DaysToGoLive counts calendar days from the start date to go-live (zero if never live).
	DaysToGoLive int `json:"days_to_go_live,omitempty"`
	// DaysLate is go-live's day less the target's: negative when early, zero on time.
	DaysLate int  `json:"days_late,omitempty"`
	OnTime   bool `json:"on_time,omitempty"`
	// BlockedHours is how long tasks were blocked in all.
	BlockedHours float64 `json:"blocked_hours,omitempty"`
	// WentLiveBy is who did the last task go-live waited for.
	WentLiveBy string `json:"went_live_by,omitempty"`
}

// Outcome sums up the onboarding at now.
func (s *State) Outcome(now time.Time) Outcome {
	out := Outcome{BlockedHours: s.TimeBlocked(now).Hours(), WentLiveBy: s.WentLiveBy}
	if s.WentLiveAt.IsZero() {
		return out
	}
	live := Day(s.WentLiveAt.In(s.Location()))
	out.DaysToGoLive = int(live.Sub(s.StartDate).Hours() / 24)
	out.DaysLate = int(live.Sub(s.TargetGoLive).Hours() / 24)
	out.OnTime = out.DaysLate <= 0
	return out
}
