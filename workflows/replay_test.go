package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	enums "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/config"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/internal/testenv"
	"github.com/onboard-oss/onboard/templates"
	"github.com/onboard-oss/onboard/worker"
	"github.com/onboard-oss/onboard/workflows"
)

// Replay tests keep running workflows safe from code changes: every history under
// testdata/ was recorded from an earlier version of the workflow, and the current code
// must replay it without a non-determinism error. Record the current version's history
// (workflow time and IDs differ per run; replay does not care) with
//
//	UPDATE_REPLAY_HISTORIES=1 go test ./workflows/ -run TestRecordOnboardingHistory
//
// After a change that needs workflow.GetVersion, keep the old files and record the new
// version under a new name (onboarding_v2.json, ...). v1: before search attributes were
// upserted only when changed; v2: with that change (GetVersion "upsert-search-attributes-only-when-changed"),
// its queued action signalled as "task-action"; v3: queued actions signalled under their
// own name, "task-action-queued" (the workflow listens on both names); v4: the go-live
// announced through the Notify activity (GetVersion "announce-go-live"); v5: reminders and
// escalations (GetVersion "nudge-reminders-escalations", with a reminder sent when the
// recording ran inside a sending window), a pause and resume through the lifecycle Update,
// a snooze and a moved due date through their Updates; v6: reminders follow the
// workspace's policy (GetVersion "workspace-reminder-policy"), and staff snooze a vendor
// task's reminders; v7: a task blocked by another is unblocked when that one is done
// (GetVersion "auto-unblock-when-blocker-done"); v8: tasks assigned through the
// "assign-task" Update (a new handler: no GetVersion, as no earlier history holds one),
// the customer's in their assignee's own time zone; v9: a finished onboarding tells the
// webhook endpoints it completed (GetVersion "webhook-events").
const recordedHistory = "testdata/onboarding_v9.json"

func TestReplayCommittedHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no histories in testdata/: record one with UPDATE_REPLAY_HISTORIES=1")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			r := sdkworker.NewWorkflowReplayer()
			r.RegisterWorkflow(workflows.Onboarding)
			if err := r.ReplayWorkflowHistoryFromJSONFile(log.NewStructuredLogger(testenv.Logger()), file); err != nil {
				t.Fatalf("replaying %s: %v", file, err)
			}
		})
	}
}

