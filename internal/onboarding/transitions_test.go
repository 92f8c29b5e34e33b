package onboarding

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testStart is a Monday.
var testStart = time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)

// testNow is the moment actions are applied at in these tests, unless a test says otherwise.
var testNow = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

// testPlan is a small three-phase plan:
//
//	kickoff (day 0):  welcome_call (vendor) ← company_profile (customer)
//	setup   (day 5):  sso_config ← company_profile; data_import (vendor, hidden) ← company_profile;
//	                  brand_assets (not required, no dependencies, calendar days)
//	launch  (day 10): training ← sso_config, data_import
func testPlan() Plan {
	return Plan{
		Key: "standard", Name: "Standard onboarding", Version: 3,
		Phases: []Phase{
			{
				Key: "kickoff", Name: "Kickoff", StartOffsetDays: 0,
				Tasks: []Task{
					{Key: "welcome_call", Title: "Welcome call", Owner: OwnerVendor, Type: TypeMeeting,
						DueOffsetDays: 2, DueFrom: DueFromStart, Required: true, CustomerVisible: true},
					{Key: "company_profile", Title: "Company profile", Owner: OwnerCustomer, Type: TypeForm,
						DependsOn: []string{"welcome_call"}, DueOffsetDays: 5, DueFrom: DueFromStart,
						Required: true, CustomerVisible: true,
						Fields: []Field{{Key: "legal_name", Label: "Legal name", Type: FieldText, Required: true}}},
				},
			},
			{
				Key: "setup", Name: "Setup", StartOffsetDays: 5,
				Tasks: []Task{
					{Key: "sso_config", Title: "Configure SSO", Owner: OwnerCustomer, Type: TypeConfiguration,
						DependsOn: []string{"company_profile"}, DueOffsetDays: 3, DueFrom: DueFromPhase,
						Required: true, CustomerVisible: true},
					{Key: "data_import", Title: "Import data", Owner: OwnerVendor, Type: TypeIntegration,
						DependsOn: []string{"company_profile"}, DueOffsetDays: 5, DueFrom: DueFromPhase,
						Required: true, CustomerVisible: false},
					{Key: "brand_assets", Title: "Upload brand assets", Owner: OwnerCustomer, Type: TypeDocument,
						DueOffsetDays: 10, DueFrom: DueFromStart, CalendarDays: true,
						Required: false, CustomerVisible: true},
				},
			},
			{
				Key: "launch", Name: "Launch", StartOffsetDays: 10,
				Tasks: []Task{
					{Key: "training", Title: "Admin training", Owner: OwnerCustomer, Type: TypeTraining,
						DependsOn: []string{"sso_config", "data_import"}, DueOffsetDays: 2, DueFrom: DueFromPhase,
						Required: true, CustomerVisible: true},
				},
			},
		},
	}
}

// allTaskKeys lists testPlan's tasks in plan order.
var allTaskKeys = []string{"welcome_call", "company_profile", "sso_config", "data_import", "brand_assets", "training"}

// requiredTaskKeys lists testPlan's go-live tasks in an order their dependencies allow.
var requiredTaskKeys = []string{"welcome_call", "company_profile", "sso_config", "data_import", "training"}

var allStatuses = []TaskStatus{TaskPending, TaskInProgress, TaskCompleted, TaskBlocked, TaskSkipped}

func newTestState(t *testing.T) State {
	t.Helper()
	return mustNew(t, NewInput{
		OnboardingID: "onb_1", WorkspaceID: "ws_1", AccountID: "acc_1", AccountName: "Acme",
		CSMEmail: "csm@vendor.test", Plan: testPlan(), StartDate: testStart, Now: testNow,
	})
}

// setStatus forces a task's status, as if earlier actions had put it there.
func setStatus(t *testing.T, s *State, key string, st TaskStatus) {
	t.Helper()
	ts, ok := s.Task(key)
	if !ok {
		t.Fatalf("setStatus: no task %q", key)
	}
	ts.Status = st
	if st == TaskBlocked {
		ts.BlockedReason = "waiting"
		if ts.Unblocked == "" {
			ts.Unblocked = TaskPending
		}
	}
}

func statusOf(t *testing.T, s *State, key string) TaskStatus {
	t.Helper()
	ts, ok := s.Task(key)
	if !ok {
		t.Fatalf("no task %q", key)
	}
	return ts.Status
}

// cloneState copies a State deeply enough for reflect.DeepEqual to catch any mutation.
func cloneState(s State) State {
	c := s
	c.Tasks = append([]TaskState(nil), s.Tasks...)
	c.Requests = append([]string(nil), s.Requests...)
	if s.Plan.Phases == nil {
		return c
	}
	c.Plan.Phases = make([]Phase, len(s.Plan.Phases))
	for i, ph := range s.Plan.Phases {
		c.Plan.Phases[i] = ph
		c.Plan.Phases[i].Tasks = append([]Task(nil), ph.Tasks...)
		for j, tk := range ph.Tasks {
			tk.DependsOn = append([]string(nil), tk.DependsOn...)
			tk.Fields = append([]Field(nil), tk.Fields...)
			c.Plan.Phases[i].Tasks[j] = tk
		}
	}
	return c
}

// wantTransitionError checks that err is a *TransitionError with the code and that its
// message contains every one of the given fragments.
func wantTransitionError(t *testing.T, err error, code string, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	var te *TransitionError
	if !errors.As(err, &te) {
		t.Fatalf("got %T (%v), want *TransitionError", err, err)
	}
	if te.Code != code {
		t.Fatalf("code = %q (%s), want %q", te.Code, te.Message, code)
	}
	if te.Error() != te.Message {
		t.Errorf("Error() = %q, want the message %q", te.Error(), te.Message)
	}
	for _, f := range fragments {
		if !strings.Contains(te.Message, f) {
			t.Errorf("message %q does not contain %q", te.Message, f)
		}
	}
}

