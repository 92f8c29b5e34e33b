package store_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/testenv"
)

func TestEnsurePlanTemplate(t *testing.T) {
	st, ctx := testenv.Store(t), context.Background()
	plan := testPlan()
	// Exact bytes matter: comments, trailing spaces and non-ASCII must survive.
	source := "# Test plan — v1\nkey: test-plan   \nname: \"Test plan\"\n\n"

	id, err := st.EnsurePlanTemplate(ctx, plan.Key, plan.Version, plan.Name, "sha256:aaa", source, plan)
	if err != nil {
		t.Fatalf("ensure: %v", err)
	}
	again, err := st.EnsurePlanTemplate(ctx, plan.Key, plan.Version, "Renamed plan", "sha256:aaa", source, plan)
	if err != nil || again != id {
		t.Errorf("same key/version/checksum again = %q, %v; want the same id %q", again, err, id)
	}
	changed, err := st.EnsurePlanTemplate(ctx, plan.Key, plan.Version, plan.Name, "sha256:bbb", source+"# edited\n", plan)
	if err != nil || changed == id || changed == "" {
		t.Errorf("different checksum = %q, %v; want a new id (not %q)", changed, err, id)
	}
	if n := count(t, st, `SELECT count(*) FROM plan_templates WHERE key = $1`, plan.Key); n != 2 {
		t.Errorf("plan_templates rows = %d, want 2", n)
	}

	tpl, err := st.PlanTemplate(ctx, id)
	if err != nil {
		t.Fatalf("PlanTemplate: %v", err)
	}
	if tpl.ID != id || tpl.Key != plan.Key || tpl.Version != plan.Version || tpl.Checksum != "sha256:aaa" ||
		tpl.Name != "Renamed plan" || tpl.Source != source || tpl.CreatedAt.IsZero() {
		t.Errorf("PlanTemplate = %+v, want key %s v%d checksum sha256:aaa, the latest name and the exact source",
			tpl, plan.Key, plan.Version)
	}
	var stored onboarding.Plan
	if err := json.Unmarshal(tpl.Plan, &stored); err != nil || !reflect.DeepEqual(stored, plan) {
		t.Errorf("stored plan = %+v, %v; want %+v", stored, err, plan)
	}
}
