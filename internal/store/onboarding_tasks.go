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

// OnboardingTask is one task row of the read model.
type OnboardingTask struct {
	OnboardingID    string                `db:"onboarding_id"`
	Key             string                `db:"key"`
	PhaseKey        string                `db:"phase_key"`
	Position        int                   `db:"position"`
	Title           string                `db:"title"`
	Description     string                `db:"description"`
	Owner           onboarding.Owner      `db:"owner"`
	Type            onboarding.TaskType   `db:"type"`
	DependsOn       StringList            `db:"depends_on"`
	Required        bool                  `db:"required"`
	CustomerVisible bool                  `db:"customer_visible"`
	Status          onboarding.TaskStatus `db:"status"`
	// NextStep marks a task its owner's side can act on now (onboarding.State.NextSteps).
	NextStep bool       `db:"next_step"`
	DueAt    *time.Time `db:"due_at"`
	Assignee string     `db:"assignee"`
	// AssigneeName is the name of the contact or staff member the task is assigned to.
	AssigneeName  string `db:"assignee_name"`
	BlockedReason string `db:"blocked_reason"`
	// BlockedBy is the task a blocked task waits for, when it is one of the onboarding's.
	BlockedBy string `db:"blocked_by"`
	// BlockedByTask and WaitingOn say, on a detail's tasks, which task this one waits for:
	// the task it was blocked by, or a dependency that is blocked.
	BlockedByTask *Wait      `db:"-"`
	WaitingOn     *Wait      `db:"-"`
	StartedAt     *time.Time `db:"started_at"`
	CompletedAt   *time.Time `db:"completed_at"`
	UpdatedAt     time.Time  `db:"updated_at"`
}

const taskColumns = `onboarding_id, key, phase_key, position, title, description, owner, type, depends_on, required,
	customer_visible, status, next_step, due_at, assignee, blocked_reason, blocked_by, started_at, completed_at, updated_at`

// insertTasks inserts every task of a new onboarding in one statement.
func insertTasks(ctx context.Context, tx *sqlx.Tx, snap Snapshot) error {
	n := len(snap.Tasks)
	keys, phases, titles, descs := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	owners, types, deps, statuses := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	positions, required, visible, next := make([]int32, n), make([]bool, n), make([]bool, n), make([]bool, n)
	assignees, reasons, blockers := make([]string, n), make([]string, n), make([]string, n)
	due, started, completed := make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n)
	for i, t := range snap.Tasks {
		blockers[i] = t.BlockedBy
		dependsOn, err := t.DependsOn.Value()
		if err != nil {
			return fmt.Errorf("store: insert tasks: %w", err)
		}
		keys[i], phases[i], titles[i], descs[i] = t.Key, t.PhaseKey, t.Title, t.Description
		owners[i], types[i], deps[i], statuses[i] = string(t.Owner), string(t.Type), dependsOn.(string), string(t.Status)
		positions[i], required[i], visible[i], next[i] = int32(t.Position), t.Required, t.CustomerVisible, t.NextStep
		assignees[i], reasons[i], due[i], started[i], completed[i] = t.Assignee, t.BlockedReason, t.DueAt, t.StartedAt, t.CompletedAt
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO onboarding_tasks (onboarding_id, key, phase_key, position, title, description, owner, type,
			depends_on, required, customer_visible, status, next_step, due_at, assignee, blocked_reason, started_at, completed_at,
			blocked_by)
		SELECT $1, u.key, u.phase, u.position, u.title, u.description, u.owner, u.type, u.deps::jsonb, u.required,
			u.visible, u.status, u.next, u.due, u.assignee, u.reason, u.started, u.completed, u.blocker
		FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
			$10::bool[], $11::bool[], $12::text[], $13::bool[], $14::timestamptz[], $15::text[], $16::text[],
			$17::timestamptz[], $18::timestamptz[], $19::text[])
			AS u(key, phase, position, title, description, owner, type, deps, required, visible, status, next, due,
				assignee, reason, started, completed, blocker)`,
		snap.OnboardingID, keys, phases, positions, titles, descs, owners, types, deps, required, visible, statuses, next, due,
		assignees, reasons, started, completed, blockers)
	if err != nil {
		return fmt.Errorf("store: insert tasks: %w", err)
	}
	return nil
}

// updateTasks writes every task whose state changed, in one statement.
func updateTasks(ctx context.Context, tx *sqlx.Tx, snap Snapshot) error {
	n := len(snap.Tasks)
	keys, statuses, assignees, reasons := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	due, started, completed, updated := make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n), make([]time.Time, n)
	next, blockers := make([]bool, n), make([]string, n)
	for i, t := range snap.Tasks {
		keys[i], statuses[i], assignees[i], reasons[i], blockers[i] = t.Key, string(t.Status), t.Assignee, t.BlockedReason, t.BlockedBy
		due[i], started[i], completed[i], updated[i] = t.DueAt, t.StartedAt, t.CompletedAt, t.UpdatedAt
		next[i] = t.NextStep
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE onboarding_tasks t SET status = u.status, next_step = u.next, assignee = u.assignee,
			blocked_reason = u.reason, due_at = u.due, started_at = u.started, completed_at = u.completed, blocked_by = u.blocker,
			updated_at = CASE WHEN u.updated > '0001-01-02' THEN u.updated ELSE t.updated_at END
		FROM unnest($2::text[], $3::text[], $4::bool[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[],
			$9::timestamptz[], $10::timestamptz[], $11::text[])
			AS u(key, status, next, assignee, reason, due, started, completed, updated, blocker)
		WHERE t.onboarding_id = $1 AND t.key = u.key AND (t.status, t.next_step, t.assignee, t.blocked_reason, t.due_at,
			t.started_at, t.completed_at, t.blocked_by)
			IS DISTINCT FROM (u.status, u.next, u.assignee, u.reason, u.due, u.started, u.completed, u.blocker)`,
		snap.OnboardingID, keys, statuses, next, assignees, reasons, due, started, completed, updated, blockers)
	if err != nil {
		return fmt.Errorf("store: update tasks: %w", err)
	}
	return nil
}

