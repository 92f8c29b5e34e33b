package store_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/internal/testenv"
)

// readModel is everything SaveSnapshot may change, read back from the database.
type readModel struct {
	Onboarding store.Onboarding
	Phases     []store.OnboardingPhase
	Tasks      []store.OnboardingTask
}

func loadReadModel(t *testing.T, st *store.Store, workspaceID, id string) readModel {
	t.Helper()
	ctx := context.Background()
	d, err := st.OnboardingDetail(ctx, workspaceID, id)
	if err != nil {
		t.Fatalf("onboarding detail: %v", err)
	}
	return readModel{Onboarding: d.Onboarding, Phases: d.Phases, Tasks: d.Tasks}
}

func save(t *testing.T, st *store.Store, s onboarding.State, event *store.AuditEvent) bool {
	t.Helper()
	applied, err := st.SaveSnapshot(context.Background(), store.NewSnapshot(&s), event)
	if err != nil {
		t.Fatalf("SaveSnapshot v%d: %v", s.Version, err)
	}
	return applied
}

func auditRequestIDs(t *testing.T, st *store.Store, workspaceID, onboardingID string) []string {
	t.Helper()
	events, err := st.AuditEvents(context.Background(), workspaceID, onboardingID)
	if err != nil {
		t.Fatalf("AuditEvents: %v", err)
	}
	var ids []string
	for _, e := range events {
		ids = append(ids, *e.RequestID)
	}
	return ids
}

func action(req, task string, a onboarding.Action) onboarding.TaskAction {
	return onboarding.TaskAction{RequestID: req, TaskKey: task, Action: a, Actor: "staff:casey", ActorSide: onboarding.OwnerVendor}
}

func TestSaveSnapshotAppliesNewerVersion(t *testing.T) {
	st := testenv.Store(t)
	a := newTenant(t, st, "alpha")
	ob, s0 := newOnboarding(t, st, a, a.account, "")

	complete := action("req-1", "kickoff", onboarding.ActionComplete)
	s1 := apply(t, s0, complete, now.Add(time.Hour))
	if !save(t, st, s1, auditFor(s1, complete)) {
		t.Fatal("version 1 over version 0: applied = false, want true")
	}

	rm := loadReadModel(t, st, a.ws.ID, ob.ID)
	o := rm.Onboarding
	if o.StateVersion != 1 || o.TasksDone != 1 || o.TasksTotal != 4 || o.Progress != 25 || o.CustomerProgress != 33 ||
		o.Status != "active" || !o.UpdatedAt.After(ob.UpdatedAt) {
		t.Errorf("onboarding after v1 = %+v; want version 1, 1/4 done, 25%%, customer 33%%, active, updated", o)
	}
	wantPhases := []store.OnboardingPhase{
		{OnboardingID: ob.ID, Key: "setup", Position: 0, Name: "Setup", Status: "in_progress", Progress: 50, CustomerProgress: 50},
		{OnboardingID: ob.ID, Key: "launch", Position: 1, Name: "Launch", Status: "not_started"},
	}
	if !reflect.DeepEqual(rm.Phases, wantPhases) {
		t.Errorf("phases after v1 = %+v, want %+v", rm.Phases, wantPhases)
	}
	checkTasks(t, rm.Tasks, store.NewSnapshot(&s1).Tasks)
	if k := rm.Tasks[0]; k.Status != "completed" || k.CompletedAt == nil || !k.UpdatedAt.Equal(now.Add(time.Hour)) {
		t.Errorf("kickoff after v1 = %+v, want completed at %v", k, now.Add(time.Hour))
	}
	if got := auditRequestIDs(t, st, a.ws.ID, ob.ID); !reflect.DeepEqual(got, []string{"req-1"}) {
		t.Errorf("audit request ids = %v, want [req-1]", got)
	}

	// Going live: every required task done sets went_live_at and the status.
	s := s1
	for i, key := range []string{"profile", "configure"} {
		s = apply(t, s, action(fmt.Sprintf("req-%d", i+2), key, onboarding.ActionComplete), now.Add(2*time.Hour))
	}
	if !save(t, st, s, nil) {
		t.Fatal("version 3 over version 1: applied = false")
	}
	o = loadReadModel(t, st, a.ws.ID, ob.ID).Onboarding
	if o.Status != "live" || o.WentLiveAt == nil || !o.WentLiveAt.Equal(now.Add(2*time.Hour)) || o.Progress != 75 {
		t.Errorf("onboarding after go-live = %+v, want live at %v with 75%%", o, now.Add(2*time.Hour))
	}
}

