package onboarding

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAssignmentChecksTheTaskAndWhoGetsIt(t *testing.T) {
	s, start := nudged(t, "Europe/Paris")
	done, _ := s.Task("setup")
	done.Status = TaskCompleted
	for _, c := range []struct {
		name string
		r    Assignment
		code string
	}{
		{"a contact on a customer task", Assignment{TaskKey: "profile", Assignee: "contact:c1"}, ""},
		{"unassign", Assignment{TaskKey: "profile"}, ""},
		{"with the contact's zone", Assignment{TaskKey: "profile", Assignee: "contact:c1", TimeZone: "Asia/Tokyo"}, ""},
		{"unknown task", Assignment{TaskKey: "nope", Assignee: "contact:c1"}, CodeUnknownTask},
		{"staff on a customer task", Assignment{TaskKey: "profile", Assignee: "staff:u1"}, CodeInvalidInput},
		{"a contact on a vendor task", Assignment{TaskKey: "setup", Assignee: "contact:c1"}, CodeInvalidTransition},
		{"no kind", Assignment{TaskKey: "profile", Assignee: "c1"}, CodeInvalidInput},
		{"no id", Assignment{TaskKey: "profile", Assignee: "contact:"}, CodeInvalidInput},
		{"bad zone", Assignment{TaskKey: "profile", Assignee: "contact:c1", TimeZone: "Mars/Olympus"}, CodeInvalidInput},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := s.ValidateAssignment(c.r)
			var te *TransitionError
			switch {
			case c.code == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.code != "" && (!errors.As(err, &te) || te.Code != c.code):
				t.Fatalf("got %v; want a %s refusal", err, c.code)
			}
		})
	}
	s2, _ := nudged(t, "Europe/Paris")
	if err := s2.ValidateAssignment(Assignment{TaskKey: "setup", Assignee: "contact:c1"}); err == nil ||
		!strings.Contains(err.Error(), "vendor's") {
		t.Errorf("a contact on an open vendor task: %v; want the vendor's-task refusal", err)
	}
	_, _ = s2.ApplyLifecycle(LifecycleRequest{RequestID: "x", Action: LifecycleCancel, Reason: "gone", Actor: "staff:u"}, start)
	if err := s2.ValidateAssignment(Assignment{TaskKey: "profile", Assignee: "contact:c1"}); err == nil {
		t.Error("a cancelled onboarding took an assignment")
	}
}

func TestAssignmentIsRecordedOnceAndRemindsTheNewAssigneeAfresh(t *testing.T) {
	s, start := nudged(t, "Europe/Paris")
	ts, _ := s.Task("profile")
	ts.Reminded = levelDue
	r := Assignment{RequestID: "r1", TaskKey: "profile", Assignee: "contact:c1", Actor: "staff:u"}
	if changed, err := s.ApplyAssignment(r, start); err != nil || !changed {
		t.Fatalf("ApplyAssignment = %v, %v", changed, err)
	}
	v := s.Version
	if ts.Assignee != "contact:c1" || ts.Reminded != levelNone {
		t.Errorf("task after assigning: assignee %q, reminded %d; want contact:c1, reminded afresh", ts.Assignee, ts.Reminded)
	}
	if changed, _ := s.ApplyAssignment(r, start); changed || s.Version != v {
		t.Error("a repeated request changed the state")
	}
	r.RequestID = "r2"
	if changed, _ := s.ApplyAssignment(r, start); changed || s.Version != v {
		t.Error("assigning the same person again changed the state")
	}
	ts.Reminded = levelBefore
	if changed, _ := s.ApplyAssignment(Assignment{RequestID: "r3", TaskKey: "profile", Assignee: "contact:c1",
		TimeZone: "Asia/Tokyo"}, start); !changed || ts.Reminded != levelBefore || ts.AssigneeZone != "Asia/Tokyo" {
		t.Errorf("a new zone for the same assignee: changed %v, reminded %d, zone %q; want changed, reminders kept",
			changed, ts.Reminded, ts.AssigneeZone)
	}
	if changed, _ := s.ApplyAssignment(Assignment{RequestID: "r4", TaskKey: "profile"}, start); !changed ||
		ts.Assignee != "" || ts.AssigneeZone != "" {
		t.Errorf("unassigning left %q in %q", ts.Assignee, ts.AssigneeZone)
	}
}

