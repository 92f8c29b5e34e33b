package onboarding

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

const day = 24 * time.Hour

// healthNow is the moment health is computed at in these tests.
var healthNow = time.Date(2025, 4, 10, 12, 0, 0, 0, time.UTC)

// dueTasks builds tasks: overdue ones (due yesterday, not done), doneDue ones (due yesterday,
// completed), upcoming ones (due tomorrow, pending) and undated ones (no due date).
func dueTasks(overdue, doneDue, upcoming, undated int) []TaskState {
	var ts []TaskState
	add := func(n int, prefix string, st TaskStatus, due time.Time) {
		for i := 0; i < n; i++ {
			ts = append(ts, TaskState{Key: fmt.Sprintf("%s%d", prefix, i), Status: st, DueAt: due})
		}
	}
	add(overdue, "overdue", TaskInProgress, healthNow.Add(-day))
	add(doneDue, "done", TaskCompleted, healthNow.Add(-day))
	add(upcoming, "upcoming", TaskPending, healthNow.Add(day))
	add(undated, "undated", TaskPending, time.Time{})
	return ts
}

func TestOverdue(t *testing.T) {
	due := healthNow
	tests := []struct {
		name string
		ts   TaskState
		now  time.Time
		want bool
	}{
		{"pending, before due", TaskState{Status: TaskPending, DueAt: due}, due.Add(-time.Second), false},
		{"pending, at the due moment", TaskState{Status: TaskPending, DueAt: due}, due, false},
		{"pending, just after", TaskState{Status: TaskPending, DueAt: due}, due.Add(time.Nanosecond), true},
		{"in progress, after", TaskState{Status: TaskInProgress, DueAt: due}, due.Add(day), true},
		{"blocked, after", TaskState{Status: TaskBlocked, DueAt: due}, due.Add(day), true},
		{"completed, after", TaskState{Status: TaskCompleted, DueAt: due}, due.Add(day), false},
		{"skipped, after", TaskState{Status: TaskSkipped, DueAt: due}, due.Add(day), false},
		{"no due date", TaskState{Status: TaskPending}, due, false},
	}
	for _, tt := range tests {
		if got := tt.ts.Overdue(tt.now); got != tt.want {
			t.Errorf("%s: Overdue = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestComputeHealth(t *testing.T) {
	tests := []struct {
		name   string
		status Status
		tasks  []TaskState
		idle   time.Duration
		want   Health
	}{
		{"nothing due", StatusActive, dueTasks(0, 0, 5, 2), 0, HealthOnTrack},
		{"no tasks at all", StatusActive, nil, 0, HealthOnTrack},
		{"all due tasks done", StatusActive, dueTasks(0, 4, 2, 0), day, HealthOnTrack},
		{"one overdue of five due (20%)", StatusActive, dueTasks(1, 4, 3, 0), 0, HealthAtRisk},
		{"one overdue of many due", StatusActive, dueTasks(1, 19, 0, 0), 0, HealthAtRisk},
		{"one overdue of four due (25%)", StatusActive, dueTasks(1, 3, 0, 0), 0, HealthOffTrack},
		{"two overdue of five due (40%)", StatusActive, dueTasks(2, 3, 0, 0), 0, HealthOffTrack},
		{"one overdue, the rest not yet due", StatusActive, dueTasks(1, 0, 10, 0), 0, HealthOffTrack},
		{"undated tasks never count", StatusActive, dueTasks(1, 4, 0, 50), 0, HealthAtRisk},
		{"idle just under 7 days", StatusActive, dueTasks(0, 1, 1, 0), 7*day - time.Second, HealthOnTrack},
		{"idle 7 days", StatusActive, dueTasks(0, 1, 1, 0), 7 * day, HealthAtRisk},
		{"idle just under 14 days", StatusActive, dueTasks(0, 1, 1, 0), 14*day - time.Second, HealthAtRisk},
		{"idle 14 days", StatusActive, dueTasks(0, 1, 1, 0), 14 * day, HealthOffTrack},
		{"idle 30 days, nothing due", StatusActive, nil, 30 * day, HealthOffTrack},
		{"idle 7 days and 20% overdue", StatusActive, dueTasks(1, 4, 0, 0), 7 * day, HealthAtRisk},
		{"idle 14 days beats at risk", StatusActive, dueTasks(1, 4, 0, 0), 14 * day, HealthOffTrack},
		{"paused is on track", StatusPaused, dueTasks(3, 0, 0, 0), 30 * day, HealthOnTrack},
		{"live is on track", StatusLive, dueTasks(3, 0, 0, 0), 30 * day, HealthOnTrack},
		{"completed is on track", StatusCompleted, dueTasks(3, 0, 0, 0), 30 * day, HealthOnTrack},
		{"cancelled is on track", StatusCancelled, dueTasks(3, 0, 0, 0), 30 * day, HealthOnTrack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := State{Status: tt.status, Health: HealthOnTrack, Tasks: tt.tasks,
				LastCustomerActivity: healthNow.Add(-tt.idle)}
			before := cloneState(s)
			if got := s.ComputeHealth(healthNow); got != tt.want {
				t.Errorf("ComputeHealth = %s, want %s", got, tt.want)
			}
			if !reflect.DeepEqual(s, before) {
				t.Errorf("ComputeHealth mutated the state")
			}
		})
	}

	t.Run("a task at its exact due moment is due but not overdue", func(t *testing.T) {
		s := State{Status: StatusActive, LastCustomerActivity: healthNow,
			Tasks: []TaskState{{Key: "a", Status: TaskPending, DueAt: healthNow}}}
		if got := s.ComputeHealth(healthNow); got != HealthOnTrack {
			t.Fatalf("at the due moment: %s", got)
		}
		if got := s.ComputeHealth(healthNow.Add(time.Second)); got != HealthOffTrack {
			t.Fatalf("a second later: %s", got)
		}
	})
}

func TestHealthOverTheTestPlan(t *testing.T) {
	// testPlan due dates: welcome_call Wed 5 Mar, company_profile Mon 10 Mar, sso_config Thu 13,
	// brand_assets Thu 13, data_import Mon 17, training Wed 19 (all 23:59:59 UTC).
	s := newTestState(t)
	at := func(m time.Month, d, h int) time.Time { return time.Date(2025, m, d, h, 0, 0, 0, time.UTC) }

	if got := s.ComputeHealth(at(3, 5, 12)); got != HealthOnTrack {
		t.Fatalf("before anything is due: %s", got)
	}
	// welcome_call overdue: one of one due.
	if got := s.ComputeHealth(at(3, 6, 9)); got != HealthOffTrack {
		t.Fatalf("welcome_call overdue: %s", got)
	}
	mustApply(t, &s, TaskAction{TaskKey: "welcome_call", Action: ActionComplete, ActorSide: OwnerVendor}, at(3, 6, 10))
	if got := s.ComputeHealth(at(3, 6, 11)); got != HealthOnTrack {
		t.Fatalf("after welcome_call: %s", got)
	}
	mustApply(t, &s, TaskAction{TaskKey: "company_profile", Action: ActionComplete, ActorSide: OwnerCustomer}, at(3, 7, 10))
	mustApply(t, &s, TaskAction{TaskKey: "sso_config", Action: ActionComplete, ActorSide: OwnerCustomer}, at(3, 12, 10))
	mustApply(t, &s, TaskAction{TaskKey: "data_import", Action: ActionComplete, ActorSide: OwnerVendor}, at(3, 12, 11))
	// 14 Mar: welcome_call, company_profile, sso_config done; brand_assets overdue → 1 of 4 = 25%.
	if got := s.ComputeHealth(at(3, 14, 9)); got != HealthOffTrack {
		t.Fatalf("brand_assets overdue (1 of 4): %s", got)
	}
	// 18 Mar: data_import due and done too → 1 of 5 = 20%.
	if got := s.ComputeHealth(at(3, 18, 9)); got != HealthAtRisk {
		t.Fatalf("brand_assets overdue (1 of 5): %s", got)
	}
	// The customer last acted on 12 Mar at 10:00: idle 6 days 23 hours on 19 Mar at 09:00,
	// 7 days an hour later.
	mustApply(t, &s, TaskAction{TaskKey: "brand_assets", Action: ActionSkip, ActorSide: OwnerVendor}, at(3, 18, 10))
	if got := s.ComputeHealth(at(3, 19, 9)); got != HealthOnTrack {
		t.Fatalf("nothing overdue, idle 6 days: %s", got)
	}
	if got := s.ComputeHealth(at(3, 19, 10)); got != HealthAtRisk {
		t.Fatalf("idle 7 days: %s", got)
	}
	// Going live stops health tracking.
	mustApply(t, &s, TaskAction{TaskKey: "training", Action: ActionComplete, ActorSide: OwnerVendor}, at(3, 19, 11))
	if s.Status != StatusCompleted {
		t.Fatalf("status %s", s.Status)
	}
	if got := s.ComputeHealth(at(4, 30, 0)); got != HealthOnTrack {
		t.Fatalf("completed: %s", got)
	}
}

func TestRefreshHealth(t *testing.T) {
	s := State{Status: StatusActive, Health: HealthOnTrack, Version: 10, LastCustomerActivity: healthNow,
		Tasks: []TaskState{{Key: "a", Status: TaskPending, DueAt: healthNow.Add(day)}}}
	steps := []struct {
		now         time.Time
		wantChanged bool
		wantHealth  Health
		wantVersion int64
	}{
		{healthNow, false, HealthOnTrack, 10},
		{healthNow.Add(time.Hour), false, HealthOnTrack, 10},
		{healthNow.Add(2 * day), true, HealthOffTrack, 11}, // "a" overdue: 1 of 1
		{healthNow.Add(2 * day), false, HealthOffTrack, 11},
		{healthNow.Add(3 * day), false, HealthOffTrack, 11},
	}
	for i, st := range steps {
		changed := s.RefreshHealth(st.now)
		if changed != st.wantChanged || s.Health != st.wantHealth || s.Version != st.wantVersion {
			t.Fatalf("step %d: changed %v health %s version %d; want %v %s %d",
				i, changed, s.Health, s.Version, st.wantChanged, st.wantHealth, st.wantVersion)
		}
	}
	// Completing the task brings it back on track: one more change.
	s.Tasks[0].Status = TaskCompleted
	if !s.RefreshHealth(healthNow.Add(3*day)) || s.Health != HealthOnTrack || s.Version != 12 {
		t.Fatalf("after completing: health %s version %d", s.Health, s.Version)
	}
	// A non-active onboarding settles on On Track.
	s.Health, s.Status = HealthAtRisk, StatusPaused
	if !s.RefreshHealth(healthNow.Add(30*day)) || s.Health != HealthOnTrack || s.Version != 13 {
		t.Fatalf("paused: health %s version %d", s.Health, s.Version)
	}
	if s.RefreshHealth(healthNow.Add(60 * day)) {
		t.Fatalf("paused twice: changed again")
	}
}

func TestNextWakeUp(t *testing.T) {
	now := healthNow
	task := func(key string, st TaskStatus, due time.Time) TaskState {
		return TaskState{Key: key, Status: st, DueAt: due}
	}
	tests := []struct {
		name     string
		status   Status
		tasks    []TaskState
		lastAct  time.Time
		want     time.Time
		wantWhy  string
		wantZero bool
	}{
		{
			name:    "earliest pending due date, plus a second",
			status:  StatusActive,
			tasks:   []TaskState{task("b", TaskPending, now.Add(3*day)), task("a", TaskInProgress, now.Add(2*day))},
			lastAct: now,
			want:    now.Add(2*day + time.Second), wantWhy: "task a falls due",
		},
		{
			name:   "done tasks are ignored",
			status: StatusActive,
			tasks: []TaskState{task("a", TaskCompleted, now.Add(time.Hour)), task("b", TaskSkipped, now.Add(2*time.Hour)),
				task("c", TaskBlocked, now.Add(3*time.Hour))},
			lastAct: now,
			want:    now.Add(3*time.Hour + time.Second), wantWhy: "task c falls due",
		},
		{
			name:    "past due dates are ignored",
			status:  StatusActive,
			tasks:   []TaskState{task("a", TaskPending, now.Add(-day)), task("b", TaskPending, now.Add(day))},
			lastAct: now,
			want:    now.Add(day + time.Second), wantWhy: "task b falls due",
		},
		{
			name:    "a task due this very second wakes a second later",
			status:  StatusActive,
			tasks:   []TaskState{task("a", TaskPending, now)},
			lastAct: now,
			want:    now.Add(time.Second), wantWhy: "task a falls due",
		},
		{
			name:    "7-day idle threshold comes first",
			status:  StatusActive,
			tasks:   []TaskState{task("a", TaskPending, now.Add(10*day))},
			lastAct: now.Add(-2 * day),
			want:    now.Add(5 * day), wantWhy: "customer idle for 7 days",
		},
		{
			name:    "14-day idle threshold once 7 has passed",
			status:  StatusActive,
			tasks:   []TaskState{task("a", TaskPending, now.Add(10*day))},
			lastAct: now.Add(-8 * day),
			want:    now.Add(6 * day), wantWhy: "customer idle for 14 days",
		},
		{
			name:    "due date before the 14-day threshold",
			status:  StatusActive,
			tasks:   []TaskState{task("a", TaskPending, now.Add(2*day))},
			lastAct: now.Add(-8 * day),
			want:    now.Add(2*day + time.Second), wantWhy: "task a falls due",
		},
		{
			name:    "no tasks: the idle threshold",
			status:  StatusActive,
			lastAct: now,
			want:    now.Add(7 * day), wantWhy: "customer idle for 7 days",
		},
		{
			name:     "idle past both thresholds, nothing due: nothing to wake for",
			status:   StatusActive,
			tasks:    []TaskState{task("a", TaskCompleted, now.Add(day)), task("b", TaskPending, time.Time{})},
			lastAct:  now.Add(-20 * day),
			wantZero: true,
		},
		{
			name:     "14-day threshold exactly now is not in the future",
			status:   StatusActive,
			lastAct:  now.Add(-14 * day),
			wantZero: true,
		},
		{name: "paused", status: StatusPaused, tasks: []TaskState{task("a", TaskPending, now.Add(day))}, lastAct: now, wantZero: true},
		{name: "live", status: StatusLive, tasks: []TaskState{task("a", TaskPending, now.Add(day))}, lastAct: now, wantZero: true},
		{name: "completed", status: StatusCompleted, lastAct: now, wantZero: true},
		{name: "cancelled", status: StatusCancelled, tasks: []TaskState{task("a", TaskPending, now.Add(day))}, lastAct: now, wantZero: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := State{Status: tt.status, Tasks: tt.tasks, LastCustomerActivity: tt.lastAct}
			before := cloneState(s)
			got, why := s.NextWakeUp(now)
			if !reflect.DeepEqual(s, before) {
				t.Errorf("NextWakeUp mutated the state")
			}
			if tt.wantZero {
				if !got.IsZero() || why != "" {
					t.Fatalf("NextWakeUp = %v %q, want zero", got, why)
				}
				return
			}
			if !got.Equal(tt.want) || why != tt.wantWhy {
				t.Fatalf("NextWakeUp = %v %q, want %v %q", got, why, tt.want, tt.wantWhy)
			}
			if !got.After(now) {
				t.Fatalf("NextWakeUp %v is not after now %v", got, now)
			}
		})
	}
}

// TestNextWakeUpMatchesHealthChanges checks that health only changes at wake-up moments:
// between now and the next wake-up, ComputeHealth stays the same, and at the wake-up it can
// have changed.
func TestNextWakeUpMatchesHealthChanges(t *testing.T) {
	s := newTestState(t)
	now := testNow
	end := testNow.Add(40 * day)
	for i := 0; now.Before(end); i++ {
		if i > 100 {
			t.Fatal("too many wake-ups")
		}
		next, why := s.NextWakeUp(now)
		if next.IsZero() {
			break
		}
		h := s.ComputeHealth(now)
		for probe := now; probe.Before(next); probe = probe.Add(time.Hour) {
			if got := s.ComputeHealth(probe); got != h {
				t.Fatalf("health changed from %s to %s at %v, before the wake-up at %v (%s)", h, got, probe, next, why)
			}
		}
		now = next
	}
}
