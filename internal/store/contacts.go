package store

import (
	"context"
	"fmt"
	"time"
)

// Contact is a person at a customer account with portal access.
type Contact struct {
	ID          string    `db:"id" json:"id"`
	WorkspaceID string    `db:"workspace_id" json:"workspace_id"`
	AccountID   string    `db:"account_id" json:"account_id"`
	Name        string    `db:"name" json:"name"`
	Email       string    `db:"email" json:"email"`
	CreatedAt   time.Time `db:"created_at" json:"created_at"`
	// EmailStatus is ok until the address bounces or complains; then no email goes to it.
	EmailStatus   string     `db:"email_status" json:"email_status"`
	EmailStatusAt *time.Time `db:"email_status_at" json:"email_status_at"`
}

// Contact email statuses.
const (
	EmailOK         = "ok"
	EmailBounced    = "bounced"
	EmailComplained = "complained"
)

const contactColumns = `id, workspace_id, account_id, name, email, created_at, email_status, email_status_at`

// CreateContact inserts a contact; the same email twice on one account is ErrConflict.
func (s *Store) CreateContact(ctx context.Context, c Contact) (Contact, error) {
	err := s.db.GetContext(ctx, &c, `
		INSERT INTO contacts (workspace_id, account_id, name, email) VALUES ($1, $2, $3, $4)
		RETURNING `+contactColumns, c.WorkspaceID, c.AccountID, c.Name, c.Email)
	if err != nil {
		return Contact{}, fmt.Errorf("store: create contact: %w", conflict(err))
	}
	return c, nil
}

// Contact returns the contact with the given id inside a workspace.
func (s *Store) Contact(ctx context.Context, workspaceID, id string) (Contact, error) {
	var c Contact
	err := s.db.GetContext(ctx, &c, `SELECT `+contactColumns+` FROM contacts WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
	if err != nil {
		return Contact{}, fmt.Errorf("store: contact: %w", notFound(err))
	}
	return c, nil
}

// Contacts lists an account's contacts by name.
func (s *Store) Contacts(ctx context.Context, workspaceID, accountID string) ([]Contact, error) {
	var list []Contact
	err := s.db.SelectContext(ctx, &list, `SELECT `+contactColumns+` FROM contacts
		WHERE workspace_id = $1 AND account_id = $2 ORDER BY name, id`, workspaceID, accountID)
	if err != nil {
		return nil, fmt.Errorf("store: contacts: %w", notFound(err))
	}
	return list, nil
}

// SetContactEmailStatus marks every contact of a workspace with the given address as
// bounced or complained (or ok again) and returns them.
func (s *Store) SetContactEmailStatus(ctx context.Context, workspaceID, email, status string) ([]Contact, error) {
	var list []Contact
	err := s.db.SelectContext(ctx, &list, `UPDATE contacts SET email_status = $3, email_status_at = now()
		WHERE workspace_id = $1 AND lower(email) = lower($2) RETURNING `+contactColumns, workspaceID, email, status)
	if err != nil {
		return nil, fmt.Errorf("store: set contact email status: %w", err)
	}
	return list, nil
}

// ContactsByEmail returns every contact with the given address, in any workspace: a
// person asking for a sign-in link may be a customer of several vendors.
func (s *Store) ContactsByEmail(ctx context.Context, email string) ([]Contact, error) {
	var list []Contact
	err := s.db.SelectContext(ctx, &list, `SELECT `+contactColumns+` FROM contacts WHERE lower(email) = lower($1)
		ORDER BY created_at LIMIT 20`, email)
	if err != nil {
		return nil, fmt.Errorf("store: contacts by email: %w", err)
	}
	return list, nil
}
