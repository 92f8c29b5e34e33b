package activities_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/config"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/notify/notifytest"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/internal/testenv"
	"github.com/onboard-oss/onboard/templates"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// fixture is a workspace with a CSM, an account with two contacts and an onboarding,
// and fake Resend and Slack servers behind a Notifier.
type fixture struct {
	t          *testing.T
	st         *store.Store
	resend     *notifytest.Resend
	slack      *notifytest.Slack
	acts       *activities.Activities
	ws         store.Workspace
	csm        store.StaffUser
	account    store.Account
	dana, lee  store.Contact
	onboarding store.Onboarding
}

func newFixture(t *testing.T, slackToken string) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, st: testenv.Store(t), resend: notifytest.NewResend(t),
		slack: notifytest.NewSlack(t, map[string]string{"casey@northwind.example": "U1"})}
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	f.ws, err = f.st.CreateWorkspace(ctx, store.Workspace{Slug: "nw-" + uuid.NewString()[:8], Name: "Northwind", EmailFrom: "Northwind <hello@northwind.example>"})
	must(err)
	f.csm, err = f.st.CreateStaffUser(ctx, store.StaffUser{WorkspaceID: f.ws.ID, Email: "casey@northwind.example", Name: "Casey Lin", Role: "csm"})
	must(err)
	f.account, err = f.st.CreateAccount(ctx, store.Account{WorkspaceID: f.ws.ID, Name: "Acme", CSMID: &f.csm.ID})
	must(err)
	f.dana, err = f.st.CreateContact(ctx, store.Contact{WorkspaceID: f.ws.ID, AccountID: f.account.ID, Name: "Dana Whitfield", Email: "dana@acme.example"})
	must(err)
	f.lee, err = f.st.CreateContact(ctx, store.Contact{WorkspaceID: f.ws.ID, AccountID: f.account.ID, Name: "Lee Okafor", Email: "lee@acme.example"})
	must(err)
	f.onboarding = f.newOnboarding()
	tpls, err := notify.ParseTemplates(templates.FS, "email")
	must(err)
	sender, err := notify.NewResend(notifytest.ResendAPIKey, f.resend.URL)
	must(err)
	cfg, _ := config.FromLookup(func(string) (string, bool) { return "", false })
	cfg.BaseURL, cfg.TemporalUIURL = "https://onboard.example", "https://temporal.example"
	cfg.Secret, cfg.SlackBotToken = "test-secret-of-at-least-thirty-two-chars", slackToken
	f.acts = &activities.Activities{Store: f.st, Notifier: &activities.Notifier{Email: sender,
		Slack: notify.NewSlack(f.slack.GetAPIURL()), Templates: tpls, Config: cfg,
		Webhooks: notify.Webhooks{AllowPrivate: true}}} // the test receivers are on 127.0.0.1
	return f
}

func (f *fixture) newOnboarding() store.Onboarding {
	o, _ := f.newOnboardingOf(onboarding.Plan{Key: "p", Name: "P", Version: 1, Phases: []onboarding.Phase{{Key: "ph", Name: "Phase",
		Tasks: []onboarding.Task{{Key: "t", Title: "Task", Owner: onboarding.OwnerVendor, Type: onboarding.TypeCustom, Required: true}}}}})
	return o
}

// newOnboardingOf stores an onboarding of plan and returns it with its initial state.
func (f *fixture) newOnboardingOf(plan onboarding.Plan) (store.Onboarding, onboarding.State) {
	ctx := context.Background()
	planID, err := f.st.EnsurePlanTemplate(ctx, plan.Key, plan.Version, plan.Name, "sum", "src", plan)
	if err != nil {
		f.t.Fatal(err)
	}
	s, err := onboarding.New(onboarding.NewInput{OnboardingID: uuid.NewString(), WorkspaceID: f.ws.ID, AccountID: f.account.ID,
		AccountName: f.account.Name, Plan: plan, Now: time.Now()})
	if err != nil {
		f.t.Fatal(err)
	}
	o := store.Onboarding{ID: s.OnboardingID, WorkspaceID: f.ws.ID, AccountID: f.account.ID, PlanTemplateID: planID,
		PlanKey: "p", PlanVersion: 1, WorkflowID: "onboarding:" + s.OnboardingID, StartDate: s.StartDate}
	if err := f.st.CreateOnboarding(ctx, o, store.NewSnapshot(&s)); err != nil {
		f.t.Fatal(err)
	}
	return o, s
}

