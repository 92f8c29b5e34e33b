package store_test

import (
	"context"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/internal/testenv"
)

func TestCreateOnboarding(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	a := newTenant(t, st, "alpha")
	ob, state := newOnboarding(t, st, a, a.account, "")

	want := store.Onboarding{ID: state.OnboardingID, WorkspaceID: a.ws.ID, AccountID: a.account.ID,
		AccountName: "Acme", AccountTimezone: "UTC", PlanKey: "test-plan", PlanVersion: 1, WorkflowID: "onboarding:" + state.OnboardingID,
		Status: "active", Health: "on_track", Progress: 0, CustomerProgress: 0, TasksDone: 0, TasksTotal: 4}
	got := ob
	if got.LastCustomerActivity == nil || !got.LastCustomerActivity.Equal(state.LastCustomerActivity) {
		t.Errorf("last customer activity %v, want %v", got.LastCustomerActivity, state.LastCustomerActivity)
	}
	got.LastCustomerActivity = nil
	got.PlanTemplateID, got.StartDate, got.TargetGoLive, got.CreatedAt, got.UpdatedAt = "", time.Time{}, nil, time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Onboarding =\n %+v\nwant\n %+v", got, want)
	}
	if !ob.StartDate.Equal(startDate) {
		t.Errorf("start date = %v, want %v", ob.StartDate, startDate)
	}
	wantGoLive := time.Date(state.TargetGoLive.Year(), state.TargetGoLive.Month(), state.TargetGoLive.Day(), 0, 0, 0, 0, time.UTC)
	if ob.TargetGoLive == nil || !ob.TargetGoLive.Equal(wantGoLive) {
		t.Errorf("target go-live = %v, want %v", ob.TargetGoLive, wantGoLive)
	}
	if ob.WentLiveAt != nil || ob.CreatedAt.IsZero() {
		t.Errorf("went live at %v, created at %v; want nil and a time", ob.WentLiveAt, ob.CreatedAt)
	}
	if _, err := st.PlanTemplate(ctx, ob.PlanTemplateID); err != nil {
		t.Errorf("plan template of the onboarding: %v", err)
	}

	dup := store.Onboarding{ID: newID(t), WorkspaceID: a.ws.ID, AccountID: a.account.ID, PlanTemplateID: ob.PlanTemplateID,
		PlanKey: "test-plan", PlanVersion: 1, WorkflowID: ob.WorkflowID, StartDate: startDate}
	snap := store.NewSnapshot(&state)
	snap.OnboardingID = dup.ID
	wantErr(t, "duplicate workflow id", st.CreateOnboarding(ctx, dup, snap), store.ErrConflict)
	if n := count(t, st, `SELECT count(*) FROM onboarding_tasks WHERE onboarding_id = $1`, dup.ID); n != 0 {
		t.Errorf("a failed create left %d task rows", n)
	}
}

func TestOnboardingTasksAndPhases(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	a := newTenant(t, st, "alpha")
	ob, state := newOnboarding(t, st, a, a.account, "")

	d, err := st.OnboardingDetail(ctx, a.ws.ID, ob.ID)
	if err != nil {
		t.Fatalf("OnboardingDetail: %v", err)
	}
	if !reflect.DeepEqual(d.Onboarding, ob) {
		t.Errorf("detail's onboarding = %+v, want %+v", d.Onboarding, ob)
	}
	tasks := d.Tasks
	checkTasks(t, tasks, store.NewSnapshot(&state).Tasks)
	wantDeps := map[string][]string{"kickoff": nil, "profile": {"kickoff"}, "configure": {"kickoff"}, "training": {"profile", "configure"}}
	var keys []string
	for _, tk := range tasks {
		keys = append(keys, tk.Key)
		if !slices.Equal(tk.DependsOn, wantDeps[tk.Key]) {
			t.Errorf("task %s depends on %q, want %q", tk.Key, tk.DependsOn, wantDeps[tk.Key])
		}
		if tk.DueAt == nil {
			t.Errorf("task %s has no due date", tk.Key)
		}
	}
	if want := []string{"kickoff", "profile", "configure", "training"}; !slices.Equal(keys, want) {
		t.Errorf("task order = %v, want %v", keys, want)
	}
	if configure := tasks[2]; configure.CustomerVisible || configure.PhaseKey != "launch" || configure.Owner != "vendor" {
		t.Errorf("configure = %+v, want hidden vendor task in launch", configure)
	}

	// Only kickoff has no dependency: it is the one next step, for the vendor.
	for _, tk := range tasks {
		if tk.NextStep != (tk.Key == "kickoff") {
			t.Errorf("task %s next step = %v", tk.Key, tk.NextStep)
		}
	}
	phases := d.Phases
	want := []store.OnboardingPhase{
		{OnboardingID: ob.ID, Key: "setup", Position: 0, Name: "Setup", Status: "not_started"},
		{OnboardingID: ob.ID, Key: "launch", Position: 1, Name: "Launch", Status: "not_started"},
	}
	if !reflect.DeepEqual(phases, want) {
		t.Errorf("phases = %+v, want %+v", phases, want)
	}
}

