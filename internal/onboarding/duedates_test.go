package onboarding

import (
	"reflect"
	"testing"
	"time"
	_ "time/tzdata" // the tests load America/New_York and Asia/Tokyo wherever they run
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func endOfDayUTC(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 23, 59, 59, 0, time.UTC)
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

func TestAddBusinessDays(t *testing.T) {
	// March 2025: Mon 3, Fri 7, Sat 8, Sun 9, Mon 10, Mon 17.
	tests := []struct {
		name string
		from time.Time
		n    int
		want time.Time
	}{
		{"Monday + 0", date(2025, 3, 3), 0, date(2025, 3, 3)},
		{"Monday + 1", date(2025, 3, 3), 1, date(2025, 3, 4)},
		{"Monday + 4", date(2025, 3, 3), 4, date(2025, 3, 7)},
		{"Monday + 5", date(2025, 3, 3), 5, date(2025, 3, 10)},
		{"Monday + 10", date(2025, 3, 3), 10, date(2025, 3, 17)},
		{"Wednesday + 3", date(2025, 3, 5), 3, date(2025, 3, 10)},
		{"Friday + 0", date(2025, 3, 7), 0, date(2025, 3, 7)},
		{"Friday + 1 = Monday", date(2025, 3, 7), 1, date(2025, 3, 10)},
		{"Friday + 2", date(2025, 3, 7), 2, date(2025, 3, 11)},
		{"Friday + 5", date(2025, 3, 7), 5, date(2025, 3, 14)},
		{"Saturday + 0 = Monday", date(2025, 3, 8), 0, date(2025, 3, 10)},
		{"Saturday + 1", date(2025, 3, 8), 1, date(2025, 3, 11)},
		{"Sunday + 0 = Monday", date(2025, 3, 9), 0, date(2025, 3, 10)},
		{"Sunday + 5", date(2025, 3, 9), 5, date(2025, 3, 17)},
		{"across a month end", date(2025, 2, 27), 2, date(2025, 3, 3)},
		{"across a year end", date(2025, 12, 31), 1, date(2026, 1, 1)},
		{"across a year end and a weekend", date(2026, 12, 31), 2, date(2027, 1, 4)},
		{"leap day", date(2024, 2, 28), 1, date(2024, 2, 29)},
		{"keeps the time of day", time.Date(2025, 3, 7, 15, 30, 0, 0, time.UTC), 1, time.Date(2025, 3, 10, 15, 30, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AddBusinessDays(tt.from, tt.n)
			if !got.Equal(tt.want) {
				t.Fatalf("AddBusinessDays(%s, %d) = %s, want %s", tt.from.Format("Mon 2006-01-02"), tt.n,
					got.Format("Mon 2006-01-02 15:04"), tt.want.Format("Mon 2006-01-02 15:04"))
			}
			if wd := got.Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Fatalf("landed on a %s", wd)
			}
		})
	}

	t.Run("keeps the wall clock across a DST change", func(t *testing.T) {
		ny := mustLoad(t, "America/New_York")
		// DST starts in New York on Sunday 9 March 2025.
		got := AddBusinessDays(time.Date(2025, 3, 7, 0, 0, 0, 0, ny), 1)
		want := time.Date(2025, 3, 10, 0, 0, 0, 0, ny)
		if !got.Equal(want) || got.Hour() != 0 || got.Location() != ny {
			t.Fatalf("got %s, want %s", got, want)
		}
	})

	t.Run("n business days never land on a weekend and grow monotonically", func(t *testing.T) {
		for start := date(2025, 1, 1); start.Before(date(2025, 2, 1)); start = start.AddDate(0, 0, 1) {
			prev := AddBusinessDays(start, 0)
			for n := 1; n <= 30; n++ {
				got := AddBusinessDays(start, n)
				if wd := got.Weekday(); wd == time.Saturday || wd == time.Sunday {
					t.Fatalf("%s + %d = %s, a weekend", start.Format("Mon 2006-01-02"), n, got.Format("Mon 2006-01-02"))
				}
				if !got.After(prev) {
					t.Fatalf("%s + %d = %s, not after %s", start.Format("2006-01-02"), n, got, prev)
				}
				prev = got
			}
		}
	})
}