// notify runs the Notify activity once, as Temporal would.
func (f *fixture) notify(in activities.NotifyInput) error {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(log.NewStructuredLogger(testenv.Logger()))
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(f.acts)
	_, err := env.ExecuteActivity(f.acts.Notify, in)
	return err
}

func (f *fixture) goLive() activities.NotifyInput {
	return activities.NotifyInput{Key: "go-live:" + f.onboarding.ID, Kind: notify.KindGoLive, WorkspaceID: f.ws.ID, OnboardingID: f.onboarding.ID}
}

func (f *fixture) log() map[string]store.Notification {
	list, err := f.st.Notifications(context.Background(), f.ws.ID, f.onboarding, 100)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]store.Notification{}
	for _, n := range list {
		out[n.Recipient+" "+n.Channel] = n
	}
	return out
}

func TestGoLiveTellsContactsAndNudgesTheCSM(t *testing.T) {
	f := newFixture(t, notifytest.SlackToken)
	ctx := context.Background()
	if _, err := f.st.SetContactEmailStatus(ctx, f.ws.ID, "LEE@acme.example", store.EmailBounced); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a second run (a retry, another worker) sends nothing more
		if err := f.notify(f.goLive()); err != nil {
			t.Fatalf("Notify: %v", err)
		}
	}
	msgs := f.resend.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "dana@acme.example" {
		t.Fatalf("emails: %+v; want one, to Dana (Lee's address bounced)", msgs)
	}
	m := msgs[0]
	if m.Subject != "Acme is live" || m.From != "Northwind <hello@northwind.example>" || !strings.Contains(m.Text, "Hi Dana,") ||
		!strings.Contains(m.HTML, "https://onboard.example/portal") || m.IdempotencyKey != "go-live:"+f.onboarding.ID+"/contact:"+f.dana.ID+"/email" {
		t.Errorf("go-live email: %+v", m)
	}
	posts := f.slack.Posts()
	if len(posts) != 1 || posts[0].Channel != "DU1" || !strings.Contains(posts[0].Blocks, "https://onboard.example/staff/onboardings/"+f.onboarding.ID) ||
		!strings.Contains(posts[0].Blocks, "https://temporal.example/namespaces/default/workflows/onboarding:"+f.onboarding.ID) {
		t.Fatalf("Slack posts: %+v", posts)
	}
	log := f.log()
	for key, want := range map[string]string{"dana@acme.example email": store.NotificationSent, "lee@acme.example email": store.NotificationSuppressed,
		"casey@northwind.example slack": store.NotificationSent} {
		if n := log[key]; n.Status != want || n.Attempts != 1 || n.Template != "go_live" {
			t.Errorf("log %s: %+v, want %s after one attempt", key, n, want)
		}
	}
	if log["dana@acme.example email"].ProviderID != m.ID || log["dana@acme.example email"].Provider != "resend" {
		t.Errorf("log does not hold Resend's id: %+v", log["dana@acme.example email"])
	}
	ws, _ := f.st.Workspace(ctx, f.ws.ID)
	if ws.SlackStatus != "ok" {
		t.Errorf("workspace Slack status %q, want ok", ws.SlackStatus)
	}
}

