package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

// OnboardingPhase is one phase row of the read model.
type OnboardingPhase struct {
	OnboardingID     string `db:"onboarding_id"`
	Key              string `db:"key"`
	Position         int    `db:"position"`
	Name             string `db:"name"`
	Status           string `db:"status"`
	Progress         int    `db:"progress"`
	CustomerProgress int    `db:"customer_progress"`
}

// OnboardingTask is one task row of the read model.
type OnboardingTask struct {
	OnboardingID    string     `db:"onboarding_id"`
	Key             string     `db:"key"`
	PhaseKey        string     `db:"phase_key"`
	Position        int        `db:"position"`
	Title           string     `db:"title"`
	Description     string     `db:"description"`
	Owner           string     `db:"owner"`
	Type            string     `db:"type"`
	DependsOn       StringList `db:"depends_on"`
	Required        bool       `db:"required"`
	CustomerVisible bool       `db:"customer_visible"`
	Status          string     `db:"status"`
	DueAt           *time.Time `db:"due_at"`
	Assignee        string     `db:"assignee"`
	BlockedReason   string     `db:"blocked_reason"`
	StartedAt       *time.Time `db:"started_at"`
	CompletedAt     *time.Time `db:"completed_at"`
	UpdatedAt       time.Time  `db:"updated_at"`
}

// Snapshot is the read model of one onboarding at one state version.
type Snapshot struct {
	OnboardingID     string
	WorkspaceID      string
	Version          int64
	Status           string
	Health           string
	Progress         int
	CustomerProgress int
	TasksDone        int
	TasksTotal       int
	TargetGoLive     time.Time
	WentLiveAt       time.Time
	Phases           []OnboardingPhase
	Tasks            []OnboardingTask
}

// NewSnapshot derives the read model from the workflow's state.
func NewSnapshot(st *onboarding.State) Snapshot {
	all := st.Progress(onboarding.AllTasks)
	snap := Snapshot{
		OnboardingID: st.OnboardingID, WorkspaceID: st.WorkspaceID, Version: st.Version,
		Status: string(st.Status), Health: string(st.Health), Progress: all.Percent(),
		CustomerProgress: st.Progress(onboarding.CustomerVisible).Percent(),
		TasksDone:        all.Done, TasksTotal: all.Total, TargetGoLive: st.TargetGoLive, WentLiveAt: st.WentLiveAt,
	}
	customer := st.Phases(onboarding.CustomerVisible)
	for i, ph := range st.Phases(onboarding.AllTasks) {
		snap.Phases = append(snap.Phases, OnboardingPhase{OnboardingID: st.OnboardingID, Key: ph.Key,
			Position: i, Name: ph.Name, Status: string(ph.Status), Progress: ph.Progress.Percent(),
			CustomerProgress: customer[i].Progress.Percent()})
	}
	pos := 0
	for _, ph := range st.Plan.Phases {
		for _, t := range ph.Tasks {
			ts, _ := st.Task(t.Key)
			snap.Tasks = append(snap.Tasks, taskRow(st.OnboardingID, ph.Key, pos, t, *ts))
			pos++
		}
	}
	return snap
}

func taskRow(onboardingID, phaseKey string, pos int, t onboarding.Task, ts onboarding.TaskState) OnboardingTask {
	return OnboardingTask{
		OnboardingID: onboardingID, Key: t.Key, PhaseKey: phaseKey, Position: pos, Title: t.Title,
		Description: t.Description, Owner: string(t.Owner), Type: string(t.Type), DependsOn: t.DependsOn,
		Required: t.Required, CustomerVisible: t.CustomerVisible, Status: string(ts.Status),
		DueAt: timePtr(ts.DueAt), Assignee: ts.Assignee, BlockedReason: ts.BlockedReason,
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
		res, err := tx.ExecContext(ctx, `
			UPDATE onboardings SET status = $3, health = $4, progress = $5, customer_progress = $6,
				tasks_done = $7, tasks_total = $8, went_live_at = $9, state_version = $2, updated_at = now()
			WHERE id = $1 AND state_version <= $2`,
			snap.OnboardingID, snap.Version, snap.Status, snap.Health, snap.Progress, snap.CustomerProgress,
			snap.TasksDone, snap.TasksTotal, timePtr(snap.WentLiveAt))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			applied = true
			if err := updatePhases(ctx, tx, snap); err != nil {
				return err
			}
			if err := updateTasks(ctx, tx, snap); err != nil {
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

func onboardingExists(ctx context.Context, tx *sqlx.Tx, id string) (bool, error) {
	var exists bool
	err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM onboardings WHERE id = $1)`, id)
	return exists, err
}

func insertPhases(ctx context.Context, tx *sqlx.Tx, snap Snapshot) error {
	for _, p := range snap.Phases {
		_, err := tx.ExecContext(ctx, `INSERT INTO onboarding_phases
			(onboarding_id, key, position, name, status, progress, customer_progress) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			snap.OnboardingID, p.Key, p.Position, p.Name, p.Status, p.Progress, p.CustomerProgress)
		if err != nil {
			return fmt.Errorf("store: insert phase %s: %w", p.Key, err)
		}
	}
	return nil
}

