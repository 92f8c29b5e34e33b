package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/internal/testenv"
)

func TestMigrateAndCheckSchema(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testenv.DatabaseURL(t))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer st.Close()

	err = st.CheckSchema(ctx)
	if err == nil || !strings.Contains(err.Error(), "onboard migrate") {
		t.Fatalf("CheckSchema on an empty database = %v, want an error telling to run `onboard migrate`", err)
	}

	n, err := st.Migrate(ctx)
	if err != nil || n == 0 {
		t.Fatalf("Migrate = %d, %v; want at least one migration applied", n, err)
	}
	if err := st.CheckSchema(ctx); err != nil {
		t.Fatalf("CheckSchema after Migrate: %v", err)
	}
	if n, err := st.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("second Migrate = %d, %v; want 0, nil", n, err)
	}
	for _, table := range []string{"workspaces", "staff_users", "accounts", "contacts", "plan_templates",
		"onboardings", "onboarding_phases", "onboarding_tasks", "api_keys", "sessions", "magic_links", "audit_events"} {
		if got := count(t, st, `SELECT count(*) FROM information_schema.tables WHERE table_name = $1`, table); got != 1 {
			t.Errorf("table %s missing after Migrate", table)
		}
	}
}

// Migration 2 fills in next_step for the tasks of onboardings that already run.
func TestMigrationFillsInNextSteps(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testenv.DatabaseURL(t))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer st.Close()
	if err := st.MigrateTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	_, err = st.DB().ExecContext(ctx, `
		WITH ws AS (INSERT INTO workspaces (slug, name) VALUES ('w', 'W') RETURNING id),
		acct AS (INSERT INTO accounts (workspace_id, name) SELECT id, 'A' FROM ws RETURNING id, workspace_id),
		tpl AS (INSERT INTO plan_templates (key, version, name, checksum, source, plan) VALUES ('p', 1, 'P', 'c', 's', '{}') RETURNING id),
		o AS (INSERT INTO onboardings (id, workspace_id, account_id, plan_template_id, plan_key, plan_version, workflow_id, status, health, start_date)
			SELECT '00000000-0000-4000-8000-000000000001', acct.workspace_id, acct.id, tpl.id, 'p', 1, 'onboarding:1', 'active', 'on_track', '2025-03-03'
			FROM acct, tpl RETURNING id)
		INSERT INTO onboarding_tasks (onboarding_id, key, phase_key, position, title, owner, type, depends_on, required, customer_visible, status)
		SELECT o.id, t.key, 'ph', t.pos, t.key, t.owner, 'custom', t.deps::jsonb, true, t.visible, t.status FROM o, (VALUES
			('done', 0, 'vendor', '[]', true, 'completed'),
			('ready', 1, 'customer', '["done"]', true, 'pending'),
			('waiting', 2, 'customer', '["ready"]', true, 'pending'),
			('internal', 3, 'vendor', '[]', false, 'in_progress'),
			('stuck', 4, 'customer', '["done"]', true, 'blocked')) AS t(key, pos, owner, deps, visible, status)`)
	if err != nil {
		t.Fatalf("rows at version 1: %v", err)
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE onboarding_tasks SET due_at = '2025-03-10T17:00:00Z' WHERE key IN ('done', 'ready', 'stuck')`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// Migration 13 keeps on the row what the portfolio counts: open due times, blocked tasks.
	var open, blocked int
	if err := st.DB().QueryRowContext(ctx, `SELECT cardinality(open_due_at), blocked_tasks FROM onboardings`).Scan(&open, &blocked); err != nil {
		t.Fatal(err)
	}
	if open != 2 || blocked != 1 {
		t.Errorf("after migration 13: %d open due times, %d blocked; want 2 and 1", open, blocked)
	}
	want := map[string]bool{"done": false, "ready": true, "waiting": false, "internal": true, "stuck": true}
	rows, err := st.DB().QueryContext(ctx, `SELECT key, next_step FROM onboarding_tasks`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var next bool
		if err := rows.Scan(&key, &next); err != nil {
			t.Fatal(err)
		}
		if next != want[key] {
			t.Errorf("task %s: next_step = %v, want %v", key, next, want[key])
		}
	}
}
