package onboarding

import (
	"strings"
	"time"
)

// Assignee prefixes: a customer task is assigned to one of the account's contacts, a
// vendor task to a staff member (its co-owner beside the CSM).
const (
	AssigneeContact = "contact:"
	AssigneeStaff   = "staff:"
)

// Assignment gives a task to one person, or back to everyone on its side (Assignee "").
// Reminders of an assigned task go to its assignee alone, in the assignee's time zone.
type Assignment struct {
	RequestID string `json:"request_id"`
	TaskKey   string `json:"task_key"`
	// Assignee is "contact:<id>" for a customer task, "staff:<id>" for a vendor task, or
	// "" to unassign. Who the id names is checked by the caller against the database.
	Assignee string `json:"assignee"`
	// TimeZone is the assignee's IANA time zone, when they have one of their own: the
	// task's reminders go out in its sending window ("" keeps the account's).
	TimeZone string `json:"time_zone,omitempty"`
	Actor    string `json:"actor"`
}

// AssigneeKind returns "contact" or "staff" and the id an assignee names ("", "" when it
// names neither).
func AssigneeKind(assignee string) (kind, id string) {
	switch {
	case strings.HasPrefix(assignee, AssigneeContact):
		return "contact", assignee[len(AssigneeContact):]
	case strings.HasPrefix(assignee, AssigneeStaff):
		return "staff", assignee[len(AssigneeStaff):]
	}
	return "", ""
}

// ValidateAssignment checks an assignment against the state without changing anything:
// the onboarding takes changes, the task exists and is open, and the assignee is on the
// task's side (a contact for the customer's tasks, staff for the vendor's).
func (s *State) ValidateAssignment(r Assignment) error {
	if s.Seen(r.RequestID) {
		return nil
	}
	if s.Terminal() {
		return reject(CodeOnboardingClosed, "the onboarding is %s", s.Status.Label())
	}
	t, _, ok := s.Plan.Task(r.TaskKey)
	ts, found := s.Task(r.TaskKey)
	if !ok || !found {
		return reject(CodeUnknownTask, "there is no task %q in this onboarding", r.TaskKey)
	}
	if ts.Status.Done() {
		return reject(CodeInvalidTransition, "task %q is %s: reopen it before assigning it", r.TaskKey, ts.Status.Label())
	}
	kind, id := AssigneeKind(r.Assignee)
	switch {
	case r.Assignee == "":
	case id == "":
		return reject(CodeInvalidInput, "assignee: a contact or a staff member")
	case t.Owner == OwnerCustomer && !t.CustomerVisible:
		return reject(CodeInvalidInput, "assignee: task %q is hidden from the customer's portal: show it before giving it to a contact", r.TaskKey)
	case t.Owner == OwnerCustomer && kind != "contact":
		return reject(CodeInvalidInput, "assignee: task %q is the customer's: assign it to one of the account's contacts", r.TaskKey)
	case t.Owner == OwnerVendor && kind != "staff":
		return reject(CodeInvalidInput, "assignee: task %q is the vendor's: assign it to a staff member", r.TaskKey)
	}
	if r.TimeZone != "" {
		if _, err := Location(r.TimeZone); err != nil {
			return reject(CodeInvalidInput, "time_zone: %v", err)
		}
	}
	return nil
}

// ApplyAssignment validates and applies an assignment; it reports whether the state
// changed. A task given to someone new is reminded afresh: its new assignee hears of it
// at the next sending window, at the furthest reminder due by then (one line, not the
// whole history of reminders the previous assignee had).
func (s *State) ApplyAssignment(r Assignment, now time.Time) (bool, error) {
	if err := s.ValidateAssignment(r); err != nil {
		return false, err
	}
	if s.Seen(r.RequestID) {
		return false, nil
	}
	ts, _ := s.Task(r.TaskKey)
	zone := r.TimeZone
	if r.Assignee == "" {
		zone = ""
	}
	if ts.Assignee == r.Assignee && ts.AssigneeZone == zone {
		return false, nil // already so: nothing to change or record
	}
	if ts.Assignee != r.Assignee {
		ts.Reminded = levelNone
	}
	ts.Assignee, ts.AssigneeZone, ts.UpdatedAt = r.Assignee, zone, now
	s.remember(r.RequestID)
	s.Version++
	return true, nil
}
