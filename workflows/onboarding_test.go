package workflows_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/testenv"
	"github.com/onboard-oss/onboard/worker"
	"github.com/onboard-oss/onboard/workflows"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// monday is the workflow clock's start in every test: Monday 2 March 2026, 09:00 UTC.
// Due dates of testPlan then fall on Wednesday 4 (intake), Thursday 5 (welcome) and
// Thursday 12 March (configure), each at 23:59:59 UTC.
var monday = time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC)

// testPlan has two phases, a dependency (configure needs intake), required tasks and
// an optional one (welcome).
func testPlan() onboarding.Plan {
	return onboarding.Plan{Key: "test-plan", Name: "Test plan", Version: 1, Phases: []onboarding.Phase{
		{Key: "kickoff", Name: "Kickoff", Tasks: []onboarding.Task{
			{Key: "intake", Title: "Intake form", Owner: onboarding.OwnerCustomer, Type: onboarding.TypeForm,
				DueOffsetDays: 2, DueFrom: onboarding.DueFromStart, Required: true, CustomerVisible: true},
			{Key: "welcome", Title: "Welcome call", Owner: onboarding.OwnerVendor, Type: onboarding.TypeMeeting,
				DueOffsetDays: 3, DueFrom: onboarding.DueFromStart, Required: false, CustomerVisible: true},
		}},
		{Key: "launch", Name: "Launch", StartOffsetDays: 5, Tasks: []onboarding.Task{
			{Key: "configure", Title: "Configure", Owner: onboarding.OwnerVendor, Type: onboarding.TypeConfiguration,
				DependsOn: []string{"intake"}, DueOffsetDays: 3, DueFrom: onboarding.DueFromPhase, Required: true},
		}},
	}}
}

// newState is an onboarding whose reminders and escalations stay quiet (nudging begins
// in a year), so tests of other behaviour see only what they look for.
func newState(now time.Time) onboarding.State {
	s := newNudgedState(now)
	s.Nudging = &onboarding.Nudging{Policy: onboarding.DefaultReminderPolicy(), Since: now.AddDate(1, 0, 0),
		HealthTold: onboarding.HealthOnTrack}
	s.Forecast = s.ComputeForecast(now)
	return s
}

// newNudgedState is a new onboarding as the engine starts it: the workflow turns
// nudging on.
func newNudgedState(now time.Time) onboarding.State {
	s, err := onboarding.New(onboarding.NewInput{
		OnboardingID: "ob-1", WorkspaceID: "ws-1", AccountID: "acct-1", AccountName: "Acme",
		CSMEmail: "csm@example.com", Plan: testPlan(), StartDate: now, Now: now,
	})
	if err != nil {
		panic(err)
	}
	return s
}

// act builds a task action; customer-side for the customer's intake task.
func act(requestID, task string, action onboarding.Action) onboarding.TaskAction {
	a := onboarding.TaskAction{RequestID: requestID, TaskKey: task, Action: action,
		Actor: "staff:csm", ActorSide: onboarding.OwnerVendor}
	if task == "intake" {
		a.Actor, a.ActorSide = "contact:jane", onboarding.OwnerCustomer
	}
	return a
}

// harness is a test workflow environment with the read-model write mocked and
// recorded, and helpers that schedule updates, signals and queries on the workflow clock.
type harness struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	start   time.Time
	updates int

	mu       sync.Mutex
	saves    []activities.SaveReadModelInput
	rejected []activities.RejectedActionInput
	notified []activities.NotifyInput
	// notifiedAt is the workflow time of each notification.
	notifiedAt []time.Time
	// accountZone is what the AccountTimeZone activity answers.
	accountZone string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(testenv.Logger()))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(monday)
	h := &harness{t: t, env: env, start: env.Now()}
	acts := &activities.Activities{}
	worker.Register(env, acts)
	// SaveReadModel runs as a local activity; the test environment resolves local
	// activities through the same mocks as regular ones, by method name.
	env.OnActivity(acts.SaveReadModel, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.SaveReadModelInput) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.saves = append(h.saves, in)
			return nil
		}).Maybe()
	env.OnActivity(acts.RecordRejectedAction, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RejectedActionInput) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.rejected = append(h.rejected, in)
			return nil
		}).Maybe()
	env.OnActivity(acts.AccountTimeZone, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.AccountTimeZoneInput) (string, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			return h.accountZone, nil
		}).Maybe()
	env.OnActivity(acts.Notify, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.NotifyInput) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.notified = append(h.notified, in)
			h.notifiedAt = append(h.notifiedAt, env.Now())
			return nil
		}).Maybe()
	t.Cleanup(func() { env.AssertExpectations(t) })
	return h
}

