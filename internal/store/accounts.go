package store

import (
	"context"
	"fmt"
	"time"
)

// Account is a customer company being onboarded.
type Account struct {
	ID          string    `db:"id" json:"id"`
	WorkspaceID string    `db:"workspace_id" json:"workspace_id"`
	Name        string    `db:"name" json:"name"`
	ExternalID  *string   `db:"external_id" json:"external_id"`
	Timezone    string    `db:"timezone" json:"timezone"`
	CSMID       *string   `db:"csm_id" json:"csm_id"`
	CreatedAt   time.Time `db:"created_at" json:"created_at"`
	// SlackChannel is the account's own Slack channel for CSM nudges; empty: a direct message.
	SlackChannel string `db:"slack_channel" json:"slack_channel"`
}

const accountColumns = `id, workspace_id, name, external_id, timezone, csm_id, created_at, slack_channel`

// CreateAccount inserts an account; a duplicate external id in the workspace is ErrConflict.
func (s *Store) CreateAccount(ctx context.Context, a Account) (Account, error) {
	err := s.db.GetContext(ctx, &a, `
		INSERT INTO accounts (workspace_id, name, external_id, timezone, csm_id) VALUES ($1, $2, $3, $4, $5)
		RETURNING `+accountColumns, a.WorkspaceID, a.Name, a.ExternalID, orDefault(a.Timezone, "UTC"), a.CSMID)
	if err != nil {
		return Account{}, fmt.Errorf("store: create account: %w", conflict(err))
	}
	return a, nil
}

// Account returns the account with the given id inside a workspace.
func (s *Store) Account(ctx context.Context, workspaceID, id string) (Account, error) {
	var a Account
	err := s.db.GetContext(ctx, &a, `SELECT `+accountColumns+` FROM accounts WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
	if err != nil {
		return Account{}, fmt.Errorf("store: account: %w", notFound(err))
	}
	return a, nil
}

// AccountByExternalID returns the account with the given external (CRM) id inside a workspace.
func (s *Store) AccountByExternalID(ctx context.Context, workspaceID, externalID string) (Account, error) {
	var a Account
	err := s.db.GetContext(ctx, &a, `SELECT `+accountColumns+` FROM accounts WHERE workspace_id = $1 AND external_id = $2`,
		workspaceID, externalID)
	if err != nil {
		return Account{}, fmt.Errorf("store: account by external id: %w", notFound(err))
	}
	return a, nil
}

// Accounts lists a workspace's accounts by name.
func (s *Store) Accounts(ctx context.Context, workspaceID string) ([]Account, error) {
	var list []Account
	err := s.db.SelectContext(ctx, &list, `SELECT `+accountColumns+` FROM accounts WHERE workspace_id = $1 ORDER BY name, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: accounts: %w", err)
	}
	return list, nil
}