func TestOnboardingsList(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	a := newTenant(t, st, "alpha")
	globex := mustAccount(t, st, store.Account{WorkspaceID: a.ws.ID, Name: "Globex"})
	acme1, _ := newOnboarding(t, st, a, a.account, "")
	acme2, _ := newOnboarding(t, st, a, a.account, "paused")
	globex1, _ := newOnboarding(t, st, a, globex, "")

	tests := []struct {
		name   string
		filter store.OnboardingFilter
		want   []string
	}{
		{"all", store.OnboardingFilter{}, []string{acme1.ID, acme2.ID, globex1.ID}},
		{"active", store.OnboardingFilter{Status: "active"}, []string{acme1.ID, globex1.ID}},
		{"paused", store.OnboardingFilter{Status: "paused"}, []string{acme2.ID}},
		{"completed", store.OnboardingFilter{Status: "completed"}, nil},
		{"account", store.OnboardingFilter{AccountID: a.account.ID}, []string{acme1.ID, acme2.ID}},
		{"account and status", store.OnboardingFilter{AccountID: a.account.ID, Status: "active"}, []string{acme1.ID}},
		{"unknown account", store.OnboardingFilter{AccountID: newID(t)}, nil},
		{"malformed account", store.OnboardingFilter{AccountID: "not-a-uuid"}, nil},
		{"NUL account", store.OnboardingFilter{AccountID: "\x00"}, nil},
		{"upper-case account", store.OnboardingFilter{AccountID: strings.ToUpper(a.account.ID)}, []string{acme1.ID, acme2.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := st.Onboardings(ctx, a.ws.ID, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			checkNewestFirst(t, list)
			if got := idsOf(list); !slices.Equal(got, sorted(tt.want)) {
				t.Errorf("ids = %v, want %v", got, sorted(tt.want))
			}
		})
	}

	if list, err := st.Onboardings(ctx, a.ws.ID, store.OnboardingFilter{Limit: 2}); err != nil || len(list) != 2 {
		t.Errorf("limit 2: %d onboardings, %v", len(list), err)
	}
	list, err := st.OnboardingsForAccount(ctx, a.ws.ID, globex.ID)
	if err != nil || len(list) != 1 || list[0].ID != globex1.ID || list[0].AccountName != "Globex" {
		t.Errorf("OnboardingsForAccount(globex) = %+v, %v; want only %s", list, err, globex1.ID)
	}
}

func TestOnboardingDetailsOfMany(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	a := newTenant(t, st, "alpha")
	first, s1 := newOnboarding(t, st, a, a.account, "")
	second, _ := newOnboarding(t, st, a, a.account, "")
	action := onboarding.TaskAction{RequestID: "req-1", TaskKey: "kickoff", Action: onboarding.ActionComplete, Actor: "staff:x"}
	if _, err := st.SaveSnapshot(ctx, store.NewSnapshot(ptr(apply(t, s1, action, now))), nil); err != nil {
		t.Fatal(err)
	}
	list, err := st.OnboardingsForAccount(ctx, a.ws.ID, a.account.ID)
	if err != nil {
		t.Fatal(err)
	}
	details, err := st.OnboardingDetails(ctx, list)
	if err != nil || len(details) != 2 {
		t.Fatalf("OnboardingDetails = %d, %v; want 2", len(details), err)
	}
	for _, d := range details {
		if len(d.Phases) != 2 || len(d.Tasks) != 4 {
			t.Errorf("%s: %d phases, %d tasks; want 2 and 4", d.ID, len(d.Phases), len(d.Tasks))
		}
		for _, tk := range d.Tasks {
			if tk.OnboardingID != d.ID {
				t.Errorf("%s holds task %s of %s", d.ID, tk.Key, tk.OnboardingID)
			}
		}
		// After kickoff is done, profile (customer) and configure (vendor) are next.
		done := d.ID == first.ID
		if got := d.Tasks[0].Status == onboarding.TaskCompleted; got != done {
			t.Errorf("%s: kickoff completed = %v, want %v", d.ID, got, done)
		}
		if got := d.TasksWhere(func(t store.OnboardingTask) bool { return t.PhaseKey == "launch" && t.NextStep }); len(got) != 0 && !done {
			t.Errorf("%s: launch next steps %v before kickoff is done", d.ID, got)
		}
		if d.ID == first.ID && (!d.Tasks[1].NextStep || !d.Tasks[2].NextStep || d.Tasks[3].NextStep) {
			t.Errorf("%s: next steps after kickoff = %+v", d.ID, d.Tasks)
		}
	}
	if got, want := []string{details[0].ID, details[1].ID}, []string{second.ID, first.ID}; !slices.Equal(got, want) {
		t.Errorf("details of %v, want %v (the list's order)", got, want)
	}
	if empty, err := st.OnboardingDetails(ctx, nil); err != nil || len(empty) != 0 {
		t.Errorf("OnboardingDetails(nil) = %v, %v", empty, err)
	}
}

func TestDeleteOnboardingCascades(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	a := newTenant(t, st, "alpha")
	ob, state := newOnboarding(t, st, a, a.account, "")
	kept, _ := newOnboarding(t, st, a, a.account, "")
	action := onboarding.TaskAction{RequestID: "req-1", TaskKey: "kickoff", Action: onboarding.ActionStart, Actor: "staff:x"}
	if _, err := st.SaveSnapshot(ctx, store.NewSnapshot(ptr(apply(t, state, action, now))), auditFor(state, action)); err != nil {
		t.Fatal(err)
	}

	if err := st.DeleteOnboarding(ctx, ob.ID); err != nil {
		t.Fatalf("DeleteOnboarding: %v", err)
	}
	_, err := st.Onboarding(ctx, a.ws.ID, ob.ID)
	wantErr(t, "deleted onboarding", err, store.ErrNotFound)
	for _, table := range []string{"onboarding_tasks", "onboarding_phases", "audit_events"} {
		if n := count(t, st, `SELECT count(*) FROM `+table+` WHERE onboarding_id = $1`, ob.ID); n != 0 {
			t.Errorf("%s: %d rows left after delete", table, n)
		}
	}
	if n := count(t, st, `SELECT count(*) FROM onboarding_tasks WHERE onboarding_id = $1`, kept.ID); n != 4 {
		t.Errorf("other onboarding has %d tasks after delete, want 4", n)
	}
}

// checkTasks compares stored tasks with a snapshot's, ignoring updated_at (set by the database).
func checkTasks(t *testing.T, got, want []store.OnboardingTask) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d tasks, want %d", len(got), len(want))
	}
	for i := range want {
		if g, w := normalTask(got[i]), normalTask(want[i]); !reflect.DeepEqual(g, w) {
			t.Errorf("task %d =\n %+v\nwant\n %+v", i, g, w)
		}
	}
}

func normalTask(tk store.OnboardingTask) store.OnboardingTask {
	tk.UpdatedAt = time.Time{}
	tk.BlockedByTask, tk.WaitingOn = nil, nil // derived when a detail is read, not stored
	if len(tk.DependsOn) == 0 {
		tk.DependsOn = nil
	}
	for _, p := range []**time.Time{&tk.DueAt, &tk.StartedAt, &tk.CompletedAt} {
		if *p != nil {
			u := (*p).UTC()
			*p = &u
		}
	}
	return tk
}

func checkNewestFirst(t *testing.T, list []store.Onboarding) {
	t.Helper()
	for i := 1; i < len(list); i++ {
		if list[i].CreatedAt.After(list[i-1].CreatedAt) {
			t.Errorf("onboardings not newest first: %v before %v", list[i-1].CreatedAt, list[i].CreatedAt)
		}
	}
}

func idsOf(list []store.Onboarding) []string {
	var ids []string
	for _, o := range list {
		ids = append(ids, o.ID)
	}
	return sorted(ids)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

func ptr[T any](v T) *T { return &v }