// dueDatePlan exercises every way of anchoring a due date.
func dueDatePlan() Plan {
	return Plan{Key: "dates", Phases: []Phase{
		{Key: "first", StartOffsetDays: 0, Tasks: []Task{
			{Key: "b0", DueOffsetDays: 0, DueFrom: DueFromStart},
			{Key: "b1", DueOffsetDays: 1, DueFrom: DueFromStart},
			{Key: "b5", DueOffsetDays: 5, DueFrom: DueFromStart},
			{Key: "c1", DueOffsetDays: 1, DueFrom: DueFromStart, CalendarDays: true},
			{Key: "c2", DueOffsetDays: 2, DueFrom: DueFromStart, CalendarDays: true},
			{Key: "c3", DueOffsetDays: 3, DueFrom: DueFromStart, CalendarDays: true},
			{Key: "nofrom", DueOffsetDays: 1}, // an empty anchor counts from the start
			{Key: "first_p0", DueOffsetDays: 0, DueFrom: DueFromPhase},
			{Key: "first_pc1", DueOffsetDays: 1, DueFrom: DueFromPhase, CalendarDays: true},
		}},
		{Key: "second", StartOffsetDays: 2, Tasks: []Task{
			{Key: "p0", DueOffsetDays: 0, DueFrom: DueFromPhase},
			{Key: "p3", DueOffsetDays: 3, DueFrom: DueFromPhase},
			{Key: "pc4", DueOffsetDays: 4, DueFrom: DueFromPhase, CalendarDays: true},
			{Key: "s1", DueOffsetDays: 1, DueFrom: DueFromStart},
		}},
	}}
}

