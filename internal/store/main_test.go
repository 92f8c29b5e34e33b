package store_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// Fixed moments keep due dates and timestamps stable (Monday 3 March 2025).
var (
	startDate = time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	now       = time.Date(2025, 3, 3, 9, 30, 0, 0, time.UTC)
)

// tenant is one workspace with a CSM, an account and a contact on it.
type tenant struct {
	ws      store.Workspace
	csm     store.StaffUser
	account store.Account
	contact store.Contact
}

// newTenant creates a workspace named name with one CSM, account and contact.
func newTenant(t *testing.T, st *store.Store, name string) tenant {
	t.Helper()
	ctx := context.Background()
	var tn tenant
	var err error
	if tn.ws, err = st.CreateWorkspace(ctx, store.Workspace{Slug: name, Name: name + " Inc"}); err != nil {
		t.Fatalf("create workspace: %v", err)
	}
	if tn.csm, err = st.CreateStaffUser(ctx, store.StaffUser{WorkspaceID: tn.ws.ID, Email: "csm@" + name + ".example",
		Name: "Casey CSM", Role: "csm"}); err != nil {
		t.Fatalf("create staff user: %v", err)
	}
	tn.account = mustAccount(t, st, store.Account{WorkspaceID: tn.ws.ID, Name: "Acme", CSMID: &tn.csm.ID})
	if tn.contact, err = st.CreateContact(ctx, store.Contact{WorkspaceID: tn.ws.ID, AccountID: tn.account.ID,
		Name: "Pat Contact", Email: "pat@acme.example"}); err != nil {
		t.Fatalf("create contact: %v", err)
	}
	return tn
}

func mustAccount(t *testing.T, st *store.Store, a store.Account) store.Account {
	t.Helper()
	created, err := st.CreateAccount(context.Background(), a)
	if err != nil {
		t.Fatalf("create account %q: %v", a.Name, err)
	}
	return created
}

// newID returns a random version-4 UUID.
func newID(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// testPlan has two phases and four tasks; "configure" is hidden from customers and
// "training" is not required for go-live.
func testPlan() onboarding.Plan {
	return onboarding.Plan{Key: "test-plan", Name: "Test plan", Version: 1, Phases: []onboarding.Phase{
		{Key: "setup", Name: "Setup", Tasks: []onboarding.Task{
			{Key: "kickoff", Title: "Kickoff call", Owner: onboarding.OwnerVendor, Type: onboarding.TypeMeeting,
				DueOffsetDays: 2, DueFrom: onboarding.DueFromStart, Required: true, CustomerVisible: true},
			{Key: "profile", Title: "Company profile", Description: "Tell us about you.", Owner: onboarding.OwnerCustomer,
				Type: onboarding.TypeForm, DependsOn: []string{"kickoff"}, DueOffsetDays: 5, DueFrom: onboarding.DueFromStart,
				Required: true, CustomerVisible: true},
		}},
		{Key: "launch", Name: "Launch", StartOffsetDays: 5, Tasks: []onboarding.Task{
			{Key: "configure", Title: "Configure tenant", Owner: onboarding.OwnerVendor, Type: onboarding.TypeConfiguration,
				DependsOn: []string{"kickoff"}, DueOffsetDays: 3, DueFrom: onboarding.DueFromPhase, Required: true},
			{Key: "training", Title: "Admin training", Owner: onboarding.OwnerCustomer, Type: onboarding.TypeTraining,
				DependsOn: []string{"profile", "configure"}, DueOffsetDays: 5, DueFrom: onboarding.DueFromPhase,
				CustomerVisible: true},
		}},
	}}
}

// ensureTestPlan stores testPlan and returns its template id.
func ensureTestPlan(t *testing.T, st *store.Store) string {
	t.Helper()
	p := testPlan()
	id, err := st.EnsurePlanTemplate(context.Background(), p.Key, p.Version, p.Name, "sha256:test", "key: test-plan\n", p)
	if err != nil {
		t.Fatalf("ensure plan template: %v", err)
	}
	return id
}

// newOnboarding creates an onboarding of testPlan for the tenant's account, with
// snapshot status set to status (the state's own status when empty), and returns
// the stored row and the initial state.
func newOnboarding(t *testing.T, st *store.Store, tn tenant, account store.Account, status string) (store.Onboarding, onboarding.State) {
	t.Helper()
	ctx := context.Background()
	o, state := onboardingFor(t, st, tn, account)
	snap := store.NewSnapshot(&state)
	if status != "" {
		snap.Status = onboarding.Status(status)
	}
	if err := st.CreateOnboarding(ctx, o, snap); err != nil {
		t.Fatalf("create onboarding: %v", err)
	}
	got, err := st.Onboarding(ctx, tn.ws.ID, o.ID)
	if err != nil {
		t.Fatalf("read back onboarding: %v", err)
	}
	return got, state
}

// onboardingFor builds, without storing, an onboarding of account in tn's workspace.
func onboardingFor(t *testing.T, st *store.Store, tn tenant, account store.Account) (store.Onboarding, onboarding.State) {
	t.Helper()
	planID := ensureTestPlan(t, st)
	id := newID(t)
	state, err := onboarding.New(onboarding.NewInput{OnboardingID: id, WorkspaceID: tn.ws.ID, AccountID: account.ID,
		AccountName: account.Name, CSMEmail: tn.csm.Email, Plan: testPlan(), StartDate: startDate, Now: now})
	if err != nil {
		t.Fatalf("new onboarding: %v", err)
	}
	target := state.TargetGoLive
	o := store.Onboarding{ID: id, WorkspaceID: tn.ws.ID, AccountID: account.ID, PlanTemplateID: planID,
		PlanKey: state.Plan.Key, PlanVersion: state.Plan.Version, WorkflowID: "onboarding:" + id,
		StartDate: startDate, TargetGoLive: &target}
	return o, state
}

// cloneState copies a state deeply enough that applying actions to the copy leaves
// the original alone (the plan is never mutated).
func cloneState(s onboarding.State) onboarding.State {
	s.Tasks = append([]onboarding.TaskState(nil), s.Tasks...)
	s.Requests = append([]string(nil), s.Requests...)
	return s
}

// apply returns a copy of s with the action applied at at.
func apply(t *testing.T, s onboarding.State, a onboarding.TaskAction, at time.Time) onboarding.State {
	t.Helper()
	next := cloneState(s)
	changed, err := next.Apply(a, at)
	if err != nil || !changed {
		t.Fatalf("apply %s %s: changed=%v err=%v", a.Action, a.TaskKey, changed, err)
	}
	return next
}

// auditFor is the audit event a task action produces, as activities.SaveReadModel builds it.
func auditFor(s onboarding.State, a onboarding.TaskAction) *store.AuditEvent {
	id, rid, v := s.OnboardingID, a.RequestID, s.Version
	return &store.AuditEvent{WorkspaceID: s.WorkspaceID, OnboardingID: &id, StateVersion: &v, Actor: a.Actor,
		Action: "task." + string(a.Action), Subject: a.TaskKey, RequestID: &rid,
		Detail: []byte(fmt.Sprintf(`{"version": %d}`, s.Version))}
}

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: got error %v, want %v", what, err, target)
	}
}

func count(t *testing.T, st *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := st.DB().GetContext(context.Background(), &n, query, args...); err != nil {
		t.Fatalf("count %q: %v", query, err)
	}
	return n
}
