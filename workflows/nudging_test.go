package workflows_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/workflows"
)

// sent lists the notifications as "Mon 02 Mar 09:00 kind key [tasks]", in UTC.
func (h *harness) sent() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	type line struct {
		at   time.Time
		text string
	}
	var lines []line
	for i, n := range h.notified {
		text := h.notifiedAt[i].UTC().Format("Mon 02 Jan 15:04") + " " + string(n.Kind) + " " + n.Key
		if len(n.Tasks) > 0 {
			text += " " + strings.Join(n.Tasks, ",")
		}
		lines = append(lines, line{h.notifiedAt[i].Truncate(time.Minute), text})
	}
	// Notices due at one moment go concurrently, in any order.
	slices.SortFunc(lines, func(a, b line) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return strings.Compare(a.text, b.text)
	})
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.text
	}
	return out
}

// An untouched onboarding, run for three weeks on the workflow clock: the customer's
// intake is reminded before, on and after its due date, one email a day at most, in
// the sending window; the CSM is reminded of the vendor's own welcome call the same way
// (a daily allowance of its own, and no escalation to themselves), and told of the health
// drop, the idle customer and the customer's task still overdue after the last reminder,
// each once.
func TestRemindersAndEscalationsOverThreeWeeks(t *testing.T) {
	h := newHarness(t)
	final := h.query(21 * 24 * time.Hour)
	h.cancel(21*24*time.Hour + time.Hour)
	h.run(newNudgedState(h.start))
	h.requireCancelled()

	want := []string{
		"Mon 02 Mar 09:00 reminder_digest reminder:ob-1:2026-03-02 intake",
		"Tue 03 Mar 09:00 vendor_reminder vendor-reminder:ob-1:2026-03-03 welcome",
		"Wed 04 Mar 09:00 reminder_digest reminder:ob-1:2026-03-04 intake",
		"Thu 05 Mar 00:00 escalation escalation:ob-1:health:off_track:2",
		"Thu 05 Mar 09:00 vendor_reminder vendor-reminder:ob-1:2026-03-05 welcome",
		"Mon 09 Mar 09:00 escalation escalation:ob-1:stale:1772442000",
		"Mon 09 Mar 09:00 overdue reminder:ob-1:2026-03-09 intake",
		"Mon 09 Mar 09:00 vendor_reminder vendor-reminder:ob-1:2026-03-09 welcome",
		"Tue 10 Mar 09:00 overdue reminder:ob-1:2026-03-10 intake",
		"Wed 11 Mar 09:00 vendor_reminder vendor-reminder:ob-1:2026-03-11 welcome",
		"Fri 13 Mar 09:00 escalation escalation:ob-1:overdue:intake:1772668799",
		"Fri 13 Mar 09:00 overdue reminder:ob-1:2026-03-13 intake",
		"Mon 16 Mar 09:00 vendor_reminder vendor-reminder:ob-1:2026-03-16 welcome",
	}
	if got := h.sent(); !slices.Equal(got, want) {
		t.Errorf("sent:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if final.Nudging == nil || final.Nudging.RemindersSent != 5 {
		t.Errorf("state after three weeks: %+v, want 5 reminders counted", final.Nudging)
	}
	for _, n := range h.notifications() {
		if n.Kind == notify.KindEscalation && n.Reason == "" {
			t.Errorf("escalation %s without a reason", n.Key)
		}
	}
}

// Pausing stops every timer and message; resuming moves the open due dates by the
// days paused; cancelling ends the workflow with the reason in its result.
func TestPauseResumeAndCancel(t *testing.T) {
	h := newHarness(t)
	day := 24 * time.Hour
	pause := h.lifecycle(time.Hour, onboarding.LifecycleRequest{RequestID: "p1", Action: onboarding.LifecyclePause, Actor: "staff:s"})
	blocked := h.update(2*time.Hour, act("r1", "intake", onboarding.ActionComplete))
	paused := h.query(10 * day)
	resume := h.lifecycle(14*day, onboarding.LifecycleRequest{RequestID: "r1", Action: onboarding.LifecycleResume, Actor: "staff:s"})
	resumed := h.query(14*day + time.Hour)
	noReason := h.lifecycle(15*day, onboarding.LifecycleRequest{RequestID: "c0", Action: onboarding.LifecycleCancel, Actor: "staff:s"})
	cancel := h.lifecycle(15*day+time.Hour, onboarding.LifecycleRequest{RequestID: "c1", Action: onboarding.LifecycleCancel,
		Reason: "customer churned", Actor: "staff:s"})
	h.run(newNudgedState(h.start))

	// Version 1 is the forecast written at the start.
	requireApplied(t, "pause", pause, 2, onboarding.StatusPaused)
	if blocked.rejected == nil {
		t.Error("a task action on a paused onboarding was accepted")
	}
	if paused.Status != onboarding.StatusPaused || paused.Health != onboarding.HealthOnTrack {
		t.Errorf("paused state %s %s", paused.Status, paused.Health)
	}
	// Only the reminder sent at the start (before the pause): nothing while paused.
	for _, line := range h.sent() {
		if !strings.HasPrefix(line, "Mon 02 Mar 09:00") && line < "Mon 16 Mar" {
			t.Errorf("sent while paused: %s", line)
		}
	}
	requireApplied(t, "resume", resume, 3, onboarding.StatusActive)
	intake, _ := resumed.Task("intake")
	if want := time.Date(2026, 3, 18, 23, 59, 59, 0, time.UTC); !intake.DueAt.Equal(want) {
		t.Errorf("intake due %v after resuming; want %v (moved by the 14 days paused)", intake.DueAt, want)
	}
	if !resumed.TargetGoLive.Equal(time.Date(2026, 3, 26, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("target go-live %v after resuming", resumed.TargetGoLive)
	}
	if noReason.rejected == nil {
		t.Error("a cancel without a reason was accepted")
	}
	requireApplied(t, "cancel", cancel, 4, onboarding.StatusCancelled)
	res := h.result()
	if res.Status != onboarding.StatusCancelled || res.CloseReason != "customer churned" {
		t.Errorf("result %+v", res)
	}
	told := false
	for _, n := range h.notifications() {
		told = told || (n.Kind == notify.KindWebhook && n.Event == "onboarding.cancelled" && n.Reason == "customer churned")
	}
	if !told {
		t.Error("the cancellation was not sent to webhooks with its reason")
	}
	var audited []string
	for _, s := range h.savedReadModels() {
		if s.Lifecycle != nil {
			audited = append(audited, string(s.Lifecycle.Action))
		}
	}
	if !slices.Equal(audited, []string{"pause", "resume", "cancel"}) {
		t.Errorf("read model writes with a lifecycle change: %v", audited)
	}
}

// Snoozing intake on Monday for five days holds back Wednesday's due-day reminder: the
// next one goes in the first sending window after the snooze, Monday 9 March, as the
// overdue reminder it has become by then.
func TestSnoozeMovesTheReminder(t *testing.T) {
	h := newHarness(t)
	until := h.start.Add(5*24*time.Hour + time.Hour) // Sat 7 March 10:00
	snooze := h.send(time.Hour, workflows.UpdateSnooze,
		onboarding.SnoozeRequest{RequestID: "s1", Tasks: []string{"intake"}, Until: until, Actor: "contact:jane"})
	vendor := h.send(2*time.Hour, workflows.UpdateSnooze,
		onboarding.SnoozeRequest{RequestID: "s2", Tasks: []string{"welcome"}, Until: until, Actor: "contact:jane"})
	h.cancel(8 * 24 * time.Hour)
	h.run(newNudgedState(h.start))
	if !snooze.completed || snooze.err != nil || snooze.rejected != nil {
		t.Fatalf("snooze: %+v", snooze)
	}
	if vendor.rejected == nil {
		t.Error("snoozing the vendor's task was accepted")
	}
	var reminders []string
	for _, line := range h.sent() {
		if !strings.Contains(line, "escalation") && !strings.Contains(line, "vendor") {
			reminders = append(reminders, line)
		}
	}
	want := []string{
		"Mon 02 Mar 09:00 reminder_digest reminder:ob-1:2026-03-02 intake",
		"Mon 09 Mar 09:00 overdue reminder:ob-1:2026-03-09 intake",
	}
	if !slices.Equal(reminders, want) {
		t.Errorf("reminders:\n%s\nwant:\n%s", strings.Join(reminders, "\n"), strings.Join(want, "\n"))
	}
}

// Moving intake's due date three weeks out on Monday: no due-day or overdue reminder
// comes on the old dates; the timers follow the new one at once.
func TestRescheduleMovesTheTimers(t *testing.T) {
	h := newHarness(t)
	newDue := time.Date(2026, 3, 23, 0, 0, 0, 0, time.UTC)
	moved := h.send(time.Hour, workflows.UpdateReschedule,
		onboarding.Reschedule{RequestID: "m1", TaskKey: "intake", Day: newDue, Actor: "staff:csm"})
	after := h.query(2 * time.Hour)
	h.cancel(22 * 24 * time.Hour)
	h.run(newNudgedState(h.start))
	if !moved.completed || moved.err != nil || moved.rejected != nil {
		t.Fatalf("reschedule: %+v", moved)
	}
	intake, _ := after.Task("intake")
	if !intake.DueAt.Equal(newDue.Add(24*time.Hour - time.Second)) {
		t.Errorf("intake due %v", intake.DueAt)
	}
	var reminders []string
	for _, line := range h.sent() {
		if !strings.Contains(line, "escalation") && !strings.Contains(line, "vendor") {
			reminders = append(reminders, line)
		}
	}
	want := []string{
		"Mon 02 Mar 09:00 reminder_digest reminder:ob-1:2026-03-02 intake",
		"Thu 19 Mar 09:00 reminder_digest reminder:ob-1:2026-03-19 intake",
		"Mon 23 Mar 09:00 reminder_digest reminder:ob-1:2026-03-23 intake",
	}
	if !slices.Equal(reminders, want) {
		t.Errorf("reminders:\n%s\nwant:\n%s", strings.Join(reminders, "\n"), strings.Join(want, "\n"))
	}
}

// A plan with a hypercare period: going live does not complete the onboarding; it
// completes when the period has passed (a timer says so), with its outcome.
func TestHypercareThenCompletion(t *testing.T) {
	h := newHarness(t)
	st := newNudgedState(h.start)
	st.Plan.HypercareDays = 14
	block := act("r0", "intake", onboarding.ActionBlock)
	block.Reason = "waiting on IT"
	h.update(time.Hour, block)
	h.update(3*time.Hour, act("r1", "intake", onboarding.ActionUnblock))
	h.update(4*time.Hour, act("r2", "intake", onboarding.ActionComplete))
	h.update(5*time.Hour, act("r3", "welcome", onboarding.ActionComplete))
	live := h.update(24*time.Hour, act("r4", "configure", onboarding.ActionComplete)) // every task done
	during := h.query(10 * 24 * time.Hour)
	h.run(st)
	requireApplied(t, "last task", live, live.result.Version, onboarding.StatusLive)
	if during.Status != onboarding.StatusLive {
		t.Errorf("during hypercare: %s, want live", during.Status)
	}
	res := h.result()
	if res.Status != onboarding.StatusCompleted {
		t.Fatalf("result %+v", res)
	}
	if got := h.env.Now().Sub(res.WentLiveAt); got != 14*24*time.Hour {
		t.Errorf("completed %v after go-live, want 14 days", got)
	}
	want := onboarding.Outcome{DaysToGoLive: 1, DaysLate: -9, OnTime: true, BlockedHours: 2, WentLiveBy: "staff:csm"} // live Tue 3, target Thu 12 March
	if res.Outcome == nil || *res.Outcome != want {
		t.Errorf("outcome %+v, want %+v", res.Outcome, want)
	}
}

// Continue-as-new carries what was sent: the next run neither repeats a reminder or an
// escalation nor forgets what is still to come.
func TestNudgingSurvivesContinueAsNew(t *testing.T) {
	h := newHarness(t)
	h.env.RegisterDelayedCallback(func() { h.env.SetContinueAsNewSuggested(true) }, 73*time.Hour) // Thu 5 March 10:00
	h.run(newNudgedState(h.start))
	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("workflow error %v, want continue-as-new", err)
	}
	var in workflows.OnboardingInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &in); err != nil {
		t.Fatal(err)
	}
	first := h.sent()
	carried := in.State
	if carried.Nudging == nil || !carried.Nudging.Since.Equal(h.start) || carried.Nudging.RemindersSent != 2 ||
		len(carried.Nudging.Escalated) != 1 || carried.Forecast.IsZero() {
		t.Fatalf("carried nudging %+v forecast %v", carried.Nudging, carried.Forecast)
	}

	// The next run, from the carried state, at the moment the first one ended.
	next := newHarness(t)
	next.env.SetStartTime(h.start.Add(73 * time.Hour))
	next.cancel(8 * 24 * time.Hour)
	next.run(carried)
	// Together the two runs send exactly what one run does over those days (see
	// TestRemindersAndEscalationsOverThreeWeeks): nothing twice, nothing missed.
	want := []string{
		"Mon 09 Mar 09:00 escalation escalation:ob-1:stale:1772442000",
		"Mon 09 Mar 09:00 overdue reminder:ob-1:2026-03-09 intake",
		"Mon 09 Mar 09:00 vendor_reminder vendor-reminder:ob-1:2026-03-09 welcome",
		"Tue 10 Mar 09:00 overdue reminder:ob-1:2026-03-10 intake",
		"Wed 11 Mar 09:00 vendor_reminder vendor-reminder:ob-1:2026-03-11 welcome",
		"Fri 13 Mar 09:00 escalation escalation:ob-1:overdue:intake:1772668799",
		"Fri 13 Mar 09:00 overdue reminder:ob-1:2026-03-13 intake",
	}
	if got := next.sent(); !slices.Equal(got, want) {
		t.Errorf("second run sent:\n%s\nwant:\n%s\n(first run: %q)", strings.Join(got, "\n"), strings.Join(want, "\n"), first)
	}
}