func TestDueDates(t *testing.T) {
	tests := []struct {
		name  string
		start time.Time
		loc   *time.Location
		want  map[string]time.Time
	}{
		{
			// Friday 7 March 2025; the second phase starts 2 business days later, Tuesday 11.
			name: "start on a Friday, UTC", start: date(2025, 3, 7), loc: time.UTC,
			want: map[string]time.Time{
				"b0": endOfDayUTC(2025, 3, 7), "b1": endOfDayUTC(2025, 3, 10), "b5": endOfDayUTC(2025, 3, 14),
				"c1": endOfDayUTC(2025, 3, 8), "c2": endOfDayUTC(2025, 3, 9), "c3": endOfDayUTC(2025, 3, 10),
				"nofrom": endOfDayUTC(2025, 3, 10), "first_p0": endOfDayUTC(2025, 3, 7), "first_pc1": endOfDayUTC(2025, 3, 8),
				"p0": endOfDayUTC(2025, 3, 11), "p3": endOfDayUTC(2025, 3, 14), "pc4": endOfDayUTC(2025, 3, 15),
				"s1": endOfDayUTC(2025, 3, 10),
			},
		},
		{
			name: "nil location is UTC", start: date(2025, 3, 7), loc: nil,
			want: map[string]time.Time{
				"b0": endOfDayUTC(2025, 3, 7), "b1": endOfDayUTC(2025, 3, 10), "b5": endOfDayUTC(2025, 3, 14),
				"c1": endOfDayUTC(2025, 3, 8), "c2": endOfDayUTC(2025, 3, 9), "c3": endOfDayUTC(2025, 3, 10),
				"nofrom": endOfDayUTC(2025, 3, 10), "first_p0": endOfDayUTC(2025, 3, 7), "first_pc1": endOfDayUTC(2025, 3, 8),
				"p0": endOfDayUTC(2025, 3, 11), "p3": endOfDayUTC(2025, 3, 14), "pc4": endOfDayUTC(2025, 3, 15),
				"s1": endOfDayUTC(2025, 3, 10),
			},
		},
		{
			name: "the time of day of the start does not matter", start: time.Date(2025, 3, 7, 18, 45, 0, 0, time.UTC), loc: time.UTC,
			want: map[string]time.Time{
				"b0": endOfDayUTC(2025, 3, 7), "b1": endOfDayUTC(2025, 3, 10), "b5": endOfDayUTC(2025, 3, 14),
				"c1": endOfDayUTC(2025, 3, 8), "c2": endOfDayUTC(2025, 3, 9), "c3": endOfDayUTC(2025, 3, 10),
				"nofrom": endOfDayUTC(2025, 3, 10), "first_p0": endOfDayUTC(2025, 3, 7), "first_pc1": endOfDayUTC(2025, 3, 8),
				"p0": endOfDayUTC(2025, 3, 11), "p3": endOfDayUTC(2025, 3, 14), "pc4": endOfDayUTC(2025, 3, 15),
				"s1": endOfDayUTC(2025, 3, 10),
			},
		},
		{
			// Saturday 8 March: business offsets count from Monday 10, calendar offsets from
			// Saturday; phase starts are business days, so they move to Monday too.
			name: "start on a Saturday", start: date(2025, 3, 8), loc: time.UTC,
			want: map[string]time.Time{
				"b0": endOfDayUTC(2025, 3, 10), "b1": endOfDayUTC(2025, 3, 11), "b5": endOfDayUTC(2025, 3, 17),
				"c1": endOfDayUTC(2025, 3, 9), "c2": endOfDayUTC(2025, 3, 10), "c3": endOfDayUTC(2025, 3, 11),
				"nofrom": endOfDayUTC(2025, 3, 11), "first_p0": endOfDayUTC(2025, 3, 10), "first_pc1": endOfDayUTC(2025, 3, 11),
				"p0": endOfDayUTC(2025, 3, 12), "p3": endOfDayUTC(2025, 3, 17), "pc4": endOfDayUTC(2025, 3, 16),
				"s1": endOfDayUTC(2025, 3, 11),
			},
		},
		{
			// New York is UTC-5 until Sunday 9 March 2025 02:00, UTC-4 after.
			name: "America/New_York across the DST change", start: date(2025, 3, 7), loc: mustLoad(t, "America/New_York"),
			want: map[string]time.Time{
				"b0":        time.Date(2025, 3, 8, 4, 59, 59, 0, time.UTC),  // Fri 7 23:59:59 EST
				"b1":        time.Date(2025, 3, 11, 3, 59, 59, 0, time.UTC), // Mon 10 23:59:59 EDT
				"b5":        time.Date(2025, 3, 15, 3, 59, 59, 0, time.UTC),
				"c1":        time.Date(2025, 3, 9, 4, 59, 59, 0, time.UTC),  // Sat 8, still EST
				"c2":        time.Date(2025, 3, 10, 3, 59, 59, 0, time.UTC), // Sun 9, already EDT
				"c3":        time.Date(2025, 3, 11, 3, 59, 59, 0, time.UTC),
				"nofrom":    time.Date(2025, 3, 11, 3, 59, 59, 0, time.UTC),
				"first_p0":  time.Date(2025, 3, 8, 4, 59, 59, 0, time.UTC),
				"first_pc1": time.Date(2025, 3, 9, 4, 59, 59, 0, time.UTC),
				"p0":        time.Date(2025, 3, 12, 3, 59, 59, 0, time.UTC),
				"p3":        time.Date(2025, 3, 15, 3, 59, 59, 0, time.UTC),
				"pc4":       time.Date(2025, 3, 16, 3, 59, 59, 0, time.UTC),
				"s1":        time.Date(2025, 3, 11, 3, 59, 59, 0, time.UTC),
			},
		},
		{
			// Tokyo is UTC+9: the end of a Tokyo day is mid-afternoon UTC the same day.
			name: "Asia/Tokyo", start: date(2025, 3, 7), loc: mustLoad(t, "Asia/Tokyo"),
			want: map[string]time.Time{
				"b0": time.Date(2025, 3, 7, 14, 59, 59, 0, time.UTC), "b1": time.Date(2025, 3, 10, 14, 59, 59, 0, time.UTC),
				"b5": time.Date(2025, 3, 14, 14, 59, 59, 0, time.UTC), "c1": time.Date(2025, 3, 8, 14, 59, 59, 0, time.UTC),
				"c2": time.Date(2025, 3, 9, 14, 59, 59, 0, time.UTC), "c3": time.Date(2025, 3, 10, 14, 59, 59, 0, time.UTC),
				"nofrom": time.Date(2025, 3, 10, 14, 59, 59, 0, time.UTC), "first_p0": time.Date(2025, 3, 7, 14, 59, 59, 0, time.UTC),
				"first_pc1": time.Date(2025, 3, 8, 14, 59, 59, 0, time.UTC), "p0": time.Date(2025, 3, 11, 14, 59, 59, 0, time.UTC),
				"p3": time.Date(2025, 3, 14, 14, 59, 59, 0, time.UTC), "pc4": time.Date(2025, 3, 15, 14, 59, 59, 0, time.UTC),
				"s1": time.Date(2025, 3, 10, 14, 59, 59, 0, time.UTC),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DueDates(dueDatePlan(), tt.start, tt.loc)
			if len(got) != len(tt.want) {
				t.Errorf("%d due dates, want %d", len(got), len(tt.want))
			}
			for key, want := range tt.want {
				g, ok := got[key]
				if !ok {
					t.Errorf("%s: no due date", key)
					continue
				}
				if !g.Equal(want) {
					t.Errorf("%s: due %s, want %s", key, g.Format(time.RFC3339), want.Format(time.RFC3339))
				}
				if g.Location() != time.UTC {
					t.Errorf("%s: location %s, want UTC", key, g.Location())
				}
			}
		})
	}

	t.Run("empty plan", func(t *testing.T) {
		if got := DueDates(Plan{}, date(2025, 3, 7), nil); got == nil || len(got) != 0 {
			t.Fatalf("got %#v, want an empty map", got)
		}
	})
}