// Exactly once: the provider takes a message but its answer is lost, the activity fails
// and is retried, and the provider still holds one message.
func TestAnswerLostAfterTheProviderTookIt(t *testing.T) {
	f := newFixture(t, notifytest.SlackToken)
	f.resend.LoseNextAnswer()
	f.slack.LoseNextAnswer()
	if err := f.notify(f.goLive()); err == nil {
		t.Fatal("the first attempt succeeded although its answers were lost")
	}
	if err := f.notify(f.goLive()); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if n, reqs := len(f.resend.Messages()), f.resend.Requests(); n != 2 || reqs != 3 {
		t.Errorf("Resend holds %d emails from %d requests; want 2 (Dana, Lee) from 3 (one repeated)", n, reqs)
	}
	if n := len(f.slack.Posts()); n != 1 {
		t.Errorf("Slack holds %d posts, want 1", n)
	}
	log := f.log()
	attempts := log["dana@acme.example email"].Attempts + log["lee@acme.example email"].Attempts
	if attempts != 3 || log["casey@northwind.example slack"].Attempts != 2 {
		t.Errorf("attempts: %+v", log)
	}
	for k, n := range log {
		if n.Status != store.NotificationSent {
			t.Errorf("%s: %s (%s)", k, n.Status, n.Error)
		}
	}
}

func TestSlackTokenProblemsFallBackToEmail(t *testing.T) {
	for _, tc := range []struct{ token, status string }{{"", "missing"}, {notifytest.RevokedSlackToken, "revoked"}} {
		t.Run(tc.status, func(t *testing.T) {
			f := newFixture(t, tc.token)
			in := activities.NotifyInput{Key: "esc-1", Kind: notify.KindEscalation, WorkspaceID: f.ws.ID,
				OnboardingID: f.onboarding.ID, Reason: "a blocker is 3 days old"}
			for range 2 {
				if err := f.notify(in); err != nil {
					t.Fatalf("Notify: %v", err)
				}
			}
			msgs := f.resend.Messages()
			if len(msgs) != 1 || msgs[0].To[0] != "casey@northwind.example" || msgs[0].Subject != "Needs you: Acme (a blocker is 3 days old)" {
				t.Fatalf("emails: %+v; want the escalation to the CSM by email", msgs)
			}
			if len(f.slack.Posts()) != 0 {
				t.Error("posted to Slack with a bad token")
			}
			ws, _ := f.st.Workspace(context.Background(), f.ws.ID)
			if ws.SlackStatus != tc.status || ws.SlackError == "" {
				t.Errorf("workspace Slack status %q (%q), want %s", ws.SlackStatus, ws.SlackError, tc.status)
			}
		})
	}
}

func TestRefusedForGoodIsRecordedNotRetried(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	bad, err := f.st.CreateContact(ctx, store.Contact{WorkspaceID: f.ws.ID, AccountID: f.account.ID, Name: "Typo", Email: "typo@acme.invalid"})
	if err != nil {
		t.Fatal(err)
	}
	in := activities.NotifyInput{Key: "invite:" + bad.ID, Kind: notify.KindInvite, WorkspaceID: f.ws.ID, ContactID: bad.ID}
	if err := f.notify(in); err != nil {
		t.Fatalf("a refusal for good is no error to retry: %v", err)
	}
	list, _ := f.st.Notifications(ctx, f.ws.ID, f.onboarding, 10)
	if len(list) != 1 || list[0].Status != store.NotificationFailed || !strings.Contains(list[0].Error, "invalid") {
		t.Fatalf("log: %+v", list)
	}
}

func TestRateLimitWaitsAsAsked(t *testing.T) {
	f := newFixture(t, "")
	f.resend.FailNext(429, "7")
	in := activities.NotifyInput{Key: "invite:" + f.dana.ID, Kind: notify.KindInvite, WorkspaceID: f.ws.ID, ContactID: f.dana.ID}
	err := f.notify(in)
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.NonRetryable() || app.NextRetryDelay() != 7*time.Second {
		t.Fatalf("after a 429: %v; want a retryable error asking for 7s", err)
	}
	if err := f.notify(in); err != nil {
		t.Fatal(err)
	}
	m := f.resend.Messages()
	if len(m) != 1 || !strings.Contains(m[0].Text, "/portal/signin/") {
		t.Fatalf("invite after the wait: %+v", m)
	}
}