func mustApply(t *testing.T, s *State, a TaskAction, now time.Time) {
	t.Helper()
	changed, err := s.Apply(a, now)
	if err != nil {
		t.Fatalf("Apply(%s %s): %v", a.Action, a.TaskKey, err)
	}
	if !changed {
		t.Fatalf("Apply(%s %s) reported no change", a.Action, a.TaskKey)
	}
}

func TestParseAction(t *testing.T) {
	for _, a := range Actions {
		got, ok := ParseAction(string(a))
		if !ok || got != a {
			t.Errorf("ParseAction(%q) = %q, %v", a, got, ok)
		}
	}
	for _, s := range []string{"", "Start", "done", "start "} {
		if got, ok := ParseAction(s); ok {
			t.Errorf("ParseAction(%q) = %q, true; want false", s, got)
		}
	}
}

// TestTransitionMatrix applies every action to a task in every status.
func TestTransitionMatrix(t *testing.T) {
	const bad = TaskStatus("") // marks a refused transition
	// want[from][action] is the status the task ends in, or bad if the action is refused.
	want := map[TaskStatus]map[Action]TaskStatus{
		TaskPending: {ActionStart: TaskInProgress, ActionComplete: TaskCompleted, ActionSkip: TaskSkipped,
			ActionBlock: TaskBlocked, ActionUnblock: bad, ActionReopen: bad},
		TaskInProgress: {ActionStart: bad, ActionComplete: TaskCompleted, ActionSkip: TaskSkipped,
			ActionBlock: TaskBlocked, ActionUnblock: bad, ActionReopen: bad},
		TaskCompleted: {ActionStart: bad, ActionComplete: bad, ActionSkip: bad,
			ActionBlock: bad, ActionUnblock: bad, ActionReopen: TaskInProgress},
		TaskBlocked: {ActionStart: bad, ActionComplete: bad, ActionSkip: TaskSkipped,
			ActionBlock: bad, ActionUnblock: TaskPending, ActionReopen: bad},
		TaskSkipped: {ActionStart: bad, ActionComplete: bad, ActionSkip: bad,
			ActionBlock: bad, ActionUnblock: bad, ActionReopen: TaskInProgress},
	}
	later := testNow.Add(time.Hour)
	for _, from := range allStatuses {
		for _, action := range Actions {
			t.Run(fmt.Sprintf("%s/%s", from, action), func(t *testing.T) {
				s := newTestState(t)
				// company_profile's only dependency is done, so gating does not interfere.
				setStatus(t, &s, "welcome_call", TaskCompleted)
				setStatus(t, &s, "company_profile", from)
				before := cloneState(s)
				a := TaskAction{RequestID: "r1", TaskKey: "company_profile", Action: action,
					Reason: "waiting for legal", Actor: "staff:1", ActorSide: OwnerVendor}

				vErr := s.Validate(a)
				if !reflect.DeepEqual(s, before) {
					t.Fatalf("Validate mutated the state")
				}
				changed, err := s.Apply(a, later)
				if (vErr == nil) != (err == nil) {
					t.Fatalf("Validate = %v but Apply = %v", vErr, err)
				}
				exp := want[from][action]
				if exp == bad {
					wantTransitionError(t, err, "invalid_transition",
						`"company_profile"`, string(action), from.Label())
					if changed {
						t.Errorf("Apply reported a change for a refused action")
					}
					if !reflect.DeepEqual(s, before) {
						t.Errorf("a refused action changed the state")
					}
					return
				}
				if err != nil || !changed {
					t.Fatalf("Apply = %v, %v; want true, nil", changed, err)
				}
				ts, _ := s.Task("company_profile")
				if ts.Status != exp {
					t.Errorf("status = %s, want %s", ts.Status, exp)
				}
				if !ts.UpdatedAt.Equal(later) {
					t.Errorf("UpdatedAt = %v, want %v", ts.UpdatedAt, later)
				}
				if s.Version != before.Version+1 {
					t.Errorf("Version = %d, want %d", s.Version, before.Version+1)
				}
				if !s.Seen("r1") {
					t.Errorf("request ID not remembered")
				}
				if ts.Status != TaskBlocked && ts.BlockedReason != "" {
					t.Errorf("BlockedReason = %q on a %s task", ts.BlockedReason, ts.Status)
				}
				// Nothing else changes.
				for i := range s.Tasks {
					if s.Tasks[i].Key != "company_profile" && s.Tasks[i] != before.Tasks[i] {
						t.Errorf("task %s changed: %+v", s.Tasks[i].Key, s.Tasks[i])
					}
				}
			})
		}
	}
}

