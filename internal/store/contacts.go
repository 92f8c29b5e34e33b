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
}

const contactColumns = `id, workspace_id, account_id, name, email, created_at`

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
