package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/onboarding"
)

// Onboarding is one customer onboarding as the read model shows it.
type Onboarding struct {
	ID               string            `db:"id"`
	WorkspaceID      string            `db:"workspace_id"`
	AccountID        string            `db:"account_id"`
	AccountName      string            `db:"account_name"`
	AccountTimezone  string            `db:"account_timezone"`
	PlanTemplateID   string            `db:"plan_template_id"`
	PlanKey          string            `db:"plan_key"`
	PlanVersion      int               `db:"plan_version"`
	WorkflowID       string            `db:"workflow_id"`
	Status           onboarding.Status `db:"status"`
	Health           onboarding.Health `db:"health"`
	Progress         int               `db:"progress"`
	CustomerProgress int               `db:"customer_progress"`
	TasksDone        int               `db:"tasks_done"`
	TasksTotal       int               `db:"tasks_total"`
	StartDate        time.Time         `db:"start_date"`
	TargetGoLive     *time.Time        `db:"target_go_live"`
	WentLiveAt       *time.Time        `db:"went_live_at"`
	// LastCustomerActivity is when the customer last acted (nil before it was recorded).
	LastCustomerActivity *time.Time `db:"last_customer_activity"`
	// ForecastGoLive is the projected go-live day (nil: none projected).
	ForecastGoLive *time.Time `db:"forecast_go_live"`
	StateVersion   int64      `db:"state_version"`
	CreatedAt      time.Time  `db:"created_at"`
	UpdatedAt      time.Time  `db:"updated_at"`
}

const onboardingSelect = `SELECT o.id, o.workspace_id, o.account_id, a.name AS account_name, a.timezone AS account_timezone, o.plan_template_id,
	o.plan_key, o.plan_version, o.workflow_id, o.status, o.health, o.progress, o.customer_progress,
	o.tasks_done, o.tasks_total, o.start_date, o.target_go_live, o.went_live_at, o.state_version,
	o.created_at, o.updated_at, o.last_customer_activity, o.forecast_go_live
	FROM onboardings o JOIN accounts a ON a.id = o.account_id`

// OnboardingFilter narrows a list of onboardings; empty fields match everything.
type OnboardingFilter struct {
	Status    onboarding.Status
	AccountID string
	// After continues a list where an earlier page ended.
	After *input.Cursor
	Limit int
}

// CursorOf is the position just after o.
func CursorOf(o Onboarding) input.Cursor { return input.Cursor{CreatedAt: o.CreatedAt, ID: o.ID} }

// CreateOnboarding inserts an onboarding with its initial read model (state version 0).
func (s *Store) CreateOnboarding(ctx context.Context, o Onboarding, snap Snapshot) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error { return createOnboarding(ctx, tx, o, snap) })
}

// ReplaceUnstartedOnboarding stores an onboarding again over its rows from a start that
// never ran (still at state version 0), in one transaction.
func (s *Store) ReplaceUnstartedOnboarding(ctx context.Context, o Onboarding, snap Snapshot) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM onboardings WHERE id = $1 AND workspace_id = $2 AND state_version = 0`, o.ID, o.WorkspaceID)
		if err != nil {
			return fmt.Errorf("store: replace onboarding: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(err, fmt.Errorf("store: replace onboarding %s: %w", o.ID, ErrConflict))
		}
		return createOnboarding(ctx, tx, o, snap)
	})
}

func createOnboarding(ctx context.Context, tx *sqlx.Tx, o Onboarding, snap Snapshot) error {
	_, err := tx.ExecContext(ctx, `
			INSERT INTO onboardings (id, workspace_id, account_id, plan_template_id, plan_key, plan_version,
				workflow_id, status, health, progress, customer_progress, tasks_done, tasks_total,
				start_date, target_go_live, state_version, last_customer_activity, forecast_go_live,
				open_due_at, blocked_tasks, current_phase)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::date, $19, $20, $21)`,
		o.ID, o.WorkspaceID, o.AccountID, o.PlanTemplateID, o.PlanKey, o.PlanVersion, o.WorkflowID,
		snap.Status, snap.Health, snap.Progress, snap.CustomerProgress, snap.TasksDone, snap.TasksTotal,
		o.StartDate, o.TargetGoLive, snap.Version, timePtr(snap.LastCustomerActivity), datePtr(snap.ForecastGoLive),
		dueTimes(snap.OpenDueAt), snap.BlockedTasks, snap.CurrentPhase)
	if err != nil {
		return fmt.Errorf("store: create onboarding: %w", conflict(err))
	}
	if err := insertPhases(ctx, tx, snap); err != nil {
		return err
	}
	return insertTasks(ctx, tx, snap)
}

// DeleteOnboarding removes an onboarding whose workflow could not be started.
func (s *Store) DeleteOnboarding(ctx context.Context, id string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM onboardings WHERE id = $1`, id); err != nil {
		return fmt.Errorf("store: delete onboarding: %w", err)
	}
	return nil
}