func TestApplyTimestamps(t *testing.T) {
	t1 := testNow.Add(time.Hour)
	t2 := testNow.Add(2 * time.Hour)
	t3 := testNow.Add(3 * time.Hour)

	t.Run("start then complete", func(t *testing.T) {
		s := newTestState(t)
		mustApply(t, &s, TaskAction{TaskKey: "welcome_call", Action: ActionStart}, t1)
		ts, _ := s.Task("welcome_call")
		if !ts.StartedAt.Equal(t1) || !ts.CompletedAt.IsZero() {
			t.Fatalf("after start: StartedAt %v CompletedAt %v", ts.StartedAt, ts.CompletedAt)
		}
		mustApply(t, &s, TaskAction{TaskKey: "welcome_call", Action: ActionComplete}, t2)
		ts, _ = s.Task("welcome_call")
		if !ts.StartedAt.Equal(t1) || !ts.CompletedAt.Equal(t2) || !ts.UpdatedAt.Equal(t2) {
			t.Fatalf("after complete: StartedAt %v CompletedAt %v UpdatedAt %v", ts.StartedAt, ts.CompletedAt, ts.UpdatedAt)
		}
		mustApply(t, &s, TaskAction{TaskKey: "welcome_call", Action: ActionReopen}, t3)
		ts, _ = s.Task("welcome_call")
		if ts.Status != TaskInProgress || !ts.CompletedAt.IsZero() || !ts.StartedAt.Equal(t1) {
			t.Fatalf("after reopen: %+v", ts)
		}
	})

	t.Run("complete straight from pending sets StartedAt", func(t *testing.T) {
		s := newTestState(t)
		mustApply(t, &s, TaskAction{TaskKey: "welcome_call", Action: ActionComplete}, t1)
		ts, _ := s.Task("welcome_call")
		if !ts.StartedAt.Equal(t1) || !ts.CompletedAt.Equal(t1) {
			t.Fatalf("StartedAt %v CompletedAt %v, want both %v", ts.StartedAt, ts.CompletedAt, t1)
		}
	})

	t.Run("skip sets CompletedAt", func(t *testing.T) {
		s := newTestState(t)
		mustApply(t, &s, TaskAction{TaskKey: "brand_assets", Action: ActionSkip}, t1)
		ts, _ := s.Task("brand_assets")
		if ts.Status != TaskSkipped || !ts.CompletedAt.Equal(t1) {
			t.Fatalf("after skip: %+v", ts)
		}
		mustApply(t, &s, TaskAction{TaskKey: "brand_assets", Action: ActionReopen}, t2)
		ts, _ = s.Task("brand_assets")
		if ts.Status != TaskInProgress || !ts.CompletedAt.IsZero() {
			t.Fatalf("after reopen: %+v", ts)
		}
	})
}

func TestBlockAndUnblock(t *testing.T) {
	tests := []struct {
		name string
		from TaskStatus
	}{
		{"from pending", TaskPending},
		{"from in progress", TaskInProgress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestState(t)
			setStatus(t, &s, "welcome_call", tt.from)
			mustApply(t, &s, TaskAction{TaskKey: "welcome_call", Action: ActionBlock, Reason: "  no calendar slot  "}, testNow)
			ts, _ := s.Task("welcome_call")
			if ts.Status != TaskBlocked || ts.BlockedReason != "no calendar slot" || ts.Unblocked != tt.from {
				t.Fatalf("after block: status %s reason %q unblocked %q", ts.Status, ts.BlockedReason, ts.Unblocked)
			}
			mustApply(t, &s, TaskAction{TaskKey: "welcome_call", Action: ActionUnblock}, testNow)
			ts, _ = s.Task("welcome_call")
			if ts.Status != tt.from || ts.BlockedReason != "" || ts.Unblocked != "" {
				t.Fatalf("after unblock: status %s reason %q unblocked %q; want %s", ts.Status, ts.BlockedReason, ts.Unblocked, tt.from)
			}
		})
	}

	t.Run("unblock without a remembered status returns to pending", func(t *testing.T) {
		s := newTestState(t)
		ts, _ := s.Task("welcome_call")
		ts.Status, ts.BlockedReason, ts.Unblocked = TaskBlocked, "legacy", ""
		mustApply(t, &s, TaskAction{TaskKey: "welcome_call", Action: ActionUnblock}, testNow)
		if got := statusOf(t, &s, "welcome_call"); got != TaskPending {
			t.Fatalf("status = %s, want pending", got)
		}
	})

	t.Run("skip a blocked task", func(t *testing.T) {
		s := newTestState(t)
		mustApply(t, &s, TaskAction{TaskKey: "brand_assets", Action: ActionBlock, Reason: "no logo yet"}, testNow)
		mustApply(t, &s, TaskAction{TaskKey: "brand_assets", Action: ActionSkip}, testNow)
		ts, _ := s.Task("brand_assets")
		if ts.Status != TaskSkipped || ts.BlockedReason != "" {
			t.Fatalf("after skip: status %s reason %q", ts.Status, ts.BlockedReason)
		}
		// Reopening a task skipped while blocked brings it back in progress, not blocked.
		mustApply(t, &s, TaskAction{TaskKey: "brand_assets", Action: ActionReopen}, testNow)
		if got := statusOf(t, &s, "brand_assets"); got != TaskInProgress {
			t.Fatalf("after reopen: %s", got)
		}
	})
}

func TestBlockReason(t *testing.T) {
	tests := []struct {
		name    string
		reason  string
		wantErr bool
		frag    string
	}{
		{"empty", "", true, `"welcome_call"`},
		{"only whitespace", " \t\n ", true, `"welcome_call"`},
		{"one character", "x", false, ""},
		{"exactly the maximum", strings.Repeat("a", MaxReasonLength), false, ""},
		{"maximum plus surrounding whitespace", "  " + strings.Repeat("a", MaxReasonLength) + "\n", false, ""},
		{"one over the maximum", strings.Repeat("a", MaxReasonLength+1), true, fmt.Sprint(MaxReasonLength)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestState(t)
			before := cloneState(s)
			changed, err := s.Apply(TaskAction{RequestID: "r", TaskKey: "welcome_call", Action: ActionBlock, Reason: tt.reason}, testNow)
			if tt.wantErr {
				wantTransitionError(t, err, "invalid_input", "reason", tt.frag)
				if changed || !reflect.DeepEqual(s, before) {
					t.Fatalf("a refused block changed the state")
				}
				if s.Seen("r") {
					t.Fatalf("a refused request ID was remembered")
				}
				return
			}
			if err != nil || !changed {
				t.Fatalf("Apply = %v, %v", changed, err)
			}
			ts, _ := s.Task("welcome_call")
			if ts.BlockedReason != strings.TrimSpace(tt.reason) {
				t.Fatalf("BlockedReason = %q", ts.BlockedReason)
			}
		})
	}
}