func insertTasks(ctx context.Context, tx *sqlx.Tx, snap Snapshot) error {
	for _, t := range snap.Tasks {
		_, err := tx.NamedExecContext(ctx, `INSERT INTO onboarding_tasks
			(onboarding_id, key, phase_key, position, title, description, owner, type, depends_on, required,
			 customer_visible, status, due_at, assignee, blocked_reason, started_at, completed_at, updated_at)
			VALUES (:onboarding_id, :key, :phase_key, :position, :title, :description, :owner, :type, :depends_on,
			 :required, :customer_visible, :status, :due_at, :assignee, :blocked_reason, :started_at, :completed_at, now())`, t)
		if err != nil {
			return fmt.Errorf("store: insert task %s: %w", t.Key, err)
		}
	}
	return nil
}

func updatePhases(ctx context.Context, tx *sqlx.Tx, snap Snapshot) error {
	keys, statuses := make([]string, len(snap.Phases)), make([]string, len(snap.Phases))
	progress, customer := make([]int32, len(snap.Phases)), make([]int32, len(snap.Phases))
	for i, p := range snap.Phases {
		keys[i], statuses[i], progress[i], customer[i] = p.Key, p.Status, int32(p.Progress), int32(p.CustomerProgress)
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE onboarding_phases p SET status = u.status, progress = u.progress, customer_progress = u.customer
		FROM unnest($2::text[], $3::text[], $4::int[], $5::int[]) AS u(key, status, progress, customer)
		WHERE p.onboarding_id = $1 AND p.key = u.key`, snap.OnboardingID, keys, statuses, progress, customer)
	return err
}

func updateTasks(ctx context.Context, tx *sqlx.Tx, snap Snapshot) error {
	n := len(snap.Tasks)
	keys, statuses, assignees, reasons := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	due, started, completed, updated := make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n), make([]time.Time, n)
	for i, t := range snap.Tasks {
		keys[i], statuses[i], assignees[i], reasons[i] = t.Key, t.Status, t.Assignee, t.BlockedReason
		due[i], started[i], completed[i], updated[i] = t.DueAt, t.StartedAt, t.CompletedAt, t.UpdatedAt
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE onboarding_tasks t SET status = u.status, assignee = u.assignee, blocked_reason = u.reason,
			due_at = u.due, started_at = u.started, completed_at = u.completed,
			updated_at = CASE WHEN u.updated > '0001-01-02' THEN u.updated ELSE t.updated_at END
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[],
			$8::timestamptz[], $9::timestamptz[]) AS u(key, status, assignee, reason, due, started, completed, updated)
		WHERE t.onboarding_id = $1 AND t.key = u.key AND (t.status, t.assignee, t.blocked_reason, t.due_at,
			t.started_at, t.completed_at) IS DISTINCT FROM (u.status, u.assignee, u.reason, u.due, u.started, u.completed)`,
		snap.OnboardingID, keys, statuses, assignees, reasons, due, started, completed, updated)
	return err
}

// OnboardingTasks returns an onboarding's tasks in plan order.
func (s *Store) OnboardingTasks(ctx context.Context, onboardingID string) ([]OnboardingTask, error) {
	var list []OnboardingTask
	err := s.db.SelectContext(ctx, &list, `SELECT onboarding_id, key, phase_key, position, title, description,
		owner, type, depends_on, required, customer_visible, status, due_at, assignee, blocked_reason,
		started_at, completed_at, updated_at FROM onboarding_tasks WHERE onboarding_id = $1 ORDER BY position`, onboardingID)
	if err != nil {
		return nil, fmt.Errorf("store: onboarding tasks: %w", notFound(err))
	}
	return list, nil
}

// OnboardingPhases returns an onboarding's phases in plan order.
func (s *Store) OnboardingPhases(ctx context.Context, onboardingID string) ([]OnboardingPhase, error) {
	var list []OnboardingPhase
	err := s.db.SelectContext(ctx, &list, `SELECT onboarding_id, key, position, name, status, progress,
		customer_progress FROM onboarding_phases WHERE onboarding_id = $1 ORDER BY position`, onboardingID)
	if err != nil {
		return nil, fmt.Errorf("store: onboarding phases: %w", notFound(err))
	}
	return list, nil
}

// StringList is a []string stored as a JSON array.
type StringList []string

// Scan reads a JSON array.
func (l *StringList) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case []byte:
		b = v
	case string:
		b = []byte(v)
	case nil:
		*l = nil
		return nil
	default:
		return fmt.Errorf("store: cannot scan %T into StringList", src)
	}
	return json.Unmarshal(b, (*[]string)(l))
}

// Value writes a JSON array.
func (l StringList) Value() (driver.Value, error) {
	if l == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]string(l))
	return string(b), err
}
