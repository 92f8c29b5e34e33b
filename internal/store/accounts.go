package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/onboard-oss/onboard/internal/input"
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
	// AllowedDomains, when not empty, are the only email domains its contacts may have.
	AllowedDomains StringList `db:"allowed_domains" json:"allowed_domains"`
	// ArchivedAt is set while the account is archived: out of lists and the new-onboarding
	// form; its onboardings and contacts stay as they are.
	ArchivedAt *time.Time `db:"archived_at" json:"archived_at"`
}

const accountColumns = `id, workspace_id, name, external_id, timezone, csm_id, created_at, slack_channel, allowed_domains,
	archived_at`

// AllowsEmail reports whether an address may be one of the account's contacts.
func (a Account) AllowsEmail(email string) bool {
	if len(a.AllowedDomains) == 0 {
		return true
	}
	at := strings.LastIndexByte(email, '@')
	domain := strings.ToLower(email[at+1:])
	for _, d := range a.AllowedDomains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// CreateAccount inserts an account; a duplicate external id in the workspace is ErrConflict.
func (s *Store) CreateAccount(ctx context.Context, a Account) (Account, error) {
	err := s.db.GetContext(ctx, &a, `
		INSERT INTO accounts (workspace_id, name, external_id, timezone, csm_id, slack_channel, allowed_domains)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		RETURNING `+accountColumns, a.WorkspaceID, a.Name, a.ExternalID, orDefault(a.Timezone, "UTC"), a.CSMID, a.SlackChannel,
		a.AllowedDomains)
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

// AccountFilter picks accounts for a list.
type AccountFilter struct {
	// Query matches a part of the name or the external id, case-insensitively.
	Query string
	// Archived lists the archived accounts instead of the others.
	Archived bool
	After    *input.Cursor
	Limit    int
}

// CursorOfAccount is where a list continues after a.
func CursorOfAccount(a Account) input.Cursor { return input.Cursor{CreatedAt: a.CreatedAt, ID: a.ID} }

// ListAccounts lists a workspace's accounts, newest first.
func (s *Store) ListAccounts(ctx context.Context, workspaceID string, f AccountFilter) ([]Account, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	afterTime, afterID, ok := after(f.After)
	if !ok {
		return nil, nil
	}
	like := containing(f.Query)
	var list []Account
	err := s.db.SelectContext(ctx, &list, `SELECT `+accountColumns+` FROM accounts
		WHERE workspace_id = $1 AND (archived_at IS NOT NULL) = $2
			AND ($3 = '%%' OR name ILIKE $3 OR external_id ILIKE $3)
			AND ($5::timestamptz IS NULL OR (created_at, id) < ($5, $6::uuid))
		ORDER BY created_at DESC, id DESC LIMIT $4`, workspaceID, f.Archived, like, f.Limit, afterTime, afterID)
	if err != nil {
		return nil, fmt.Errorf("store: list accounts: %w", err)
	}
	return list, nil
}

// UpdateAccount writes an account's name, external id, time zone, CSM, Slack channel and
// allowed domains; an external id another account has is ErrConflict.
func (s *Store) UpdateAccount(ctx context.Context, a Account) (Account, error) {
	err := s.db.GetContext(ctx, &a, `
		UPDATE accounts SET name = $3, external_id = $4, timezone = $5, csm_id = $6, slack_channel = $7, allowed_domains = $8
		WHERE workspace_id = $1 AND id = $2 RETURNING `+accountColumns,
		a.WorkspaceID, a.ID, a.Name, a.ExternalID, orDefault(a.Timezone, "UTC"), a.CSMID, a.SlackChannel, a.AllowedDomains)
	if err != nil {
		return Account{}, fmt.Errorf("store: update account: %w", notFound(conflict(err)))
	}
	return a, nil
}

// SetAccountArchived archives an account or brings it back.
func (s *Store) SetAccountArchived(ctx context.Context, workspaceID, id string, archived bool) (Account, error) {
	var a Account
	err := s.db.GetContext(ctx, &a, `UPDATE accounts SET archived_at = CASE WHEN $3 THEN coalesce(archived_at, now()) END
		WHERE workspace_id = $1 AND id = $2 RETURNING `+accountColumns, workspaceID, id, archived)
	if err != nil {
		return Account{}, fmt.Errorf("store: archive account: %w", notFound(err))
	}
	return a, nil
}