func (h *harness) notifications() []activities.NotifyInput {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.notified)
}

// outcome records what became of one update.
type outcome struct {
	accepted  bool
	completed bool
	rejected  error
	err       error
	result    workflows.TaskActionResult
}

// update sends a task-action update at workflow time start+at.
func (h *harness) update(at time.Duration, a onboarding.TaskAction) *outcome {
	return h.send(at, workflows.UpdateTaskAction, a)
}

// lifecycle sends a pause, resume or cancel update at start+at.
func (h *harness) lifecycle(at time.Duration, r onboarding.LifecycleRequest) *outcome {
	return h.send(at, workflows.UpdateLifecycle, r)
}

// send sends the update named name with arg at start+at.
func (h *harness) send(at time.Duration, name string, arg any) *outcome {
	h.updates++
	id := fmt.Sprintf("update-%d", h.updates)
	o := &outcome{}
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(name, id, &testsuite.TestUpdateCallback{
			OnAccept: func() { o.accepted = true },
			OnReject: func(err error) { o.rejected = err },
			OnComplete: func(v any, err error) {
				o.completed, o.err = true, err
				if err == nil {
					o.result = h.decodeResult(v)
				}
			},
		}, arg)
	}, at)
	return o
}

func (h *harness) decodeResult(v any) workflows.TaskActionResult {
	switch r := v.(type) {
	case workflows.TaskActionResult:
		return r
	case converter.EncodedValue:
		var res workflows.TaskActionResult
		if err := r.Get(&res); err != nil {
			h.t.Errorf("decode update result: %v", err)
		}
		return res
	}
	h.t.Errorf("update result is %T, want TaskActionResult", v)
	return workflows.TaskActionResult{}
}

// signal sends a task action as the fallback signal at start+at.
func (h *harness) signal(at time.Duration, a onboarding.TaskAction) {
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(workflows.SignalTaskAction, a) }, at)
}

// query returns the state as the "state" query shows it at start+at, filled in once
// the workflow has run.
func (h *harness) query(at time.Duration) *onboarding.State {
	st := &onboarding.State{}
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(workflows.QueryState)
		if err != nil {
			h.t.Errorf("query at %v: %v", at, err)
			return
		}
		if err := v.Get(st); err != nil {
			h.t.Errorf("decode state at %v: %v", at, err)
		}
	}, at)
	return st
}

// cancel ends a workflow that would otherwise wait for more task actions.
func (h *harness) cancel(at time.Duration) {
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, at)
}

func (h *harness) run(st onboarding.State) {
	h.env.ExecuteWorkflow(workflows.Onboarding, workflows.OnboardingInput{State: st})
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
}

func (h *harness) savedReadModels() []activities.SaveReadModelInput {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.saves)
}

func (h *harness) requireCancelled() {
	h.t.Helper()
	var canceled *temporal.CanceledError
	if err := h.env.GetWorkflowError(); !errors.As(err, &canceled) {
		h.t.Fatalf("workflow error = %v, want cancellation (and nothing else)", err)
	}
}

func (h *harness) result() workflows.OnboardingResult {
	h.t.Helper()
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	var res workflows.OnboardingResult
	if err := h.env.GetWorkflowResult(&res); err != nil {
		h.t.Fatalf("workflow result: %v", err)
	}
	return res
}

func taskStatus(t *testing.T, st *onboarding.State, key string) onboarding.TaskStatus {
	t.Helper()
	ts, ok := st.Task(key)
	if !ok {
		t.Fatalf("state has no task %q (version %d)", key, st.Version)
	}
	return ts.Status
}

