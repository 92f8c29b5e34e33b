package store

import (
	"context"
	"fmt"
	"time"
)

// OutboxEmail is an email kept in the dev outbox instead of being sent.
type OutboxEmail struct {
	ID          int64     `db:"id"`
	Key         string    `db:"idempotency_key"`
	WorkspaceID string    `db:"workspace_id"`
	From        string    `db:"from_addr"`
	To          string    `db:"to_addr"`
	Subject     string    `db:"subject"`
	HTML        string    `db:"html"`
	Text        string    `db:"text"`
	CreatedAt   time.Time `db:"created_at"`
}

// AddOutboxEmail keeps an email once per idempotency key and returns its id; adding the
// same key again returns the first one's id and changes nothing.
func (s *Store) AddOutboxEmail(ctx context.Context, e OutboxEmail) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `
		INSERT INTO email_outbox (idempotency_key, workspace_id, from_addr, to_addr, subject, html, text)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
		RETURNING id`, e.Key, e.WorkspaceID, e.From, e.To, e.Subject, e.HTML, e.Text)
	if err != nil {
		return 0, fmt.Errorf("store: add outbox email: %w", conflict(err))
	}
	return id, nil
}

const outboxColumns = `id, idempotency_key, workspace_id, from_addr, to_addr, subject, html, text, created_at`

// OutboxEmail returns the outbox email with the given id.
func (s *Store) OutboxEmail(ctx context.Context, id int64) (OutboxEmail, error) {
	var e OutboxEmail
	if err := s.db.GetContext(ctx, &e, `SELECT `+outboxColumns+` FROM email_outbox WHERE id = $1`, id); err != nil {
		return OutboxEmail{}, fmt.Errorf("store: outbox email: %w", notFound(err))
	}
	return e, nil
}

// OutboxEmails lists the newest emails of the outbox, at most limit.
func (s *Store) OutboxEmails(ctx context.Context, limit int) ([]OutboxEmail, error) {
	var list []OutboxEmail
	err := s.db.SelectContext(ctx, &list, `SELECT `+outboxColumns+` FROM email_outbox ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: outbox emails: %w", err)
	}
	return list, nil
}
