package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/onboard-oss/onboard/internal/onboarding"
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
	// ReminderSettings is the workspace's reminder policy; not Valid: the default.
	ReminderSettings JSON[onboarding.ReminderSettings] `db:"reminder_settings" json:"-"`
	// InviteDays is how long an invite link lasts.
	InviteDays int `db:"invite_days" json:"invite_days"`
}

// Reminders is the workspace's reminder policy, or nil for the default.
func (w Workspace) Reminders() *onboarding.ReminderSettings {
	if !w.ReminderSettings.Valid {
		return nil
	}
	r := w.ReminderSettings.V
	return &r
}

const workspaceColumns = `id, slug, name, timezone, created_at, email_from, accent_color, logo_url, slack_bot_token,
	slack_status, slack_error, slack_checked_at, holidays, reminder_settings, invite_days`

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
// settings can show a missing or revoked token. tokenUsed is the workspace's token the
// finding is about ("" for the server's): a finding about a token replaced meanwhile is
// dropped, so an old token's failure never marks a new one.
func (s *Store) SetSlackStatus(ctx context.Context, workspaceID, tokenUsed, status, errText string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE workspaces SET slack_status = $2, slack_error = $3, slack_checked_at = now()
		WHERE id = $1 AND slack_bot_token = $4`, workspaceID, status, errText, tokenUsed)
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

// WorkspaceSettings are what an admin changes in workspace settings, already checked.
type WorkspaceSettings struct {
	Name, EmailFrom, AccentColor, LogoURL string
	InviteDays                            int
	Reminders                             onboarding.ReminderSettings
	Holidays                              []string
	// Reminders equal to the defaults are stored as none: the workspace follows the
	// product's defaults, and a later change of them.
	// SlackBotToken, when not nil, replaces the workspace's token ("" removes it) and
	// forgets what the old one was found to be.
	SlackBotToken *string
}

// EditWorkspace changes a workspace's settings: edit gets the workspace as it is, locked
// until the change is written, and returns the settings to write (or an error, and
// nothing is written). Two admins saving at once do not lose each other's changes.
func (s *Store) EditWorkspace(ctx context.Context, id string, edit func(Workspace) (WorkspaceSettings, error)) (Workspace, error) {
	var w Workspace
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &w, `SELECT `+workspaceColumns+` FROM workspaces WHERE id = $1 FOR UPDATE`, id); err != nil {
			return notFound(err)
		}
		settings, err := edit(w)
		if err != nil {
			return err
		}
		w, err = updateWorkspaceSettings(ctx, tx, id, settings)
		return err
	})
	if err != nil {
		return Workspace{}, fmt.Errorf("store: edit workspace: %w", err)
	}
	return w, nil
}

// updateWorkspaceSettings writes an admin's settings and returns the workspace.
func updateWorkspaceSettings(ctx context.Context, tx *sqlx.Tx, id string, ws WorkspaceSettings) (Workspace, error) {
	var w Workspace
	token, replace := "", ws.SlackBotToken != nil
	if replace {
		token = *ws.SlackBotToken
	}
	err := tx.GetContext(ctx, &w, `
		UPDATE workspaces SET name = $2, email_from = $3, accent_color = $4, logo_url = $5, invite_days = $6,
			reminder_settings = $7, holidays = $8,
			slack_bot_token = CASE WHEN $9 THEN $10 ELSE slack_bot_token END,
			slack_status = CASE WHEN $9 THEN '' ELSE slack_status END,
			slack_error = CASE WHEN $9 THEN '' ELSE slack_error END,
			slack_checked_at = CASE WHEN $9 THEN NULL ELSE slack_checked_at END
		WHERE id = $1 RETURNING `+workspaceColumns,
		id, ws.Name, ws.EmailFrom, ws.AccentColor, ws.LogoURL, ws.InviteDays,
		JSON[onboarding.ReminderSettings]{V: ws.Reminders, Valid: ws.Reminders != onboarding.DefaultReminderSettings()},
		StringList(ws.Holidays), replace, token)
	if err != nil {
		return Workspace{}, notFound(err)
	}
	return w, nil
}
