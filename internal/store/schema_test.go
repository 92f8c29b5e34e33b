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