// A reminder lists the tasks the workflow named that are still open when it goes, in
// one email per contact; a task done meanwhile is left out, and with none left nothing goes.
func TestReminderListsTheTasksStillOpen(t *testing.T) {
	f := newFixture(t, notifytest.SlackToken)
	ctx := context.Background()
	task := func(key, title string) onboarding.Task {
		return onboarding.Task{Key: key, Title: title, Owner: onboarding.OwnerCustomer, Type: onboarding.TypeForm,
			DueOffsetDays: 2, Required: true, CustomerVisible: true}
	}
	o, st := f.newOnboardingOf(onboarding.Plan{Key: "r", Name: "R", Version: 1, Phases: []onboarding.Phase{{Key: "ph", Name: "Phase",
		Tasks: []onboarding.Task{task("profile", "Company <profile>"), task("logo", "Logo"), task("sso", "SSO")}}}})
	if _, err := st.Apply(onboarding.TaskAction{RequestID: "x", TaskKey: "logo", Action: onboarding.ActionComplete,
		Actor: "contact:" + f.dana.ID, ActorSide: onboarding.OwnerCustomer}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SaveSnapshot(ctx, store.NewSnapshot(&st), nil); err != nil {
		t.Fatal(err)
	}
	in := activities.NotifyInput{Key: "reminder:" + o.ID + ":2026-03-04", Kind: notify.KindReminderDigest,
		WorkspaceID: f.ws.ID, OnboardingID: o.ID, Tasks: []string{"profile", "logo", "sso"}}
	if err := f.notify(in); err != nil {
		t.Fatal(err)
	}
	msgs := f.resend.Messages()
	if len(msgs) != 2 {
		t.Fatalf("emails: %d, want one to each contact", len(msgs))
	}
	m := msgs[0]
	if !strings.Contains(m.HTML, "Company &lt;profile&gt;") || !strings.Contains(m.HTML, "/portal/onboardings/"+o.ID+"/tasks/profile") ||
		!strings.Contains(m.Text, "SSO") || strings.Contains(m.Text, "Logo") {
		t.Errorf("reminder names the wrong tasks:\n%s", m.Text)
	}
	if !strings.Contains(m.Text, "Not now? Remind me in 2 days: https://onboard.example/portal/snooze?") ||
		!strings.Contains(m.HTML, "/portal/snooze?") {
		t.Errorf("reminder without its snooze link:\n%s", m.Text)
	}
	// Everything done before the reminder went: nothing is sent.
	for _, key := range []string{"profile", "sso"} {
		if _, err := st.Apply(onboarding.TaskAction{RequestID: key, TaskKey: key, Action: onboarding.ActionComplete,
			Actor: "contact:" + f.dana.ID, ActorSide: onboarding.OwnerCustomer}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.st.SaveSnapshot(ctx, store.NewSnapshot(&st), nil); err != nil {
		t.Fatal(err)
	}
	in.Key = "reminder:" + o.ID + ":2026-03-05"
	if err := f.notify(in); err != nil {
		t.Fatal(err)
	}
	if n := len(f.resend.Messages()); n != 2 {
		t.Errorf("%d emails after a reminder of done tasks; want none more", n-2)
	}
}

// The vendor's own tasks remind the CSM in Slack, internal ones included, linking to the
// dashboard rather than the portal.
func TestVendorReminderNudgesTheCSM(t *testing.T) {
	f := newFixture(t, notifytest.SlackToken)
	in := activities.NotifyInput{Key: "vendor-reminder:" + f.onboarding.ID + ":2026-03-04", Kind: notify.KindVendorReminder,
		WorkspaceID: f.ws.ID, OnboardingID: f.onboarding.ID, Tasks: []string{"t"}}
	if err := f.notify(in); err != nil {
		t.Fatal(err)
	}
	posts := f.slack.Posts()
	if len(posts) != 1 || posts[0].Channel != "DU1" || !strings.Contains(posts[0].Blocks, "/staff/onboardings/"+f.onboarding.ID+"#task-t") {
		t.Fatalf("Slack posts: %+v", posts)
	}
	if n := len(f.resend.Messages()); n != 0 {
		t.Errorf("%d emails: the customer is not told of the vendor's tasks", n)
	}
}

// A contact's choice of reminder emails is kept: none, or only late tasks (here none are
// late, so nothing goes to them); everyone else still gets theirs.
func TestReminderFollowsEachContactsChoice(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	if _, err := f.st.SetReminderEmails(ctx, f.ws.ID, f.dana.ID, store.ReminderEmailsNone); err != nil {
		t.Fatal(err)
	}
	o, _ := f.newOnboardingOf(onboarding.Plan{Key: "p", Name: "P", Version: 1, Phases: []onboarding.Phase{{Key: "ph", Name: "Phase",
		Tasks: []onboarding.Task{{Key: "profile", Title: "Profile", Owner: onboarding.OwnerCustomer, Type: onboarding.TypeForm,
			DueOffsetDays: 2, Required: true, CustomerVisible: true}}}}})
	in := activities.NotifyInput{Key: "reminder:" + o.ID + ":2026-03-04", Kind: notify.KindReminderDigest,
		WorkspaceID: f.ws.ID, OnboardingID: o.ID, Tasks: []string{"profile"}}
	if err := f.notify(in); err != nil {
		t.Fatal(err)
	}
	msgs := f.resend.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "lee@acme.example" {
		t.Fatalf("reminders went to %+v; want Lee only", msgs)
	}
	if _, err := f.st.SetReminderEmails(ctx, f.ws.ID, f.lee.ID, store.ReminderEmailsOverdue); err != nil {
		t.Fatal(err)
	}
	in.Key = "reminder:" + o.ID + ":2026-03-05"
	if err := f.notify(in); err != nil {
		t.Fatal(err)
	}
	if n := len(f.resend.Messages()); n != 1 {
		t.Errorf("%d more emails, though nobody wants a reminder of a task that is not late", n-1)
	}
}

// A task assigned to a contact is reminded to that contact alone; the unassigned ones go
// to everyone, each contact getting one email with what is theirs. A task given to
// someone else after the reminder was due is left out, and a task whose assignee left
// the account goes back to the team.
func TestReminderGoesToEachTasksAssignee(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	task := func(key, title string) onboarding.Task {
		return onboarding.Task{Key: key, Title: title, Owner: onboarding.OwnerCustomer, Type: onboarding.TypeForm,
			DueOffsetDays: 2, Required: true, CustomerVisible: true}
	}
	o, st := f.newOnboardingOf(onboarding.Plan{Key: "r", Name: "R", Version: 1, Phases: []onboarding.Phase{{Key: "ph", Name: "Phase",
		Tasks: []onboarding.Task{task("profile", "Company profile"), task("logo", "Logo upload"), task("sso", "SSO setup")}}}})
	assign := func(key, to string) {
		t.Helper()
		if _, err := st.ApplyAssignment(onboarding.Assignment{RequestID: uuid.NewString(), TaskKey: key, Assignee: to,
			Actor: "staff:" + f.csm.ID}, time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.SaveSnapshot(ctx, store.NewSnapshot(&st), nil); err != nil {
			t.Fatal(err)
		}
	}
	assign("logo", "contact:"+f.lee.ID)
	in := activities.NotifyInput{Key: "reminder:" + o.ID + ":2026-03-04", Kind: notify.KindReminderDigest,
		WorkspaceID: f.ws.ID, OnboardingID: o.ID, Tasks: []string{"profile", "logo"},
		Assignees: []string{"", "contact:" + f.lee.ID}}
	if err := f.notify(in); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range f.resend.Messages() {
		got[m.To[0]] = m.Text
	}
	if len(got) != 2 || !strings.Contains(got["lee@acme.example"], "Logo upload") ||
		!strings.Contains(got["lee@acme.example"], "Company profile") || strings.Contains(got["dana@acme.example"], "Logo upload") ||
		!strings.Contains(got["dana@acme.example"], "Company profile") {
		t.Fatalf("reminders: %v; want Lee told of both, Dana of the profile only", got)
	}
	// The logo goes to Dana before the next reminder of Lee's is delivered: nobody hears of it.
	assign("logo", "contact:"+f.dana.ID)
	in.Key, in.Tasks, in.Assignees = "reminder:"+o.ID+":2026-03-05", []string{"logo"}, []string{"contact:" + f.lee.ID}
	if err := f.notify(in); err != nil {
		t.Fatal(err)
	}
	if n := len(f.resend.Messages()); n != 2 {
		t.Fatalf("%d more emails about a task reassigned since the reminder was due; want none", n-2)
	}
	// Dana leaves the account: her task is the team's again.
	if _, err := f.st.SetContactArchived(ctx, f.ws.ID, f.dana.ID, true); err != nil {
		t.Fatal(err)
	}
	in.Key, in.Assignees = "reminder:"+o.ID+":2026-03-06", []string{"contact:" + f.dana.ID}
	if err := f.notify(in); err != nil {
		t.Fatal(err)
	}
	msgs := f.resend.Messages()
	if len(msgs) != 3 || msgs[2].To[0] != "lee@acme.example" || !strings.Contains(msgs[2].Text, "Logo upload") {
		t.Errorf("after the assignee left: %d emails, last %+v; want Lee told", len(msgs)-2, msgs[len(msgs)-1].To)
	}
}

// A vendor task assigned to a staff member reminds them, not the CSM; the CSM still
// hears of the unassigned ones.
func TestVendorReminderGoesToTheTasksCoOwner(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	sam, err := f.st.CreateStaffUser(ctx, store.StaffUser{WorkspaceID: f.ws.ID, Email: "sam@northwind.example", Name: "Sam Ortiz", Role: "csm"})
	if err != nil {
		t.Fatal(err)
	}
	vendor := func(key, title string) onboarding.Task {
		return onboarding.Task{Key: key, Title: title, Owner: onboarding.OwnerVendor, Type: onboarding.TypeCustom, DueOffsetDays: 2, Required: true}
	}
	o, st := f.newOnboardingOf(onboarding.Plan{Key: "v", Name: "V", Version: 1, Phases: []onboarding.Phase{{Key: "ph", Name: "Phase",
		Tasks: []onboarding.Task{vendor("tenant", "Set up the tenant"), vendor("sso", "Configure SSO")}}}})
	if _, err := st.ApplyAssignment(onboarding.Assignment{RequestID: "a", TaskKey: "sso", Assignee: "staff:" + sam.ID}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SaveSnapshot(ctx, store.NewSnapshot(&st), nil); err != nil {
		t.Fatal(err)
	}
	in := activities.NotifyInput{Key: "vendor-reminder:" + o.ID + ":2026-03-04", Kind: notify.KindVendorReminder,
		WorkspaceID: f.ws.ID, OnboardingID: o.ID, Tasks: []string{"tenant", "sso"}, Assignees: []string{"", "staff:" + sam.ID}}
	if err := f.notify(in); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range f.resend.Messages() {
		got[m.To[0]] = m.Text
	}
	if len(got) != 2 || !strings.Contains(got["sam@northwind.example"], "Configure SSO") ||
		strings.Contains(got["sam@northwind.example"], "Set up the tenant") || !strings.Contains(got["casey@northwind.example"], "Set up the tenant") ||
		strings.Contains(got["casey@northwind.example"], "Configure SSO") {
		t.Errorf("vendor reminders: %v; want Sam told of SSO, Casey of the tenant", got)
	}
}

// A contact with a time zone of their own hears of their own tasks in their mornings and
// not of the team's (one email a day); the team's go to the contacts in the account's
// zone, or to everyone when nobody is left there.
func TestContactInTheirOwnZoneIsNotSentTheTeamsReminders(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	if _, err := f.st.SetContactTimezone(ctx, f.ws.ID, f.lee.ID, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	o, _ := f.newOnboardingOf(onboarding.Plan{Key: "p", Name: "P", Version: 1, Phases: []onboarding.Phase{{Key: "ph", Name: "Phase",
		Tasks: []onboarding.Task{{Key: "profile", Title: "Profile", Owner: onboarding.OwnerCustomer, Type: onboarding.TypeForm,
			DueOffsetDays: 2, Required: true, CustomerVisible: true}}}}})
	in := activities.NotifyInput{Key: "reminder:" + o.ID + ":2026-03-04", Kind: notify.KindReminderDigest,
		WorkspaceID: f.ws.ID, OnboardingID: o.ID, Tasks: []string{"profile"}}
	if err := f.notify(in); err != nil {
		t.Fatal(err)
	}
	if msgs := f.resend.Messages(); len(msgs) != 1 || msgs[0].To[0] != "dana@acme.example" {
		t.Fatalf("the team's reminder went to %+v; want Dana only", msgs)
	}
	if _, err := f.st.SetContactTimezone(ctx, f.ws.ID, f.dana.ID, "America/Denver"); err != nil {
		t.Fatal(err)
	}
	in.Key = "reminder:" + o.ID + ":2026-03-05"
	if err := f.notify(in); err != nil {
		t.Fatal(err)
	}
	if n := len(f.resend.Messages()); n != 3 {
		t.Errorf("with everyone in a zone of their own, %d emails; want both told", n-1)
	}
}

// A vendor task assigned to the account's own CSM is in the CSM's one message with the
// unassigned ones, not dropped as a second message under the same key.
func TestVendorTaskAssignedToTheCSMIsNotDropped(t *testing.T) {
	f := newFixture(t, "")
	ctx := context.Background()
	vendor := func(key, title string) onboarding.Task {
		return onboarding.Task{Key: key, Title: title, Owner: onboarding.OwnerVendor, Type: onboarding.TypeCustom, DueOffsetDays: 2, Required: true}
	}
	o, st := f.newOnboardingOf(onboarding.Plan{Key: "v", Name: "V", Version: 1, Phases: []onboarding.Phase{{Key: "ph", Name: "Phase",
		Tasks: []onboarding.Task{vendor("tenant", "Set up the tenant"), vendor("sso", "Configure SSO")}}}})
	if _, err := st.ApplyAssignment(onboarding.Assignment{RequestID: "a", TaskKey: "sso", Assignee: "staff:" + f.csm.ID}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SaveSnapshot(ctx, store.NewSnapshot(&st), nil); err != nil {
		t.Fatal(err)
	}
	in := activities.NotifyInput{Key: "vendor-reminder:" + o.ID + ":2026-03-04", Kind: notify.KindVendorReminder,
		WorkspaceID: f.ws.ID, OnboardingID: o.ID, Tasks: []string{"tenant", "sso"}, Assignees: []string{"", "staff:" + f.csm.ID}}
	if err := f.notify(in); err != nil {
		t.Fatal(err)
	}
	msgs := f.resend.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Set up the tenant") || !strings.Contains(msgs[0].Text, "Configure SSO") {
		t.Errorf("the CSM's reminder: %d emails, %+v; want one naming both tasks", len(msgs), msgs)
	}
}