func requireApplied(t *testing.T, name string, o *outcome, version int64, status onboarding.Status) {
	t.Helper()
	switch {
	case o.rejected != nil:
		t.Fatalf("%s: rejected: %v", name, o.rejected)
	case !o.accepted || !o.completed:
		t.Fatalf("%s: accepted=%v completed=%v, want both", name, o.accepted, o.completed)
	case o.err != nil:
		t.Fatalf("%s: failed: %v", name, o.err)
	}
	want := workflows.TaskActionResult{Applied: true, Version: version, Status: status}
	if o.result != want {
		t.Fatalf("%s: result %+v, want %+v", name, o.result, want)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCompleteIsAcceptedAndShownByQuery(t *testing.T) {
	h := newHarness(t)
	done := h.update(time.Hour, act("req-1", "intake", onboarding.ActionComplete))
	st := h.query(2 * time.Hour)
	h.cancel(3 * time.Hour)
	h.run(newState(h.start))
	h.requireCancelled()

	requireApplied(t, "complete intake", done, 1, onboarding.StatusActive)
	if got := taskStatus(t, st, "intake"); got != onboarding.TaskCompleted {
		t.Errorf("intake is %s, want completed", got)
	}
	ts, _ := st.Task("intake")
	if want := h.start.Add(time.Hour); !ts.CompletedAt.Equal(want) {
		t.Errorf("intake completed at %v, want the workflow time of the update %v", ts.CompletedAt, want)
	}
	if st.Version != 1 || !slices.Equal(st.Requests, []string{"req-1"}) {
		t.Errorf("version %d requests %v, want 1 [req-1]", st.Version, st.Requests)
	}
	if !st.LastCustomerActivity.Equal(h.start.Add(time.Hour)) {
		t.Errorf("last customer activity %v, want the customer's completion", st.LastCustomerActivity)
	}
	saves := h.savedReadModels()
	if len(saves) != 1 {
		t.Fatalf("SaveReadModel called %d times, want 1", len(saves))
	}
	if s := saves[0]; s.State.Version != 1 || s.Action == nil || s.Action.RequestID != "req-1" || !s.At.Equal(h.start.Add(time.Hour)) {
		t.Errorf("read model write %+v, want version 1 with action req-1 at the update's time", s)
	}
}

func TestInvalidActionIsRejectedByValidator(t *testing.T) {
	tests := []struct {
		name     string
		action   onboarding.TaskAction
		wantCode string
	}{
		{"complete before dependency", act("r", "configure", onboarding.ActionComplete), "dependencies_pending"},
		{"start before dependency", act("r", "configure", onboarding.ActionStart), "dependencies_pending"},
		{"unknown task", act("r", "no-such-task", onboarding.ActionComplete), "unknown_task"},
		{"unblock a pending task", act("r", "intake", onboarding.ActionUnblock), "invalid_transition"},
		{"block without reason", act("r", "intake", onboarding.ActionBlock), "invalid_input"},
		{"unknown action", act("r", "intake", onboarding.Action("explode")), "invalid_input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			initial := newState(h.start)
			o := h.update(time.Hour, tt.action)
			st := h.query(2 * time.Hour)
			h.cancel(3 * time.Hour)
			h.run(initial)
			h.requireCancelled()

			if o.accepted || o.completed {
				t.Errorf("accepted=%v completed=%v, want rejected before acceptance", o.accepted, o.completed)
			}
			var appErr *temporal.ApplicationError
			if !errors.As(o.rejected, &appErr) {
				t.Fatalf("rejection %v (%T), want an ApplicationError", o.rejected, o.rejected)
			}
			if appErr.Type() != tt.wantCode || appErr.Message() == "" {
				t.Errorf("rejection type %q message %q, want type %q and a reason", appErr.Type(), appErr.Message(), tt.wantCode)
			}
			unchanged := initial
			unchanged.AutoUnblock = true // a new run turns it on (GetVersion auto-unblock-when-blocker-done)
			if got, want := mustJSON(t, st), mustJSON(t, unchanged); got != want {
				t.Errorf("state changed by a rejected action:\n got %s\nwant %s", got, want)
			}
			if n := len(h.savedReadModels()); n != 0 {
				t.Errorf("SaveReadModel called %d times, want 0", n)
			}
		})
	}
}

func TestRepeatedRequestIDIsAppliedOnce(t *testing.T) {
	h := newHarness(t)
	a := act("req-dup", "intake", onboarding.ActionComplete)
	// Two at once (a double click: the second arrives while the first's read-model
	// write is in flight), one later, then the same action again as a signal.
	first, second := h.update(time.Hour, a), h.update(time.Hour, a)
	third := h.update(2*time.Hour, a)
	h.signal(3*time.Hour, a)
	st := h.query(4 * time.Hour)
	h.cancel(5 * time.Hour)
	h.run(newState(h.start))
	h.requireCancelled()

	requireApplied(t, "first", first, 1, onboarding.StatusActive)
	for name, o := range map[string]*outcome{"second": second, "third": third} {
		want := workflows.TaskActionResult{Applied: false, Version: 1, Status: onboarding.StatusActive}
		if !o.accepted || !o.completed || o.err != nil || o.result != want {
			t.Errorf("%s: accepted=%v completed=%v err=%v result %+v, want accepted repeat %+v",
				name, o.accepted, o.completed, o.err, o.result, want)
		}
	}
	if st.Version != 1 || taskStatus(t, st, "intake") != onboarding.TaskCompleted {
		t.Errorf("version %d, intake %s; want version 1, completed", st.Version, taskStatus(t, st, "intake"))
	}
	if n := len(h.savedReadModels()); n != 1 {
		t.Errorf("SaveReadModel called %d times, want 1", n)
	}
}

func TestSignalIsAppliedAndInvalidSignalDropped(t *testing.T) {
	h := newHarness(t)
	h.signal(time.Hour, act("sig-bad-1", "intake", onboarding.ActionUnblock))
	h.signal(time.Hour, act("sig-bad-2", "no-such-task", onboarding.ActionComplete))
	h.signal(time.Hour, act("sig-bad-3", "configure", onboarding.ActionComplete))
	afterBad := h.query(2 * time.Hour)
	h.signal(3*time.Hour, act("sig-ok", "intake", onboarding.ActionComplete))
	afterGood := h.query(4 * time.Hour)
	// The workflow is still healthy: updates finish the onboarding.
	h.update(5*time.Hour, act("u-1", "configure", onboarding.ActionComplete))
	last := h.update(6*time.Hour, act("u-2", "welcome", onboarding.ActionSkip))
	h.run(newState(h.start))

	if afterBad.Version != 0 || len(afterBad.Requests) != 0 {
		t.Errorf("after invalid signals: version %d requests %v, want nothing applied", afterBad.Version, afterBad.Requests)
	}
	if afterGood.Version != 1 || taskStatus(t, afterGood, "intake") != onboarding.TaskCompleted {
		t.Errorf("after valid signal: version %d intake %s, want 1 completed", afterGood.Version, taskStatus(t, afterGood, "intake"))
	}
	requireApplied(t, "skip welcome", last, 3, onboarding.StatusCompleted)
	if res := h.result(); res.Status != onboarding.StatusCompleted {
		t.Errorf("result status %s, want completed", res.Status)
	}
	saves := h.savedReadModels()
	if len(saves) != 3 {
		t.Fatalf("SaveReadModel called %d times, want 3", len(saves))
	}
	if a := saves[0].Action; a == nil || a.RequestID != "sig-ok" || !saves[0].At.Equal(h.start.Add(3*time.Hour)) {
		t.Errorf("first read model write %+v, want the signalled action at its arrival", saves[0])
	}
	// Each dropped signal is on record, with why.
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.rejected) != 3 {
		t.Fatalf("rejected actions recorded: %d, want 3", len(h.rejected))
	}
	for i, want := range []string{"sig-bad-1", "sig-bad-2", "sig-bad-3"} {
		if r := h.rejected[i]; r.Action.RequestID != want || r.Reason == "" || r.OnboardingID != "ob-1" {
			t.Errorf("rejected[%d] = %+v, want %s with a reason", i, r, want)
		}
	}
}