func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(s *State)
		a     TaskAction
		code  string
		frags []string
	}{
		{"unknown task", nil,
			TaskAction{TaskKey: "nope", Action: ActionStart}, "unknown_task", []string{`"nope"`}},
		{"empty task key", nil,
			TaskAction{TaskKey: "", Action: ActionStart}, "unknown_task", []string{`""`}},
		{"unknown action", nil,
			TaskAction{TaskKey: "welcome_call", Action: "finish"}, "invalid_input", []string{`"finish"`}},
		{"empty action", nil,
			TaskAction{TaskKey: "welcome_call", Action: ""}, "invalid_input", []string{"unknown action"}},
		{"start while dependency pending", nil,
			TaskAction{TaskKey: "company_profile", Action: ActionStart}, "dependencies_pending",
			[]string{`cannot start task "company_profile" before "welcome_call" is done`}},
		{"complete while dependency pending", nil,
			TaskAction{TaskKey: "company_profile", Action: ActionComplete}, "dependencies_pending",
			[]string{`cannot complete task "company_profile" before "welcome_call" is done`}},
		{"two dependencies pending", nil,
			TaskAction{TaskKey: "training", Action: ActionStart}, "dependencies_pending",
			[]string{`cannot start task "training" before "sso_config", "data_import" are done`}},
		{"one of two dependencies pending",
			func(s *State) { setTask(s, "sso_config", TaskCompleted) },
			TaskAction{TaskKey: "training", Action: ActionComplete}, "dependencies_pending",
			[]string{`before "data_import" is done`}},
		{"status is checked before dependencies", nil,
			TaskAction{TaskKey: "company_profile", Action: ActionReopen}, "invalid_transition",
			[]string{`"company_profile"`, "Pending"}},
		{"status is checked before the reason",
			func(s *State) { setTask(s, "welcome_call", TaskCompleted) },
			TaskAction{TaskKey: "welcome_call", Action: ActionBlock}, "invalid_transition",
			[]string{`cannot block task "welcome_call": it is Completed`}},
		{"unknown task on a paused onboarding",
			func(s *State) { s.Status = StatusPaused },
			TaskAction{TaskKey: "nope", Action: ActionStart}, "onboarding_closed", []string{"paused"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestState(t)
			if tt.setup != nil {
				tt.setup(&s)
			}
			before := cloneState(s)
			wantTransitionError(t, s.Validate(tt.a), tt.code, tt.frags...)
			if !reflect.DeepEqual(s, before) {
				t.Fatalf("Validate mutated the state")
			}
			changed, err := s.Apply(tt.a, testNow)
			wantTransitionError(t, err, tt.code, tt.frags...)
			if changed || !reflect.DeepEqual(s, before) {
				t.Fatalf("a refused Apply changed the state")
			}
		})
	}
}

// setTask forces a status without a *testing.T, for table setup funcs.
func setTask(s *State, key string, st TaskStatus) {
	ts, ok := s.Task(key)
	if !ok {
		panic("no task " + key)
	}
	ts.Status = st
	if st == TaskBlocked {
		ts.BlockedReason, ts.Unblocked = "waiting", TaskPending
	}
}

