package onboarding

import (
	"errors"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/input"
)

func TestReminderSettings(t *testing.T) {
	def := DefaultReminderSettings()
	if err := def.Check(); err != nil {
		t.Fatalf("the default settings are refused: %v", err)
	}
	if def.Policy() != DefaultReminderPolicy() {
		t.Fatalf("settings do not round-trip the default policy: %+v", def.Policy())
	}
	for _, tc := range []struct {
		change func(*ReminderSettings)
		field  string
	}{
		{func(r *ReminderSettings) { r.TurnDelayMinutes = -1 }, "turn_delay_minutes"},
		{func(r *ReminderSettings) { r.TurnDelayMinutes = MaxTurnDelayMinutes + 1 }, "turn_delay_minutes"},
		{func(r *ReminderSettings) { r.BeforeDays = MaxBeforeDays + 1 }, "before_days"},
		{func(r *ReminderSettings) { r.OverdueEveryDays = 0 }, "overdue_every_days"},
		{func(r *ReminderSettings) { r.OverdueCap = MaxOverdueCap + 1 }, "overdue_cap"},
		{func(r *ReminderSettings) { r.WindowStartHour = 24 }, "window_start_hour"},
		{func(r *ReminderSettings) { r.WindowEndHour = 25 }, "window_end_hour"},
		{func(r *ReminderSettings) { r.WindowStartHour, r.WindowEndHour = 12, 12 }, "window_end_hour"},
		{func(r *ReminderSettings) { r.BlockedAfterHours = 0 }, "blocked_after_hours"},
		{func(r *ReminderSettings) { r.StaleAfterDays = MaxStaleAfterDays + 1 }, "stale_after_days"},
	} {
		r := def
		tc.change(&r)
		var ie *input.Error
		if err := r.Check(); !errors.As(err, &ie) || ie.Field != tc.field {
			t.Errorf("%+v: %v, want a refusal of %s", r, err, tc.field)
		}
	}
	edge := ReminderSettings{TurnDelayMinutes: 0, BeforeDays: 0, OverdueEveryDays: 1, OverdueCap: 0, WindowStartHour: 0,
		WindowEndHour: 24, BlockedAfterHours: 1, StaleAfterDays: 0}
	if err := edge.Check(); err != nil {
		t.Errorf("the edges are refused: %v", err)
	}
	if p := edge.Policy(); p.StaleAfter != 0 || p.BlockedAfter != time.Hour || SettingsOf(p) != edge {
		t.Errorf("edge policy %+v", p)
	}

	// A new onboarding takes the workspace's policy; without one, the default.
	s, err := New(NewInput{OnboardingID: "o", Plan: testPlan(), Now: time.Now(), Reminders: &edge})
	if err != nil || s.ReminderPolicyAtStart() != edge.Policy() {
		t.Fatalf("policy at start: %+v %v", s.WorkspacePolicy, err)
	}
	if s, _ := New(NewInput{OnboardingID: "o", Plan: testPlan(), Now: time.Now()}); s.ReminderPolicyAtStart() != DefaultReminderPolicy() {
		t.Error("without a workspace policy the default does not apply")
	}
	bad := def
	bad.OverdueCap = -1
	if _, err := New(NewInput{OnboardingID: "o", Plan: testPlan(), Now: time.Now(), Reminders: &bad}); err == nil {
		t.Error("a bad policy was accepted at start")
	}
}