func TestCompletingEveryTaskCompletesTheWorkflow(t *testing.T) {
	h := newHarness(t)
	steps := []struct {
		action onboarding.TaskAction
		status onboarding.Status
	}{
		{act("r1", "intake", onboarding.ActionComplete), onboarding.StatusActive},
		{act("r2", "configure", onboarding.ActionStart), onboarding.StatusActive},
		{act("r3", "configure", onboarding.ActionComplete), onboarding.StatusLive}, // every required task done
		{act("r4", "welcome", onboarding.ActionSkip), onboarding.StatusCompleted},
	}
	outcomes := make([]*outcome, len(steps))
	for i, s := range steps {
		outcomes[i] = h.update(time.Duration(i+1)*time.Hour, s.action)
	}
	h.run(newState(h.start))

	for i, s := range steps {
		requireApplied(t, string(s.action.Action)+" "+s.action.TaskKey, outcomes[i], int64(i+1), s.status)
	}
	res := h.result()
	want := workflows.OnboardingResult{Status: onboarding.StatusCompleted, Version: 4, WentLiveAt: h.start.Add(3 * time.Hour)}
	if res.Status != want.Status || res.Version != want.Version || !res.WentLiveAt.Equal(want.WentLiveAt) {
		t.Errorf("result %+v, want %+v", res, want)
	}
	saves := h.savedReadModels()
	if len(saves) != len(steps) {
		t.Fatalf("SaveReadModel called %d times, want %d", len(saves), len(steps))
	}
	for i, s := range saves {
		if s.State.Version != int64(i+1) || s.State.Status != steps[i].status {
			t.Errorf("write %d: version %d status %s, want %d %s", i, s.State.Version, s.State.Status, i+1, steps[i].status)
		}
	}
}

