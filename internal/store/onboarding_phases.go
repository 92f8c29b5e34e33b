package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

// OnboardingPhase is one phase row of the read model.
type OnboardingPhase struct {
	OnboardingID     string                 `db:"onboarding_id"`
	Key              string                 `db:"key"`
	Position         int                    `db:"position"`
	Name             string                 `db:"name"`
	Status           onboarding.PhaseStatus `db:"status"`
	Progress         int                    `db:"progress"`
	CustomerProgress int                    `db:"customer_progress"`
}

// phaseColumns lists the columns of an OnboardingPhase in insert order.
type phaseColumns struct {
	keys, names, statuses []string
	positions, progress   []int32
	customer              []int32
}

func newPhaseColumns(phases []OnboardingPhase) phaseColumns {
	n := len(phases)
	c := phaseColumns{keys: make([]string, n), names: make([]string, n), statuses: make([]string, n),
		positions: make([]int32, n), progress: make([]int32, n), customer: make([]int32, n)}
	for i, p := range phases {
		c.keys[i], c.names[i], c.statuses[i] = p.Key, p.Name, string(p.Status)
		c.positions[i], c.progress[i], c.customer[i] = int32(p.Position), int32(p.Progress), int32(p.CustomerProgress)
	}
	return c
}

// insertPhases inserts every phase of a new onboarding in one statement.
func insertPhases(ctx context.Context, tx *sqlx.Tx, snap Snapshot) error {
	c := newPhaseColumns(snap.Phases)
	_, err := tx.ExecContext(ctx, `
		INSERT INTO onboarding_phases (onboarding_id, key, position, name, status, progress, customer_progress)
		SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::int[], $7::int[])`,
		snap.OnboardingID, c.keys, c.positions, c.names, c.statuses, c.progress, c.customer)
	if err != nil {
		return fmt.Errorf("store: insert phases: %w", err)
	}
	return nil
}

// updatePhases writes the status and progress of every phase in one statement.
func updatePhases(ctx context.Context, tx *sqlx.Tx, snap Snapshot) error {
	c := newPhaseColumns(snap.Phases)
	_, err := tx.ExecContext(ctx, `
		UPDATE onboarding_phases p SET status = u.status, progress = u.progress, customer_progress = u.customer
		FROM unnest($2::text[], $3::text[], $4::int[], $5::int[]) AS u(key, status, progress, customer)
		WHERE p.onboarding_id = $1 AND p.key = u.key`, snap.OnboardingID, c.keys, c.statuses, c.progress, c.customer)
	if err != nil {
		return fmt.Errorf("store: update phases: %w", err)
	}
	return nil
}

// phasesOf returns the phases of the given onboardings, each onboarding's in plan order.
func (s *Store) phasesOf(ctx context.Context, onboardingIDs []string) ([]OnboardingPhase, error) {
	var list []OnboardingPhase
	err := s.db.SelectContext(ctx, &list, `SELECT onboarding_id, key, position, name, status, progress,
		customer_progress FROM onboarding_phases WHERE onboarding_id = ANY($1::uuid[]) ORDER BY onboarding_id, position`, onboardingIDs)
	if err != nil {
		return nil, fmt.Errorf("store: onboarding phases: %w", err)
	}
	return list, nil
}