func TestDependencyGating(t *testing.T) {
	tests := []struct {
		depStatus TaskStatus
		allowed   bool
	}{
		{TaskPending, false},
		{TaskInProgress, false},
		{TaskBlocked, false},
		{TaskCompleted, true},
		{TaskSkipped, true},
	}
	for _, tt := range tests {
		for _, action := range []Action{ActionStart, ActionComplete} {
			t.Run(fmt.Sprintf("%s when dependency %s", action, tt.depStatus), func(t *testing.T) {
				s := newTestState(t)
				setStatus(t, &s, "welcome_call", tt.depStatus)
				err := s.Validate(TaskAction{TaskKey: "company_profile", Action: action})
				if tt.allowed {
					if err != nil {
						t.Fatalf("Validate: %v", err)
					}
					if deps := s.PendingDependencies("company_profile"); len(deps) != 0 {
						t.Fatalf("PendingDependencies = %v, want none", deps)
					}
					return
				}
				wantTransitionError(t, err, "dependencies_pending", `"company_profile"`, `"welcome_call"`)
				if deps := s.PendingDependencies("company_profile"); !reflect.DeepEqual(deps, []string{"welcome_call"}) {
					t.Fatalf("PendingDependencies = %v", deps)
				}
			})
		}
	}

	t.Run("skip and block are not gated", func(t *testing.T) {
		for _, a := range []TaskAction{
			{TaskKey: "training", Action: ActionSkip},
			{TaskKey: "training", Action: ActionBlock, Reason: "waiting on SSO"},
		} {
			s := newTestState(t)
			if err := s.Validate(a); err != nil {
				t.Errorf("%s: %v", a.Action, err)
			}
		}
	})

	t.Run("PendingDependencies lists in plan order", func(t *testing.T) {
		s := newTestState(t)
		if got := s.PendingDependencies("training"); !reflect.DeepEqual(got, []string{"sso_config", "data_import"}) {
			t.Fatalf("got %v", got)
		}
		setStatus(t, &s, "data_import", TaskSkipped)
		if got := s.PendingDependencies("training"); !reflect.DeepEqual(got, []string{"sso_config"}) {
			t.Fatalf("got %v", got)
		}
		if got := s.PendingDependencies("welcome_call"); got != nil {
			t.Fatalf("no dependencies: got %v", got)
		}
		if got := s.PendingDependencies("nope"); got != nil {
			t.Fatalf("unknown task: got %v", got)
		}
	})

	t.Run("a whole chain through Apply", func(t *testing.T) {
		s := newTestState(t)
		steps := []struct {
			key     string
			action  Action
			wantErr string
		}{
			{"company_profile", ActionStart, "dependencies_pending"},
			{"welcome_call", ActionSkip, ""},
			{"company_profile", ActionStart, ""},
			{"sso_config", ActionStart, "dependencies_pending"},
			{"company_profile", ActionComplete, ""},
			{"sso_config", ActionComplete, ""},
			{"training", ActionStart, "dependencies_pending"},
			{"data_import", ActionComplete, ""},
			{"training", ActionStart, ""},
		}
		for i, st := range steps {
			_, err := s.Apply(TaskAction{RequestID: fmt.Sprint(i), TaskKey: st.key, Action: st.action}, testNow)
			if st.wantErr == "" {
				if err != nil {
					t.Fatalf("step %d (%s %s): %v", i, st.action, st.key, err)
				}
				continue
			}
			wantTransitionError(t, err, st.wantErr, `"`+st.key+`"`)
		}
	})
}

func TestIdempotency(t *testing.T) {
	t.Run("the same request twice changes once", func(t *testing.T) {
		s := newTestState(t)
		a := TaskAction{RequestID: "req-1", TaskKey: "welcome_call", Action: ActionStart}
		changed, err := s.Apply(a, testNow)
		if !changed || err != nil {
			t.Fatalf("first Apply = %v, %v", changed, err)
		}
		after := cloneState(s)
		changed, err = s.Apply(a, testNow.Add(time.Minute))
		if changed || err != nil {
			t.Fatalf("second Apply = %v, %v; want false, nil", changed, err)
		}
		if s.Version != 1 {
			t.Fatalf("Version = %d, want 1", s.Version)
		}
		if !reflect.DeepEqual(s, after) {
			t.Fatalf("the repeat changed the state")
		}
	})

	t.Run("a seen request is valid even when the action no longer is", func(t *testing.T) {
		s := newTestState(t)
		a := TaskAction{RequestID: "req-1", TaskKey: "welcome_call", Action: ActionComplete, ActorSide: OwnerVendor}
		mustApply(t, &s, a, testNow)
		// Completing a completed task would be an invalid transition for a new request.
		wantTransitionError(t, s.Validate(TaskAction{RequestID: "req-2", TaskKey: "welcome_call", Action: ActionComplete}),
			"invalid_transition", `"welcome_call"`)
		if err := s.Validate(a); err != nil {
			t.Fatalf("Validate(repeat) = %v, want nil", err)
		}
		// Even on a closed onboarding.
		s.Status = StatusCancelled
		if err := s.Validate(a); err != nil {
			t.Fatalf("Validate(repeat) on a cancelled onboarding = %v, want nil", err)
		}
		if changed, err := s.Apply(a, testNow); changed || err != nil {
			t.Fatalf("Apply(repeat) on a cancelled onboarding = %v, %v", changed, err)
		}
	})

	t.Run("a refused request is not remembered", func(t *testing.T) {
		s := newTestState(t)
		a := TaskAction{RequestID: "req-1", TaskKey: "company_profile", Action: ActionStart}
		if _, err := s.Apply(a, testNow); err == nil {
			t.Fatal("want dependencies_pending")
		}
		if s.Seen("req-1") {
			t.Fatal("refused request was remembered")
		}
		mustApply(t, &s, TaskAction{RequestID: "req-0", TaskKey: "welcome_call", Action: ActionComplete}, testNow)
		// The same request ID now goes through.
		mustApply(t, &s, a, testNow)
	})

	t.Run("empty request IDs are never de-duplicated", func(t *testing.T) {
		s := newTestState(t)
		block := TaskAction{TaskKey: "welcome_call", Action: ActionBlock, Reason: "r"}
		unblock := TaskAction{TaskKey: "welcome_call", Action: ActionUnblock}
		mustApply(t, &s, block, testNow)
		mustApply(t, &s, unblock, testNow)
		mustApply(t, &s, block, testNow)
		if s.Version != 3 || len(s.Requests) != 0 || s.Seen("") {
			t.Fatalf("Version %d Requests %v", s.Version, s.Requests)
		}
	})

	t.Run("the remembered list is bounded", func(t *testing.T) {
		s := newTestState(t)
		n := maxRemembered + 1
		for i := 0; i < n; i++ {
			a := TaskAction{RequestID: fmt.Sprintf("req-%d", i), TaskKey: "welcome_call", Action: ActionBlock, Reason: "r"}
			if i%2 == 1 {
				a.Action = ActionUnblock
			}
			mustApply(t, &s, a, testNow)
		}
		if s.Version != int64(n) {
			t.Fatalf("Version = %d, want %d", s.Version, n)
		}
		if len(s.Requests) != maxRemembered {
			t.Fatalf("len(Requests) = %d, want %d", len(s.Requests), maxRemembered)
		}
		if s.Requests[0] != "req-1" || s.Requests[maxRemembered-1] != fmt.Sprintf("req-%d", n-1) {
			t.Fatalf("Requests runs %s … %s", s.Requests[0], s.Requests[len(s.Requests)-1])
		}
		if s.Seen("req-0") {
			t.Fatal("the oldest request is still remembered")
		}
		for _, id := range []string{"req-1", "req-256", fmt.Sprintf("req-%d", n-1)} {
			if !s.Seen(id) {
				t.Errorf("%s forgotten", id)
			}
		}
		// req-0 was a block; the task is blocked now, so the forgotten request is validated afresh.
		wantTransitionError(t, s.Validate(TaskAction{RequestID: "req-0", TaskKey: "welcome_call", Action: ActionBlock, Reason: "r"}),
			"invalid_transition", `"welcome_call"`)
		// req-2 is still remembered: its repeat is a no-op.
		changed, err := s.Apply(TaskAction{RequestID: "req-2", TaskKey: "welcome_call", Action: ActionBlock, Reason: "r"}, testNow)
		if changed || err != nil {
			t.Fatalf("repeat of req-2 = %v, %v", changed, err)
		}
	})
}