func TestGoLiveIsAnnouncedOnce(t *testing.T) {
	h := newHarness(t)
	h.update(1*time.Hour, act("r1", "intake", onboarding.ActionComplete))
	h.update(2*time.Hour, act("r2", "configure", onboarding.ActionComplete)) // live
	h.update(3*time.Hour, act("r3", "configure", onboarding.ActionReopen))   // active again
	h.update(4*time.Hour, act("r4", "configure", onboarding.ActionComplete)) // live again
	beforeEnd := h.query(5 * time.Hour)
	h.update(6*time.Hour, act("r5", "welcome", onboarding.ActionSkip)) // completed
	h.run(newState(h.start))

	got := h.notifications()
	if len(got) != 2 {
		t.Fatalf("notifications: %+v, want one go-live and the completion's webhook", got)
	}
	want := activities.NotifyInput{Key: "go-live:ob-1", Kind: notify.KindGoLive, WorkspaceID: "ws-1", OnboardingID: "ob-1"}
	if !reflect.DeepEqual(got[0], want) {
		t.Errorf("notification %+v, want %+v", got[0], want)
	}
	want = activities.NotifyInput{Key: "webhook:ob-1:onboarding.completed", Kind: notify.KindWebhook, WorkspaceID: "ws-1",
		OnboardingID: "ob-1", Event: activities.WebhookCompleted}
	if !reflect.DeepEqual(got[1], want) {
		t.Errorf("notification %+v, want %+v", got[1], want)
	}
	if !beforeEnd.GoLiveAnnounced {
		t.Error("the state does not remember the announcement (it must survive continue-as-new)")
	}
}

// A notice an earlier run started and did not see sent (it continued as new meanwhile)
// is sent by the next run, and forgotten once sent.
func TestPendingNoticesAreResumed(t *testing.T) {
	h := newHarness(t)
	st := newState(h.start)
	st.Notices = []onboarding.Notice{{Key: "go-live:ob-1", Kind: string(notify.KindGoLive)}}
	after := h.query(time.Hour)
	h.cancel(2 * time.Hour)
	h.env.ExecuteWorkflow(workflows.Onboarding, workflows.OnboardingInput{State: st})
	got := h.notifications()
	if len(got) != 1 || got[0].Key != "go-live:ob-1" || got[0].Kind != notify.KindGoLive || got[0].OnboardingID != "ob-1" {
		t.Fatalf("notifications: %+v", got)
	}
	if len(after.Notices) != 0 {
		t.Errorf("notices after sending: %+v, want none", after.Notices)
	}
}

