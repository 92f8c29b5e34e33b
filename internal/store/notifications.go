package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Notification is one message to one recipient on one channel, recorded whatever became
// of it: the notification log staff read per onboarding.
type Notification struct {
	ID           int64      `db:"id" json:"id"`
	WorkspaceID  string     `db:"workspace_id" json:"workspace_id"`
	OnboardingID *string    `db:"onboarding_id" json:"onboarding_id"`
	AccountID    *string    `db:"account_id" json:"account_id"`
	Key          string     `db:"idempotency_key" json:"idempotency_key"`
	Channel      string     `db:"channel" json:"channel"`
	Template     string     `db:"template" json:"template"`
	Recipient    string     `db:"recipient" json:"recipient"`
	Subject      string     `db:"subject" json:"subject"`
	Status       string     `db:"status" json:"status"`
	Provider     string     `db:"provider" json:"provider"`
	ProviderID   string     `db:"provider_id" json:"provider_id"`
	Attempts     int        `db:"attempts" json:"attempts"`
	Error        string     `db:"error" json:"error"`
	CreatedAt    time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt    time.Time  `db:"updated_at" json:"updated_at"`
	SentAt       *time.Time `db:"sent_at" json:"sent_at"`
}

// Notification channels and statuses.
const (
	ChannelEmail   = "email"
	ChannelSlack   = "slack"
	ChannelWebhook = "webhook"

	NotificationSending    = "sending"    // an attempt is under way, or its outcome is unknown
	NotificationSent       = "sent"       // the provider accepted it
	NotificationFailed     = "failed"     // refused for good (an invalid address, say)
	NotificationSuppressed = "suppressed" // not sent: the address bounced or complained
)

const notificationColumns = `id, workspace_id, onboarding_id, account_id, idempotency_key, channel, template, recipient, subject,
	status, provider, provider_id, attempts, error, created_at, updated_at, sent_at`

// StatusLabel says the status as people read it.
func (n Notification) StatusLabel() string {
	return map[string]string{NotificationSending: "Sending", NotificationSent: "Sent", NotificationFailed: "Failed",
		NotificationSuppressed: "Not sent"}[n.Status]
}

// Done reports whether the message needs no more attempts.
func (n Notification) Done() bool {
	return n.Status == NotificationSent || n.Status == NotificationSuppressed || n.Status == NotificationFailed
}

// BeginNotification records an attempt at a message: the first creates its row, each later
// one counts one more attempt. A message already done is returned as it is, uncounted, so
// the caller does not send it again.
func (s *Store) BeginNotification(ctx context.Context, n Notification) (Notification, error) {
	var got Notification
	err := s.db.GetContext(ctx, &got, `
		INSERT INTO notifications (workspace_id, onboarding_id, account_id, idempotency_key, channel, template, recipient,
			subject, status, attempts)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'sending', 1)
		ON CONFLICT (idempotency_key) DO UPDATE SET attempts = notifications.attempts + 1, updated_at = now(),
			recipient = EXCLUDED.recipient, subject = EXCLUDED.subject
		WHERE notifications.status = 'sending'
		RETURNING `+notificationColumns,
		n.WorkspaceID, n.OnboardingID, n.AccountID, n.Key, n.Channel, n.Template, n.Recipient, n.Subject)
	if errors.Is(err, sql.ErrNoRows) { // done already: the WHERE kept it as it was
		err = s.db.GetContext(ctx, &got, `SELECT `+notificationColumns+` FROM notifications WHERE idempotency_key = $1`, n.Key)
	}
	if err != nil {
		return Notification{}, fmt.Errorf("store: begin notification: %w", conflict(err))
	}
	return got, nil
}

// FinishNotification records how an attempt ended: its status, the provider and the id it
// gave the message, or the error. A message already sent stays sent.
func (s *Store) FinishNotification(ctx context.Context, key, status, provider, providerID, errText string) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE notifications SET status = $2, provider = $3, provider_id = $4, error = $5, updated_at = now(),
			sent_at = CASE WHEN $2 = 'sent' THEN now() END
		WHERE idempotency_key = $1 AND status <> 'sent'`, key, status, provider, providerID, errText)
	if err != nil {
		return fmt.Errorf("store: finish notification: %w", err)
	}
	return nil
}

// NoteNotificationError records why the latest attempt failed, keeping the message open
// for the next one.
func (s *Store) NoteNotificationError(ctx context.Context, key, errText string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE notifications SET error = $2, updated_at = now()
		WHERE idempotency_key = $1 AND status = 'sending'`, key, errText)
	if err != nil {
		return fmt.Errorf("store: note notification error: %w", err)
	}
	return nil
}

// Notifications lists, newest first, the messages about one onboarding of a workspace and
// those about its account alone (invites, sign-in links), at most limit.
func (s *Store) Notifications(ctx context.Context, workspaceID string, o Onboarding, limit int) ([]Notification, error) {
	var list []Notification
	err := s.db.SelectContext(ctx, &list, `SELECT `+notificationColumns+` FROM notifications
		WHERE workspace_id = $1 AND (onboarding_id = $2 OR (onboarding_id IS NULL AND account_id = $3))
		ORDER BY id DESC LIMIT $4`, workspaceID, o.ID, o.AccountID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: notifications: %w", notFound(err))
	}
	return list, nil
}

// NotificationByProviderID returns the message a provider knows by id.
func (s *Store) NotificationByProviderID(ctx context.Context, provider, providerID string) (Notification, error) {
	var n Notification
	err := s.db.GetContext(ctx, &n, `SELECT `+notificationColumns+` FROM notifications
		WHERE provider = $1 AND provider_id = $2 AND provider_id <> ''`, provider, providerID)
	if err != nil {
		return Notification{}, fmt.Errorf("store: notification by provider id: %w", notFound(err))
	}
	return n, nil
}

// FreezeNotificationBody keeps body as the message's body unless it has one already, and
// returns the body kept: a retry sends what the first attempt sent.
func (s *Store) FreezeNotificationBody(ctx context.Context, key, body string) (string, error) {
	var kept string
	err := s.db.GetContext(ctx, &kept, `UPDATE notifications SET body = CASE WHEN body = '' THEN $2 ELSE body END
		WHERE idempotency_key = $1 RETURNING body`, key, body)
	if err != nil {
		return "", fmt.Errorf("store: notification body: %w", notFound(err))
	}
	return kept, nil
}
