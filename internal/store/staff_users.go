package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// StaffUser is a member of the vendor's team.
type StaffUser struct {
	ID           string    `db:"id" json:"id"`
	WorkspaceID  string    `db:"workspace_id" json:"workspace_id"`
	Email        string    `db:"email" json:"email"`
	Name         string    `db:"name" json:"name"`
	Role         string    `db:"role" json:"role"`
	PasswordHash string    `db:"password_hash" json:"-"`
	CreatedAt    time.Time `db:"created_at" json:"created_at"`
}

// Staff roles: an admin does everything, a CSM works on onboardings, a viewer looks.
const (
	RoleAdmin  = "admin"
	RoleCSM    = "csm"
	RoleViewer = "viewer"
)

// CanChange reports whether the user's role may change onboardings: viewers look. Every
// way in (pages, Slack buttons) asks this one question.
func (u StaffUser) CanChange() bool { return u.Role == RoleAdmin || u.Role == RoleCSM }

// CanAdminister reports whether the user's role may change the workspace itself.
func (u StaffUser) CanAdminister() bool { return u.Role == RoleAdmin }

const staffColumns = `id, workspace_id, email, name, role, password_hash, created_at`

// CreateStaffUser inserts a staff user.
func (s *Store) CreateStaffUser(ctx context.Context, u StaffUser) (StaffUser, error) {
	err := s.db.GetContext(ctx, &u, `
		INSERT INTO staff_users (workspace_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5)
		RETURNING `+staffColumns, u.WorkspaceID, u.Email, u.Name, u.Role, u.PasswordHash)
	if err != nil {
		return StaffUser{}, fmt.Errorf("store: create staff user: %w", conflict(err))
	}
	return u, nil
}

// StaffUser returns the staff user with the given id inside a workspace.
func (s *Store) StaffUser(ctx context.Context, workspaceID, id string) (StaffUser, error) {
	var u StaffUser
	err := s.db.GetContext(ctx, &u, `SELECT `+staffColumns+` FROM staff_users WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
	if err != nil {
		return StaffUser{}, fmt.Errorf("store: staff user: %w", notFound(err))
	}
	return u, nil
}

// StaffUserByEmail returns the staff user with the given email, case-insensitively.
func (s *Store) StaffUserByEmail(ctx context.Context, email string) (StaffUser, error) {
	var u StaffUser
	err := s.db.GetContext(ctx, &u, `SELECT `+staffColumns+` FROM staff_users WHERE lower(email) = lower($1)`, email)
	if err != nil {
		return StaffUser{}, fmt.Errorf("store: staff user by email: %w", notFound(err))
	}
	return u, nil
}

// StaffUsers lists a workspace's staff by name.
func (s *Store) StaffUsers(ctx context.Context, workspaceID string) ([]StaffUser, error) {
	var list []StaffUser
	err := s.db.SelectContext(ctx, &list, `SELECT `+staffColumns+` FROM staff_users WHERE workspace_id = $1 ORDER BY name, id`,
		workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: staff users: %w", err)
	}
	return list, nil
}

// Roles lists the staff roles, most powerful first.
var Roles = []string{RoleAdmin, RoleCSM, RoleViewer}

// ErrLastAdmin refuses a change that would leave a workspace without an admin.
var ErrLastAdmin = errors.New("store: a workspace keeps at least one admin")

// SetStaffRole changes a staff member's role (already checked); taking the last admin's
// role away is ErrLastAdmin. The workspace's admins are locked meanwhile, so two admins
// demoting each other at once cannot leave none.
func (s *Store) SetStaffRole(ctx context.Context, workspaceID, id, role string) (StaffUser, error) {
	var u StaffUser
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := s.keepAnAdmin(ctx, tx, workspaceID, id, role == RoleAdmin); err != nil {
			return err
		}
		return notFound(tx.GetContext(ctx, &u, `UPDATE staff_users SET role = $3 WHERE workspace_id = $1 AND id = $2
			RETURNING `+staffColumns, workspaceID, id, role))
	})
	if err != nil {
		return StaffUser{}, fmt.Errorf("store: set staff role: %w", err)
	}
	return u, nil
}

// DeleteStaffUser removes a staff member: their sessions end, the accounts they looked
// after have no CSM until one is chosen, and their name leaves the activity log's
// actors. Removing the last admin is ErrLastAdmin.
func (s *Store) DeleteStaffUser(ctx context.Context, workspaceID, id string) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := s.keepAnAdmin(ctx, tx, workspaceID, id, false); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM staff_users WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
		if err != nil {
			return notFound(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete staff user: %w", err)
	}
	return nil
}

// keepAnAdmin locks the workspace's admins and refuses when id is the only one and will
// not stay an admin.
func (s *Store) keepAnAdmin(ctx context.Context, tx *sqlx.Tx, workspaceID, id string, staysAdmin bool) error {
	var admins []string
	if err := tx.SelectContext(ctx, &admins, `SELECT id::text FROM staff_users WHERE workspace_id = $1 AND role = $2
		ORDER BY id FOR UPDATE`, workspaceID, RoleAdmin); err != nil {
		return err
	}
	if !staysAdmin && len(admins) == 1 && admins[0] == id {
		return ErrLastAdmin
	}
	return nil
}

// SetStaffPassword replaces a staff member's password hash and ends their other sessions
// (every one but keep, the session that changed it).
func (s *Store) SetStaffPassword(ctx context.Context, workspaceID, id, hash string, keep []byte) error {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff_users SET password_hash = $3 WHERE workspace_id = $1 AND id = $2`,
			workspaceID, id, hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE workspace_id = $1 AND staff_user_id = $2 AND id_hash <> $3`,
			workspaceID, id, keep)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: set staff password: %w", err)
	}
	return nil
}