func TestCompletingInOneStepStillAnnouncesGoLive(t *testing.T) {
	h := newHarness(t)
	st := newState(h.start)
	h.update(1*time.Hour, act("r1", "welcome", onboarding.ActionSkip))
	h.update(2*time.Hour, act("r2", "intake", onboarding.ActionComplete))
	h.update(3*time.Hour, act("r3", "configure", onboarding.ActionComplete)) // straight to completed
	h.run(st)
	got := h.notifications() // both go at the end, concurrently: in either order
	kinds := map[notify.Kind]string{}
	for _, n := range got {
		kinds[n.Kind] = n.Event
	}
	if _, live := kinds[notify.KindGoLive]; len(got) != 2 || !live || kinds[notify.KindWebhook] != activities.WebhookCompleted {
		t.Fatalf("notifications: %+v, want the go-live and the completion before the run ends", got)
	}
}

func TestHealthTurnsOffTrackWhenATaskFallsDue(t *testing.T) {
	h := newHarness(t)
	initial := newState(h.start)
	intake, _ := initial.Task("intake")
	var timers []time.Duration
	h.env.SetOnTimerScheduledListener(func(_ string, d time.Duration) { timers = append(timers, d) })

	before := h.query(time.Hour)
	untilDue := intake.DueAt.Sub(h.start)
	after := h.query(untilDue + time.Hour)
	h.cancel(untilDue + 2*time.Hour)
	h.run(initial)
	h.requireCancelled()

	if len(timers) == 0 || timers[0] != untilDue+time.Second {
		t.Errorf("timers %v, want the first to wake just after intake falls due (%v)", timers, untilDue+time.Second)
	}
	if before.Health != onboarding.HealthOnTrack || before.Version != 0 {
		t.Errorf("before the due date: health %s version %d, want on_track 0", before.Health, before.Version)
	}
	if after.Health != onboarding.HealthOffTrack || after.Version != 1 {
		t.Errorf("after the due date: health %s version %d, want off_track 1", after.Health, after.Version)
	}
	saves := h.savedReadModels()
	if len(saves) != 1 {
		t.Fatalf("SaveReadModel called %d times, want 1", len(saves))
	}
	if s := saves[0]; s.Action != nil || s.State.Health != onboarding.HealthOffTrack || !s.At.Equal(intake.DueAt.Add(time.Second)) {
		t.Errorf("read model write %+v, want the health change at the timer, without an action", s)
	}
}

func TestHealthFollowsCustomerIdleTime(t *testing.T) {
	h := newHarness(t)
	st := newState(h.start)
	for i := range st.Tasks { // nothing falls due during the test
		st.Tasks[i].DueAt = st.Tasks[i].DueAt.AddDate(0, 3, 0)
	}
	st.Forecast = st.ComputeForecast(h.start)
	day := 24 * time.Hour
	idle7 := h.query(7*day + time.Hour)
	h.update(8*day, act("r1", "intake", onboarding.ActionComplete)) // the customer acts
	back := h.query(8*day + time.Hour)
	idleAgain := h.query(15*day + time.Hour)
	h.cancel(15*day + 2*time.Hour)
	h.run(st)
	h.requireCancelled()

	checks := []struct {
		name    string
		st      *onboarding.State
		health  onboarding.Health
		version int64
	}{
		{"idle 7 days", idle7, onboarding.HealthAtRisk, 1},
		{"customer acted", back, onboarding.HealthOnTrack, 3}, // the action, then the health change
		{"idle 7 days again", idleAgain, onboarding.HealthAtRisk, 4},
	}
	for _, c := range checks {
		if c.st.Health != c.health || c.st.Version != c.version {
			t.Errorf("%s: health %s version %d, want %s %d", c.name, c.st.Health, c.st.Version, c.health, c.version)
		}
	}
	var healths []onboarding.Health
	for _, s := range h.savedReadModels() {
		healths = append(healths, s.State.Health)
	}
	want := []onboarding.Health{onboarding.HealthAtRisk, onboarding.HealthOnTrack, onboarding.HealthAtRisk}
	if !slices.Equal(healths, want) {
		t.Errorf("read model writes carried health %v, want %v", healths, want)
	}
}

