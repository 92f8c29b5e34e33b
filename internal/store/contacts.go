package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
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
	// ArchivedAt is set while the contact is archived: no email, no sign-in, no portal.
	ArchivedAt *time.Time `db:"archived_at" json:"archived_at"`
	// ReminderEmails is which reminder emails the contact wants (ReminderEmailsAll, …).
	ReminderEmails string `db:"reminder_emails" json:"reminder_emails"`
	// Timezone is the contact's own IANA time zone ("" for the account's): reminders of
	// tasks assigned to them go out in its working hours.
	Timezone string `db:"timezone" json:"timezone"`
}

// A contact's choice of reminder emails.
const (
	ReminderEmailsAll     = "all"
	ReminderEmailsOverdue = "overdue"
	ReminderEmailsNone    = "none"
)

// ReminderEmailChoices are the choices, in the order a page offers them.
var ReminderEmailChoices = []string{ReminderEmailsAll, ReminderEmailsOverdue, ReminderEmailsNone}

// Contact email statuses.
const (
	EmailOK         = "ok"
	EmailBounced    = "bounced"
	EmailComplained = "complained"
)

const contactColumns = `id, workspace_id, account_id, name, email, created_at, email_status, email_status_at, archived_at,
	reminder_emails, timezone`

// CreateContact inserts a contact; the same email twice on one account is ErrConflict.
func (s *Store) CreateContact(ctx context.Context, c Contact) (Contact, error) {
	err := s.db.GetContext(ctx, &c, `
		INSERT INTO contacts (workspace_id, account_id, name, email, timezone) VALUES ($1, $2, $3, $4, $5)
		RETURNING `+contactColumns, c.WorkspaceID, c.AccountID, c.Name, c.Email, c.Timezone)
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

// Contacts lists an account's contacts by name, leaving out the archived: they are the
// people who get the account's email and use its portal.
func (s *Store) Contacts(ctx context.Context, workspaceID, accountID string) ([]Contact, error) {
	return s.contacts(ctx, workspaceID, accountID, false)
}

// AllContacts lists an account's contacts by name, the archived ones last.
func (s *Store) AllContacts(ctx context.Context, workspaceID, accountID string) ([]Contact, error) {
	return s.contacts(ctx, workspaceID, accountID, true)
}

func (s *Store) contacts(ctx context.Context, workspaceID, accountID string, archived bool) ([]Contact, error) {
	var list []Contact
	err := s.db.SelectContext(ctx, &list, `SELECT `+contactColumns+` FROM contacts
		WHERE workspace_id = $1 AND account_id = $2 AND ($3 OR archived_at IS NULL)
		ORDER BY archived_at IS NOT NULL, name, id`, workspaceID, accountID, archived)
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
		AND archived_at IS NULL ORDER BY created_at LIMIT 20`, email)
	if err != nil {
		return nil, fmt.Errorf("store: contacts by email: %w", err)
	}
	return list, nil
}

// UpdateContact writes a contact's name, email and time zone; an email another contact
// of the account has is ErrConflict.
func (s *Store) UpdateContact(ctx context.Context, c Contact) (Contact, error) {
	err := s.db.GetContext(ctx, &c, `UPDATE contacts SET name = $3, email = $4, timezone = $5,
			email_status = CASE WHEN lower(email) = lower($4) THEN email_status ELSE 'ok' END,
			email_status_at = CASE WHEN lower(email) = lower($4) THEN email_status_at END
		WHERE workspace_id = $1 AND id = $2 RETURNING `+contactColumns, c.WorkspaceID, c.ID, c.Name, c.Email, c.Timezone)
	if err != nil {
		return Contact{}, fmt.Errorf("store: update contact: %w", notFound(conflict(err)))
	}
	return c, nil
}

// SetContactArchived archives a contact or brings them back. Archiving signs them out
// everywhere and spends their sign-in links, in one transaction.
func (s *Store) SetContactArchived(ctx context.Context, workspaceID, id string, archived bool) (Contact, error) {
	var c Contact
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &c, `UPDATE contacts SET archived_at = CASE WHEN $3 THEN coalesce(archived_at, now()) END
			WHERE workspace_id = $1 AND id = $2 RETURNING `+contactColumns, workspaceID, id, archived); err != nil {
			return notFound(err)
		}
		if !archived {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE workspace_id = $1 AND contact_id = $2`, workspaceID, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM magic_links WHERE workspace_id = $1 AND contact_id = $2`, workspaceID, id)
		return err
	})
	if err != nil {
		return Contact{}, fmt.Errorf("store: archive contact: %w", err)
	}
	return c, nil
}

// SetReminderEmails records which reminder emails a contact wants (one of
// ReminderEmailChoices, already checked).
func (s *Store) SetReminderEmails(ctx context.Context, workspaceID, id, choice string) (Contact, error) {
	return s.setContactChoice(ctx, `UPDATE contacts SET reminder_emails = $3 WHERE workspace_id = $1 AND id = $2
		RETURNING `+contactColumns, workspaceID, id, choice)
}

// setContactChoice runs one of the contact's own settings' updates and returns the contact.
func (s *Store) setContactChoice(ctx context.Context, query, workspaceID, id, value string) (Contact, error) {
	var c Contact
	if err := s.db.GetContext(ctx, &c, query, workspaceID, id, value); err != nil {
		return Contact{}, fmt.Errorf("store: contact setting: %w", notFound(err))
	}
	return c, nil
}

// SetContactTimezone records a contact's own time zone ("" for the account's; already
// checked).
func (s *Store) SetContactTimezone(ctx context.Context, workspaceID, id, zone string) (Contact, error) {
	return s.setContactChoice(ctx, `UPDATE contacts SET timezone = $3 WHERE workspace_id = $1 AND id = $2
		RETURNING `+contactColumns, workspaceID, id, zone)
}
