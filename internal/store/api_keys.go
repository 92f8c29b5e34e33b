package store

import (
	"context"
	"fmt"
	"time"
)

// APIKey is a workspace's key for the JSON API; only its hash is stored.
type APIKey struct {
	ID          string     `db:"id" json:"id"`
	WorkspaceID string     `db:"workspace_id" json:"workspace_id"`
	Name        string     `db:"name" json:"name"`
	Prefix      string     `db:"prefix" json:"prefix"`
	Hash        []byte     `db:"hash" json:"-"`
	CreatedAt   time.Time  `db:"created_at" json:"created_at"`
	LastUsedAt  *time.Time `db:"last_used_at" json:"last_used_at"`
	RevokedAt   *time.Time `db:"revoked_at" json:"revoked_at"`
}

const apiKeyColumns = `id, workspace_id, name, prefix, hash, created_at, last_used_at, revoked_at`

// CreateAPIKey stores a key's hash; storing the same hash twice is ErrConflict.
func (s *Store) CreateAPIKey(ctx context.Context, k APIKey) (APIKey, error) {
	err := s.db.GetContext(ctx, &k, `INSERT INTO api_keys (workspace_id, name, prefix, hash) VALUES ($1, $2, $3, $4)
		RETURNING `+apiKeyColumns, k.WorkspaceID, k.Name, k.Prefix, k.Hash)
	if err != nil {
		return APIKey{}, fmt.Errorf("store: create api key: %w", conflict(err))
	}
	return k, nil
}

// APIKeyByHash returns the unrevoked key with the given hash and marks it used
// (at most once a minute, so a busy key does not write on every request).
func (s *Store) APIKeyByHash(ctx context.Context, hash []byte) (APIKey, error) {
	var k APIKey
	err := s.db.GetContext(ctx, &k, `SELECT `+apiKeyColumns+` FROM api_keys WHERE hash = $1 AND revoked_at IS NULL`, hash)
	if err != nil {
		return APIKey{}, fmt.Errorf("store: api key: %w", notFound(err))
	}
	if k.LastUsedAt == nil || time.Since(*k.LastUsedAt) > time.Minute {
		_, _ = s.db.ExecContext(ctx, `UPDATE api_keys SET last_used_at = now() WHERE id = $1`, k.ID)
	}
	return k, nil
}

// APIKeys lists a workspace's keys, newest first, the revoked ones last.
func (s *Store) APIKeys(ctx context.Context, workspaceID string) ([]APIKey, error) {
	var list []APIKey
	err := s.db.SelectContext(ctx, &list, `SELECT `+apiKeyColumns+` FROM api_keys WHERE workspace_id = $1
		ORDER BY revoked_at IS NOT NULL, created_at DESC, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: api keys: %w", err)
	}
	return list, nil
}

// RevokeAPIKey revokes a key of a workspace: it stops working at once. Revoking a
// revoked key changes nothing.
func (s *Store) RevokeAPIKey(ctx context.Context, workspaceID, id string) (APIKey, error) {
	var k APIKey
	err := s.db.GetContext(ctx, &k, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())
		WHERE workspace_id = $1 AND id = $2 RETURNING `+apiKeyColumns, workspaceID, id)
	if err != nil {
		return APIKey{}, fmt.Errorf("store: revoke api key: %w", notFound(err))
	}
	return k, nil
}
