package onboarding

import "time"

// AddBusinessDays returns the date n working days (Monday to Friday) after d.
// A start on a weekend first moves to the next Monday.
func AddBusinessDays(d time.Time, n int) time.Time {
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday {
			n--
		}
	}
	return d
}

// DueDates computes every task's due moment: the end of its due day in loc.
// Offsets count from the start date or the phase's planned start.
func DueDates(p Plan, start time.Time, loc *time.Location) map[string]time.Time {
	if loc == nil {
		loc = time.UTC
	}
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc)
	due := make(map[string]time.Time, p.TaskCount())
	for _, ph := range p.Phases {
		phaseStart := AddBusinessDays(day, ph.StartOffsetDays)
		for _, t := range ph.Tasks {
			base := day
			if t.DueFrom == DueFromPhase {
				base = phaseStart
			}
			var d time.Time
			if t.CalendarDays {
				d = base.AddDate(0, 0, t.DueOffsetDays)
			} else {
				d = AddBusinessDays(base, t.DueOffsetDays)
			}
			due[t.Key] = endOfDay(d)
		}
	}
	return due
}

func endOfDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, d.Location()).UTC()
}
