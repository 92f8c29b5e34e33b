package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// WebhookEndpoint is a URL a workspace has events of its onboardings delivered to,
// signed with the endpoint's secret.
type WebhookEndpoint struct {
	ID          string `db:"id" json:"id"`
	WorkspaceID string `db:"workspace_id" json:"workspace_id"`
	URL         string `db:"url" json:"url"`
	// Secret signs deliveries ("whsec_…"); it is shown once, when the endpoint is made.
	Secret      string     `db:"secret" json:"-"`
	Events      StringList `db:"events" json:"events"`
	Description string     `db:"description" json:"description"`
	CreatedAt   time.Time  `db:"created_at" json:"created_at"`
}

const webhookColumns = `id, workspace_id, url, secret, events, description, created_at`

// MaxWebhookEndpoints bounds a workspace's endpoints.
const MaxWebhookEndpoints = 20

// CreateWebhookEndpoint adds an endpoint, unless the workspace has MaxWebhookEndpoints
// already (ErrConflict).
func (s *Store) CreateWebhookEndpoint(ctx context.Context, e WebhookEndpoint) (WebhookEndpoint, error) {
	err := s.db.GetContext(ctx, &e, `INSERT INTO webhook_endpoints (workspace_id, url, secret, events, description)
		SELECT $1, $2, $3, $4, $5 WHERE (SELECT count(*) FROM webhook_endpoints WHERE workspace_id = $1) < $6
		RETURNING `+webhookColumns, e.WorkspaceID, e.URL, e.Secret, e.Events, e.Description, MaxWebhookEndpoints)
	if err != nil {
		return WebhookEndpoint{}, fmt.Errorf("store: create webhook endpoint: %w", conflictIfNone(err))
	}
	return e, nil
}

// WebhookEndpoints lists a workspace's endpoints, oldest first.
func (s *Store) WebhookEndpoints(ctx context.Context, workspaceID string) ([]WebhookEndpoint, error) {
	var list []WebhookEndpoint
	err := s.db.SelectContext(ctx, &list, `SELECT `+webhookColumns+` FROM webhook_endpoints WHERE workspace_id = $1
		ORDER BY created_at, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: webhook endpoints: %w", err)
	}
	return list, nil
}

// WebhookEndpointsFor lists the endpoints of a workspace that want an event.
func (s *Store) WebhookEndpointsFor(ctx context.Context, workspaceID, event string) ([]WebhookEndpoint, error) {
	var list []WebhookEndpoint
	err := s.db.SelectContext(ctx, &list, `SELECT `+webhookColumns+` FROM webhook_endpoints WHERE workspace_id = $1
		AND events ? $2 ORDER BY created_at, id`, workspaceID, event)
	if err != nil {
		return nil, fmt.Errorf("store: webhook endpoints: %w", err)
	}
	return list, nil
}

// WebhookEndpoint returns one endpoint of a workspace.
func (s *Store) WebhookEndpoint(ctx context.Context, workspaceID, id string) (WebhookEndpoint, error) {
	var e WebhookEndpoint
	err := s.db.GetContext(ctx, &e, `SELECT `+webhookColumns+` FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2`,
		workspaceID, id)
	if err != nil {
		return WebhookEndpoint{}, fmt.Errorf("store: webhook endpoint: %w", notFound(err))
	}
	return e, nil
}

// DeleteWebhookEndpoint removes an endpoint of a workspace: nothing more is delivered to it.
func (s *Store) DeleteWebhookEndpoint(ctx context.Context, workspaceID, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM webhook_endpoints WHERE workspace_id = $1 AND id = $2`, workspaceID, id)
	if err != nil {
		return fmt.Errorf("store: delete webhook endpoint: %w", notFound(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete webhook endpoint: %w", ErrNotFound)
	}
	return nil
}

// WebhookDeliveries lists the latest deliveries to a workspace's endpoints, newest first.
func (s *Store) WebhookDeliveries(ctx context.Context, workspaceID string, limit int) ([]Notification, error) {
	var list []Notification
	err := s.db.SelectContext(ctx, &list, `SELECT `+notificationColumns+` FROM notifications
		WHERE workspace_id = $1 AND channel = $2 ORDER BY id DESC LIMIT $3`, workspaceID, ChannelWebhook, limit)
	if err != nil {
		return nil, fmt.Errorf("store: webhook deliveries: %w", err)
	}
	return list, nil
}

// conflictIfNone maps "no row inserted" (a guard in the INSERT said no) to ErrConflict.
func conflictIfNone(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrConflict
	}
	return conflict(err)
}
