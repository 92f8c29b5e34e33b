package onboarding

import (
	"testing"
	"time"
)

func TestSnoozeWhoMaySnoozeWhat(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	s, err := New(NewInput{OnboardingID: "o", Plan: testPlan(), StartDate: now, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	until := now.Add(48 * time.Hour)
	for _, tc := range []struct {
		name string
		r    SnoozeRequest
		code string // "" accepted
	}{
		{"customer, own task", SnoozeRequest{RequestID: "a", Tasks: []string{"company_profile"}, Until: until, ActorSide: OwnerCustomer}, ""},
		{"no side given: a customer's", SnoozeRequest{RequestID: "b", Tasks: []string{"company_profile"}, Until: until}, ""},
		{"customer, the vendor's task", SnoozeRequest{RequestID: "c", Tasks: []string{"welcome_call"}, Until: until, ActorSide: OwnerCustomer}, CodeInvalidInput},
		{"no side, the vendor's task", SnoozeRequest{RequestID: "d", Tasks: []string{"welcome_call"}, Until: until}, CodeInvalidInput},
		{"staff, their own task", SnoozeRequest{RequestID: "e", Tasks: []string{"welcome_call", "data_import"}, Until: until, ActorSide: OwnerVendor}, ""},
		{"staff, the customer's task", SnoozeRequest{RequestID: "f", Tasks: []string{"company_profile"}, Until: until, ActorSide: OwnerVendor}, ""},
		{"unknown task", SnoozeRequest{RequestID: "g", Tasks: []string{"nope"}, Until: until, ActorSide: OwnerVendor}, CodeUnknownTask},
		{"no tasks", SnoozeRequest{RequestID: "h", Until: until, ActorSide: OwnerVendor}, CodeInvalidInput},
		{"in the past", SnoozeRequest{RequestID: "i", Tasks: []string{"welcome_call"}, Until: now.Add(-time.Minute), ActorSide: OwnerVendor}, CodeInvalidInput},
		{"too far", SnoozeRequest{RequestID: "j", Tasks: []string{"welcome_call"}, Until: now.Add(MaxSnooze + time.Hour), ActorSide: OwnerVendor}, CodeInvalidInput},
	} {
		err := s.ValidateSnooze(tc.r, now)
		if got := codeOf(err); got != tc.code {
			t.Errorf("%s: %v, want code %q", tc.name, err, tc.code)
		}
	}
	changed, err := s.ApplySnooze(SnoozeRequest{RequestID: "k", Tasks: []string{"welcome_call"}, Until: until, ActorSide: OwnerVendor}, now)
	if ts, _ := s.Task("welcome_call"); err != nil || !changed || !ts.SnoozedUntil.Equal(until) {
		t.Errorf("applied: %v %v %v", changed, err, ts.SnoozedUntil)
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	if te, ok := err.(*TransitionError); ok {
		return te.Code
	}
	return "other: " + err.Error()
}

func TestBlockedByAnotherTask(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	s, err := New(NewInput{OnboardingID: "o", Plan: testPlan(), StartDate: now, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	block := func(rid, key, by, reason string) TaskAction {
		return TaskAction{RequestID: rid, TaskKey: key, Action: ActionBlock, BlockedBy: by, Reason: reason, Actor: "staff:s", ActorSide: OwnerVendor}
	}
	for _, tc := range []struct {
		a    TaskAction
		code string
	}{
		{block("a", "brand_assets", "nope", ""), CodeInvalidInput},
		{block("a2", "welcome_call", "company_profile", ""), CodeInvalidInput}, // company_profile depends on welcome_call
		{block("a3", "company_profile", "training", ""), CodeInvalidInput},     // training waits on company_profile, two steps down
		{block("b", "brand_assets", "brand_assets", ""), CodeInvalidInput},
		{block("c", "brand_assets", "", ""), CodeInvalidInput}, // neither a task nor a reason
		{TaskAction{RequestID: "d", TaskKey: "welcome_call", Action: ActionStart, BlockedBy: "brand_assets", Actor: "staff:s"}, CodeInvalidInput},
	} {
		if _, err := s.Apply(tc.a, now); codeOf(err) != tc.code {
			t.Errorf("%+v: %v, want %s", tc.a, err, tc.code)
		}
	}
	if _, err := s.Apply(block("e", "welcome_call", "brand_assets", ""), now); err != nil {
		t.Fatal(err)
	}
	ts, _ := s.Task("welcome_call")
	if ts.Status != TaskBlocked || ts.BlockedBy != "brand_assets" {
		t.Fatalf("blocked: %+v", ts)
	}
	// A loop through blocks: brand_assets may not wait for welcome_call, which waits for it.
	if _, err := s.Apply(block("e2", "brand_assets", "welcome_call", ""), now); codeOf(err) != CodeInvalidInput {
		t.Errorf("a loop of blocks: %v", err)
	}
	if _, err := s.Apply(TaskAction{RequestID: "f", TaskKey: "welcome_call", Action: ActionUnblock, Actor: "staff:s"}, now); err != nil {
		t.Fatal(err)
	}
	if ts, _ := s.Task("welcome_call"); ts.BlockedBy != "" || ts.Status != TaskPending {
		t.Errorf("unblocked: %+v", ts)
	}
	// A task done already is nothing to wait for.
	if _, err := s.Apply(TaskAction{RequestID: "g", TaskKey: "brand_assets", Action: ActionComplete, Actor: "c", ActorSide: OwnerCustomer}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(block("h", "welcome_call", "brand_assets", ""), now); codeOf(err) != CodeInvalidInput {
		t.Errorf("blocked by a done task: %v", err)
	}
}

// With AutoUnblock (runs from the version that does it) a task blocked by another is
// unblocked when that one is done; without, it stays blocked, as it did.
func TestAutoUnblockWhenTheBlockerIsDone(t *testing.T) {
	for _, auto := range []bool{true, false} {
		now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		s, err := New(NewInput{OnboardingID: "o", Plan: testPlan(), StartDate: now, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		s.AutoUnblock = auto
		if _, err := s.Apply(TaskAction{RequestID: "b", TaskKey: "brand_assets", Action: ActionBlock, BlockedBy: "welcome_call",
			Actor: "staff:s", ActorSide: OwnerVendor}, now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(TaskAction{RequestID: "c", TaskKey: "welcome_call", Action: ActionComplete, Actor: "staff:s",
			ActorSide: OwnerVendor}, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		ts, _ := s.Task("brand_assets")
		if blocked := ts.Status == TaskBlocked; blocked == auto {
			t.Errorf("auto-unblock %v: brand_assets is %s (blocked by %q)", auto, ts.Status, ts.BlockedBy)
		}
		if auto && (ts.BlockedBy != "" || ts.BlockedFor != time.Hour) {
			t.Errorf("after auto-unblock: blocked by %q, blocked for %v", ts.BlockedBy, ts.BlockedFor)
		}
	}
}