// A state from before it kept the account's time zone (carried across continue-as-new
// from an older run) learns the zone from the account before reminders begin: Tokyo's
// 09:00 is 00:00 UTC.
func TestALegacyStateLearnsItsTimeZone(t *testing.T) {
	h := newHarness(t)
	h.accountZone = "Asia/Tokyo"
	st := newNudgedState(h.start)
	st.TimeZone = ""
	zone := h.query(time.Hour)
	h.cancel(4 * 24 * time.Hour)
	h.run(st)
	if zone.TimeZone != "Asia/Tokyo" {
		t.Fatalf("time zone %q, want the account's", zone.TimeZone)
	}
	for _, line := range h.sent() {
		if strings.Contains(line, "reminder") && !strings.Contains(line, " 00:00 ") {
			t.Errorf("reminder outside Tokyo's morning: %s", line)
		}
	}
	if len(h.sent()) == 0 {
		t.Error("nothing sent")
	}
}

// The workspace's own policy, taken when the onboarding starts, drives its reminders:
// no reminder before the due date, a later sending window, overdue reminders every day up
// to two, and no escalation for a quiet customer.
func TestWorkspaceReminderPolicy(t *testing.T) {
	h := newHarness(t)
	h.cancel(21*24*time.Hour + time.Hour)
	policy := onboarding.DefaultReminderSettings()
	policy.BeforeDays, policy.WindowStartHour, policy.WindowEndHour = 0, 13, 15
	policy.OverdueEveryDays, policy.OverdueCap, policy.StaleAfterDays = 1, 2, 0
	s, err := onboarding.New(onboarding.NewInput{
		OnboardingID: "ob-1", WorkspaceID: "ws-1", AccountID: "acct-1", AccountName: "Acme",
		CSMEmail: "csm@example.com", Plan: testPlan(), StartDate: h.start, Now: h.start, Reminders: &policy,
	})
	if err != nil {
		t.Fatal(err)
	}
	h.run(s)
	h.requireCancelled()
	var customer []string
	for _, line := range h.sent() {
		if strings.Contains(line, "stale") {
			t.Errorf("a stale escalation with staleness off: %s", line)
		}
		if strings.Contains(line, " intake") || strings.Contains(line, ":intake:") {
			customer = append(customer, line)
		}
	}
	want := []string{
		"Wed 04 Mar 13:00 reminder_digest reminder:ob-1:2026-03-04 intake",
		"Thu 05 Mar 13:00 overdue reminder:ob-1:2026-03-05 intake",
		"Fri 06 Mar 13:00 escalation escalation:ob-1:overdue:intake:1772668799",
		"Fri 06 Mar 13:00 overdue reminder:ob-1:2026-03-06 intake",
	}
	if !slices.Equal(customer, want) {
		t.Errorf("customer's reminders:\n%s\nwant:\n%s", strings.Join(customer, "\n"), strings.Join(want, "\n"))
	}
}