func TestSaveSnapshotIgnoresStaleVersions(t *testing.T) {
	st := testenv.Store(t)
	a := newTenant(t, st, "alpha")
	ob, s0 := newOnboarding(t, st, a, a.account, "")

	s1 := apply(t, s0, action("req-1", "kickoff", onboarding.ActionComplete), now.Add(time.Hour))
	s2 := apply(t, s1, action("req-2", "profile", onboarding.ActionStart), now.Add(2*time.Hour))
	if !save(t, st, s2, nil) {
		t.Fatal("version 2: applied = false")
	}
	before := loadReadModel(t, st, a.ws.ID, ob.ID)

	// An older version, even one with different data, changes nothing.
	for _, stale := range []onboarding.State{s0, s1} {
		if save(t, st, stale, nil) {
			t.Errorf("version %d over version 2: applied = true, want false", stale.Version)
		}
	}
	after := loadReadModel(t, st, a.ws.ID, ob.ID)
	if !reflect.DeepEqual(after, before) {
		t.Errorf("stale saves changed the read model:\n %+v\nwas\n %+v", after, before)
	}

	// The same version again is a re-run workflow task: its write is the true one.
	s2b := apply(t, s1, action("req-2b", "configure", onboarding.ActionComplete), now.Add(3*time.Hour))
	if !save(t, st, s2b, nil) {
		t.Fatal("version 2 again: applied = false, want true")
	}
	checkTasks(t, loadReadModel(t, st, a.ws.ID, ob.ID).Tasks, store.NewSnapshot(&s2b).Tasks)

	s3 := apply(t, s2, action("req-3", "profile", onboarding.ActionComplete), now.Add(4*time.Hour))
	if !save(t, st, s3, nil) {
		t.Fatal("version 3 over version 2: applied = false, want true")
	}
	rm := loadReadModel(t, st, a.ws.ID, ob.ID)
	if rm.Onboarding.StateVersion != 3 || rm.Onboarding.TasksDone != 2 || rm.Phases[0].Status != "completed" {
		t.Errorf("after v3: %+v %+v; want version 3, 2 done, setup completed", rm.Onboarding, rm.Phases)
	}
	checkTasks(t, rm.Tasks, store.NewSnapshot(&s3).Tasks)
}