func TestVersionCountsAcceptedChangesOnly(t *testing.T) {
	s := newTestState(t)
	if s.Version != 0 {
		t.Fatalf("new state Version = %d", s.Version)
	}
	steps := []struct {
		a      TaskAction
		accept bool
	}{
		{TaskAction{RequestID: "1", TaskKey: "welcome_call", Action: ActionStart}, true},
		{TaskAction{RequestID: "2", TaskKey: "welcome_call", Action: ActionStart}, false},      // invalid transition
		{TaskAction{RequestID: "1", TaskKey: "welcome_call", Action: ActionStart}, false},      // repeat
		{TaskAction{RequestID: "3", TaskKey: "company_profile", Action: ActionStart}, false},   // dependencies
		{TaskAction{RequestID: "4", TaskKey: "nope", Action: ActionStart}, false},              // unknown task
		{TaskAction{RequestID: "5", TaskKey: "welcome_call", Action: ActionBlock}, false},      // no reason
		{TaskAction{RequestID: "6", TaskKey: "welcome_call", Action: ActionComplete}, true},    //
		{TaskAction{RequestID: "7", TaskKey: "company_profile", Action: ActionComplete}, true}, //
		{TaskAction{RequestID: "8", TaskKey: "welcome_call", Action: ActionReopen}, true},      //
		{TaskAction{RequestID: "9", TaskKey: "welcome_call", Action: "explode"}, false},        // unknown action
		{TaskAction{RequestID: "10", TaskKey: "brand_assets", Action: ActionSkip}, true},       //
		{TaskAction{RequestID: "10", TaskKey: "brand_assets", Action: ActionReopen}, false},    // repeat ID, other action
		{TaskAction{RequestID: "11", TaskKey: "brand_assets", Action: ActionComplete}, false},  // skipped: invalid
		{TaskAction{RequestID: "12", TaskKey: "brand_assets", Action: ActionReopen}, true},     //
		{TaskAction{RequestID: "13", TaskKey: "brand_assets", Action: ActionComplete}, true},   //
		{TaskAction{RequestID: "14", TaskKey: "data_import", Action: ActionStart}, true},       //
		{TaskAction{RequestID: "15", TaskKey: "data_import", Action: ActionComplete}, true},    //
		{TaskAction{RequestID: "15", TaskKey: "data_import", Action: ActionComplete}, false},   // repeat
		{TaskAction{RequestID: "16", TaskKey: "training", Action: ActionComplete}, false},      // sso_config pending
		{TaskAction{RequestID: "17", TaskKey: "sso_config", Action: ActionBlock, Reason: "x"}, true},
	}
	want := int64(0)
	for i, st := range steps {
		before := cloneState(s)
		if err := s.Validate(st.a); !reflect.DeepEqual(s, before) {
			t.Fatalf("step %d: Validate mutated the state (err %v)", i, err)
		}
		changed, err := s.Apply(st.a, testNow)
		if changed != st.accept {
			t.Fatalf("step %d (%s %s): changed = %v, err %v; want %v", i, st.a.Action, st.a.TaskKey, changed, err, st.accept)
		}
		if changed {
			want++
		} else if !reflect.DeepEqual(s, before) {
			t.Fatalf("step %d: state changed without being reported", i)
		}
		if s.Version != want {
			t.Fatalf("step %d: Version = %d, want %d", i, s.Version, want)
		}
	}
}

