package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Session is a signed-in browser: a staff user or a contact. Only the hash of its
// cookie value is stored.
type Session struct {
	IDHash      []byte    `db:"id_hash"`
	WorkspaceID string    `db:"workspace_id"`
	StaffUserID *string   `db:"staff_user_id"`
	ContactID   *string   `db:"contact_id"`
	CSRFToken   string    `db:"csrf_token"`
	CreatedAt   time.Time `db:"created_at"`
	ExpiresAt   time.Time `db:"expires_at"`
	// LastSeenAt is when the session was last used (to the minute).
	LastSeenAt time.Time `db:"last_seen_at"`
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, se Session) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sessions (id_hash, workspace_id, staff_user_id, contact_id, csrf_token, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, se.IDHash, se.WorkspaceID, se.StaffUserID, se.ContactID, se.CSRFToken, se.ExpiresAt)
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// Session returns the session with the given hash, unless it expired or has been idle
// longer than idle; a session in use is marked so, at most once a minute.
func (s *Store) Session(ctx context.Context, idHash []byte, idle time.Duration) (Session, error) {
	var se Session
	err := s.db.GetContext(ctx, &se, `SELECT id_hash, workspace_id, staff_user_id, contact_id, csrf_token, created_at, expires_at,
		last_seen_at FROM sessions WHERE id_hash = $1 AND expires_at > now() AND last_seen_at > now() - $2::interval`,
		idHash, idle.String())
	if err != nil {
		return Session{}, fmt.Errorf("store: session: %w", notFound(err))
	}
	if time.Since(se.LastSeenAt) > time.Minute {
		_, _ = s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1`, idHash)
	}
	return se, nil
}

// DeleteSessionsOf signs a contact or a staff user out everywhere: every session of the
// one whose id is given (the other empty), in the workspace.
func (s *Store) DeleteSessionsOf(ctx context.Context, workspaceID, contactID, staffUserID string) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE workspace_id = $1
		AND (contact_id = nullif($2, '')::uuid OR staff_user_id = nullif($3, '')::uuid)`, workspaceID, contactID, staffUserID)
	if err != nil {
		return 0, fmt.Errorf("store: delete sessions: %w", err)
	}
	return res.RowsAffected()
}

// DeleteSession signs a session out.
func (s *Store) DeleteSession(ctx context.Context, idHash []byte) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteExpired removes sessions that have expired, sign-in links that expired or were
// spent, a day after the fact, and idempotency keys older than a day; it returns how many
// rows went.
func (s *Store) DeleteExpired(ctx context.Context) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, q := range []string{
			`DELETE FROM sessions WHERE expires_at < now() - interval '1 day' OR last_seen_at < now() - interval '31 days'`,
			`DELETE FROM magic_links WHERE expires_at < now() - interval '1 day' OR used_at < now() - interval '1 day'`,
			`DELETE FROM idempotency_keys WHERE created_at < now() - interval '1 day'`,
		} {
			res, err := tx.ExecContext(ctx, q)
			if err != nil {
				return err
			}
			m, _ := res.RowsAffected()
			n += m
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: delete expired: %w", err)
	}
	return n, nil
}