// TestRecordOnboardingHistory runs an onboarding from start to completion on a real
// Temporal server, with a real worker writing the read model to a real Postgres, checks
// the outcome, and replays the history it produced. With UPDATE_REPLAY_HISTORIES=1 it
// writes that history to testdata/ for TestReplayCommittedHistories.
func TestRecordOnboardingHistory(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r := newRealRun(t, ctx)

	r.reject(ctx, act("rej-1", "configure", onboarding.ActionComplete), "dependencies_pending")
	r.snooze(ctx, "s-1", onboarding.SnoozeRequest{RequestID: "sn-1", Tasks: []string{"intake"},
		Until: time.Now().Add(24 * time.Hour), Actor: "contact:jane"})
	r.snooze(ctx, "s-2", onboarding.SnoozeRequest{RequestID: "sn-2", Tasks: []string{"welcome"},
		Until: time.Now().Add(24 * time.Hour), Actor: "staff:csm", ActorSide: onboarding.OwnerVendor})
	r.mustUpdate(ctx, "as-1", workflows.UpdateAssign, onboarding.Assignment{RequestID: "as-1", TaskKey: "intake",
		Assignee: "contact:jane", TimeZone: "Asia/Tokyo", Actor: "staff:csm"}) // v8
	r.mustUpdate(ctx, "as-2", workflows.UpdateAssign, onboarding.Assignment{RequestID: "as-2", TaskKey: "configure",
		Assignee: "staff:csm", Actor: "staff:csm"})
	r.apply(ctx, "u-1", act("r-1", "intake", onboarding.ActionStart), true)
	block := act("r-2", "intake", onboarding.ActionBlock)
	block.Reason = "waiting for the customer's IT team"
	r.apply(ctx, "u-2", block, true)
	r.apply(ctx, "u-3", act("r-3", "intake", onboarding.ActionUnblock), true)
	waits := act("r-3b", "configure", onboarding.ActionBlock)
	waits.BlockedBy = "intake" // unblocked by itself when intake is done (v7)
	r.apply(ctx, "u-3b", waits, true)
	r.apply(ctx, "u-4", act("r-4", "intake", onboarding.ActionComplete), true)
	r.apply(ctx, "u-4-again", act("r-4", "intake", onboarding.ActionComplete), false) // a double click
	r.signal(ctx, act("r-5", "welcome", onboarding.ActionSkip))
	r.lifecycle(ctx, "l-1", onboarding.LifecycleRequest{RequestID: "p-1", Action: onboarding.LifecyclePause, Actor: "staff:csm"})
	r.reject(ctx, act("rej-2", "configure", onboarding.ActionStart), "onboarding_closed") // paused
	r.lifecycle(ctx, "l-2", onboarding.LifecycleRequest{RequestID: "p-2", Action: onboarding.LifecycleResume, Actor: "staff:csm"})
	r.mustUpdate(ctx, "m-1", workflows.UpdateReschedule, onboarding.Reschedule{RequestID: "mv-1", TaskKey: "configure",
		Day: onboarding.Day(time.Now().AddDate(0, 1, 0)), Actor: "staff:csm"})
	r.apply(ctx, "u-6", act("r-6", "configure", onboarding.ActionStart), true)
	r.apply(ctx, "u-7", act("r-7", "configure", onboarding.ActionComplete), true)

	var res workflows.OnboardingResult
	if err := r.run.Get(ctx, &res); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	if res.Status != onboarding.StatusCompleted || res.Version != 16 {
		t.Errorf("result %+v, want completed at version 16", res)
	}
	o, err := r.store.Onboarding(ctx, r.state.WorkspaceID, r.state.OnboardingID)
	if err != nil {
		t.Fatal(err)
	}
	if o.StateVersion != res.Version || o.Status != onboarding.StatusCompleted || o.Progress != 100 {
		t.Errorf("read model: version %d status %s progress %d, want %d completed 100",
			o.StateVersion, o.Status, o.Progress, res.Version)
	}
	// The go-live went out before the workflow closed, and so did the reminder sent at
	// the start when the recording ran inside the account's sending window.
	sent, err := r.store.Notifications(ctx, r.state.WorkspaceID, o, 10)
	if err != nil {
		t.Fatal(err)
	}
	templates := map[string]bool{}
	for _, n := range sent {
		if n.Status != store.NotificationSent || n.Recipient != "jane@acme.example" {
			t.Errorf("notification %+v: want sent to Jane", n)
		}
		templates[n.Template] = true
	}
	want := map[string]bool{"go_live": true} // reminders begin now: nothing is due yet
	if fmt.Sprint(templates) != fmt.Sprint(want) {
		t.Errorf("notifications %v; want %v", templates, want)
	}

	hist := r.history(ctx)
	replayer := sdkworker.NewWorkflowReplayer()
	replayer.RegisterWorkflow(workflows.Onboarding)
	if err := replayer.ReplayWorkflowHistory(log.NewStructuredLogger(testenv.Logger()), hist); err != nil {
		t.Fatalf("replaying the fresh history: %v", err)
	}
	if os.Getenv("UPDATE_REPLAY_HISTORIES") == "1" {
		writeHistory(t, recordedHistory, hist)
	}
}

// realRun is one onboarding workflow on the test Temporal server.
type realRun struct {
	t      *testing.T
	client client.Client
	store  *store.Store
	state  onboarding.State
	run    client.WorkflowRun
}

func newRealRun(t *testing.T, ctx context.Context) *realRun {
	t.Helper()
	c, st, taskQueue := startRealWorker(t)
	r := &realRun{t: t, client: c, store: st, state: createOnboarding(t, ctx, st)}
	var err error
	r.run, err = c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.WorkflowID(r.state.OnboardingID), TaskQueue: taskQueue,
		TypedSearchAttributes: workflows.StartSearchAttributes(&r.state),
	}, workflows.Onboarding, workflows.OnboardingInput{State: r.state})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// startRealWorker starts a worker on a task queue of its own, on the test Temporal
