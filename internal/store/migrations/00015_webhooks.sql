-- +goose Up
-- Outbound webhooks: where a workspace wants to hear of its onboardings' events, each
-- signed with the endpoint's own secret (Standard Webhooks). Deliveries are recorded in
-- the notification log like email and Slack messages, under the channel 'webhook'.
CREATE TABLE webhook_endpoints (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    url          text NOT NULL,
    secret       text NOT NULL,
    events       jsonb NOT NULL DEFAULT '[]',
    description  text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_workspace ON webhook_endpoints (workspace_id, created_at);

ALTER TABLE notifications DROP CONSTRAINT notifications_channel_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_channel_check CHECK (channel IN ('email', 'slack', 'webhook'));

-- +goose Down
DELETE FROM notifications WHERE channel = 'webhook';
ALTER TABLE notifications DROP CONSTRAINT notifications_channel_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_channel_check CHECK (channel IN ('email', 'slack'));
DROP TABLE webhook_endpoints;