func TestSaveSnapshotAuditEvents(t *testing.T) {
	st := testenv.Store(t)
	a := newTenant(t, st, "alpha")
	ob, s0 := newOnboarding(t, st, a, a.account, "")

	start, complete := action("req-1", "kickoff", onboarding.ActionStart), action("req-2", "kickoff", onboarding.ActionComplete)
	s1 := apply(t, s0, start, now.Add(time.Hour))
	s2 := apply(t, s1, complete, now.Add(2*time.Hour))

	// The workflow may write version 2 before version 1's write lands: the read model
	// keeps version 2, and version 1's event is still recorded.
	if !save(t, st, s2, auditFor(s2, complete)) {
		t.Fatal("version 2: applied = false")
	}
	if save(t, st, s1, auditFor(s1, start)) {
		t.Error("version 1 after version 2: applied = true, want false")
	}
	// Retried writes (a local activity may run twice) record nothing new.
	if !save(t, st, s2, auditFor(s2, complete)) || save(t, st, s1, auditFor(s1, start)) {
		t.Error("repeated save: want version 2 rewritten, version 1 ignored")
	}
	if got, want := auditRequestIDs(t, st, a.ws.ID, ob.ID), []string{"req-2", "req-1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("audit request ids = %v, want %v (once each, stale one included)", got, want)
	}
	events, err := st.AuditEvents(context.Background(), a.ws.ID, ob.ID)
	if err != nil || len(events) != 2 {
		t.Fatalf("AuditEvents = %d events, %v; want 2", len(events), err)
	}
	if e := events[1]; e.Action != "task.start" || e.Subject != "kickoff" || e.Actor != "staff:casey" || e.WorkspaceID != a.ws.ID {
		t.Errorf("stale event = %+v, want task.start of kickoff by staff:casey", e)
	}
	if o := loadReadModel(t, st, a.ws.ID, ob.ID).Onboarding; o.StateVersion != 2 || o.TasksDone != 1 {
		t.Errorf("read model = %+v, want version 2 with kickoff done", o)
	}

	// A re-run workflow task may produce another action at the same version: its event
	// replaces the discarded run's, so each version keeps exactly one event.
	rerun := action("req-2r", "kickoff", onboarding.ActionSkip)
	s2r := apply(t, s1, rerun, now.Add(2*time.Hour))
	if !save(t, st, s2r, auditFor(s2r, rerun)) {
		t.Error("re-run of version 2: applied = false, want true")
	}
	if got, want := auditRequestIDs(t, st, a.ws.ID, ob.ID), []string{"req-2r", "req-1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("audit request ids after re-run = %v, want %v", got, want)
	}

	// A snapshot of a removed onboarding is a no-op, not an error a retry cannot fix.
	if err := st.DeleteOnboarding(context.Background(), ob.ID); err != nil {
		t.Fatal(err)
	}
	s3 := apply(t, s2, action("req-3", "profile", onboarding.ActionStart), now.Add(3*time.Hour))
	if save(t, st, s3, auditFor(s3, action("req-3", "profile", onboarding.ActionStart))) {
		t.Error("save for a deleted onboarding: applied = true, want false")
	}
}

func TestSaveSnapshotConcurrent(t *testing.T) {
	st := testenv.Store(t)
	a := newTenant(t, st, "alpha")
	ob, s := newOnboarding(t, st, a, a.account, "")

	// Versions 1..20: start kickoff, then block it (with a reason naming the version)
	// and unblock it in turn, so every version's data differs.
	states := make([]onboarding.State, 0, 20)
	events := make([]*store.AuditEvent, 0, 20)
	for v := 1; v <= 20; v++ {
		act := action(fmt.Sprintf("req-%d", v), "kickoff", onboarding.ActionStart)
		switch {
		case v > 1 && v%2 == 0:
			act.Action, act.Reason = onboarding.ActionBlock, fmt.Sprintf("waiting on step %d", v)
		case v > 1:
			act.Action = onboarding.ActionUnblock
		}
		s = apply(t, s, act, now.Add(time.Duration(v)*time.Minute))
		states, events = append(states, s), append(events, auditFor(s, act))
	}

	var wg sync.WaitGroup
	errs := make(chan error, len(states))
	ready := make(chan struct{})
	for i := range states {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			if _, err := st.SaveSnapshot(context.Background(), store.NewSnapshot(&states[i]), events[i]); err != nil {
				errs <- fmt.Errorf("v%d: %w", states[i].Version, err)
			}
		}()
	}
	close(ready)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	rm := loadReadModel(t, st, a.ws.ID, ob.ID)
	if rm.Onboarding.StateVersion != 20 {
		t.Fatalf("state version = %d, want 20", rm.Onboarding.StateVersion)
	}
	checkTasks(t, rm.Tasks, store.NewSnapshot(&states[19]).Tasks)
	if k := rm.Tasks[0]; k.Status != "blocked" || k.BlockedReason != "waiting on step 20" {
		t.Errorf("kickoff = %s %q, want blocked \"waiting on step 20\"", k.Status, k.BlockedReason)
	}
	if n := len(auditRequestIDs(t, st, a.ws.ID, ob.ID)); n != 20 {
		t.Errorf("%d audit events, want 20", n)
	}
}
