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