func TestCustomerActivity(t *testing.T) {
	later := testNow.Add(48 * time.Hour)
	tests := []struct {
		name   string
		task   string
		action Action
		side   Owner
		want   time.Time
	}{
		{"customer action counts", "welcome_call", ActionStart, OwnerCustomer, later},
		{"vendor action on a vendor task does not", "welcome_call", ActionStart, OwnerVendor, testNow},
		{"unknown side on a vendor task does not", "welcome_call", ActionStart, "", testNow},
		{"vendor starting a customer task counts", "brand_assets", ActionStart, OwnerVendor, later},
		{"vendor completing a customer task counts", "brand_assets", ActionComplete, OwnerVendor, later},
		{"vendor blocking a customer task does not", "brand_assets", ActionBlock, OwnerVendor, testNow},
		{"vendor skipping a customer task does not", "brand_assets", ActionSkip, OwnerVendor, testNow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestState(t)
			mustApply(t, &s, TaskAction{TaskKey: tt.task, Action: tt.action, Reason: "waiting", ActorSide: tt.side}, later)
			if !s.LastCustomerActivity.Equal(tt.want) {
				t.Fatalf("LastCustomerActivity = %v, want %v", s.LastCustomerActivity, tt.want)
			}
		})
	}
	t.Run("a refused customer action does not count", func(t *testing.T) {
		s := newTestState(t)
		_, err := s.Apply(TaskAction{TaskKey: "training", Action: ActionStart, ActorSide: OwnerCustomer}, later)
		if err == nil {
			t.Fatal("want an error")
		}
		if !s.LastCustomerActivity.Equal(testNow) {
			t.Fatalf("LastCustomerActivity = %v", s.LastCustomerActivity)
		}
	})
}

func TestReasonMustBePlainText(t *testing.T) {
	for _, reason := range []string{"bad\x00reason", "bell\x07", "del\x7f", "\xff\xfe"} {
		s := newTestState(t)
		err := s.Validate(TaskAction{TaskKey: "welcome_call", Action: ActionBlock, Reason: reason})
		var te *TransitionError
		if !errors.As(err, &te) || te.Code != "invalid_input" {
			t.Errorf("reason %q: %v, want invalid_input", reason, err)
		}
	}
	s := newTestState(t)
	mustApply(t, &s, TaskAction{TaskKey: "welcome_call", Action: ActionBlock, Reason: "Waiting on IT:\n\tthe SSO metadata"}, testNow)
}

func TestCloneSharesNothingMutable(t *testing.T) {
	s := newTestState(t)
	mustApply(t, &s, TaskAction{RequestID: "r1", TaskKey: "welcome_call", Action: ActionStart}, testNow)
	c := s.Clone()
	mustApply(t, &s, TaskAction{RequestID: "r2", TaskKey: "welcome_call", Action: ActionComplete}, testNow)
	if ts, _ := c.Task("welcome_call"); ts.Status != TaskInProgress || len(c.Requests) != 1 || c.Version != 1 {
		t.Fatalf("clone changed with the original: %v %v v%d", ts.Status, c.Requests, c.Version)
	}
}

func TestOnboardingStatus(t *testing.T) {
	t.Run("live when every required task is done, completed when all are", func(t *testing.T) {
		s := newTestState(t)
		for i, key := range requiredTaskKeys {
			if s.Status != StatusActive || !s.WentLiveAt.IsZero() {
				t.Fatalf("before %s: status %s WentLiveAt %v", key, s.Status, s.WentLiveAt)
			}
			mustApply(t, &s, TaskAction{TaskKey: key, Action: ActionComplete}, testNow.Add(time.Duration(i)*time.Hour))
		}
		liveAt := testNow.Add(time.Duration(len(requiredTaskKeys)-1) * time.Hour)
		if s.Status != StatusLive {
			t.Fatalf("status = %s, want live", s.Status)
		}
		if !s.WentLiveAt.Equal(liveAt) {
			t.Fatalf("WentLiveAt = %v, want %v", s.WentLiveAt, liveAt)
		}
		// Live onboardings still take task actions (hypercare).
		mustApply(t, &s, TaskAction{TaskKey: "brand_assets", Action: ActionStart}, liveAt.Add(time.Hour))
		if s.Status != StatusLive {
			t.Fatalf("status = %s, want live", s.Status)
		}
		mustApply(t, &s, TaskAction{TaskKey: "brand_assets", Action: ActionComplete}, liveAt.Add(2*time.Hour))
		if s.Status != StatusCompleted {
			t.Fatalf("status = %s, want completed", s.Status)
		}
		if !s.WentLiveAt.Equal(liveAt) {
			t.Fatalf("WentLiveAt moved to %v", s.WentLiveAt)
		}
	})

	t.Run("skipped required tasks count as done", func(t *testing.T) {
		s := newTestState(t)
		for _, key := range requiredTaskKeys {
			mustApply(t, &s, TaskAction{TaskKey: key, Action: ActionSkip}, testNow)
		}
		if s.Status != StatusLive || !s.WentLiveAt.Equal(testNow) {
			t.Fatalf("status %s WentLiveAt %v", s.Status, s.WentLiveAt)
		}
	})

	t.Run("a non-required task alone never makes it live", func(t *testing.T) {
		s := newTestState(t)
		mustApply(t, &s, TaskAction{TaskKey: "brand_assets", Action: ActionComplete}, testNow)
		if s.Status != StatusActive || !s.WentLiveAt.IsZero() {
			t.Fatalf("status %s WentLiveAt %v", s.Status, s.WentLiveAt)
		}
	})

	t.Run("completing everything at once goes straight to completed", func(t *testing.T) {
		s := newTestState(t)
		mustApply(t, &s, TaskAction{TaskKey: "brand_assets", Action: ActionComplete}, testNow)
		for _, key := range requiredTaskKeys {
			mustApply(t, &s, TaskAction{TaskKey: key, Action: ActionComplete}, testNow.Add(time.Hour))
		}
		if s.Status != StatusCompleted || !s.WentLiveAt.Equal(testNow.Add(time.Hour)) {
			t.Fatalf("status %s WentLiveAt %v", s.Status, s.WentLiveAt)
		}
	})

	reopenTests := []struct {
		key        string
		wantStatus Status
	}{
		{"training", StatusActive},     // required
		{"welcome_call", StatusActive}, // required, with done dependents
	}
	for _, tt := range reopenTests {
		t.Run("reopening required "+tt.key+" while live returns to active", func(t *testing.T) {
			s := newTestState(t)
			for _, key := range requiredTaskKeys {
				mustApply(t, &s, TaskAction{TaskKey: key, Action: ActionComplete}, testNow)
			}
			if s.Status != StatusLive {
				t.Fatalf("status = %s, want live", s.Status)
			}
			mustApply(t, &s, TaskAction{TaskKey: tt.key, Action: ActionReopen}, testNow.Add(time.Hour))
			if s.Status != tt.wantStatus {
				t.Fatalf("status = %s, want %s", s.Status, tt.wantStatus)
			}
			// WentLiveAt keeps the first go-live moment.
			if !s.WentLiveAt.Equal(testNow) {
				t.Fatalf("WentLiveAt = %v", s.WentLiveAt)
			}
			mustApply(t, &s, TaskAction{TaskKey: tt.key, Action: ActionComplete}, testNow.Add(2*time.Hour))
			if s.Status != StatusLive || !s.WentLiveAt.Equal(testNow) {
				t.Fatalf("after completing again: status %s WentLiveAt %v", s.Status, s.WentLiveAt)
			}
		})
	}

	t.Run("blocking or skipping the non-required task while live stays live", func(t *testing.T) {
		s := newTestState(t)
		for _, key := range requiredTaskKeys {
			mustApply(t, &s, TaskAction{TaskKey: key, Action: ActionComplete}, testNow)
		}
		mustApply(t, &s, TaskAction{TaskKey: "brand_assets", Action: ActionBlock, Reason: "r"}, testNow)
		if s.Status != StatusLive {
			t.Fatalf("status = %s", s.Status)
		}
	})

	for _, st := range []Status{StatusPaused, StatusCancelled, StatusCompleted} {
		t.Run(string(st)+" rejects every action", func(t *testing.T) {
			for _, action := range Actions {
				for _, key := range []string{"welcome_call", "nope"} {
					s := newTestState(t)
					s.Status = st
					before := cloneState(s)
					a := TaskAction{RequestID: "new", TaskKey: key, Action: action, Reason: "r"}
					wantTransitionError(t, s.Validate(a), "onboarding_closed", string(st))
					changed, err := s.Apply(a, testNow)
					wantTransitionError(t, err, "onboarding_closed", string(st))
					if changed || !reflect.DeepEqual(s, before) {
						t.Fatalf("%s %s changed a %s onboarding", action, key, st)
					}
				}
			}
		})
	}

	t.Run("Terminal", func(t *testing.T) {
		want := map[Status]bool{StatusActive: false, StatusPaused: false, StatusLive: false,
			StatusCompleted: true, StatusCancelled: true}
		for _, st := range Statuses {
			s := State{Status: st}
			if got := s.Terminal(); got != want[st] {
				t.Errorf("%s: Terminal = %v", st, got)
			}
		}
	})
}

