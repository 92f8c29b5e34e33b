package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

// Snapshot is the read model of one onboarding at one state version: what the workflow
// writes into onboardings, onboarding_phases and onboarding_tasks.
type Snapshot struct {
	OnboardingID     string
	WorkspaceID      string
	Version          int64
	Status           onboarding.Status
	Health           onboarding.Health
	Progress         int
	CustomerProgress int
	TasksDone        int
	TasksTotal       int
	TargetGoLive     time.Time
	WentLiveAt       time.Time
	// LastCustomerActivity is when the customer last acted.
	LastCustomerActivity time.Time
	// ForecastGoLive is the projected go-live day (zero: none projected).
	ForecastGoLive time.Time
	StartDate      time.Time
	Phases         []OnboardingPhase
	Tasks          []OnboardingTask
	// OpenDueAt are the due times of the tasks still open (neither completed nor
	// skipped), BlockedTasks counts the blocked ones and CurrentPhase names the first
	// phase not completed: what the portfolio sorts and counts by, kept on the row.
	OpenDueAt    []time.Time
	BlockedTasks int
	CurrentPhase string
}

// NewSnapshot derives the read model from the workflow's state.
func NewSnapshot(st *onboarding.State) Snapshot {
	all := st.Progress(onboarding.AllTasks)
	snap := Snapshot{
		OnboardingID: st.OnboardingID, WorkspaceID: st.WorkspaceID, Version: st.Version,
		Status: st.Status, Health: st.Health, Progress: all.Percent(),
		CustomerProgress: st.Progress(onboarding.CustomerVisible).Percent(),
		TasksDone:        all.Done, TasksTotal: all.Total, TargetGoLive: st.TargetGoLive, WentLiveAt: st.WentLiveAt,
		LastCustomerActivity: st.LastCustomerActivity, ForecastGoLive: st.Forecast, StartDate: st.StartDate,
	}
	customer := st.Phases(onboarding.CustomerVisible)
	for i, ph := range st.Phases(onboarding.AllTasks) {
		snap.Phases = append(snap.Phases, OnboardingPhase{OnboardingID: st.OnboardingID, Key: ph.Key,
			Position: i, Name: ph.Name, Status: ph.Status, Progress: ph.Progress.Percent(),
			CustomerProgress: customer[i].Progress.Percent()})
		if snap.CurrentPhase == "" && ph.Status != onboarding.PhaseCompleted {
			snap.CurrentPhase = ph.Name
		}
	}
	for _, ts := range st.Tasks {
		if ts.Status == onboarding.TaskBlocked {
			snap.BlockedTasks++
		}
		if !ts.DueAt.IsZero() && ts.Status != onboarding.TaskCompleted && ts.Status != onboarding.TaskSkipped {
			snap.OpenDueAt = append(snap.OpenDueAt, ts.DueAt)
		}
	}
	next := map[string]bool{}
	for _, side := range []onboarding.Owner{onboarding.OwnerCustomer, onboarding.OwnerVendor} {
		for _, key := range st.NextSteps(side) {
			next[key] = true
		}
	}
	pos := 0
	for _, ph := range st.Plan.Phases {
		for _, t := range ph.Tasks {
			ts, _ := st.Task(t.Key)
			row := taskRow(st.OnboardingID, ph.Key, pos, t, *ts)
			row.NextStep = next[t.Key]
			snap.Tasks = append(snap.Tasks, row)
			pos++
		}
	}
	return snap
}

func taskRow(onboardingID, phaseKey string, pos int, t onboarding.Task, ts onboarding.TaskState) OnboardingTask {
	return OnboardingTask{
		OnboardingID: onboardingID, Key: t.Key, PhaseKey: phaseKey, Position: pos, Title: t.Title,
		Description: t.Description, Owner: t.Owner, Type: t.Type, DependsOn: t.DependsOn,
		Required: t.Required, CustomerVisible: t.CustomerVisible, Status: ts.Status,
		DueAt: timePtr(ts.DueAt), Assignee: ts.Assignee, BlockedReason: ts.BlockedReason, BlockedBy: ts.BlockedBy,
		StartedAt: timePtr(ts.StartedAt), CompletedAt: timePtr(ts.CompletedAt), UpdatedAt: ts.UpdatedAt,
	}
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// SaveSnapshot writes an onboarding's read model at a state version and, when event is
// not nil, the audit event of the action that produced that version, in one transaction.
// An older version changes nothing in the read model (it returns false), so a delayed
// write never overwrites a newer one. The same version is written again: Temporal may
// re-run a workflow task whose first run was discarded, and the later run is the true one.
// The event is recorded even for an older version, once per (onboarding, version).
func (s *Store) SaveSnapshot(ctx context.Context, snap Snapshot, event *AuditEvent) (bool, error) {
	applied := false
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if applied, err = updateOnboarding(ctx, tx, snap); err != nil {
			return err
		}
		if applied {
			if err := updatePhases(ctx, tx, snap); err != nil {
				return err
			}
			if err := updateTasks(ctx, tx, snap); err != nil {
				return err
			}
			if err := announceChange(ctx, tx, snap.OnboardingID); err != nil {
				return err
			}
		} else if exists, err := onboardingExists(ctx, tx, snap.OnboardingID); err != nil || !exists {
			// A removed onboarding has nowhere to record the event; retrying cannot help.
			return err
		}
		return insertAuditEvent(ctx, tx, event)
	})
	if err != nil {
		return false, fmt.Errorf("store: save snapshot: %w", err)
	}
	return applied, nil
}

// datePtr is the calendar date of t for a date column, or nil for the zero time.
func datePtr(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	d := t.UTC().Format(time.DateOnly)
	return &d
}