// tasksOf returns the tasks of the given onboardings, each onboarding's in plan order.
func (s *Store) tasksOf(ctx context.Context, onboardingIDs []string) ([]OnboardingTask, error) {
	var list []OnboardingTask
	err := s.db.SelectContext(ctx, &list, `SELECT `+taskColumns+`, coalesce(CASE
			WHEN assignee LIKE 'contact:%' THEN (SELECT c.name FROM contacts c JOIN onboardings o ON o.workspace_id = c.workspace_id
				WHERE o.id = onboarding_tasks.onboarding_id AND c.id = substr(assignee, 9)::uuid)
			WHEN assignee LIKE 'staff:%' THEN (SELECT u.name FROM staff_users u JOIN onboardings o ON o.workspace_id = u.workspace_id
				WHERE o.id = onboarding_tasks.onboarding_id AND u.id = substr(assignee, 7)::uuid) END, '') AS assignee_name
		FROM onboarding_tasks WHERE onboarding_id = ANY($1::uuid[]) ORDER BY onboarding_id, position`, onboardingIDs)
	if err != nil {
		return nil, fmt.Errorf("store: onboarding tasks: %w", err)
	}
	return list, nil
}

// StringList is a []string stored as a JSON array.
type StringList []string

// Scan reads a JSON array.
func (l *StringList) Scan(src any) error {
	b, err := jsonOf(src, "StringList")
	if b == nil || err != nil {
		*l = nil
		return err
	}
	return json.Unmarshal(b, (*[]string)(l))
}

// jsonOf is the JSON a jsonb column holds (nil for NULL), as the driver hands it over.
func jsonOf(src any, into string) ([]byte, error) {
	switch v := src.(type) {
	case []byte:
		return v, nil
	case string:
		return []byte(v), nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("store: cannot scan %T into %s", src, into)
}

// Value writes a JSON array.
func (l StringList) Value() (driver.Value, error) {
	if l == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]string(l))
	return string(b), err
}

// JSON is a value stored in a nullable jsonb column; Valid is false for NULL.
type JSON[T any] struct {
	V     T
	Valid bool
}

// Scan reads the JSON value, or NULL.
func (j *JSON[T]) Scan(src any) error {
	b, err := jsonOf(src, "JSON")
	if b == nil || err != nil {
		*j = JSON[T]{}
		return err
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*j = JSON[T]{V: v, Valid: true}
	return nil
}

// Value writes the JSON value, or NULL.
func (j JSON[T]) Value() (driver.Value, error) {
	if !j.Valid {
		return nil, nil
	}
	b, err := json.Marshal(j.V)
	return string(b), err
}

// AssignedTask names one task of an onboarding.
type AssignedTask struct {
	OnboardingID string `db:"onboarding_id"`
	Key          string `db:"key"`
}

// AssignedOpenTasks lists the open tasks assigned to assignee in an account's onboardings
// that still take changes (active, paused or live).
func (s *Store) AssignedOpenTasks(ctx context.Context, workspaceID, accountID, assignee string) ([]AssignedTask, error) {
	var list []AssignedTask
	err := s.db.SelectContext(ctx, &list, `SELECT t.onboarding_id, t.key FROM onboardings o
		JOIN onboarding_tasks t ON t.onboarding_id = o.id
		WHERE o.workspace_id = $1 AND o.account_id = $2 AND o.status = ANY($3) AND t.assignee = $4
			AND NOT t.status = ANY($5) ORDER BY o.created_at, t.position`, workspaceID, accountID,
		[]string{string(onboarding.StatusActive), string(onboarding.StatusPaused), string(onboarding.StatusLive)}, assignee,
		[]string{string(onboarding.TaskCompleted), string(onboarding.TaskSkipped)})
	if err != nil {
		return nil, fmt.Errorf("store: assigned tasks: %w", err)
	}
	return list, nil
}

// AssignedTo reports whether the task is assigned to the contact with the id.
func (t OnboardingTask) AssignedTo(contactID string) bool {
	return contactID != "" && t.Assignee == onboarding.AssigneeContact+contactID
}
