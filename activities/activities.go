// Package activities holds Onboard's Temporal activities: read-model writes and the
// notification sender (email and Slack, exactly once per message). Activities are methods
// on one struct of dependencies, registered as one value; this package never imports
// workflows.
package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// Activities holds what the activities need.
type Activities struct {
	Store *store.Store
	// Notifier sends notifications; nil on a worker that only writes read models (tests).
	Notifier *Notifier
}

// SaveReadModelInput is a state to write, with the action that produced it, if any.
type SaveReadModelInput struct {
	State  onboarding.State       `json:"state"`
	Action *onboarding.TaskAction `json:"action,omitempty"`
	// Lifecycle is the pause, resume or cancel that produced the state, if one did.
	Lifecycle *onboarding.LifecycleRequest `json:"lifecycle,omitempty"`
	// Snooze is the snoozing of reminders that produced the state, if one did.
	Snooze *onboarding.SnoozeRequest `json:"snooze,omitempty"`
	// Reschedule is the moved date that produced the state, if one did.
	Reschedule *onboarding.Reschedule `json:"reschedule,omitempty"`
	// Assignment is the task (un)assigned that produced the state, if one was.
	Assignment *onboarding.Assignment `json:"assignment,omitempty"`
	At         time.Time              `json:"at"`
}

// SaveReadModel writes the onboarding's read model at the state's version (an older
// version than the stored one changes nothing) and the audit event of the action that
// produced that version. It runs as a local activity inside every state change.
func (a *Activities) SaveReadModel(ctx context.Context, in SaveReadModelInput) error {
	snap := store.NewSnapshot(&in.State)
	if _, err := a.Store.SaveSnapshot(ctx, snap, auditEvent(in)); err != nil {
		return fmt.Errorf("save read model: %w", err)
	}
	return nil
}

// auditEvent is the audit log entry of whatever produced the state (nil for a change
// nobody asked for, such as health moving with time): who, what, on which task, and the
// particulars.
func auditEvent(in SaveReadModelInput) *store.AuditEvent {
	var actor, action, subject, requestID string
	detail := map[string]any{"version": in.State.Version, "at": in.At}
	switch {
	case in.Action != nil:
		a := in.Action
		actor, action, subject, requestID, detail["reason"] = a.Actor, "task."+string(a.Action), a.TaskKey, a.RequestID, a.Reason
	case in.Lifecycle != nil:
		r := in.Lifecycle
		actor, action, requestID, detail["reason"] = r.Actor, "onboarding."+string(r.Action), r.RequestID, r.Reason
	case in.Snooze != nil:
		r := in.Snooze
		actor, action, subject, requestID, detail["until"] = r.Actor, "task.snooze", strings.Join(r.Tasks, ","), r.RequestID, r.Until
	case in.Reschedule != nil:
		r := in.Reschedule
		actor, action, subject, requestID, detail["day"] = r.Actor, "onboarding.target_go_live", r.TaskKey, r.RequestID, r.Day.Format(time.DateOnly)
		switch {
		case r.StartDate:
			action = "onboarding.start_date"
		case r.TaskKey != "":
			action = "task.due_date"
		}
	case in.Assignment != nil:
		r := in.Assignment
		actor, action, subject, requestID, detail["assignee"] = r.Actor, "task.assign", r.TaskKey, r.RequestID, r.Assignee
		if r.TimeZone != "" {
			detail["time_zone"] = r.TimeZone
		}
	default:
		return nil
	}
	body, _ := json.Marshal(detail)
	onboardingID, version := in.State.OnboardingID, in.State.Version
	e := &store.AuditEvent{WorkspaceID: in.State.WorkspaceID, OnboardingID: &onboardingID, StateVersion: &version,
		Actor: actor, Action: action, Subject: subject, Detail: body}
	if requestID != "" {
		e.RequestID = &requestID
	}
	return e
}

// RejectedActionInput is a queued task action the workflow could not apply.
type RejectedActionInput struct {
	WorkspaceID  string                `json:"workspace_id"`
	OnboardingID string                `json:"onboarding_id"`
	Action       onboarding.TaskAction `json:"action"`
	Reason       string                `json:"reason"`
	At           time.Time             `json:"at"`
}

// RecordRejectedAction writes an audit event for an action that was queued as a signal
// (its sender was told 202) and turned out invalid when a worker applied it, so the
// refusal is on record rather than silently dropped.
func (a *Activities) RecordRejectedAction(ctx context.Context, in RejectedActionInput) error {
	detail, _ := json.Marshal(map[string]any{"error": in.Reason, "reason": in.Action.Reason, "at": in.At})
	onboardingID, requestID := in.OnboardingID, in.Action.RequestID
	err := a.Store.RecordAuditEvent(ctx, store.AuditEvent{
		WorkspaceID: in.WorkspaceID, OnboardingID: &onboardingID, Actor: in.Action.Actor,
		Action: "task." + string(in.Action.Action) + ".rejected", Subject: in.Action.TaskKey,
		RequestID: &requestID, Detail: detail,
	})
	if err != nil {
		return fmt.Errorf("record rejected action: %w", err)
	}
	return nil
}

// AccountTimeZoneInput names an onboarding's account.
type AccountTimeZoneInput struct {
	WorkspaceID string `json:"workspace_id"`
	AccountID   string `json:"account_id"`
}

// AccountTimeZone reads an account's time zone, for an onboarding whose state is from
// before it kept one. It runs as a local activity.
func (a *Activities) AccountTimeZone(ctx context.Context, in AccountTimeZoneInput) (string, error) {
	acct, err := a.Store.Account(ctx, in.WorkspaceID, in.AccountID)
	if err != nil {
		return "", fmt.Errorf("account time zone: %w", err)
	}
	return acct.Timezone, nil
}