func TestSearchAttributesAreUpserted(t *testing.T) {
	h := newHarness(t)
	var upserts []temporal.SearchAttributes
	h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		upserts = append(upserts, args.Get(0).(temporal.SearchAttributes))
	}).Return(nil)
	initial := newState(h.start)
	h.update(time.Hour, act("r1", "intake", onboarding.ActionComplete))
	h.update(2*time.Hour, act("r2", "configure", onboarding.ActionComplete))
	h.update(3*time.Hour, act("r3", "welcome", onboarding.ActionComplete))
	h.run(initial)
	h.result()

	type attrs struct {
		status, health, csm, account, plan string
		progress                           int64
		goLive                             time.Time
	}
	read := func(sa temporal.SearchAttributes) attrs {
		var a attrs
		a.status, _ = sa.GetKeyword(workflows.AttrStatus)
		a.health, _ = sa.GetKeyword(workflows.AttrHealth)
		a.csm, _ = sa.GetKeyword(workflows.AttrCSMEmail)
		a.account, _ = sa.GetKeyword(workflows.AttrAccount)
		a.plan, _ = sa.GetKeyword(workflows.AttrPlan)
		a.progress, _ = sa.GetInt64(workflows.AttrProgress)
		a.goLive, _ = sa.GetTime(workflows.AttrGoLive)
		return a
	}
	base := attrs{status: "active", health: "on_track", csm: "csm@example.com", account: "Acme",
		plan: "test-plan", goLive: initial.TargetGoLive}
	want := []attrs{base, base, base, base}
	want[1].progress = 33
	want[2].status, want[2].progress = "live", 66
	want[3].status, want[3].progress = "completed", 100
	if len(upserts) != len(want) {
		t.Fatalf("%d upserts, want %d (one at start, one per change)", len(upserts), len(want))
	}
	for i, sa := range upserts {
		if got := read(sa); got != want[i] {
			t.Errorf("upsert %d: %+v, want %+v", i, got, want[i])
		}
	}
}

func TestContinuesAsNewWhenSuggested(t *testing.T) {
	h := newHarness(t)
	h.update(time.Hour, act("r1", "intake", onboarding.ActionComplete))
	h.signal(2*time.Hour, act("r2", "welcome", onboarding.ActionSkip))
	// Temporal suggests continuing as new while an update is in flight (accepted, its
	// read-model write running): the run closes only after the update has answered.
	var inFlight workflows.TaskActionResult
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(workflows.UpdateTaskAction, "in-flight", &testsuite.TestUpdateCallback{
			OnAccept: func() { h.env.SetContinueAsNewSuggested(true) },
			OnReject: func(err error) { t.Errorf("in-flight update rejected: %v", err) },
			OnComplete: func(v any, err error) {
				if err != nil {
					t.Errorf("in-flight update failed: %v", err)
				}
				inFlight = h.decodeResult(v)
			},
		}, act("r3", "configure", onboarding.ActionStart))
	}, 3*time.Hour)
	h.run(newState(h.start))

	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("workflow error %v, want continue-as-new", err)
	}
	if can.WorkflowType.Name != "Onboarding" {
		t.Errorf("continues as %q, want Onboarding", can.WorkflowType.Name)
	}
	var in workflows.OnboardingInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &in); err != nil {
		t.Fatal(err)
	}
	st := &in.State
	if want := (workflows.TaskActionResult{Applied: true, Version: 3, Status: onboarding.StatusActive}); inFlight != want {
		t.Errorf("in-flight update answered %+v, want %+v", inFlight, want)
	}
	if st.Version != 3 || taskStatus(t, st, "intake") != onboarding.TaskCompleted ||
		taskStatus(t, st, "welcome") != onboarding.TaskSkipped || taskStatus(t, st, "configure") != onboarding.TaskInProgress ||
		!slices.Equal(st.Requests, []string{"r1", "r2", "r3"}) {
		t.Errorf("carried state: version %d intake %s welcome %s configure %s requests %v; want 3 completed skipped in_progress [r1 r2 r3]",
			st.Version, taskStatus(t, st, "intake"), taskStatus(t, st, "welcome"), taskStatus(t, st, "configure"), st.Requests)
	}
	if n := len(h.savedReadModels()); n != 3 {
		t.Errorf("SaveReadModel called %d times, want 3", n)
	}
}

