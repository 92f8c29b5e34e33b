package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// AuditEvent records who did what.
type AuditEvent struct {
	ID           int64     `db:"id" json:"id"`
	WorkspaceID  string    `db:"workspace_id" json:"workspace_id"`
	OnboardingID *string   `db:"onboarding_id" json:"onboarding_id"`
	StateVersion *int64    `db:"state_version" json:"state_version"`
	Actor        string    `db:"actor" json:"actor"`
	Action       string    `db:"action" json:"action"`
	Subject      string    `db:"subject" json:"subject"`
	RequestID    *string   `db:"request_id" json:"request_id"`
	Detail       []byte    `db:"detail" json:"detail"`
	CreatedAt    time.Time `db:"created_at" json:"created_at"`
}

// RecordAuditEvent stores an event outside a read-model write.
func (s *Store) RecordAuditEvent(ctx context.Context, e AuditEvent) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error { return insertAuditEvent(ctx, tx, &e) })
}

// AuditEvents lists an onboarding's events, oldest first.
func (s *Store) AuditEvents(ctx context.Context, workspaceID, onboardingID string) ([]AuditEvent, error) {
	var list []AuditEvent
	err := s.db.SelectContext(ctx, &list, `SELECT id, workspace_id, onboarding_id, state_version, actor, action, subject, request_id,
		detail, created_at FROM audit_events WHERE workspace_id = $1 AND onboarding_id = $2 ORDER BY id`, workspaceID, onboardingID)
	if err != nil {
		return nil, fmt.Errorf("store: audit events: %w", notFound(err))
	}
	return list, nil
}

// insertAuditEvent writes e (nothing when nil). An event for a state version replaces an
// earlier one for the same version, so each version has exactly one event; an event
// without a version is written once per (onboarding, request, action).
func insertAuditEvent(ctx context.Context, tx *sqlx.Tx, e *AuditEvent) error {
	if e == nil {
		return nil
	}
	detail := e.Detail
	if len(detail) == 0 || !json.Valid(detail) {
		detail = []byte("{}")
	}
	conflict := `ON CONFLICT (onboarding_id, state_version) WHERE state_version IS NOT NULL DO UPDATE SET
			actor = EXCLUDED.actor, action = EXCLUDED.action, subject = EXCLUDED.subject,
			request_id = EXCLUDED.request_id, detail = EXCLUDED.detail, created_at = now()`
	if e.StateVersion == nil {
		conflict = `ON CONFLICT (onboarding_id, request_id, action) WHERE state_version IS NULL DO NOTHING`
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_events
			(workspace_id, onboarding_id, state_version, actor, action, subject, request_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) `+conflict,
		e.WorkspaceID, e.OnboardingID, e.StateVersion, e.Actor, e.Action, e.Subject, e.RequestID, detail)
	if err != nil {
		return fmt.Errorf("store: audit event: %w", err)
	}
	return nil
}

// Activity is one audit event as the activity log shows it, with its actor's name when
// the actor is a staff user or contact of the workspace.
type Activity struct {
	ID        int64     `db:"id"`
	Actor     string    `db:"actor"`
	ActorName string    `db:"actor_name"`
	Action    string    `db:"action"`
	Subject   string    `db:"subject"`
	Detail    []byte    `db:"detail"`
	CreatedAt time.Time `db:"created_at"`
}

// RecentActivity lists an onboarding's latest audit events, newest first.
func (s *Store) RecentActivity(ctx context.Context, workspaceID, onboardingID string, limit int) ([]Activity, error) {
	var list []Activity
	err := s.db.SelectContext(ctx, &list, `
		SELECT e.id, e.actor, e.action, e.subject, e.detail, e.created_at, coalesce(su.name, c.name, '') AS actor_name
		FROM audit_events e
		LEFT JOIN staff_users su ON su.workspace_id = e.workspace_id AND su.id = (CASE WHEN e.actor ~ '^staff:[0-9a-f-]{36}$'
			THEN substr(e.actor, 7)::uuid END)
		LEFT JOIN contacts c ON c.workspace_id = e.workspace_id AND c.id = (CASE WHEN e.actor ~ '^contact:[0-9a-f-]{36}$'
			THEN substr(e.actor, 9)::uuid END)
		WHERE e.workspace_id = $1 AND e.onboarding_id = $2
		ORDER BY e.id DESC LIMIT $3`, workspaceID, onboardingID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent activity: %w", err)
	}
	return list, nil
}
