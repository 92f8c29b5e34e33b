package store

import (
	"context"
	"fmt"
	"time"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

// DigestRow is one of a CSM's active onboardings with what the morning digest says of it.
type DigestRow struct {
	OnboardingID         string            `db:"id"`
	AccountName          string            `db:"account_name"`
	Health               onboarding.Health `db:"health"`
	Progress             int               `db:"progress"`
	TargetGoLive         *time.Time        `db:"target_go_live"`
	LastCustomerActivity *time.Time        `db:"last_customer_activity"`
	Overdue              int               `db:"overdue_count"`
	Blocked              int               `db:"blocked_count"`
}

// DigestRecipients lists the staff users who are CSM of an account with an active
// onboarding in the workspace.
func (s *Store) DigestRecipients(ctx context.Context, workspaceID string) ([]string, error) {
	var ids []string
	err := s.db.SelectContext(ctx, &ids, `
		SELECT DISTINCT a.csm_id FROM accounts a JOIN onboardings o ON o.account_id = a.id
		WHERE a.workspace_id = $1 AND a.csm_id IS NOT NULL AND o.status = $2 ORDER BY a.csm_id`,
		workspaceID, onboarding.StatusActive)
	if err != nil {
		return nil, fmt.Errorf("store: digest recipients: %w", err)
	}
	return ids, nil
}

// CSMDigest lists a CSM's active onboardings with their overdue and blocked counts at
// now, worst health first.
func (s *Store) CSMDigest(ctx context.Context, workspaceID, staffID string, now time.Time) ([]DigestRow, error) {
	var rows []DigestRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT o.id, a.name AS account_name, o.health, o.progress, o.target_go_live, o.last_customer_activity,
			count(t.key) FILTER (WHERE t.due_at < $3 AND t.status NOT IN ($5, $6)) AS overdue_count,
			count(t.key) FILTER (WHERE t.status = $7) AS blocked_count
		FROM accounts a JOIN onboardings o ON o.account_id = a.id
		LEFT JOIN onboarding_tasks t ON t.onboarding_id = o.id
		WHERE a.workspace_id = $1 AND a.csm_id = $2 AND o.status = $4
		GROUP BY o.id, a.name
		ORDER BY CASE o.health WHEN $8 THEN 0 WHEN $9 THEN 1 ELSE 2 END, overdue_count DESC, a.name, o.id`,
		workspaceID, staffID, now, onboarding.StatusActive, onboarding.TaskCompleted, onboarding.TaskSkipped,
		onboarding.TaskBlocked, onboarding.HealthOffTrack, onboarding.HealthAtRisk)
	if err != nil {
		return nil, fmt.Errorf("store: csm digest: %w", err)
	}
	return rows, nil
}

// Workspaces lists every workspace (start-up creates each one's digest schedule).
func (s *Store) Workspaces(ctx context.Context) ([]Workspace, error) {
	var list []Workspace
	if err := s.db.SelectContext(ctx, &list, `SELECT `+workspaceColumns+` FROM workspaces ORDER BY created_at, id`); err != nil {
		return nil, fmt.Errorf("store: workspaces: %w", err)
	}
	return list, nil
}