func TestResumesCarriedOverState(t *testing.T) {
	h := newHarness(t)
	carried := newState(h.start)
	for _, a := range []onboarding.TaskAction{
		act("r1", "intake", onboarding.ActionComplete), act("r2", "welcome", onboarding.ActionStart),
	} {
		if _, err := carried.Apply(a, h.start); err != nil {
			t.Fatal(err)
		}
	}
	repeat := h.update(time.Hour, act("r1", "intake", onboarding.ActionComplete))
	resumed := h.query(90 * time.Minute)
	h.update(2*time.Hour, act("r3", "configure", onboarding.ActionComplete))
	last := h.update(3*time.Hour, act("r4", "welcome", onboarding.ActionComplete))
	h.run(carried)

	want := workflows.TaskActionResult{Applied: false, Version: 2, Status: onboarding.StatusActive}
	if !repeat.completed || repeat.result != want {
		t.Errorf("repeat of a request from before continue-as-new: %+v, want %+v", repeat.result, want)
	}
	carriedOn := carried
	carriedOn.AutoUnblock = true // a new run turns it on (GetVersion auto-unblock-when-blocker-done)
	if got, want := mustJSON(t, resumed), mustJSON(t, carriedOn); got != want {
		t.Errorf("resumed state differs from the carried state:\n got %s\nwant %s", got, want)
	}
	requireApplied(t, "complete welcome", last, 4, onboarding.StatusCompleted)
	if res := h.result(); res.Status != onboarding.StatusCompleted || res.Version != 4 {
		t.Errorf("result %+v, want completed at version 4", res)
	}
	saves := h.savedReadModels()
	if len(saves) != 2 || saves[0].State.Version != 3 || saves[1].State.Version != 4 {
		t.Errorf("read model writes %d, want versions 3 and 4 only", len(saves))
	}
}

func TestSleepTimerIsKeptUnlessTheWakeUpMovesEarlier(t *testing.T) {
	h := newHarness(t)
	var started, canceled []string
	h.env.SetOnTimerScheduledListener(func(id string, _ time.Duration) { started = append(started, id) })
	h.env.SetOnTimerCanceledListener(func(id string) { canceled = append(canceled, id) })
	// Completing welcome and intake pushes the next wake-up later: the pending timer
	// (intake falls due on Wednesday night) stays, to fire early and be recomputed.
	h.update(time.Hour, act("r1", "welcome", onboarding.ActionComplete))
	h.update(2*time.Hour, act("r2", "intake", onboarding.ActionComplete))
	h.env.RegisterDelayedCallback(func() {
		if len(started) != 1 || len(canceled) != 0 {
			t.Errorf("after actions that push the wake-up later: timers started %v, cancelled %v; want one started, none cancelled", started, canceled)
		}
	}, 3*time.Hour)
	// Thursday: the first timer has fired and a later one (customer idle) is pending.
	// Reopening welcome, due Thursday night, brings the wake-up forward: replace it.
	h.update(72*time.Hour, act("r3", "welcome", onboarding.ActionReopen))
	h.cancel(80 * time.Hour)
	h.run(newState(h.start))
	h.requireCancelled()
	if len(started) != 3 || len(canceled) != 1 {
		t.Errorf("after a reopen: timers started %v, cancelled %v; want 3 started (first fired, second replaced)", started, canceled)
	}
}

func TestUnchangedSearchAttributesAreNotUpserted(t *testing.T) {
	h := newHarness(t)
	upserts := 0
	h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(mock.Arguments) { upserts++ }).Return(nil)
	block := act("r2", "welcome", onboarding.ActionBlock)
	block.Reason = "Waiting for the calendar invite"
	h.update(time.Hour, act("r1", "intake", onboarding.ActionStart))
	h.update(2*time.Hour, block)
	h.update(3*time.Hour, act("r3", "welcome", onboarding.ActionUnblock))
	h.update(4*time.Hour, act("r4", "intake", onboarding.ActionComplete))
	h.cancel(5 * time.Hour)
	h.run(newState(h.start))
	h.requireCancelled()
	if upserts != 2 {
		t.Fatalf("%d upserts, want 2: one at start, one when intake's completion moved progress", upserts)
	}
}