// An assigned task is reminded in its assignee's time zone and carries who it is for;
// the rest stay in the account's, each zone with its own one-a-day allowance.
func TestAssignedTasksAreRemindedInTheAssigneesTimeZone(t *testing.T) {
	p := reminderPlan()
	p.Phases[0].Tasks = append(p.Phases[0].Tasks, Task{Key: "logo", Title: "Logo", Owner: OwnerCustomer,
		Type: TypeDocument, DueOffsetDays: 3, DueFrom: DueFromStart, CustomerVisible: true})
	paris, _ := time.LoadLocation("Europe/Paris")
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, paris)
	s, err := New(NewInput{OnboardingID: "o", WorkspaceID: "w", AccountID: "a", AccountName: "Acme", Plan: p,
		StartDate: start, TimeZone: "Europe/Paris", Now: start})
	if err != nil {
		t.Fatal(err)
	}
	s.EnableNudging(DefaultReminderPolicy(), start)
	if _, err := s.ApplyAssignment(Assignment{RequestID: "a", TaskKey: "logo", Assignee: "contact:kenji",
		TimeZone: "Asia/Tokyo", Actor: "staff:u"}, start); err != nil {
		t.Fatal(err)
	}
	w := newWalk(t, &s, start)
	w.until(time.Date(2026, 3, 6, 0, 0, 0, 0, paris))
	// Tokyo is 8 hours ahead: its 09:00 is 01:00 in Paris, the day before Paris's own.
	want := []string{
		"Tue 03 Mar 09:00 reminder_digest logo:2 [Asia/Tokyo]",
		"Tue 03 Mar 09:00 reminder_digest profile:2",
		"Thu 05 Mar 09:00 reminder_digest logo:3 [Asia/Tokyo]",
		"Thu 05 Mar 09:00 reminder_digest profile:3",
	}
	if !slices.Equal(w.log, want) {
		t.Errorf("sent:\n%s\nwant:\n%s", strings.Join(w.log, "\n"), strings.Join(want, "\n"))
	}
	for day, n := range w.perDay {
		if n > 1 {
			t.Errorf("%s: %d reminders in one zone's day", day, n)
		}
	}
	// The line says who the task was for, so a reassignment meanwhile can drop it.
	s2, _ := nudged(t, "Europe/Paris")
	_, _ = s2.ApplyAssignment(Assignment{RequestID: "a", TaskKey: "profile", Assignee: "contact:dana"}, start)
	rs := s2.DueReminders(time.Date(2026, 3, 3, 9, 0, 0, 0, paris))
	if len(rs) != 1 || !slices.Equal(rs[0].Assignees(), []string{"contact:dana"}) || rs[0].Zone != "" {
		t.Errorf("reminders for a task assigned in the account's zone: %+v", rs)
	}
}

// A customer task hidden from the portal cannot go to a contact (they could neither see
// it nor be reminded of it); an assignee whose zone is the account's (UTC for a state
// without one) is reminded with everyone else, not in a batch of their own.
func TestAssignmentEdges(t *testing.T) {
	p := reminderPlan()
	p.Phases[0].Tasks[0].CustomerVisible = false
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	s, err := New(NewInput{OnboardingID: "o", WorkspaceID: "w", AccountID: "a", AccountName: "Acme", Plan: p, StartDate: start, Now: start})
	if err != nil {
		t.Fatal(err)
	}
	var te *TransitionError
	if err := s.ValidateAssignment(Assignment{TaskKey: "profile", Assignee: "contact:c1"}); !errors.As(err, &te) ||
		!strings.Contains(te.Message, "hidden") {
		t.Errorf("a hidden task given to a contact: %v", err)
	}
	s.TimeZone = ""
	_, _ = s.ApplyAssignment(Assignment{RequestID: "a", TaskKey: "security", Assignee: "contact:c1", TimeZone: "UTC"}, start)
	ts, _ := s.Task("security")
	if z := s.zoneOf(ts); z != "" {
		t.Errorf("an assignee in UTC on a state without a zone is reminded in %q; want the account's batch", z)
	}
}