// server, with the real activities on a real Postgres and email into the outbox; it
// stops with the test.
func startRealWorker(t *testing.T) (client.Client, *store.Store, string) {
	t.Helper()
	return startRealWorkerOn(t, testenv.TemporalAddress(t))
}

// startRealWorkerOn is startRealWorker on the Temporal server at address.
func startRealWorkerOn(t *testing.T, address string) (client.Client, *store.Store, string) {
	t.Helper()
	st := testenv.Store(t)
	c, err := client.Dial(client.Options{HostPort: address, Logger: log.NewStructuredLogger(testenv.Logger())})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	taskQueue := "test-" + uuid.NewString()
	tpls, err := notify.ParseTemplates(templates.FS, "email")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := config.DevFromLookup(func(string) (string, bool) { return "", false })
	cfg.Secret = "test-secret-of-at-least-thirty-two-chars"
	w := worker.New(c, taskQueue, &activities.Activities{Store: st, Notifier: activities.NewNotifier(cfg, notify.NewOutbox(st), tpls)})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return c, st, taskQueue
}

// createOnboarding stores a workspace, account, plan and onboarding with its initial
// read model, as the engine does before starting the workflow.
func createOnboarding(t *testing.T, ctx context.Context, st *store.Store) onboarding.State {
	t.Helper()
	ws, err := st.CreateWorkspace(ctx, store.Workspace{Slug: "replay-" + uuid.NewString()[:8], Name: "Replay"})
	if err != nil {
		t.Fatal(err)
	}
	zone := sendingZone(time.Now())
	acct, err := st.CreateAccount(ctx, store.Account{WorkspaceID: ws.ID, Name: "Acme", Timezone: zone})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateContact(ctx, store.Contact{WorkspaceID: ws.ID, AccountID: acct.ID, Name: "Jane Doe", Email: "jane@acme.example"}); err != nil {
		t.Fatal(err)
	}
	plan := testPlan()
	planID, err := st.EnsurePlanTemplate(ctx, plan.Key, plan.Version, plan.Name, "test", "test", plan)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	// The workspace's own policy (GetVersion "workspace-reminder-policy"): reminders any
	// hour of a weekday, two overdue reminders at most.
	policy := onboarding.DefaultReminderSettings()
	policy.WindowStartHour, policy.WindowEndHour, policy.OverdueCap = 0, 24, 2
	s, err := onboarding.New(onboarding.NewInput{
		OnboardingID: uuid.NewString(), WorkspaceID: ws.ID, AccountID: acct.ID, AccountName: acct.Name,
		CSMEmail: "csm@example.com", Plan: plan, StartDate: now, Now: now, TimeZone: zone, Reminders: &policy,
	})
	if err != nil {
		t.Fatal(err)
	}
	target := s.TargetGoLive
	o := store.Onboarding{ID: s.OnboardingID, WorkspaceID: ws.ID, AccountID: acct.ID, PlanTemplateID: planID,
		PlanKey: plan.Key, PlanVersion: plan.Version, WorkflowID: workflows.WorkflowID(s.OnboardingID),
		StartDate: now, TargetGoLive: &target}
	if err := st.CreateOnboarding(ctx, o, store.NewSnapshot(&s)); err != nil {
		t.Fatal(err)
	}
	return s
}

// sendingZone picks a time zone where now is a weekday between 09:00 and 15:00, so the
// customer's first reminder (intake is due in two business days: the reminder is at 09:00
// today) goes at once; UTC when none is.
func sendingZone(now time.Time) string {
	for _, z := range []string{"Asia/Tokyo", "Asia/Kolkata", "Europe/Paris", "America/New_York", "America/Los_Angeles", "Pacific/Auckland"} {
		loc, err := time.LoadLocation(z)
		if err != nil {
			continue
		}
		local := now.In(loc)
		if wd := local.Weekday(); wd != time.Saturday && wd != time.Sunday && local.Hour() >= 9 && local.Hour() < 15 {
			return z
		}
	}
	return "UTC"
}

