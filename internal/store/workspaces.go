package store

import (
	"context"
	"fmt"
	"time"
)

// Workspace is a vendor using Onboard.
type Workspace struct {
	ID        string    `db:"id" json:"id"`
	Slug      string    `db:"slug" json:"slug"`
	Name      string    `db:"name" json:"name"`
	Timezone  string    `db:"timezone" json:"timezone"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
	// EmailFrom is the workspace's sender address; empty sends from the server's default.
	EmailFrom   string `db:"email_from" json:"email_from"`
	AccentColor string `db:"accent_color" json:"accent_color"`
	LogoURL     string `db:"logo_url" json:"logo_url"`
	// SlackBotToken is the workspace's own Slack bot token; empty uses the server's.
	SlackBotToken string `db:"slack_bot_token" json:"-"`
	// SlackStatus is what the last use of the Slack token found: "", ok, missing or revoked.
	SlackStatus    string     `db:"slack_status" json:"slack_status"`
	SlackError     string     `db:"slack_error" json:"slack_error"`
	SlackCheckedAt *time.Time `db:"slack_checked_at" json:"slack_checked_at"`
	// Holidays are the workspace's days off, sorted dates ("2026-12-25").
	Holidays StringList `db:"holidays" json:"holidays"`
}

const workspaceColumns = `id, slug, name, timezone, created_at, email_from, accent_color, logo_url, slack_bot_token,
	slack_status, slack_error, slack_checked_at, holidays`

// CreateWorkspace inserts a workspace.
func (s *Store) CreateWorkspace(ctx context.Context, w Workspace) (Workspace, error) {
	err := s.db.GetContext(ctx, &w, `
		INSERT INTO workspaces (slug, name, timezone, email_from) VALUES ($1, $2, $3, $4)
		RETURNING `+workspaceColumns, w.Slug, w.Name, orDefault(w.Timezone, "UTC"), w.EmailFrom)
	if err != nil {
		return Workspace{}, fmt.Errorf("store: create workspace: %w", conflict(err))
	}
	return w, nil
}

// Workspace returns the workspace with the given id.
func (s *Store) Workspace(ctx context.Context, id string) (Workspace, error) {
	var w Workspace
	err := s.db.GetContext(ctx, &w, `SELECT `+workspaceColumns+` FROM workspaces WHERE id = $1`, id)
	if err != nil {
		return Workspace{}, fmt.Errorf("store: workspace: %w", notFound(err))
	}
	return w, nil
}

// WorkspaceBySlug returns the workspace with the given slug.
func (s *Store) WorkspaceBySlug(ctx context.Context, slug string) (Workspace, error) {
	var w Workspace
	err := s.db.GetContext(ctx, &w, `SELECT `+workspaceColumns+` FROM workspaces WHERE slug = $1`, slug)
	if err != nil {
		return Workspace{}, fmt.Errorf("store: workspace by slug: %w", notFound(err))
	}
	return w, nil
}

// SetSlackStatus records what using the workspace's Slack token found, so workspace
// settings can show a missing or revoked token.
func (s *Store) SetSlackStatus(ctx context.Context, workspaceID, status, errText string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE workspaces SET slack_status = $2, slack_error = $3, slack_checked_at = now()
		WHERE id = $1`, workspaceID, status, errText)
	if err != nil {
		return fmt.Errorf("store: set slack status: %w", err)
	}
	return nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// SetWorkspaceHolidays replaces a workspace's holiday list (already checked and sorted).
func (s *Store) SetWorkspaceHolidays(ctx context.Context, id string, days []string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE workspaces SET holidays = $2 WHERE id = $1`, id, StringList(days))
	if err != nil {
		return fmt.Errorf("store: set holidays: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: set holidays: %w", ErrNotFound)
	}
	return nil
}