func TestLabels(t *testing.T) {
	tests := []struct{ got, want string }{
		{TaskPending.Label(), "Pending"},
		{TaskInProgress.Label(), "In Progress"},
		{TaskCompleted.Label(), "Completed"},
		{TaskBlocked.Label(), "Blocked"},
		{TaskSkipped.Label(), "Skipped"},
		{PhaseNotStarted.Label(), "Not Started"},
		{PhaseInProgress.Label(), "In Progress"},
		{PhaseCompleted.Label(), "Completed"},
		{HealthOnTrack.Label(), "On Track"},
		{HealthAtRisk.Label(), "At Risk"},
		{HealthOffTrack.Label(), "Off Track"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("label %q, want %q", tt.got, tt.want)
		}
	}
	for _, st := range allStatuses {
		if want := st == TaskCompleted || st == TaskSkipped; st.Done() != want {
			t.Errorf("%s.Done() = %v", st, st.Done())
		}
	}
}

func TestPlanLookup(t *testing.T) {
	p := testPlan()
	if n := p.TaskCount(); n != len(allTaskKeys) {
		t.Fatalf("TaskCount = %d", n)
	}
	tests := []struct {
		key, phase string
		ok         bool
	}{
		{"welcome_call", "kickoff", true},
		{"data_import", "setup", true},
		{"training", "launch", true},
		{"nope", "", false},
	}
	for _, tt := range tests {
		task, phase, ok := p.Task(tt.key)
		if ok != tt.ok || phase != tt.phase || (ok && task.Key != tt.key) {
			t.Errorf("Task(%q) = %q, %q, %v", tt.key, task.Key, phase, ok)
		}
	}
	if (Plan{}).TaskCount() != 0 {
		t.Fatal("empty plan has tasks")
	}
}

func TestActionsFrom(t *testing.T) {
	want := map[TaskStatus][]Action{
		TaskPending:    {ActionStart, ActionComplete, ActionSkip, ActionBlock},
		TaskInProgress: {ActionComplete, ActionSkip, ActionBlock},
		TaskBlocked:    {ActionSkip, ActionUnblock},
		TaskCompleted:  {ActionReopen},
		TaskSkipped:    {ActionReopen},
	}
	for st, actions := range want {
		if got := ActionsFrom(st); fmt.Sprint(got) != fmt.Sprint(actions) {
			t.Errorf("ActionsFrom(%s) = %v, want %v", st, got, actions)
		}
	}
	for _, a := range Actions {
		if a.ForCustomers() == (a == ActionSkip || a == ActionReopen) {
			t.Errorf("%s ForCustomers = %v", a, a.ForCustomers())
		}
	}
}