func (r *realRun) update(ctx context.Context, updateID string, a onboarding.TaskAction) (workflows.TaskActionResult, error) {
	var res workflows.TaskActionResult
	h, err := r.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: r.run.GetID(), UpdateID: updateID, UpdateName: workflows.UpdateTaskAction,
		Args: []any{a}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, &res)
	}
	return res, err
}

func (r *realRun) apply(ctx context.Context, updateID string, a onboarding.TaskAction, wantApplied bool) {
	r.t.Helper()
	res, err := r.update(ctx, updateID, a)
	if err != nil {
		r.t.Fatalf("%s %s: %v", a.Action, a.TaskKey, err)
	}
	if res.Applied != wantApplied {
		r.t.Fatalf("%s %s: applied %v, want %v", a.Action, a.TaskKey, res.Applied, wantApplied)
	}
	// The update answers once the read model shows the change.
	o, err := r.store.Onboarding(ctx, r.state.WorkspaceID, r.state.OnboardingID)
	if err != nil {
		r.t.Fatal(err)
	}
	if o.StateVersion != res.Version {
		r.t.Errorf("%s %s: read model at version %d when the update answered version %d", a.Action, a.TaskKey, o.StateVersion, res.Version)
	}
}

func (r *realRun) lifecycle(ctx context.Context, updateID string, req onboarding.LifecycleRequest) {
	r.t.Helper()
	r.mustUpdate(ctx, updateID, workflows.UpdateLifecycle, req)
}

func (r *realRun) snooze(ctx context.Context, updateID string, req onboarding.SnoozeRequest) {
	r.t.Helper()
	r.mustUpdate(ctx, updateID, workflows.UpdateSnooze, req)
}

func (r *realRun) mustUpdate(ctx context.Context, updateID, name string, arg any) {
	r.t.Helper()
	h, err := r.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: r.run.GetID(), UpdateID: updateID, UpdateName: name,
		Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	var res workflows.TaskActionResult
	if err == nil {
		err = h.Get(ctx, &res)
	}
	if err != nil || !res.Applied {
		r.t.Fatalf("%s: %+v, %v", name, res, err)
	}
}

func (r *realRun) reject(ctx context.Context, a onboarding.TaskAction, code string) {
	r.t.Helper()
	_, err := r.update(ctx, a.RequestID, a)
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != code {
		r.t.Fatalf("%s %s: error %v, want rejection %q", a.Action, a.TaskKey, err, code)
	}
}

// signal sends an action the fallback way and waits until the workflow has applied it.
func (r *realRun) signal(ctx context.Context, a onboarding.TaskAction) {
	r.t.Helper()
	if err := r.client.SignalWorkflow(ctx, r.run.GetID(), "", workflows.SignalTaskAction, a); err != nil {
		r.t.Fatal(err)
	}
	for {
		v, err := r.client.QueryWorkflow(ctx, r.run.GetID(), "", workflows.QueryState)
		if err != nil {
			r.t.Fatal(err)
		}
		var st onboarding.State
		if err := v.Get(&st); err != nil {
			r.t.Fatal(err)
		}
		if st.Seen(a.RequestID) {
			return
		}
		select {
		case <-ctx.Done():
			r.t.Fatalf("signalled %s %s never applied", a.Action, a.TaskKey)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (r *realRun) history(ctx context.Context) *historypb.History {
	r.t.Helper()
	hist := &historypb.History{}
	it := r.client.GetWorkflowHistory(ctx, r.run.GetID(), r.run.GetRunID(), false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			r.t.Fatal(err)
		}
		hist.Events = append(hist.Events, e)
	}
	return hist
}

// writeHistory writes a history as `temporal workflow show --output json` does.
func writeHistory(t *testing.T, path string, hist *historypb.History) {
	t.Helper()
	b, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(hist)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d events, %d bytes)", path, len(hist.Events), len(b)+1)
}