func TestNew(t *testing.T) {
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	t.Run("defaults", func(t *testing.T) {
		in := NewInput{
			OnboardingID: "onb_1", WorkspaceID: "ws_1", AccountID: "acc_1", AccountName: "Acme",
			CSMEmail: "csm@vendor.test", Plan: testPlan(), StartDate: testStart, Now: now,
		}
		s := mustNew(t, in)
		if s.OnboardingID != "onb_1" || s.WorkspaceID != "ws_1" || s.AccountID != "acc_1" ||
			s.AccountName != "Acme" || s.CSMEmail != "csm@vendor.test" {
			t.Errorf("identity fields: %+v", s)
		}
		if !reflect.DeepEqual(s.Plan, testPlan()) {
			t.Errorf("plan not kept")
		}
		if s.Status != StatusActive || s.Health != HealthOnTrack || s.Version != 0 {
			t.Errorf("status %s health %s version %d", s.Status, s.Health, s.Version)
		}
		if !s.StartDate.Equal(testStart) || !s.LastCustomerActivity.Equal(now) || !s.WentLiveAt.IsZero() || s.Requests != nil {
			t.Errorf("start %v last activity %v went live %v requests %v", s.StartDate, s.LastCustomerActivity, s.WentLiveAt, s.Requests)
		}
		// Start Monday 3 March 2025, UTC; setup starts Mon 10, launch Mon 17.
		want := []struct {
			key string
			due time.Time
		}{
			{"welcome_call", endOfDayUTC(2025, 3, 5)},     // 2 business days
			{"company_profile", endOfDayUTC(2025, 3, 10)}, // 5 business days
			{"sso_config", endOfDayUTC(2025, 3, 13)},      // phase + 3
			{"data_import", endOfDayUTC(2025, 3, 17)},     // phase + 5
			{"brand_assets", endOfDayUTC(2025, 3, 13)},    // 10 calendar days
			{"training", endOfDayUTC(2025, 3, 19)},        // phase + 2
		}
		if len(s.Tasks) != len(want) {
			t.Fatalf("%d tasks, want %d", len(s.Tasks), len(want))
		}
		for i, w := range want {
			ts := s.Tasks[i]
			if ts.Key != w.key || ts.Status != TaskPending || !ts.DueAt.Equal(w.due) {
				t.Errorf("task %d = %s %s due %v, want %s pending due %v", i, ts.Key, ts.Status, ts.DueAt, w.key, w.due)
			}
			if !ts.StartedAt.IsZero() || !ts.CompletedAt.IsZero() || !ts.UpdatedAt.IsZero() || ts.Assignee != "" ||
				ts.BlockedReason != "" || ts.Unblocked != "" {
				t.Errorf("task %s not fresh: %+v", ts.Key, ts)
			}
		}
		if !s.TargetGoLive.Equal(time.Date(2025, 3, 19, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("TargetGoLive = %v, want the latest due date's day", s.TargetGoLive)
		}
	})

	t.Run("TargetGoLive defaults to the latest due date, wherever it is in the plan", func(t *testing.T) {
		p := testPlan()
		p.Phases[1].Tasks[2].DueOffsetDays = 40 // brand_assets: 40 calendar days, Sat 12 April
		s := mustNew(t, NewInput{Plan: p, StartDate: testStart, Now: now})
		if !s.TargetGoLive.Equal(time.Date(2025, 4, 12, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("TargetGoLive = %v", s.TargetGoLive)
		}
	})

	t.Run("an explicit TargetGoLive is kept", func(t *testing.T) {
		target := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
		s := mustNew(t, NewInput{Plan: testPlan(), StartDate: testStart, TargetGoLive: target, Now: now})
		if !s.TargetGoLive.Equal(target) {
			t.Fatalf("TargetGoLive = %v", s.TargetGoLive)
		}
	})

	t.Run("due dates in the account's time zone", func(t *testing.T) {
		ny := mustLoad(t, "America/New_York")
		s := mustNew(t, NewInput{Plan: testPlan(), StartDate: testStart, TimeZone: "America/New_York", Now: now})
		want := DueDates(testPlan(), testStart, ny)
		for _, ts := range s.Tasks {
			if !ts.DueAt.Equal(want[ts.Key]) {
				t.Errorf("%s due %v, want %v", ts.Key, ts.DueAt, want[ts.Key])
			}
		}
		// welcome_call: Wed 5 March 23:59:59 EST.
		if ts, _ := s.Task("welcome_call"); !ts.DueAt.Equal(time.Date(2025, 3, 6, 4, 59, 59, 0, time.UTC)) {
			t.Errorf("welcome_call due %v", ts.DueAt)
		}
		// training: Wed 19 March 23:59:59 EDT, so the target is that day (not the 20th,
		// which it is in UTC).
		if !s.TargetGoLive.Equal(time.Date(2025, 3, 19, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("TargetGoLive = %v", s.TargetGoLive)
		}
	})

	t.Run("empty plan", func(t *testing.T) {
		s := mustNew(t, NewInput{Plan: Plan{}, StartDate: testStart, Now: now})
		if len(s.Tasks) != 0 || !s.TargetGoLive.IsZero() || s.Status != StatusActive {
			t.Fatalf("%+v", s)
		}
	})
}
