package workflows_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/internal/testenv"
	"github.com/onboard-oss/onboard/worker"
	"github.com/onboard-oss/onboard/workflows"
)

func TestCSMDigestSendsOneMessagePerCSMAndDay(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(testenv.Logger()))
	env := suite.NewTestWorkflowEnvironment()
	acts := &activities.Activities{}
	worker.Register(env, acts)
	env.OnActivity(acts.PlanCSMDigest, mock.Anything, "ws-1").Return(
		activities.DigestPlan{Day: "2026-03-02", StaffIDs: []string{"casey", "robin"}}, nil)
	var mu sync.Mutex
	var got []string
	env.OnActivity(acts.Notify, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.NotifyInput) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, string(in.Kind)+" "+in.Key+" "+in.StaffID)
		return nil
	})
	env.ExecuteWorkflow(workflows.CSMDigest, workflows.CSMDigestInput{WorkspaceID: "ws-1"})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	want := []string{"csm_digest csm-digest:casey:2026-03-02 casey", "csm_digest csm-digest:robin:2026-03-02 robin"}
	if !slices.Equal(got, want) {
		t.Errorf("sent %q, want %q", got, want)
	}
}

// The schedule is created once however often start-up ensures it, in the workspace's
// time zone; triggered, it runs the digest on a real worker, and the CSM whose onboarding
// has an overdue task gets one email naming it (no Slack token: email instead).
func TestDigestScheduleSendsTheMorningDigest(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, st, queue := startRealWorker(t)

	ws, err := st.CreateWorkspace(ctx, store.Workspace{Slug: "digest-" + uuid.NewString()[:8], Name: "Northwind", Timezone: "Europe/Paris"})
	if err != nil {
		t.Fatal(err)
	}
	csm, err := st.CreateStaffUser(ctx, store.StaffUser{WorkspaceID: ws.ID, Email: "casey@northwind.example", Name: "Casey Lin", Role: "csm"})
	if err != nil {
		t.Fatal(err)
	}
	newStoredOnboarding(t, ctx, st, ws, &csm.ID, "Late Corp", time.Now().AddDate(0, 0, -20))
	newStoredOnboarding(t, ctx, st, ws, &csm.ID, "Fine Corp", time.Now())
	newStoredOnboarding(t, ctx, st, ws, nil, "Nobody's Corp", time.Now().AddDate(0, 0, -20))

	for range 2 {
		if err := worker.EnsureDigestSchedule(ctx, c, ws, queue); err != nil {
			t.Fatalf("EnsureDigestSchedule: %v", err)
		}
	}
	h := c.ScheduleClient().GetHandle(ctx, workflows.DigestScheduleID(ws.ID))
	t.Cleanup(func() { _ = h.Delete(context.Background()) })
	desc, err := h.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	spec := desc.Schedule.Spec
	if spec.TimeZoneName != "Europe/Paris" || len(spec.Calendars) != 1 || spec.Calendars[0].Hour[0].Start != worker.DigestHour {
		t.Errorf("schedule spec %+v", spec)
	}
	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	var digests []store.OutboxEmail
	for ctx.Err() == nil && len(digests) == 0 {
		mail, err := st.OutboxEmails(ctx, 200)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mail {
			if m.WorkspaceID == ws.ID {
				digests = append(digests, m)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(digests) != 1 {
		t.Fatalf("emails in the workspace: %+v; want one digest", digests)
	}
	m := digests[0]
	if m.To != "casey@northwind.example" || m.Subject != "Your onboardings today: 1 needs you" || !strings.Contains(m.Text, "Late Corp") ||
		!strings.Contains(m.Text, "overdue") || strings.Contains(m.Text, "Fine Corp") || strings.Contains(m.Text, "Nobody") {
		t.Errorf("digest to %s %q:\n%s", m.To, m.Subject, m.Text)
	}
}

// newStoredOnboarding stores an onboarding of testPlan for a new account, started on start.
func newStoredOnboarding(t *testing.T, ctx context.Context, st *store.Store, ws store.Workspace, csmID *string, name string, start time.Time) store.Onboarding {
	t.Helper()
	acct, err := st.CreateAccount(ctx, store.Account{WorkspaceID: ws.ID, Name: name, CSMID: csmID})
	if err != nil {
		t.Fatal(err)
	}
	plan := testPlan()
	planID, err := st.EnsurePlanTemplate(ctx, plan.Key, plan.Version, plan.Name, "test", "test", plan)
	if err != nil {
		t.Fatal(err)
	}
	s, err := onboarding.New(onboarding.NewInput{OnboardingID: uuid.NewString(), WorkspaceID: ws.ID, AccountID: acct.ID,
		AccountName: name, Plan: plan, StartDate: start, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	s.LastCustomerActivity = time.Now()
	o := store.Onboarding{ID: s.OnboardingID, WorkspaceID: ws.ID, AccountID: acct.ID, PlanTemplateID: planID,
		PlanKey: plan.Key, PlanVersion: plan.Version, WorkflowID: workflows.WorkflowID(s.OnboardingID), StartDate: s.StartDate}
	if err := st.CreateOnboarding(ctx, o, store.NewSnapshot(&s)); err != nil {
		t.Fatal(err)
	}
	return o
}
