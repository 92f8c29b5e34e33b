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
	// Claim identifies the request handling the key; only it may complete or release it.
	Claim string `db:"claim"`
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
// its fingerprint, and its answer once it has one. A key older than IdempotencyKeyTTL, or
// claimed longer than lease ago without an answer, is free again: lease is how long a
// claim may hold its key unanswered, longer than any request may take, so a process that
// died mid-request (or whose release failed) frees it then, rather than a day later.
// claim names this request in CompleteIdempotencyKey and ReleaseIdempotencyKey.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, workspaceID, key, claim string, fingerprint []byte, lease time.Duration) (IdempotentRequest, bool, error) {
	var r IdempotentRequest
	err := s.db.GetContext(ctx, &r, `INSERT INTO idempotency_keys (workspace_id, key, fingerprint, claim) VALUES ($1, $2, $3, $4)
		ON CONFLICT (workspace_id, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, claim = EXCLUDED.claim,
			status = NULL, content_type = '', response = NULL, created_at = now()
		WHERE idempotency_keys.created_at < now() - interval '1 day'
			OR (idempotency_keys.status IS NULL AND idempotency_keys.created_at < now() - $5::interval)
		RETURNING fingerprint, claim, status, content_type, response, created_at`,
		workspaceID, key, fingerprint, claim, lease.String())
	if err == nil {
		return r, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return r, false, fmt.Errorf("store: claim idempotency key: %w", err)
	}
	err = s.db.GetContext(ctx, &r, `SELECT fingerprint, claim, status, content_type, response, created_at FROM idempotency_keys
		WHERE workspace_id = $1 AND key = $2`, workspaceID, key)
	if errors.Is(err, sql.ErrNoRows) { // released meanwhile: try again
		return s.ClaimIdempotencyKey(ctx, workspaceID, key, claim, fingerprint, lease)
	}
	if err != nil {
		return r, false, fmt.Errorf("store: idempotency key: %w", err)
	}
	return r, false, nil
}

// CompleteIdempotencyKey keeps the answer to a claimed key's request, if the claim still
// holds the key.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, workspaceID, key, claim string, status int, contentType string, response []byte) error {
	_, err := s.db.ExecContext(ctx, `UPDATE idempotency_keys SET status = $4, content_type = $5, response = $6
		WHERE workspace_id = $1 AND key = $2 AND claim = $3`, workspaceID, key, claim, status, contentType, response)
	if err != nil {
		return fmt.Errorf("store: complete idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a claimed key whose request should be tried again (it
// failed on our side, or conflicted with the state of the moment), if the claim still
// holds it: a stale holder cannot free a newer claim.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, workspaceID, key, claim string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE workspace_id = $1 AND key = $2 AND claim = $3`,
		workspaceID, key, claim); err != nil {
		return fmt.Errorf("store: release idempotency key: %w", err)
	}
	return nil
}
