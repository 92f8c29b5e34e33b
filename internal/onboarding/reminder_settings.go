package onboarding

import (
	"time"

	"github.com/onboard-oss/onboard/internal/input"
)

// ReminderSettings is a workspace's reminder policy in the units people set it in
// (minutes, hours, days), as workspace settings and the API show it. Policy turns it into
// the ReminderPolicy the workflow runs.
type ReminderSettings struct {
	TurnDelayMinutes  int  `json:"turn_delay_minutes"`
	BeforeDays        int  `json:"before_days"`
	OverdueEveryDays  int  `json:"overdue_every_days"`
	OverdueCap        int  `json:"overdue_cap"`
	WindowStartHour   int  `json:"window_start_hour"`
	WindowEndHour     int  `json:"window_end_hour"`
	BlockedAfterHours int  `json:"blocked_after_hours"`
	StaleAfterDays    int  `json:"stale_after_days"`
	ShiftOnResume     bool `json:"shift_on_resume"`
}

// Limits of ReminderSettings beyond those of a ReminderOverride.
const (
	MaxTurnDelayMinutes  = 24 * 60
	MaxBlockedAfterHours = 30 * 24
	MaxStaleAfterDays    = 90
)

// DefaultReminderSettings is DefaultReminderPolicy in settings' units.
func DefaultReminderSettings() ReminderSettings { return SettingsOf(DefaultReminderPolicy()) }

// SettingsOf is p in settings' units.
func SettingsOf(p ReminderPolicy) ReminderSettings {
	return ReminderSettings{TurnDelayMinutes: int(p.TurnDelay / time.Minute), BeforeDays: p.BeforeDays,
		OverdueEveryDays: p.OverdueEveryDays, OverdueCap: p.OverdueCap, WindowStartHour: p.WindowStartHour,
		WindowEndHour: p.WindowEndHour, BlockedAfterHours: int(p.BlockedAfter / time.Hour),
		StaleAfterDays: int(p.StaleAfter / (24 * time.Hour)), ShiftOnResume: p.ShiftOnResume}
}

// Policy is the ReminderPolicy the settings describe (Check them first).
func (r ReminderSettings) Policy() ReminderPolicy {
	return ReminderPolicy{TurnDelay: time.Duration(r.TurnDelayMinutes) * time.Minute, BeforeDays: r.BeforeDays,
		OverdueEveryDays: r.OverdueEveryDays, OverdueCap: r.OverdueCap, WindowStartHour: r.WindowStartHour,
		WindowEndHour: r.WindowEndHour, BlockedAfter: time.Duration(r.BlockedAfterHours) * time.Hour,
		StaleAfter: time.Duration(r.StaleAfterDays) * 24 * time.Hour, ShiftOnResume: r.ShiftOnResume}
}

// Check returns an *input.Error naming the first setting out of range: the sending
// window must hold at least an hour of the day, and every reminder and escalation must
// be able to happen.
func (r ReminderSettings) Check() error {
	for _, f := range []struct {
		name      string
		v, lo, hi int
		unit      string
	}{
		{"turn_delay_minutes", r.TurnDelayMinutes, 0, MaxTurnDelayMinutes, "minutes"},
		{"before_days", r.BeforeDays, 0, MaxBeforeDays, "business days"},
		{"overdue_every_days", r.OverdueEveryDays, 1, MaxOverdueEveryDays, "days"},
		{"overdue_cap", r.OverdueCap, 0, MaxOverdueCap, "reminders"},
		{"window_start_hour", r.WindowStartHour, 0, 23, "(an hour of the day)"},
		{"window_end_hour", r.WindowEndHour, 1, 24, "(an hour of the day)"},
		{"blocked_after_hours", r.BlockedAfterHours, 1, MaxBlockedAfterHours, "hours"},
		{"stale_after_days", r.StaleAfterDays, 0, MaxStaleAfterDays, "days (0: never)"},
	} {
		if f.v < f.lo || f.v > f.hi {
			return input.Refuse(f.name, "must be from %d to %d %s", f.lo, f.hi, f.unit)
		}
	}
	if r.WindowEndHour <= r.WindowStartHour {
		return input.Refuse("window_end_hour", "must be after window_start_hour (%d)", r.WindowStartHour)
	}
	return nil
}

// ReminderPolicyAtStart is the policy reminders begin with: the workspace's when the
// onboarding started, else the default.
func (s *State) ReminderPolicyAtStart() ReminderPolicy {
	if s.WorkspacePolicy != nil {
		return *s.WorkspacePolicy
	}
	return DefaultReminderPolicy()
}
