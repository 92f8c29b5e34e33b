package onboarding

import (
	"slices"
	"time"
)

// AddBusinessDays returns the date n working days (Monday to Friday) after d.
// A start on a weekend first moves to the next Monday.
func AddBusinessDays(d time.Time, n int) time.Time { return addWorkdays(d, n, nil) }

// addWorkdays is AddBusinessDays that also skips the holidays (dates "2026-12-25").
func addWorkdays(d time.Time, n int, holidays []string) time.Time {
	for !workday(d, holidays) {
		d = d.AddDate(0, 0, 1)
	}
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if workday(d, holidays) {
			n--
		}
	}
	return d
}

// workday reports whether d's calendar date is a weekday and not a holiday.
func workday(d time.Time, holidays []string) bool {
	if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		return false
	}
	_, holiday := slices.BinarySearch(holidays, d.Format(time.DateOnly))
	return !holiday
}

// DueDates computes every task's due moment: the end of its due day in loc.
// Offsets count from the start date or the phase's planned start.
func DueDates(p Plan, start time.Time, loc *time.Location) map[string]time.Time {
	return dueDates(p, start, loc, nil)
}

// dueDates is DueDates with business days that skip the holidays (sorted dates).
func dueDates(p Plan, start time.Time, loc *time.Location, holidays []string) map[string]time.Time {
	if loc == nil {
		loc = time.UTC
	}
	day := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, loc)
	due := make(map[string]time.Time, p.TaskCount())
	for _, ph := range p.Phases {
		phaseStart := addWorkdays(day, ph.StartOffsetDays, holidays)
		for _, t := range ph.Tasks {
			base := day
			if t.DueFrom == DueFromPhase {
				base = phaseStart
			}
			var d time.Time
			if t.CalendarDays {
				d = base.AddDate(0, 0, t.DueOffsetDays)
			} else {
				d = addWorkdays(base, t.DueOffsetDays, holidays)
			}
			due[t.Key] = endOfDay(d)
		}
	}
	return due
}

func endOfDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, d.Location()).UTC()
}