// A task assigned to a contact in another time zone is reminded in that zone's morning,
// under a key of its own, naming its assignee; given back to someone in the account's
// zone, its reminders return to the account's morning, the new assignee hearing of it
// afresh.
func TestAssignedTaskIsRemindedInItsAssigneesZone(t *testing.T) {
	h := newHarness(t)
	day := 24 * time.Hour
	toKenji := h.send(time.Hour, workflows.UpdateAssign, onboarding.Assignment{RequestID: "a1", TaskKey: "intake",
		Assignee: "contact:kenji", TimeZone: "Asia/Tokyo", Actor: "staff:csm"})
	wrongSide := h.send(time.Hour+time.Minute, workflows.UpdateAssign, onboarding.Assignment{RequestID: "a2", TaskKey: "intake",
		Assignee: "staff:csm", Actor: "staff:csm"})
	toJane := h.send(8*day, workflows.UpdateAssign, onboarding.Assignment{RequestID: "a3", TaskKey: "intake",
		Assignee: "contact:jane", Actor: "staff:csm"})
	h.cancel(12 * day)
	h.run(newNudgedState(h.start))
	h.requireCancelled()
	requireApplied(t, "assign to Kenji", toKenji, 2, onboarding.StatusActive)
	if wrongSide.rejected == nil {
		t.Error("a customer task was assigned to staff")
	}
	if toJane.err != nil || !toJane.completed {
		t.Fatalf("reassign: %+v", toJane)
	}
	var reminders []string
	for _, n := range h.notifications() {
		if strings.HasPrefix(n.Key, "reminder:") {
			reminders = append(reminders, n.Key+" "+strings.Join(n.Assignees, ","))
		}
	}
	want := []string{
		"reminder:ob-1:2026-03-02 ",
		"reminder:ob-1:2026-03-04:Asia/Tokyo contact:kenji", // due Wednesday: 09:00 in Tokyo is midnight UTC
		"reminder:ob-1:2026-03-09:Asia/Tokyo contact:kenji",
		"reminder:ob-1:2026-03-10:Asia/Tokyo contact:kenji",
		"reminder:ob-1:2026-03-10 contact:jane", // reassigned at 09:00 UTC: Jane hears of it at once
		"reminder:ob-1:2026-03-13 contact:jane",
	}
	if !slices.Equal(reminders, want) {
		t.Errorf("reminders:\n%s\nwant:\n%s\nall:\n%s", strings.Join(reminders, "\n"), strings.Join(want, "\n"), strings.Join(h.sent(), "\n"))
	}
}
