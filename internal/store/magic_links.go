package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Purposes of a magic link.
const (
	LinkInvite = "invite" // sent by staff; lasts long
	LinkSignIn = "signin" // asked for by the contact; lasts minutes
)

// MagicLink is a one-time sign-in link for a contact; only the token's hash is stored.
type MagicLink struct {
	TokenHash   []byte     `db:"token_hash"`
	WorkspaceID string     `db:"workspace_id"`
	ContactID   string     `db:"contact_id"`
	Purpose     string     `db:"purpose"`
	CreatedAt   time.Time  `db:"created_at"`
	ExpiresAt   time.Time  `db:"expires_at"`
	UsedAt      *time.Time `db:"used_at"`
}

// CreateMagicLink stores a link.
func (s *Store) CreateMagicLink(ctx context.Context, m MagicLink) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO magic_links (token_hash, workspace_id, contact_id, purpose, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, m.TokenHash, m.WorkspaceID, m.ContactID, m.Purpose, m.ExpiresAt)
	if err != nil {
		return fmt.Errorf("store: create magic link: %w", conflict(err))
	}
	return nil
}

// IssueMagicLink stores a link unless it is stored already (issuing the same token again,
// as a retried email does, changes nothing). A new invite replaces the contact's earlier
// ones: only the latest invite link signs in.
func (s *Store) IssueMagicLink(ctx context.Context, m MagicLink) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		// One invite at a time per contact: two at once would each end only the other's
		// predecessors and both stay valid.
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM contacts WHERE id = $1 AND workspace_id = $2 FOR UPDATE`,
			m.ContactID, m.WorkspaceID); err != nil {
			return conflict(err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO magic_links (token_hash, workspace_id, contact_id, purpose, expires_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (token_hash) DO NOTHING`, m.TokenHash, m.WorkspaceID, m.ContactID, m.Purpose, m.ExpiresAt)
		if err != nil {
			return conflict(err)
		}
		if n, _ := res.RowsAffected(); n == 0 || m.Purpose != LinkInvite {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE magic_links SET expires_at = least(expires_at, now())
			WHERE workspace_id = $1 AND contact_id = $2 AND purpose = 'invite' AND used_at IS NULL AND token_hash <> $3`,
			m.WorkspaceID, m.ContactID, m.TokenHash)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: issue magic link: %w", err)
	}
	return nil
}

// MagicLink returns a link that is unused and unexpired, without spending it.
func (s *Store) MagicLink(ctx context.Context, tokenHash []byte) (MagicLink, error) {
	var m MagicLink
	err := s.db.GetContext(ctx, &m, `SELECT token_hash, workspace_id, contact_id, purpose, created_at, expires_at, used_at
		FROM magic_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()`, tokenHash)
	if err != nil {
		return MagicLink{}, fmt.Errorf("store: magic link: %w", notFound(err))
	}
	return m, nil
}

// SpendMagicLink marks a valid link used and returns it; a used or expired link is
// ErrNotFound, and of two concurrent spends only one succeeds.
func (s *Store) SpendMagicLink(ctx context.Context, tokenHash []byte) (MagicLink, error) {
	var m MagicLink
	err := s.db.GetContext(ctx, &m, `UPDATE magic_links SET used_at = now()
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()
		RETURNING token_hash, workspace_id, contact_id, purpose, created_at, expires_at, used_at`, tokenHash)
	if err != nil {
		return MagicLink{}, fmt.Errorf("store: spend magic link: %w", notFound(err))
	}
	return m, nil
}
