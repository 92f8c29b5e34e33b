-- +goose Up
-- Notifications: every message to every recipient on every channel is recorded once, keyed
-- by its idempotency key, whatever becomes of it.

-- Branding and senders: emails carry the workspace's name, colour, logo and sender address.
ALTER TABLE workspaces
    ADD COLUMN email_from   text NOT NULL DEFAULT '',       -- '' sends from ONBOARD_EMAIL_FROM
    ADD COLUMN accent_color text NOT NULL DEFAULT '#4f46e5',
    ADD COLUMN logo_url     text NOT NULL DEFAULT '',
    -- Slack: a bot token of the workspace's own ('' uses SLACK_BOT_TOKEN) and what the last
    -- use of the token in force found ('' not tried, 'ok', 'missing', 'revoked').
    ADD COLUMN slack_bot_token text NOT NULL DEFAULT '',
    ADD COLUMN slack_status    text NOT NULL DEFAULT '',
    ADD COLUMN slack_error     text NOT NULL DEFAULT '',
    ADD COLUMN slack_checked_at timestamptz;

-- An account may have a Slack channel of its own, where its CSM nudges go.
ALTER TABLE accounts ADD COLUMN slack_channel text NOT NULL DEFAULT '';

-- A bounce or a complaint stops email to the address.
ALTER TABLE contacts
    ADD COLUMN email_status    text NOT NULL DEFAULT 'ok' CHECK (email_status IN ('ok', 'bounced', 'complained')),
    ADD COLUMN email_status_at timestamptz;

CREATE TABLE notifications (
    id              bigserial PRIMARY KEY,
    workspace_id    uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- What the message is about: an onboarding, or only an account (an invite).
    onboarding_id   uuid REFERENCES onboardings (id) ON DELETE CASCADE,
    account_id      uuid REFERENCES accounts (id) ON DELETE CASCADE,
    idempotency_key text NOT NULL UNIQUE,
    channel         text NOT NULL CHECK (channel IN ('email', 'slack')),
    template        text NOT NULL,
    recipient       text NOT NULL,
    subject         text NOT NULL DEFAULT '',
    status          text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'suppressed')),
    provider        text NOT NULL DEFAULT '',
    provider_id     text NOT NULL DEFAULT '',
    attempts        integer NOT NULL DEFAULT 0,
    error           text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX notifications_onboarding ON notifications (onboarding_id, id);
CREATE INDEX notifications_account ON notifications (account_id, id);
CREATE INDEX notifications_provider ON notifications (provider, provider_id) WHERE provider_id <> '';

-- The dev outbox: email that would have gone to Resend, shown at /dev/mail.
CREATE TABLE email_outbox (
    id              bigserial PRIMARY KEY,
    idempotency_key text NOT NULL UNIQUE,
    workspace_id    uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    from_addr       text NOT NULL,
    to_addr         text NOT NULL,
    subject         text NOT NULL,
    html            text NOT NULL,
    text            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- Webhook deliveries already handled, so a replayed delivery changes nothing.
CREATE TABLE webhook_deliveries (
    provider    text NOT NULL,
    delivery_id text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, delivery_id)
);

-- +goose Down
DROP TABLE webhook_deliveries, email_outbox, notifications;
ALTER TABLE contacts DROP COLUMN email_status, DROP COLUMN email_status_at;
ALTER TABLE accounts DROP COLUMN slack_channel;
ALTER TABLE workspaces DROP COLUMN email_from, DROP COLUMN accent_color, DROP COLUMN logo_url,
    DROP COLUMN slack_bot_token, DROP COLUMN slack_status, DROP COLUMN slack_error, DROP COLUMN slack_checked_at;