// Onboarding returns one onboarding inside a workspace.
func (s *Store) Onboarding(ctx context.Context, workspaceID, id string) (Onboarding, error) {
	var o Onboarding
	err := s.db.GetContext(ctx, &o, onboardingSelect+` WHERE o.workspace_id = $1 AND o.id = $2`, workspaceID, id)
	if err != nil {
		return Onboarding{}, fmt.Errorf("store: onboarding: %w", notFound(err))
	}
	return o, nil
}

// Onboardings lists a workspace's onboardings, newest first. An account id that is not
// an id matches nothing.
func (s *Store) Onboardings(ctx context.Context, workspaceID string, f OnboardingFilter) ([]Onboarding, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	var account *uuid.UUID
	if f.AccountID != "" {
		id, err := uuid.Parse(f.AccountID)
		if err != nil {
			return nil, nil
		}
		account = &id
	}
	afterTime, afterID, ok := after(f.After)
	if !ok {
		return nil, nil
	}
	var list []Onboarding
	err := s.db.SelectContext(ctx, &list, onboardingSelect+`
		WHERE o.workspace_id = $1 AND ($2 = '' OR o.status = $2) AND ($3::uuid IS NULL OR o.account_id = $3)
			AND ($5::timestamptz IS NULL OR (o.created_at, o.id) < ($5, $6::uuid))
		ORDER BY o.created_at DESC, o.id DESC LIMIT $4`, workspaceID, f.Status, account, f.Limit, afterTime, afterID)
	if err != nil {
		return nil, fmt.Errorf("store: onboardings: %w", err)
	}
	return list, nil
}

// OnboardingsForAccount lists an account's onboardings, newest first; the portal uses it.
func (s *Store) OnboardingsForAccount(ctx context.Context, workspaceID, accountID string) ([]Onboarding, error) {
	return s.Onboardings(ctx, workspaceID, OnboardingFilter{AccountID: accountID})
}

// updateOnboarding writes the onboarding row of a snapshot unless the stored state
// version is newer; it reports whether it wrote.
func updateOnboarding(ctx context.Context, tx *sqlx.Tx, snap Snapshot) (bool, error) {
	res, err := tx.ExecContext(ctx, `
		UPDATE onboardings SET status = $3, health = $4, progress = $5, customer_progress = $6,
			tasks_done = $7, tasks_total = $8, went_live_at = $9, state_version = $2, updated_at = now(),
			last_customer_activity = $10, target_go_live = coalesce($11::date, target_go_live), forecast_go_live = $12::date,
			start_date = coalesce($13::date, start_date), open_due_at = $14, blocked_tasks = $15, current_phase = $16
		WHERE id = $1 AND state_version <= $2`,
		snap.OnboardingID, snap.Version, snap.Status, snap.Health, snap.Progress, snap.CustomerProgress,
		snap.TasksDone, snap.TasksTotal, timePtr(snap.WentLiveAt), timePtr(snap.LastCustomerActivity), datePtr(snap.TargetGoLive),
		datePtr(snap.ForecastGoLive), datePtr(snap.StartDate), dueTimes(snap.OpenDueAt), snap.BlockedTasks, snap.CurrentPhase)
	if err != nil {
		return false, fmt.Errorf("store: update onboarding: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func onboardingExists(ctx context.Context, tx *sqlx.Tx, id string) (bool, error) {
	var exists bool
	err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM onboardings WHERE id = $1)`, id)
	return exists, err
}

// SlipDays is how many days the forecast go-live lies beyond the target (0 when on time
// or either is unknown).
func (o Onboarding) SlipDays() int {
	if o.ForecastGoLive == nil || o.TargetGoLive == nil {
		return 0
	}
	return max(int(o.ForecastGoLive.Sub(*o.TargetGoLive).Hours()/24), 0)
}

// after is where a list newest first continues: the creation time and id of the last
// item a page showed (nil, nil for the first page); false for a cursor no list gave.
func after(c *input.Cursor) (*time.Time, *uuid.UUID, bool) {
	if c == nil {
		return nil, nil, true
	}
	id, err := uuid.Parse(c.ID)
	if err != nil {
		return nil, nil, false
	}
	return &c.CreatedAt, &id, true
}

// containing is an ILIKE pattern matching text that contains q, as typed (its % and _
// match only themselves).
func containing(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
}

// dueTimes is a snapshot's open due times as the timestamptz[] column takes them (an
// empty array, never NULL).
func dueTimes(ts []time.Time) []time.Time {
	if ts == nil {
		return []time.Time{}
	}
	return ts
}
