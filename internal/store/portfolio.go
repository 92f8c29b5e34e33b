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
	"attention": `c.overdue DESC, o.blocked_tasks DESC`, // after the worst health: see Portfolio
	"account":   `a.name`,
	"target":    `o.target_go_live NULLS LAST`,
	"forecast":  `o.forecast_go_live NULLS LAST`,
	"progress":  `o.progress`,
	"idle":      `o.last_customer_activity NULLS FIRST`,
	"newest":    `o.created_at DESC`,
}

// PortfolioPage is how many rows a portfolio page shows at most.
const PortfolioPage = 50

// portfolioFrom is the FROM and WHERE of every portfolio query: the workspace's
// onboardings with their accounts and CSMs, and each one's overdue tasks (those open and
// due before $7, counted from the row's own open_due_at), picked by the filter's $1–$6
// (args). Nothing reads the tasks table.
const portfolioFrom = `
		FROM onboardings o JOIN accounts a ON a.id = o.account_id LEFT JOIN staff_users u ON u.id = a.csm_id
		CROSS JOIN LATERAL (SELECT count(*) AS overdue FROM unnest(o.open_due_at) d WHERE d < $7) c
		WHERE o.workspace_id = $1 AND ($2 = '' OR a.csm_id = nullif($2, '')::uuid) AND ($3 = '' OR o.health = $3)
			AND ($4 = '' OR o.status = $4) AND ($5 = '' OR o.plan_key = $5) AND ($6 = '%%' OR a.name ILIKE $6)`

// args are the $1–$7 of portfolioFrom; a query's own start at $8.
func (f PortfolioFilter) args(workspaceID string, now time.Time, own ...any) []any {
	return append([]any{workspaceID, f.CSMID, f.Health, f.Status, f.PlanKey, containing(f.Query), now}, own...)
}

// Portfolio lists one page of a workspace's onboardings for the staff dashboard (offset
// rows in, at most PortfolioPage), counting overdue tasks at now.
func (s *Store) Portfolio(ctx context.Context, workspaceID string, f PortfolioFilter, now time.Time, offset int) ([]PortfolioRow, error) {
	order, ok := PortfolioSorts[f.Sort]
	if !ok || f.Sort == "attention" {
		order = `CASE o.health WHEN $8 THEN 0 WHEN $9 THEN 1 ELSE 2 END, ` + PortfolioSorts["attention"]
	}
	return s.portfolioRows(ctx, workspaceID, f, now, "", order+`, CASE o.health WHEN $8 THEN 0 WHEN $9 THEN 1 ELSE 2 END, a.name, o.id`,
		PortfolioPage, max(offset, 0))
}

// PortfolioForecast lists the filtered onboardings in flight that have a forecast, the
// limit with the nearest targets first: what the forecast chart draws.
func (s *Store) PortfolioForecast(ctx context.Context, workspaceID string, f PortfolioFilter, now time.Time, limit int) ([]PortfolioRow, error) {
	return s.portfolioRows(ctx, workspaceID, f, now, ` AND o.status IN ($10, $11) AND o.target_go_live IS NOT NULL AND o.forecast_go_live IS NOT NULL`,
		`o.target_go_live, CASE o.health WHEN $8 THEN 0 WHEN $9 THEN 1 ELSE 2 END, a.name, o.id`, limit, 0,
		onboarding.StatusActive, onboarding.StatusLive)
}

// portfolioRows reads portfolio rows ($8 and $9 are the worst healths); where and order
// may use $10 on, given in extra.
func (s *Store) portfolioRows(ctx context.Context, workspaceID string, f PortfolioFilter, now time.Time, where, order string, limit, offset int, extra ...any) ([]PortfolioRow, error) {
	var rows []PortfolioRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT o.id, o.workspace_id, o.account_id, a.name AS account_name, a.timezone AS account_timezone, o.plan_template_id,
			o.plan_key, o.plan_version, o.workflow_id, o.status, o.health, o.progress, o.customer_progress,
			o.tasks_done, o.tasks_total, o.start_date, o.target_go_live, o.went_live_at, o.state_version,
			o.created_at, o.updated_at, o.last_customer_activity, o.forecast_go_live,
			a.csm_id, coalesce(u.name, '') AS csm_name, o.current_phase AS phase,
			c.overdue AS overdue_count, o.blocked_tasks AS blocked_count`+
		portfolioFrom+where+`
		ORDER BY `+order+` LIMIT `+fmt.Sprint(limit)+` OFFSET `+fmt.Sprint(offset),
		f.args(workspaceID, now, append([]any{onboarding.HealthOffTrack, onboarding.HealthAtRisk}, extra...)...)...)
	if err != nil {
		return nil, fmt.Errorf("store: portfolio: %w", conflict(err))
	}
	return rows, nil
}

// PortfolioTotals are the figures over every onboarding a portfolio filter picks.
type PortfolioTotals struct {
	// Count is every onboarding; InFlight those active, live or paused.
	Count    int `db:"count"`
	InFlight int `db:"in_flight"`
	// Overdue and Blocked count tasks across all of them.
	Overdue int `db:"overdue_tasks"`
	Blocked int `db:"blocked_tasks"`
	// Late counts the active and live ones forecast to go live after their target.
	Late int `db:"late"`
	// OnTrack, AtRisk and OffTrack split the ones in flight by health.
	OnTrack  int `db:"health_ok"`
	AtRisk   int `db:"health_risk"`
	OffTrack int `db:"health_bad"`
}

// ByHealth returns the in-flight count of a health.
func (t PortfolioTotals) ByHealth(h onboarding.Health) int {
	switch h {
	case onboarding.HealthOnTrack:
		return t.OnTrack
	case onboarding.HealthAtRisk:
		return t.AtRisk
	case onboarding.HealthOffTrack:
		return t.OffTrack
	}
	return 0
}

// PortfolioTotals counts, in one query, what the portfolio's totals and health chart
// show for every onboarding the filter picks, not only the page shown.
func (s *Store) PortfolioTotals(ctx context.Context, workspaceID string, f PortfolioFilter, now time.Time) (PortfolioTotals, error) {
	var t PortfolioTotals
	err := s.db.GetContext(ctx, &t, `
		SELECT count(*) AS count,
			count(*) FILTER (WHERE o.status IN ($8, $9, $10)) AS in_flight,
			coalesce(sum(c.overdue), 0) AS overdue_tasks, coalesce(sum(o.blocked_tasks), 0) AS blocked_tasks,
			count(*) FILTER (WHERE o.status IN ($8, $9) AND o.forecast_go_live > o.target_go_live) AS late,
			count(*) FILTER (WHERE o.status IN ($8, $9, $10) AND o.health = $11) AS health_ok,
			count(*) FILTER (WHERE o.status IN ($8, $9, $10) AND o.health = $12) AS health_risk,
			count(*) FILTER (WHERE o.status IN ($8, $9, $10) AND o.health = $13) AS health_bad`+portfolioFrom,
		f.args(workspaceID, now, onboarding.StatusActive, onboarding.StatusLive, onboarding.StatusPaused,
			onboarding.HealthOnTrack, onboarding.HealthAtRisk, onboarding.HealthOffTrack)...)
	if err != nil {
		return t, fmt.Errorf("store: portfolio totals: %w", conflict(err))
	}
	return t, nil
}
