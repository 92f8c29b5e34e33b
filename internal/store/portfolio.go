package store

import (
	"context"
	"fmt"
	"time"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

// PortfolioRow is one onboarding of the staff portfolio, with what a CSM scans for:
// who looks after it, the phase it is in, its overdue and blocked tasks.
type PortfolioRow struct {
	Onboarding
	CSMID   *string `db:"csm_id"`
	CSMName string  `db:"csm_name"`
	// Phase is the first phase not completed (empty when all are).
	Phase   string `db:"phase"`
	Overdue int    `db:"overdue_count"`
	Blocked int    `db:"blocked_count"`
}

// PortfolioFilter picks and orders the portfolio; empty fields match everything.
type PortfolioFilter struct {
	CSMID   string
	Health  onboarding.Health
	Status  onboarding.Status
	PlanKey string
	// Query matches part of the account's name.
	Query string
	// Sort is one of PortfolioSorts; empty: most in need of attention first.
	Sort string
}

// PortfolioSorts are the orders the portfolio can be read in.
var PortfolioSorts = map[string]string{
	"attention": `overdue_count DESC, blocked_count DESC`, // after the worst health: see Portfolio
	"account":   `a.name`,
	"target":    `o.target_go_live NULLS LAST`,
	"forecast":  `o.forecast_go_live NULLS LAST`,
	"progress":  `o.progress`,
	"idle":      `o.last_customer_activity NULLS FIRST`,
	"newest":    `o.created_at DESC`,
}

// maxPortfolio bounds the portfolio a page shows.
const maxPortfolio = 500

// Portfolio lists a workspace's onboardings for the staff dashboard, counting overdue
// tasks at now.
func (s *Store) Portfolio(ctx context.Context, workspaceID string, f PortfolioFilter, now time.Time) ([]PortfolioRow, error) {
	order, ok := PortfolioSorts[f.Sort]
	if !ok || f.Sort == "attention" {
		order = `CASE o.health WHEN $8 THEN 0 WHEN $9 THEN 1 ELSE 2 END, ` + PortfolioSorts["attention"]
	}
	like := containing(f.Query)
	var rows []PortfolioRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT o.id, o.workspace_id, o.account_id, a.name AS account_name, a.timezone AS account_timezone, o.plan_template_id,
			o.plan_key, o.plan_version, o.workflow_id, o.status, o.health, o.progress, o.customer_progress,
			o.tasks_done, o.tasks_total, o.start_date, o.target_go_live, o.went_live_at, o.state_version,
			o.created_at, o.updated_at, o.last_customer_activity, o.forecast_go_live,
			a.csm_id, coalesce(u.name, '') AS csm_name,
			coalesce((SELECT p.name FROM onboarding_phases p WHERE p.onboarding_id = o.id AND p.status <> $10
				ORDER BY p.position LIMIT 1), '') AS phase,
			(SELECT count(*) FROM onboarding_tasks t WHERE t.onboarding_id = o.id AND t.due_at < $7
				AND t.status NOT IN ($11, $12)) AS overdue_count,
			(SELECT count(*) FROM onboarding_tasks t WHERE t.onboarding_id = o.id AND t.status = $13) AS blocked_count
		FROM onboardings o JOIN accounts a ON a.id = o.account_id LEFT JOIN staff_users u ON u.id = a.csm_id
		WHERE o.workspace_id = $1 AND ($2 = '' OR a.csm_id = nullif($2, '')::uuid) AND ($3 = '' OR o.health = $3)
			AND ($4 = '' OR o.status = $4) AND ($5 = '' OR o.plan_key = $5) AND ($6 = '%%' OR a.name ILIKE $6)
		ORDER BY `+order+`, CASE o.health WHEN $8 THEN 0 WHEN $9 THEN 1 ELSE 2 END, a.name, o.id
		LIMIT `+fmt.Sprint(maxPortfolio),
		workspaceID, f.CSMID, f.Health, f.Status, f.PlanKey, like, now, onboarding.HealthOffTrack, onboarding.HealthAtRisk,
		onboarding.PhaseCompleted, onboarding.TaskCompleted, onboarding.TaskSkipped, onboarding.TaskBlocked)
	if err != nil {
		return nil, fmt.Errorf("store: portfolio: %w", conflict(err))
	}
	return rows, nil
}
