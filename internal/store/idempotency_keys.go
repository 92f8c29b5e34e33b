package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// IdempotentRequest is what is kept of a request sent with an idempotency key.
type IdempotentRequest struct {
	Fingerprint []byte `db:"fingerprint"`
	// Status is nil while the first request with the key is still being handled.
	Status      *int      `db:"status"`
	ContentType string    `db:"content_type"`
	Response    []byte    `db:"response"`
	CreatedAt   time.Time `db:"created_at"`
}

// IdempotencyKeyTTL is how long a key keeps its answer.
const IdempotencyKeyTTL = 24 * time.Hour

// ClaimIdempotencyKey binds a workspace's key to a request's fingerprint and reports
// whether this request claimed it. When it did not, the first request's record comes back:
// its fingerprint, and its answer once it has one. A key older than IdempotencyKeyTTL is
// free again.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, workspaceID, key string, fingerprint []byte) (IdempotentRequest, bool, error) {
	var r IdempotentRequest
	err := s.db.GetContext(ctx, &r, `INSERT INTO idempotency_keys (workspace_id, key, fingerprint) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, status = NULL,
			content_type = '', response = NULL, created_at = now()
		WHERE idempotency_keys.created_at < now() - interval '1 day'
		RETURNING fingerprint, status, content_type, response, created_at`, workspaceID, key, fingerprint)
	if err == nil {
		return r, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return r, false, fmt.Errorf("store: claim idempotency key: %w", err)
	}
	err = s.db.GetContext(ctx, &r, `SELECT fingerprint, status, content_type, response, created_at FROM idempotency_keys
		WHERE workspace_id = $1 AND key = $2`, workspaceID, key)
	if errors.Is(err, sql.ErrNoRows) { // released meanwhile: try again
		return s.ClaimIdempotencyKey(ctx, workspaceID, key, fingerprint)
	}
	if err != nil {
		return r, false, fmt.Errorf("store: idempotency key: %w", err)
	}
	return r, false, nil
}

// CompleteIdempotencyKey keeps the answer to a claimed key's request.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, workspaceID, key string, status int, contentType string, response []byte) error {
	_, err := s.db.ExecContext(ctx, `UPDATE idempotency_keys SET status = $3, content_type = $4, response = $5
		WHERE workspace_id = $1 AND key = $2`, workspaceID, key, status, contentType, response)
	if err != nil {
		return fmt.Errorf("store: complete idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a claimed key whose request should be tried again (it
// failed on our side, or conflicted with the state of the moment).
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, workspaceID, key string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE workspace_id = $1 AND key = $2`, workspaceID, key); err != nil {
		return fmt.Errorf("store: release idempotency key: %w", err)
	}
	return nil
}
