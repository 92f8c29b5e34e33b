package store

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jmoiron/sqlx"
)

// changesChannel is the Postgres channel a read-model write announces itself on.
const changesChannel = "onboarding_changed"

// Change says which onboarding's read model changed, and whose it is.
type Change struct {
	WorkspaceID, AccountID, OnboardingID string
}

// announceChange tells every listener, once the transaction commits, that an onboarding's
// read model changed: what lets open pages update without a reload.
func announceChange(ctx context.Context, tx *sqlx.Tx, onboardingID string) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_notify($1, workspace_id::text || ':' || account_id::text || ':' || id::text)
		FROM onboardings WHERE id = $2`, changesChannel, onboardingID)
	if err != nil {
		return fmt.Errorf("store: announce change: %w", err)
	}
	return nil
}

// ListenForChanges calls fn with every read-model change any process writes, until ctx
// ends, on a connection of its own; a lost connection is made again (changes announced
// meanwhile are missed: pages catch up on the next one, or a reload).
func (s *Store) ListenForChanges(ctx context.Context, log *slog.Logger, fn func(Change)) {
	for wait := time.Second; ctx.Err() == nil; wait = min(2*wait, 30*time.Second) {
		err := s.listen(ctx, fn)
		if ctx.Err() != nil {
			return
		}
		log.Warn("listening for onboarding changes; trying again", "error", err, "in", wait)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

func (s *Store) listen(ctx context.Context, fn func(Change)) error {
	conn, err := pgx.Connect(ctx, s.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return err
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		parts := strings.Split(n.Payload, ":")
		if len(parts) == 3 {
			fn(Change{WorkspaceID: parts[0], AccountID: parts[1], OnboardingID: parts[2]})
		}
	}
}
