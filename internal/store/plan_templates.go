package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

// PlanTemplate is one exact version of a plan template, kept for as long as any
// onboarding refers to it.
type PlanTemplate struct {
	ID        string    `db:"id" json:"id"`
	Key       string    `db:"key" json:"key"`
	Version   int       `db:"version" json:"version"`
	Name      string    `db:"name" json:"name"`
	Checksum  string    `db:"checksum" json:"checksum"`
	Source    string    `db:"source" json:"-"`
	Plan      []byte    `db:"plan" json:"-"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

// EnsurePlanTemplate stores a template version unless the same bytes are already stored,
// and returns its id.
func (s *Store) EnsurePlanTemplate(ctx context.Context, key string, version int, name, checksum, source string, plan any) (string, error) {
	planJSON, err := json.Marshal(plan)
	if err != nil {
		return "", fmt.Errorf("store: ensure plan template: %w", err)
	}
	var id string
	err = s.db.GetContext(ctx, &id, `
		INSERT INTO plan_templates (key, version, name, checksum, source, plan) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (key, version, checksum) DO UPDATE SET name = EXCLUDED.name
		RETURNING id`, key, version, name, checksum, source, planJSON)
	if err != nil {
		return "", fmt.Errorf("store: ensure plan template: %w", err)
	}
	return id, nil
}

// PlanTemplate returns the stored template version with the given id.
func (s *Store) PlanTemplate(ctx context.Context, id string) (PlanTemplate, error) {
	var t PlanTemplate
	err := s.db.GetContext(ctx, &t, `SELECT id, key, version, name, checksum, source, plan, created_at
		FROM plan_templates WHERE id = $1`, id)
	if err != nil {
		return PlanTemplate{}, fmt.Errorf("store: plan template: %w", notFound(err))
	}
	return t, nil
}

// Decode returns the plan the template holds.
func (t PlanTemplate) Decode() (onboarding.Plan, error) {
	var p onboarding.Plan
	if err := json.Unmarshal(t.Plan, &p); err != nil {
		return p, fmt.Errorf("store: plan template %s: %w", t.ID, err)
	}
	return p, nil
}
